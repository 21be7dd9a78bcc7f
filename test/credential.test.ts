import { testCredential } from './helpers/credential-test';
import { credentialTypes } from './helpers/engine';
import { useSandbox } from './helpers/setup';

const t = useSandbox();

describe('Referral Factory Public API credential', () => {
	it('defaults the Base URL to the public v2 API and keeps the token in a password field', () => {
		const credential = credentialTypes.referralFactoryPublicApi;
		const token = credential.properties.find((p) => p.name === 'accessToken')!;
		const baseUrl = credential.properties.find((p) => p.name === 'baseUrl')!;

		expect(credential.displayName).toBe('Referral Factory Public API');
		expect(token).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
		expect(baseUrl.default).toBe('https://referral-factory.com/api/v2');
	});

	it('tests successfully against the sandbox with the right token, with one cheap request', async () => {
		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl });

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const requests = await t.client.requests();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ method: 'GET', path: '/api/v2/campaigns', query: { per_page: '1' } });
		expect(requests[0].headers.authorization).toBe(`Bearer ${t.sandbox.token}`);
	});

	it('accepts a Base URL with a trailing slash', async () => {
		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: `${t.sandbox.baseUrl}/` });

		expect(result.status).toBe('OK');
	});

	it('tells the user to copy the token again when it is rejected', async () => {
		const result = await testCredential({ accessToken: 'rf_revoked_token', baseUrl: t.sandbox.baseUrl });

		expect(result.status).toBe('Error');
		expect(result.message).toContain('rejected the access token');
		expect(result.message).toContain('generating a new one revokes the old one');
		expect(result.message).not.toContain('rf_revoked_token');
	});

	it('tells the user to check the Base URL when there is no API there', async () => {
		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: `${t.sandbox.url}/api/v9` });

		expect(result.status).toBe('Error');
		expect(result.message).toContain('Check that it ends with /api/v2');
	});

	it('does not pass a Base URL that answers with something other than the API', async () => {
		// The sandbox's control route answers 200 with JSON that has no `data` list.
		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: `${t.sandbox.url}/__sandbox/config?` });

		expect(result.status).toBe('Error');
		expect(result.message).toContain('No Referral Factory API answered at this Base URL');
	});

	it('says when the token is over the rate limit', async () => {
		await t.client.configure({ rateLimit: 0 });

		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl });

		expect(result).toEqual({ status: 'Error', message: expect.stringContaining('too many requests') });
	});

	it('names the connection being refused when nothing listens at the Base URL', async () => {
		const result = await testCredential({ accessToken: t.sandbox.token, baseUrl: 'http://127.0.0.1:9/api/v2' });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the connection|ECONNREFUSED/);
	});
});
