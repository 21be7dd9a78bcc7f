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
});
