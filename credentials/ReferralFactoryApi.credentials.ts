import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class ReferralFactoryApi implements ICredentialType {
	name = 'referralFactoryApi';

	displayName = 'Referral Factory API';

	icon: Icon = {
		light: 'file:../icons/referralFactory.svg',
		dark: 'file:../icons/referralFactory.dark.svg',
	};

	documentationUrl =
		'https://github.com/referral-factory-n8n/n8n-nodes-referral-factory-api#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In Referral Factory, open Settings → Webhooks & API and copy the API Access Token. An account has one token: generating a new one revokes the old one.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://referral-factory.com/api/v2',
			placeholder: 'e.g. https://referral-factory.com/api/v2',
			description:
				'Leave as it is unless you point the node at a local Referral Factory sandbox (for example http://127.0.0.1:4010/api/v2)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// GET /campaigns?per_page=1 is the cheapest authenticated call the public v2 API documents
	// (see shared/referral-factory-api.md §3.8).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/campaigns',
			method: 'GET',
			qs: { per_page: 1 },
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Referral Factory rejected the access token. Copy it again from Settings → Webhooks & API: an account has one token, and generating a new one revokes the old one.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Referral Factory API at this Base URL. Check it ends with /api/v2 (the default is https://referral-factory.com/api/v2).',
				},
			},
		],
	};
}
