import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sleep } from 'n8n-workflow';

import { apiPath, ApiClient, DEFAULT_SETTINGS, isAmbiguous } from '../nodes/ReferralFactory/transport';
import { addCredential, runReferralFactoryNode } from './helpers/engine';
import { runInEngine } from './helpers/transport-node';
import { addReferrerParameters, customers, useSandbox } from './helpers/setup';

const t = useSandbox();

const nathan = [{ firstName: 'Nathan', email: 'nathan@example.com' }];
const quick = { timeout: 1, retryFor: 10 };

async function paths() {
	return (await t.client.requests()).map((r) => `${r.method} ${r.path.replace('/api/v2', '')} ${r.status}`);
}

describe('retries only what is safe, and never adds the same person twice', () => {
	it('resends an add refused with 5xx before any work, and adds the person once', async () => {
		await t.client.addFault({ status: 503, path: '/users', method: 'POST', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters({ options: quick }), input: nathan });

		expect(error).toBeUndefined();
		expect(items[0].json.email).toBe('nathan@example.com');
		expect(await t.client.users()).toHaveLength(1);
		// 5xx is ambiguous for a create: the person is looked up before the add is sent again.
		expect(await paths()).toEqual(['POST /users 503', 'POST /users/search 200', 'POST /users 201']);
	});

	it.each([
		['a 500 answered after the person was added', { status: 500, when: 'after' as const }],
		['a connection dropped after the person was added', { drop: true, when: 'after' as const }],
		['an answer that comes after the timeout', { stallMs: 2_500, when: 'after' as const }],
	])('after %s, finds the person instead of adding them again', async (_name, fault) => {
		await t.client.addFault({ ...fault, path: '/users', method: 'POST', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters({ options: quick }), input: nathan });

		expect(error).toBeUndefined();
		const users = await t.client.users();
		expect(users).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: users[0].id, referralCode: users[0].code, email: 'nathan@example.com' });
		const sent = await paths();
		expect(sent.filter((p) => p.startsWith('POST /users '))).toHaveLength(1);
		expect(sent.filter((p) => p.startsWith('POST /users/search'))).toEqual(['POST /users/search 200']);
	});

	it.each(['seconds', 'date'] as const)('honours Retry-After (as %s) on a 429 and then adds the person', async (retryAfterFormat) => {
		await t.client.configure({ retryAfterFormat });
		await t.client.addFault({ status: 429, retryAfter: 1, path: '/users', method: 'POST', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters({ options: quick }), input: nathan });

		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const requests = (await t.client.requests()).filter((r) => r.path === '/api/v2/users');
		expect(requests.map((r) => r.status)).toEqual([429, 201]);
		// A 429 is refused before any work, so the add is resent without a lookup.
		expect(await paths()).not.toContain('POST /users/search 200');
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(1_000);
	});

	it('after a 429, holds back every request on the token until Retry-After, not only the refused one', async () => {
		await t.client.addFault({ status: 429, retryAfter: 2, path: '/users', method: 'POST', times: 1 });
		const first = runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters(), input: nathan });
		let refused: number | undefined;
		while (refused === undefined) {
			refused = (await t.client.requests()).find((r) => r.status === 429)?.at;
			if (refused === undefined) await sleep(10);
		}

		// Another execution on the same token, started while the token is paused.
		const second = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Other', email: 'other@example.com' }],
		});
		expect((await first).error).toBeUndefined();

		expect(second.error).toBeUndefined();
		const others = (await t.client.requests()).filter((r) => (r.body as { email?: string })?.email === 'other@example.com');
		expect(others).toHaveLength(1);
		expect(others[0].at - refused).toBeGreaterThanOrEqual(2_000);
	});

	it('backs off and resends after a 429 without Retry-After', async () => {
		await t.client.addFault({ status: 429, path: '/users', method: 'POST', times: 2 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters({ options: quick }), input: nathan });

		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(await paths()).toEqual(['POST /users 429', 'POST /users 429', 'POST /users 201']);
	});

	it('gives up at Retry For Up To: a server that keeps failing ends the item with its error and the attempts made', async () => {
		await t.client.addFault({ status: 503, path: '/users', method: 'GET', times: 1000 });

		const run = await runInEngine(t.credential, async (context) => {
			const client = await ApiClient.create(context, { ...DEFAULT_SETTINGS, retryBudgetMs: 1_500 });
			return [(await client.request('GET', '/users')) as Record<string, never>];
		});

		expect(run.error!.message).toMatch(/^The Referral Factory service is unavailable \(HTTP 503\)/);
		expect(run.error!.description).toMatch(/\(\d+ attempts\)$/);
	});

	it('an add that never left (connection refused) is resent as certainly not done: no lost answer, no look-up', async () => {
		// A port that was free a moment ago: every connection to it is refused.
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: `http://127.0.0.1:${port}/api/v2` });
		let failure: unknown;

		await runInEngine(credential, async (context) => {
			const client = await ApiClient.create(context, { ...DEFAULT_SETTINGS, retryBudgetMs: 1_000 });
			await client.request('POST', '/users', { body: { campaign_id: 1, first_name: 'Ann', email: 'ann@example.com' }, idempotent: false }).catch((error: unknown) => (failure = error));
			return [];
		});

		// Resent until the budget ran out (an ambiguous failure would have ended it at once, for a look-up).
		expect(isAmbiguous(failure)).toBe(false);
		expect((failure as { description?: string }).description).toMatch(/\((\d+) attempts\)$/);
	});

	it('never resends a request Referral Factory refused for its content (4xx other than 429)', async () => {
		await t.client.addFault({ status: 400, path: '/users', method: 'POST', times: 5 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters({ options: quick }), input: nathan });

		expect((error as { httpCode?: string }).httpCode).toBe('400');
		expect(await paths()).toEqual(['POST /users 400']);
	});

	it('resends a DELETE after a 5xx: deleting twice does no harm', async () => {
		const person = await t.client.createUser({ campaign_id: 1, first_name: 'Gone', email: 'gone@example.com' });
		await t.client.clearRequests();
		await t.client.addFault({ status: 503, path: `/users/${person.id}`, method: 'DELETE', times: 1 });

		const run = await runInEngine(t.credential, async (context) => [
			(await (await ApiClient.create(context)).request('DELETE', apiPath('users', person.id))) as Record<string, never>,
		]);

		expect(run.error).toBeUndefined();
		expect(await paths()).toEqual([`DELETE /users/${person.id} 503`, `DELETE /users/${person.id} 200`]);
		expect(await t.client.users()).toEqual([]);
	});

	it('retries reads (the campaign list) after 5xx and dropped connections', async () => {
		const { listSearch } = await import('./helpers/engine');
		await t.client.addFault({ status: 502, path: '/campaigns', times: 1 });
		await t.client.addFault({ drop: true, path: '/campaigns', times: 1 });

		const { results } = await listSearch('searchCampaigns', t.credential);

		expect(results).toHaveLength(25);
		expect(await paths()).toEqual(['GET /campaigns 502', 'GET /campaigns -1', 'GET /campaigns 200']);
	});
});

