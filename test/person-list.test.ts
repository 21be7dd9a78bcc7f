import { listSearch } from './helpers/engine';
import { useSandbox } from './helpers/setup';

const t = useSandbox();

describe('Person pickers (From List on Referrer and Lead)', () => {
	let nathan: Awaited<ReturnType<typeof t.client.createUser>>;
	let lea: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		nathan = await t.client.createUser({ campaign_id: 2, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.createUser({ campaign_id: 2, first_name: 'Olivia', email: 'olivia@example.com' });
		lea = await t.client.createUser({ campaign_id: 2, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: nathan.code } });
		await t.client.clearRequests();
	});

	it('lists referrers only, by name and email, with their campaign, the ID as the value', async () => {
		const { results } = await listSearch('searchReferrers', t.credential);

		expect(results).toEqual([
			{ name: 'Nathan <nathan@example.com> · campaign 2', value: String(nathan.id), url: nathan.url },
			expect.objectContaining({ name: 'Olivia <olivia@example.com> · campaign 2' }),
		]);
		const [request] = await t.client.requests();
		expect(request.body).toEqual({ filters: { value: [{ field: 'type', value: 'person_referring', operator: '=' }], operator: 'AND' } });
	});

	it('offers no lead as a referrer when the API ignores the type filter', async () => {
		await t.client.configure({ searchIgnores: ['type'] });

		const { results } = await listSearch('searchReferrers', t.credential);

		expect(results.map((r) => r.value).sort()).not.toContain(String(lea.id));
		expect(results).toHaveLength(2);
	});

	it('lists leads only for the lead pickers', async () => {
		const { results } = await listSearch('searchLeads', t.credential);

		expect(results.map((r) => r.value)).toEqual([String(lea.id)]);
	});

	it('searches by part of a name or an email, ignoring case', async () => {
		expect((await listSearch('searchReferrers', t.credential, 'OLIV')).results.map((r) => r.name)).toEqual(['Olivia <olivia@example.com> · campaign 2']);
		expect((await listSearch('searchReferrers', t.credential, 'nathan@')).results.map((r) => r.value)).toEqual([String(nathan.id)]);
	});

	it('asks the API for a whole email, and still checks every answer (an API that ignores the filter)', async () => {
		await t.client.configure({ searchIgnores: ['email', 'type'] });

		const { results } = await listSearch('searchReferrers', t.credential, 'nathan@example.com');

		expect(results.map((r) => r.value)).toEqual([String(nathan.id)]);
		const [request] = await t.client.requests();
		expect((request.body as { filters: { value: unknown[] } }).filters.value).toContainEqual({ field: 'email', value: 'nathan@example.com', operator: '=' });
	});
});
