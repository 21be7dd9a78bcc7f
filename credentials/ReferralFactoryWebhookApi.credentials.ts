import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret of a dashboard webhook (Referral Factory → Settings → Webhooks lets the user add headers to its
 * deliveries: docs/referral-factory-api.md, N5). Kept in a credential so it is encrypted and never in the
 * workflow's JSON. The Referral Factory Trigger compares it in constant time and answers 401 to a delivery
 * without it. It is never sent anywhere, so its test (the trigger's `testWebhookSecret`) checks it locally.
 */
export class ReferralFactoryWebhookApi implements ICredentialType {
	name = 'referralFactoryWebhookApi';

	displayName = 'Referral Factory Webhook Secret API';

	icon: Icon = {
		light: 'file:../icons/referralFactory.svg',
		dark: 'file:../icons/referralFactory.dark.svg',
	};

	documentationUrl =
		'https://cdn.jsdelivr.net/npm/n8n-nodes-referral-factory-api/docs/credentials.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Webhook-Secret',
			required: true,
			description: 'The header you add to the webhook in Referral Factory (Settings → Webhooks → Headers)',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The value of that header: a long random string (at least 16 characters) that only Referral Factory and this credential know',
		},
	];
}