describe('If Referrer Exists', () => {
	beforeEach(async () => {
		await t.client.createUser({ campaign_id: 3, first_name: 'Old Name', email: 'ada@example.com', meta: [{ field: 'Company', value: 'Old Co' }] });
		await t.client.clearRequests();
	});
	const ada = [{ firstName: 'Ada', email: 'ada@example.com', company: 'Northwind' }];
	const parameters = (ifExists: string) =>
		addReferrerParameters({
			ifExists,
			campaignId: { __rl: true, mode: 'id', value: '3' },
			additionalFields: { customFields: { field: [{ label: 'Company', value: '={{ $json.company }}' }] } },
		});

	it.each(['return-existing', 'reject'])(
		'Return Existing outputs the referrer already there, whether the API answers with them or with a 422 (%s)',
		async (duplicates) => {
			await t.client.configure({ duplicates });
			const [existing] = await t.client.users();

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: parameters('returnExisting'), input: ada });

			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ id: existing.id, referralCode: existing.code, referralLink: existing.url, firstName: 'Old Name' });
			expect(await t.client.users()).toHaveLength(1);
		},
	);

	it('Update Fields updates the first name and custom fields, keeps the link, and adds nobody', async () => {
		const [existing] = await t.client.users();

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: parameters('updateFields'), input: ada });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: existing.id, referralCode: existing.code, firstName: 'Ada', customFields: { Company: 'Northwind' } });
		const requests = await t.client.requests();
		// The campaign's fields are read once, to turn a custom field ID into its label.
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/campaigns/3', 'POST /api/v2/users/search', `PUT /api/v2/users/${existing.id}`]);
		expect(requests[2].body).toEqual({ first_name: 'Ada', meta: [{ field: 'Company', value: 'Northwind' }] });
		const [stored] = await t.client.users();
		expect(stored.first_name).toBe('Ada');
		expect(stored.meta).toEqual([{ field: 'Company', value: 'Northwind' }]);
	});

	it('Update Fields adds a person who is not there yet', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: parameters('updateFields'),
			input: [{ firstName: 'Newcomer', email: 'new@example.com', company: 'Acme' }],
		});

		expect(items[0].json).toMatchObject({ email: 'new@example.com', firstName: 'Newcomer' });
		expect(await t.client.users()).toHaveLength(2);
	});

	it('Fail names the email, the campaign and the setting to change', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: parameters('fail'), input: ada });

		expect(error!.message).toBe('ada@example.com is already a referrer in campaign 3 [item 0]');
		expect(error!.description).toContain("'Return Existing'");
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/campaigns/3', '/api/v2/users/search']);
	});
});

