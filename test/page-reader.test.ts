/**
 * The one page reader (transport/pages.ts) against every way the sandbox pages (docs/referral-factory-api.md, A6, A7,
 * A13): by page number, by cursor (page ignored, an opaque `links.next`, no page count), fewer records than asked for
 * (with and without markers), and a list that repeats itself. Each runs the node in n8n's engine against the sandbox.
 */
import { ApiClient, ListReader } from '../nodes/ReferralFactory/transport';
import { listSearch, runReferralFactoryNode } from './helpers/engine';
import { PollingWorkflow } from './helpers/polling';
import { operationParameters, useSandbox } from './helpers/setup';
import { runInEngine } from './helpers/transport-node';

const t = useSandbox();

/** Referrers straight into the sandbox's store (hundreds through the API would take its rate limit). */
function seed(count: number, campaign = 1) {
	const found = t.sandbox.store.findCampaign(String(campaign))!;
	return Array.from({ length: count }, (_, i) =>
		t.sandbox.store.createUser({ campaign: found, firstName: `R ${i}`, email: `r${i}-${Date.now()}@example.com`, meta: [], promotion: false }),
	);
}

async function getAllReferrers(options: { returnAll?: boolean; limit?: number; concurrency?: number } = {}) {
	const { returnAll = true, limit, concurrency } = options;
	return await runReferralFactoryNode({
		credential: t.credential,
		parameters: operationParameters('referrer', 'getAll', {
			returnAll,
			...(limit === undefined ? {} : { limit }),
			...(concurrency === undefined ? {} : { options: { concurrency } }),
		}),
		input: [{}],
	});
}

const searches = async () => (await t.client.requests()).filter((r) => r.path === '/api/v2/users/search');

describe('Return All, whatever way Referral Factory pages', () => {
	it('a cursor (page ignored, links.next with an opaque cursor, no page count): every record once, one request per page', async () => {
		const referrers = seed(620);
		await t.client.configure({ pagination: 'cursor' });

		const { items, error } = await getAllReferrers();

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(referrers.map((r) => r.id));
		const asked = await searches();
		expect(asked).toHaveLength(3);
		expect(asked[0].query.cursor).toBeUndefined();
		expect(new Set(asked.map((r) => r.query.cursor)).size).toBe(3);
		// One after another: a cursor cannot be read ahead.
		expect((await t.client.stats()).maxInFlight).toBe(1);
	});

	it('a cursor given only in meta.next_cursor (no links): every record once, one request per page', async () => {
		const referrers = seed(620);
		await t.client.configure({ pagination: 'cursor', envelope: 'meta' });

		const { items, error } = await getAllReferrers();

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(referrers.map((r) => r.id));
		const asked = await searches();
		expect(asked.map((r) => r.query.cursor === undefined)).toEqual([true, false, false]);
	});

	it('a links.next that names the next page by its path alone: an error naming the endpoint, not a silent end', async () => {
		seed(300);
		const data = t.sandbox.store.users.slice(0, 250).map((u) => t.sandbox.store.present(u));
		await t.client.addFault({ method: 'POST', path: '/users/search', status: 200, body: { data, links: { next: `${t.sandbox.baseUrl}/users/search/page/2` } }, times: 1 });

		const { items, error } = await getAllReferrers();

		expect(items).toEqual([]);
		expect(error?.message).toBe("Referral Factory's list POST /users/search names its next page in a way the node cannot follow [item 0]");
		expect(await searches()).toHaveLength(1);
	});

	it.each([
		['meta.per_page and links', 100, 'full'],
		['links.next only', 100, 'links'],
		['meta only', 25, 'meta'],
		['meta.per_page only (a simple paginator)', 25, 'simple'],
		['no marker at all', 25, 'bare'],
	])('fewer records a page than asked for (%s, %i a page): every record, none twice', async (_name, maxPerPage, envelope) => {
		const referrers = seed(620);
		await t.client.configure({ maxPerPage, envelope });

		const { items, error } = await getAllReferrers();

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(referrers.map((r) => r.id));
		// Every page once: ⌈620 / size⌉, and one more only where no marker says the last page is the last.
		const pages = Math.ceil(620 / maxPerPage);
		expect((await searches()).length).toBe(envelope === 'bare' && 620 % maxPerPage === 0 ? pages + 1 : pages);
	});

	it('a Limit over several short pages gives exactly the Limit', async () => {
		const referrers = seed(300);
		await t.client.configure({ maxPerPage: 100 });

		const { items } = await getAllReferrers({ returnAll: false, limit: 230 });

		expect(items.map((item) => item.json.id)).toEqual(referrers.slice(0, 230).map((r) => r.id));
		expect((await searches()).map((r) => r.query.page).sort()).toEqual(['1', '2', '3']);
	});

	it('an API that ignores page numbers and says nothing of where the list goes on: stops at the repeat with an error naming the endpoint', async () => {
		seed(300);
		await t.client.configure({ pagination: 'cursor', envelope: 'bare' });

		const { items, error } = await getAllReferrers();

		expect(items).toEqual([]);
		expect(error?.message).toBe('Referral Factory answered POST /users/search with a page it had sent already [item 0]');
		expect(error?.description).toMatch(/Asked for page 2, it sent the records of page 1 again/);
		expect(await searches()).toHaveLength(2);
	});

	it('an API that ignores page numbers but says how many pages there are: read ahead, caught at the first repeat, never a loop', async () => {
		seed(620);
		await t.client.configure({ pagination: 'cursor' });
		// A page count the API does not honour: page 1's answer says there are 3, every page is page 1.
		await t.client.addFault({ method: 'POST', path: '/users/search', status: 200, body: { data: t.sandbox.store.users.slice(0, 250).map((u) => t.sandbox.store.present(u)), meta: { current_page: 1, last_page: 3, per_page: 250 } }, times: 10 });

		const { error } = await getAllReferrers({ concurrency: 5 });

		expect(error?.message).toMatch(/with a page it had sent already/);
		expect((await searches()).length).toBeLessThanOrEqual(3);
	});

	it('Continue On Fail: the item whose list repeated becomes an error item', async () => {
		seed(300);
		await t.client.configure({ pagination: 'cursor', envelope: 'bare' });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true }),
			input: [{}],
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toMatch(/with a page it had sent already/);
	});

	it('no read takes more pages than its bound', async () => {
		seed(600);
		await t.client.configure({ maxPerPage: 100 });

		const run = await runInEngine(t.credential, async (context) => {
			const reader = new ListReader(await ApiClient.create(context), 'POST', '/users/search', { idempotent: true, body: { filters: { value: [], operator: 'AND' } }, maxPages: 4 });
			for await (const page of reader.pages()) void page;
			return [];
		});

		expect(run.error?.message).toBe("Referral Factory's list POST /users/search is longer than 4 pages");
		expect(await searches()).toHaveLength(4);
	});

	it('pages numbered with a count are read several at a time (the figure bench (d) measures)', async () => {
		seed(620);
		await t.client.configure({ latencyMs: 300 });

		const { items } = await getAllReferrers({ concurrency: 5 });

		expect(items).toHaveLength(620);
		expect((await t.client.stats()).maxInFlight).toBe(2);
	});
});

