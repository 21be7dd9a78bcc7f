import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const TOKEN_REJECTED =
	'Referral Factory rejected the access token. Copy it again from Settings → Webhooks & API: an account has one token, and generating a new one revokes the old one.';
const RATE_LIMITED =
	'Referral Factory says this token made too many requests (the limit is 600 a minute). Wait a minute and test again.';
const NOT_THE_API =
	'No Referral Factory API answered at this Base URL. Check that it ends with /api/v2 (the default is https://referral-factory.com/api/v2) and that the access token is current.';

/**
 * The name is our own: Referral Factory's own package (n8n-nodes-referral-factory) has a credential named
 * `referralFactoryApi`, and n8n keeps one credential type per name, so with both packages installed one of them
 * would send requests with the other's fields.
 */
export class ReferralFactoryPublicApi implements ICredentialType {
	name = 'referralFactoryPublicApi';

	displayName = 'Referral Factory Public API';

	icon: Icon = {
		light: 'file:../icons/referralFactory.svg',
		dark: 'file:../icons/referralFactory.dark.svg',
	};

	// No #fragment: n8n appends its tracking query after the URL, which would break a fragment.
	documentationUrl =
		'https://cdn.jsdelivr.net/npm/n8n-nodes-referral-factory-api/docs/credentials.md';

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
		{
			displayName: 'Rate Limit (Requests)',
			name: 'rateLimit',
			type: 'number',
			default: 600,
			typeOptions: { minValue: 1, maxValue: 600 },
			description:
				'The most requests the node sends with this token per rate-limit window (at most 600). Referral Factory allows 600 a minute and may block IPs that go over. If several n8n instances or queue-mode workers share this token, divide 600 between them (for example 200 each for three workers).',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindow',
			type: 'number',
			default: 60,
			typeOptions: { minValue: 1, maxValue: 3600 },
			description: 'The length of the rolling window the rate limit counts in',
		},
		{
			displayName: 'Adaptive Pacing',
			name: 'adaptivePacing',
			type: 'boolean',
			default: true,
			description:
				'Whether to slow down when Referral Factory says the token is over its limit although this n8n is under its own (another worker or instance uses the token), and speed up again while it does not',
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
	// (docs/referral-factory-api.md, C1). n8n's credential tester cannot see the status code of a failed request (the
	// error it gets has no `cause`), so `responseCode` rules never fire; instead HTTP errors are let through and
	// the rules read the body, in order. The 401/429 bodies are not published: both the documented
	// `{code, message}` shape and Laravel's default `{message}` are matched (docs/referral-factory-api.md, A9, A10).
	// Anything without the list's `data` is not the Referral Factory API.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/campaigns',
			method: 'GET',
			qs: { per_page: 1 },
			headers: { Accept: 'application/json' },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'code', value: 401, message: TOKEN_REJECTED } },
			{ type: 'responseSuccessBody', properties: { key: 'message', value: 'Unauthenticated.', message: TOKEN_REJECTED } },
			{ type: 'responseSuccessBody', properties: { key: 'code', value: 429, message: RATE_LIMITED } },
			{ type: 'responseSuccessBody', properties: { key: 'message', value: 'Too Many Attempts.', message: RATE_LIMITED } },
			{ type: 'responseSuccessBody', properties: { key: 'data', value: undefined, message: NOT_THE_API } },
		],
	};
}
