import { addCredential, runReferralFactoryNode, type NodeRun } from './helpers/engine';
import { addReferrerParameters, operationParameters, useSandbox } from './helpers/setup';
import { qualifiedLead } from './operations/reward/setup';

const t = useSandbox();

const nathan = [{ firstName: 'Nathan', email: 'nathan@example.com' }];

function expectApiError(run: NodeRun, httpCode: string) {
	expect(run.items).toEqual([]);
	expect(run.error).toBeDefined();
	expect(run.error!.name).toBe('NodeApiError');
	expect((run.error as { httpCode?: string }).httpCode).toBe(httpCode);
	return run.error!;
}

describe('API failures become NodeApiErrors in the user\'s words', () => {
	it('401: names the access token and where to get a new one', async () => {
		const credential = addCredential({ accessToken: 'rf_wrong_token_that_must_not_leak', baseUrl: t.sandbox.baseUrl });
		const run = await runReferralFactoryNode({ credential, parameters: addReferrerParameters(), input: nathan });

		const error = expectApiError(run, '401');
		expect(error.message).toBe('Referral Factory rejected the access token [item 0]');
		expect(error.description).toContain('Settings → Webhooks & API');
		expect(error.description).toContain('revokes the old one');
		// The credential by the name n8n shows for it (not the vendor's "Referral Factory API").
		expect(error.description).toContain("Open the Referral Factory Public API credential");
	});

	it('404: names the campaign that was not found', async () => {
		const run = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ campaignId: { __rl: true, mode: 'id', value: '999' } }),
			input: nathan,
		});

		const error = expectApiError(run, '404');
		expect(error.message).toBe('Campaign 999 was not found [item 0]');
		expect(error.description).toContain('Campaigns → Edit Campaign → Integration → API');
	});

	it('422 with the documented body: lists each field in the node\'s words with the API\'s message', async () => {
		const run = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				campaignId: { __rl: true, mode: 'id', value: '3' },
				additionalFields: { customFields: { field: [{ label: 'Shoe Size', value: '42' }] } },
			}),
			input: nathan,
		});

		const error = expectApiError(run, '422');
		expect(error.message).toBe(
			"Referral Factory did not accept the request: 'Custom Fields › Field 1 › Field Name or ID': The selected meta.0.field is invalid; 'Custom Fields': The Company field is required [item 0]",
		);
		// The advice for the custom fields: where the campaign's form fields are.
		expect(error.description).toMatch(/Check 'Custom Fields' against the fields of the campaign's form/);
	});

	it.each([
		['plain', 'a plain {message, errors: {field: [text]}} body'],
		['list', 'its errors as a list of {field, message}'],
	])('422 with %s errors (%s) reads the same', async (errorStyle) => {
		await t.client.configure({ errorStyle });

		const run = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				additionalFields: { customFields: { field: [{ label: 'Shoe Size', value: '42' }] } },
			}),
			input: nathan,
		});

		const error = expectApiError(run, '422');
		expect(error.message).toBe(
			"Referral Factory did not accept the request: 'Custom Fields › Field 1 › Field Name or ID': The selected meta.0.field is invalid [item 0]",
		);
	});

	it('422 whose errors are a list of texts: the texts, without a field name', async () => {
		await t.client.addFault({ status: 422, path: '/users', body: { message: 'Validation errors in your request', errors: ['The campaign is paused.', 'Try again later.'] } });

		const run = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters(), input: nathan });

		const error = expectApiError(run, '422');
		expect(error.message).toBe('Referral Factory did not accept the request: The campaign is paused; Try again later [item 0]');
	});

	it('422 with only a message still says what Referral Factory said', async () => {
		await t.client.addFault({ status: 422, path: '/users', body: { message: 'The campaign is paused.' } });

		const run = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters(), input: nathan });

		expect(expectApiError(run, '422').message).toBe(
			'Referral Factory did not accept the request: The campaign is paused [item 0]',
		);
	});

	it("429 beyond the retry time: says the token is over Referral Factory's limit, and names the credential's own", async () => {
		await t.client.configure({ rateLimit: 1 });
		await t.client.createUser({ campaign_id: 1, first_name: 'Someone', email: 'someone@example.com' });
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl, rateLimit: 120, rateLimitWindow: 60 });

		// The sandbox asks to come back in about a minute; the node may retry for 2 seconds only.
		const run = await runReferralFactoryNode({
			credential,
			parameters: addReferrerParameters({ options: { retryFor: 2 } }),
			input: nathan,
		});

		const error = expectApiError(run, '429');
		expect(error.message).toBe('Referral Factory refused more requests from this access token for now (rate limit) [item 0]');
		expect(error.message).not.toContain('600');
		expect(error.description).toContain("This credential's Rate Limit is 120 requests per 60 seconds");
		expect(error.description).toContain('Wait a minute');
	});

	it.each([500, 502, 503])('%i that lasts beyond the retry time: says the service is unavailable on its side', async (status) => {
		await t.client.addFault({ status, path: '/users', times: 1000 });

		const run = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: { retryFor: 1 } }),
			input: nathan,
		});

		const error = expectApiError(run, String(status));
		expect(error.message).toBe(`The Referral Factory service is unavailable (HTTP ${status}) [item 0]`);
		expect(error.description).toContain('Try again in a few minutes');
		expect(await t.client.users()).toEqual([]);
	});

	it('a server that cannot be reached: names the host and the Base URL to check', async () => {
		// A port the sandbox just released: nothing listens there.
		const { startSandbox } = await import('./sandbox/server');
		const gone = await startSandbox();
		await gone.close();
		const credential = addCredential({ accessToken: 'rf_token_for_closed_port', baseUrl: gone.baseUrl });

		const run = await runReferralFactoryNode({
			credential,
			parameters: addReferrerParameters({ options: { retryFor: 1 } }),
			input: nathan,
		});

		expect(run.error!.name).toBe('NodeApiError');
		expect(run.error!.message).toBe(
			`Could not reach Referral Factory at ${gone.url.slice('http://'.length)}: the connection was refused [item 0]`,
		);
		expect(run.error!.description).toContain('Base URL');
	});

	describe('advice that fits what was refused', () => {
		it('a lead whose referrer is in another campaign: says the referrer must be in the lead\'s campaign', async () => {
			const elsewhere = await t.client.createUser({ campaign_id: 2, first_name: 'Nathan', email: 'nathan@example.com' });
			const run = await runReferralFactoryNode({
				credential: t.credential,
				parameters: operationParameters('lead', 'add', {
					campaignId: { __rl: true, mode: 'id', value: '1' },
					referrerId: { __rl: true, mode: 'code', value: elsewhere.code },
					firstName: 'Lea',
					email: 'lea@example.com',
				}),
				input: [{}],
			});

			const error = expectApiError(run, '422');
			expect(error.message).toBe("Referral Factory did not accept the request: 'Referrer': The selected referrer is invalid [item 0]");
			expect(error.description).toMatch(/must be a referrer in the lead's campaign/);
		});

		it('an issue Referral Factory refuses for a reward still due: says a reward is issued once while due, and what else to check', async () => {
			const { amount: due } = await qualifiedLead(t);
			await t.client.addFault({ status: 422, when: 'before', path: '/rewards/issue', times: 1 });

			const run = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'issue', { rewardId: String(due.id) }), input: [{}] });

			const error = expectApiError(run, '422');
			expect(error.description).toMatch(new RegExp(`A reward is issued once, while it is due: look reward ${due.id} up`));
			expect(error.description).toMatch(/payout provider/);
		});

		it('a cancel Referral Factory refuses: says a reward can be cancelled only while due', async () => {
			const { coupon: due } = await qualifiedLead(t);
			await t.client.addFault({ status: 422, when: 'before', path: '/rewards/cancel', times: 1 });

			const run = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'cancel', { rewardId: String(due.id) }), input: [{}] });

			const error = expectApiError(run, '422');
			expect(error.description).toMatch(/can be cancelled only while it is due/);
		});
	});
});

