import { ApiClient, FIRST_PAGE, parsePage, requestAllItems } from '../nodes/ReferralFactory/transport';
import { listSearch } from './helpers/engine';
import { useSandbox } from './helpers/setup';
import { runInEngine } from './helpers/transport-node';

const t = useSandbox();

async function listCampaigns(options: { returnAll: boolean; limit?: number }) {
	const run = await runInEngine(t.credential, async (context) =>
		await requestAllItems(await ApiClient.create(context), 'GET', '/campaigns', options),
	);
	expect(run.error).toBeUndefined();
	const requests = (await t.client.requests()).map((r) => r.query);
	return { ids: run.items.map((item) => item.json.id), requests };
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe('Return All reads a list to its end, whichever way the API marks it', () => {
	// 250 campaigns: exactly one full page of the largest size, the case where a short page never comes.
	it.each([
		['links.next', 'links', 1],
		['meta.last_page', 'meta', 1],
		['both', 'full', 1],
		// With neither, only an empty page can say the list is over.
		['neither (a short or empty page)', 'bare', 2],
		['neither, the records a bare list', 'list', 2],
	])('a list that ends exactly on a page boundary, marked by %s', async (_name, envelope, pages) => {
		await t.client.configure({ envelope, campaignCount: 250 });

		const { ids: got, requests } = await listCampaigns({ returnAll: true });

		expect(got).toEqual(ids(250));
		expect(requests).toHaveLength(pages);
		expect(requests[0]).toEqual({ page: '1', per_page: '250' });
	});

	it.each(['links', 'meta', 'full', 'bare', 'list'])('a list of several pages ending on a short page (%s)', async (envelope) => {
		await t.client.configure({ envelope, campaignCount: 520 });

		const { ids: got, requests } = await listCampaigns({ returnAll: true });

		expect(got).toEqual(ids(520));
		expect(requests.map((q) => q.page)).toEqual(['1', '2', '3']);
	});

	it('Limit asks for no more than it needs and stops there', async () => {
		await t.client.configure({ campaignCount: 300 });

		const { ids: got, requests } = await listCampaigns({ returnAll: false, limit: 30 });

		expect(got).toEqual(ids(30));
		expect(requests).toEqual([{ page: '1', per_page: '30' }]);
	});

	it('Limit over one page reads the pages it needs', async () => {
		await t.client.configure({ campaignCount: 300 });

		const { ids: got, requests } = await listCampaigns({ returnAll: false, limit: 260 });

		expect(got).toEqual(ids(260));
		expect(requests.map((q) => q.page)).toEqual(['1', '2']);
	});
});

describe('one page', () => {
	it.each(['links', 'meta'])('the campaign picker offers no next page when %s says the list is over', async (envelope) => {
		// 50 campaigns: page 2 of 25 is full, so only the envelope can say it is the last.
		await t.client.configure({ envelope, campaignCount: 50 });

		const second = await listSearch('searchCampaigns', t.credential, undefined, '2');

		expect(second.results).toHaveLength(25);
		expect(second.paginationToken).toBeUndefined();
	});

	it('reads a bare list as one page of items, whose end only a later page can tell', () => {
		expect(parsePage([{ id: 1 }, { id: 2 }], FIRST_PAGE)).toMatchObject({ items: [{ id: 1 }, { id: 2 }], next: { page: 2 }, guessed: true });
		expect(parsePage({ data: [] }, FIRST_PAGE).next).toBeUndefined();
	});
});
