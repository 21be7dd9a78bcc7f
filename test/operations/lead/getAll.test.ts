import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Lead → Get Many', () => {
	it('lists only leads, across pages, in order', async () => {
		const campaign = t.sandbox.store.findCampaign('1')!;
		const referrer = t.sandbox.store.createUser({ campaign, firstName: 'Nathan', email: 'nathan@example.com', meta: [], promotion: false });
		const leads = Array.from({ length: 260 }, (_, i) =>
			t.sandbox.store.createUser({ campaign, firstName: `Lead ${i}`, email: `lead${i}@example.com`, meta: [], promotion: false, referrer }),
		);

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'getAll', { returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(leads.map((lead) => lead.id));
		expect(items.every((item) => item.json.referrerId === referrer.id)).toBe(true);
		expect((await t.client.requests())[0].body).toMatchObject({ filters: { value: [{ field: 'type', value: 'person_invited', operator: '=' }] } });
	});

	describe('Filters › Qualification', () => {
		async function leads() {
			const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
			const [won, open1, open2] = await Promise.all(
				['won', 'open1', 'open2'].map((name) => t.client.createUser({ campaign_id: 1, first_name: name, email: `${name}@example.com`, referrer: { field: 'id', value: referrer.id } })),
			);
			await t.client.qualify({ id: won.id, qualified: true });
			await t.client.clearRequests();
			return { won, pending: [open1, open2] };
		}
		const run = (qualification: string) =>
			runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('lead', 'getAll', { returnAll: true, filters: { qualification } }), input: [{}] });

		it('Qualified lists only qualified leads, asking the search for them', async () => {
			const { won } = await leads();

			const { items, error } = await run('qualified');

			expect(error).toBeUndefined();
			expect(items.map((item) => [item.json.id, item.json.qualified])).toEqual([[won.id, true]]);
			const rules = ((await t.client.requests())[0].body as { filters: { value: unknown[] } }).filters.value;
			expect(rules).toContainEqual({ field: 'qualified', value: true, operator: '=' });
		});

		it('Pending lists only the leads not qualified yet', async () => {
			const { pending } = await leads();

			const { items } = await run('pending');

			expect(items.map((item) => item.json.id).sort()).toEqual(pending.map((lead) => lead.id).sort());
			expect(items.every((item) => item.json.qualified === false)).toBe(true);
		});

		it('holds even when the API ignores the filter: every record is checked again', async () => {
			const { won } = await leads();
			await t.client.configure({ searchIgnores: ['qualified'] });

			const { items } = await run('qualified');

			expect(items.map((item) => item.json.id)).toEqual([won.id]);
		});

		it('refuses a value that is neither, before any request', async () => {
			const { error } = await run('maybe');

			expect(error!.message).toBe(`'Filters › Qualification' cannot be "maybe" [item 0]`);
			expect(await t.client.requests()).toEqual([]);
		});
	});
});