describe('answers that are not JSON (a proxy in front of Referral Factory)', () => {
	const getReferrer = (id: number) => operationParameters('referrer', 'get', { referrerId: { __rl: true, mode: 'id', value: String(id) }, options: { retryFor: 10 } });
	const gateway = '<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';

	it("a proxy's 502 page is retried like any server failure, and the next answer is read", async () => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();
		await t.client.addFault({ path: `/users/${referrer.id}`, status: 502, text: { body: gateway }, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer(referrer.id), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: referrer.id, email: 'nathan@example.com' });
		expect((await t.client.requests()).map((r) => r.status)).toEqual([502, 200]);
	});

	it("a proxy's 403 page: the error quotes its heading, not the page", async () => {
		await t.client.addFault({ path: '/users/1001', status: 403, text: { body: '<html><body><h1>Access denied by the firewall</h1></body></html>' }, times: 1 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer(1001), input: [{}] });

		const said = `${error!.message} ${error!.description ?? ''}`;
		expect(error!.message).toBe('Referral Factory refused access to this resource [item 0]');
		expect(said).toContain('Access denied by the firewall');
		expect(said).not.toContain('<h1>');
	});

	it('a blank 200 to Delete (whitespace as text/plain) is a done delete', async () => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.addFault({ method: 'DELETE', path: `/users/${referrer.id}`, when: 'after', status: 200, text: { body: ' \n', contentType: 'text/plain' }, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'delete', { referrerId: { __rl: true, mode: 'id', value: String(referrer.id) } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, outcome: 'deleted' });
		expect((await t.client.users()).find((u) => u.id === referrer.id)).toBeUndefined();
	});
});