describe('the other lists go through the same reader', () => {
	/** `count` qualified leads of one referrer: a due Fixed Amount reward each for the referrer. */
	function dueRewards(count: number) {
		const campaign = t.sandbox.store.findCampaign('1')!;
		const referrer = t.sandbox.store.createUser({ campaign, firstName: 'Nathan', email: 'nathan@example.com', meta: [], promotion: false });
		for (let i = 0; i < count; i++) {
			const lead = t.sandbox.store.createUser({ campaign, firstName: `L ${i}`, email: `l${i}@example.com`, meta: [], promotion: false, referrer });
			lead.qualified_at = new Date().toISOString();
			t.sandbox.rewards.qualified(lead);
		}
		return t.sandbox.rewards.earned.filter((reward) => reward.metric === 'amount');
	}

	it.each([
		['25 a page', { maxPerPage: 25 }],
		['a cursor', { pagination: 'cursor', maxPerPage: 25 }],
	])('Cancel finds a due reward past the first page (%s) and cancels it', async (_name, config) => {
		const due = dueRewards(30);
		await t.client.configure(config);
		const last = due[due.length - 1];
		// The first answer is lost, so the node must look the reward up in the lists before it sends again.
		await t.client.addFault({ method: 'POST', path: `/rewards/cancel/${last.id}`, when: 'after', drop: true, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('reward', 'cancel', { rewardId: String(last.id), options: { retryFor: 10 } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: last.id, cancelled: true });
		expect(t.sandbox.rewards.earned.some((reward) => reward.id === last.id)).toBe(false);
	});

	it('the campaign picker pages by the cursor the API gives', async () => {
		await t.client.configure({ pagination: 'cursor' });

		const first = await listSearch('searchCampaigns', t.credential);
		const second = await listSearch('searchCampaigns', t.credential, undefined, String(first.paginationToken));

		expect(first.results).toHaveLength(25);
		expect(JSON.parse(String(first.paginationToken))).toEqual({ cursor: expect.any(String) });
		expect(second.results.map((r) => r.value)).toEqual(t.sandbox.store.campaigns.slice(25).map((c) => String(c.id)));
		expect(second.paginationToken).toBeUndefined();
	});

	it.each([
		['a cursor', { pagination: 'cursor' }],
		['100 a page', { maxPerPage: 100 }],
		['25 a page, no marker', { maxPerPage: 25, envelope: 'bare' }],
	])('the polling trigger (%s): the first check marks the end of the list, the next finds who came after', async (_name, config) => {
		seed(620);
		await t.client.configure(config);
		const wf = new PollingWorkflow({ event: 'newReferrer', campaignId: { __rl: true, mode: 'list', value: '1' } }, t.credential);
		expect(await wf.poll()).toBeNull();
		const added = seed(3);

		expect((await wf.poll())?.map((item) => item.json.id)).toEqual(added.map((r) => r.id));
		await t.client.clearRequests();
		expect(await wf.poll()).toBeNull();
		// A quiet check reads from where the band starts (the last 50 IDs; an empty page ends a list without markers),
		// not the whole list (25 pages here).
		expect((await searches()).length).toBeLessThanOrEqual(Math.ceil(53 / ((config as { maxPerPage?: number }).maxPerPage ?? 250)) + 2);
	});
});
