import { listSearch, loadOptions } from './helpers/engine';
import { useSandbox } from './helpers/setup';

const t = useSandbox();

describe('Campaign picker (From List)', () => {
	it('lists campaigns a page at a time, with a token for the next page', async () => {
		const first = await listSearch('searchCampaigns', t.credential);

		expect(first.results).toHaveLength(25);
		expect(first.results[0]).toEqual({
			name: 'Acme Coffee Friends',
			value: '1',
			url: expect.stringMatching(/^https:\/\/acme-coffee\.referral-factory\.com\/[A-Za-z0-9]{8}\/signup$/),
		});
		expect(first.results[3].name).toBe('Summer Launch (draft)');
		expect(first.paginationToken).toBe('2');

		const second = await listSearch('searchCampaigns', t.credential, undefined, first.paginationToken as string);

		expect(second.results.map((r) => r.value)).toEqual(['26', '27', '28', '29', '30']);
		expect(second.paginationToken).toBeUndefined();

		const requests = await t.client.requests();
		expect(requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/api/v2/campaigns', { page: '1', per_page: '25' }],
			['GET', '/api/v2/campaigns', { page: '2', per_page: '25' }],
		]);
		expect(requests.every((r) => r.headers.authorization === `Bearer ${t.sandbox.token}`)).toBe(true);
	});

	it('searches by name, ignoring case', async () => {
		const { results } = await listSearch('searchCampaigns', t.credential, 'COFFEE');

		expect(results).toEqual([expect.objectContaining({ name: 'Acme Coffee Friends', value: '1' })]);
	});

	it('searches by campaign ID and by campaign code', async () => {
		const byId = await listSearch('searchCampaigns', t.credential, '3');
		// The campaign with that ID comes first; names that contain the digits follow.
		expect(byId.results.map((r) => r.name)).toEqual(['Northwind SaaS Partners', 'Regional Campaign 13', 'Regional Campaign 23']);

		const code = t.sandbox.store.campaigns[1].code;
		const byCode = await listSearch('searchCampaigns', t.credential, code);
		expect(byCode.results.map((r) => r.value)).toEqual(['2']);
	});

	it('finds a match on a later page', async () => {
		const { results } = await listSearch('searchCampaigns', t.credential, 'Regional Campaign 29');

		expect(results.map((r) => r.value)).toEqual(['29']);
	});

	it('offers the fields of the chosen campaign for Custom Fields, without first name and email', async () => {
		const options = await loadOptions(
			'getCampaignFields',
			t.credential,
			{ resource: 'referrer', operation: 'add', campaignId: { __rl: true, mode: 'list', value: '3' } },
			'additionalFields.customFields.field.label',
		);

		expect(options).toEqual([
			{ name: 'Company (required)', value: 'Company' },
			{ name: 'Plan', value: 'Plan' },
		]);
		const [request] = await t.client.requests();
		expect(request.path).toBe('/api/v2/campaigns/3');
	});

	it('offers no fields until a campaign is chosen', async () => {
		const options = await loadOptions(
			'getCampaignFields',
			t.credential,
			{ resource: 'referrer', operation: 'add', campaignId: { __rl: true, mode: 'list', value: '' } },
			'additionalFields.customFields.field.label',
		);

		expect(options).toEqual([]);
		expect(await t.client.requests()).toEqual([]);
	});
});