describe('concurrency and pacing', () => {
	it('sends up to Max Concurrent Requests at once and keeps the output in input order', async () => {
		await t.client.configure({ latencyMs: 150 });
		const input = customers(12);

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: { concurrency: 4 } }),
			input,
		});

		const stats = await t.client.stats();
		expect(stats.maxInFlight).toBe(4);
		expect(items.map((item) => item.json.email)).toEqual(input.map((c) => c.email));
		expect(items.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
	});

	it('sends one at a time with Max Concurrent Requests 1', async () => {
		await t.client.configure({ latencyMs: 50 });

		await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: { concurrency: 1 } }),
			input: customers(5),
		});

		expect((await t.client.stats()).maxInFlight).toBe(1);
	});

	it("never sends more than the credential's rate limit, even from two executions at once", async () => {
		// The sandbox allows 8 requests a second; so does the credential. Two runs of 12 items share the token.
		await t.client.configure({ rateLimit: 8, rateWindowMs: 1_000, retryAfterHeader: false });
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl, rateLimit: 8, rateLimitWindow: 1 });

		const runs = await Promise.all(
			['a.example.com', 'b.example.com'].map((domain) =>
				runReferralFactoryNode({ credential, parameters: addReferrerParameters(), input: customers(12, domain) }),
			),
		);

		expect(runs.map((run) => run.error)).toEqual([undefined, undefined]);
		expect(runs.map((run) => run.items.length)).toEqual([12, 12]);
		const stats = await t.client.stats();
		expect(stats.requests).toBe(24);
		expect(stats.rateLimited).toBe(0);
		const starts = (await t.client.requests()).map((r) => r.at).sort((a, b) => a - b);
		for (let i = 8; i < starts.length; i++) expect(starts[i] - starts[i - 8]).toBeGreaterThanOrEqual(1_000);
	});
});
