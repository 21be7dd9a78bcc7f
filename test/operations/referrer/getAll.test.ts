import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

/** People straight into the sandbox's store: hundreds through the API would take its rate limit. */
function seed(count: number, campaign: number, prefix: string) {
	const found = t.sandbox.store.findCampaign(String(campaign))!;
	return Array.from({ length: count }, (_, i) =>
		t.sandbox.store.createUser({ campaign: found, firstName: `${prefix} ${i}`, email: `${prefix}${i}@example.com`, meta: [], promotion: false }),
	);
}

describe('Referrer → Get Many', () => {
	it('Return All reads every page, several at a time, in order, and only referrers', async () => {
		const referrers = seed(620, 1, 'r');
		// Leads among them must not come out.
		for (const referrer of referrers.slice(0, 5)) {
			t.sandbox.store.createUser({ campaign: t.sandbox.store.findCampaign('1')!, firstName: 'Lead', email: `lead-of-${referrer.id}@example.com`, meta: [], promotion: false, referrer });
		}
		// The answer takes 600 ms from arrival: longer than the sandbox's own work on a page of 250 under a loaded CI
		// machine (the same process runs the node), so two pages asked for together are in flight together.
		await t.client.configure({ latencyMs: 600 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(referrers.map((r) => r.id));
		expect(items.every((item) => item.json.type === 'person_referring' && item.pairedItem !== undefined)).toBe(true);
		const pages = (await t.client.requests()).map((r) => r.query.page);
		expect(pages.sort()).toEqual(['1', '2', '3']);
		// Pages 2 and 3 were asked for together once page 1 said how many there are.
		expect((await t.client.stats()).maxInFlight).toBe(2);
	});

	it.each([
		['referrer', 'person_referring'],
		['lead', 'person_invited'],
	])('an API that ignores the search\'s type filter: %s → Get Many still gives only that kind', async (resource, type) => {
		const [nathan] = seed(3, 1, 'r');
		const found = t.sandbox.store.findCampaign('1')!;
		t.sandbox.store.createUser({ campaign: found, firstName: 'Lea', email: 'lea@example.com', meta: [], promotion: false, referrer: nathan });
		await t.client.configure({ searchIgnores: ['type'] });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters(resource, 'getAll', { returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(items.filter((item) => item.json.type !== type)).toEqual([]);
		// The API did answer with both kinds: the node's own check is what kept the other out.
		expect(new Set(t.sandbox.store.users.map((u) => u.type))).toEqual(new Set(['person_referring', 'person_invited']));
	});

	it('an API that ignores the type filter: Limit still gives N referrers, reading the list again in full pages', async () => {
		const found = t.sandbox.store.findCampaign('1')!;
		// Referrer, lead, referrer, lead …: every page of the unfiltered answer is half leads.
		for (let i = 0; i < 10; i++) {
			const referrer = t.sandbox.store.createUser({ campaign: found, firstName: `R ${i}`, email: `r${i}@example.com`, meta: [], promotion: false });
			t.sandbox.store.createUser({ campaign: found, firstName: `L ${i}`, email: `l${i}@example.com`, meta: [], promotion: false, referrer });
		}
		await t.client.configure({ searchIgnores: ['type'] });

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: false, limit: 4 }),
			input: [{}],
		});

		expect(items.map((item) => item.json.email)).toEqual(['r0@example.com', 'r1@example.com', 'r2@example.com', 'r3@example.com']);
		// A page of 4 held leads: the filter was not applied, so the list is read again 250 at a time.
		expect((await t.client.requests()).map((r) => `${r.query.page}/${r.query.per_page}`)).toEqual(['1/4', '1/250']);
	});

	it('an API that ignores the type filter, with hundreds of the other kind first: a small Limit costs a few requests, not hundreds', async () => {
		const found = t.sandbox.store.findCampaign('1')!;
		const referrers = seed(600, 1, 'r');
		const leads = [0, 1].map((i) => t.sandbox.store.createUser({ campaign: found, firstName: `L ${i}`, email: `l${i}@example.com`, meta: [], promotion: false, referrer: referrers[i] }));
		await t.client.configure({ searchIgnores: ['type'] });

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'getAll', { returnAll: false, limit: 2 }),
			input: [{}],
		});

		expect(items.map((item) => item.json.id)).toEqual(leads.map((l) => l.id));
		expect((await t.client.requests()).length).toBeLessThanOrEqual(4);
	});

	it('Limit returns the first N and asks for no more', async () => {
		seed(300, 1, 'r');

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: false, limit: 7 }),
			input: [{}],
		});

		expect(items.map((item) => item.json.email)).toEqual(Array.from({ length: 7 }, (_, i) => `r${i}@example.com`));
		expect((await t.client.requests()).map((r) => r.query)).toEqual([{ page: '1', per_page: '7' }]);
	});

	it('filters by campaign and by email, through the search', async () => {
		seed(3, 1, 'one');
		const inTwo = seed(3, 2, 'two');

		const byCampaign = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true, filters: { campaignId: '2' } }),
			input: [{}],
		});
		const byEmail = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true, filters: { email: 'TWO1@example.com' } }),
			input: [{}],
		});

		expect(byCampaign.items.map((item) => item.json.id)).toEqual(inTwo.map((u) => u.id));
		expect(byEmail.items.map((item) => item.json.id)).toEqual([inTwo[1].id]);
		expect((await t.client.requests())[0].body).toEqual({
			filters: { value: [{ field: 'type', value: 'person_referring', operator: '=' }, { field: 'campaign_id', value: '2', operator: '=' }], operator: 'AND' },
		});
	});

	it('refuses a campaign filter that is not an ID before any request', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true, filters: { campaignId: '={{ $json.c }}' } }),
			input: [{ c: 'north' }],
		});

		expect(error!.message).toBe(`'Filters › Campaign Name or ID' must be a positive whole number, but it is "north" [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});

	it('outputs nothing, and no error, when there are no referrers', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'getAll', { returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items).toEqual([]);
	});
});
