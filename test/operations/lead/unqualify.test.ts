import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Lead → Unqualify', () => {
	it('sets a qualified lead back to pending', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.qualify({ id: lead.id, qualified: true });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'unqualify', { leadId: { __rl: true, mode: 'id', value: String(lead.id) } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: lead.id, qualified: false, outcome: 'unqualified' });
		expect((await t.client.requests()).find((r) => r.method === 'PUT')!.body).toEqual({ id: lead.id, qualified: false });
		expect((await t.client.users()).find((u) => u.id === lead.id)!.qualified_at).toBeNull();
	});
});
