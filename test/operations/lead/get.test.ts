import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Lead → Get', () => {
	it('finds a lead by referral code and outputs the referrer who brought them', async () => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: referrer.code } });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'get', { leadId: { __rl: true, mode: 'code', value: lead.code } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: lead.id, email: 'lea@example.com', type: 'person_invited', referrerId: referrer.id, qualified: false });
	});

	it.each(['qualified_at', 'boolean', 'number'] as const)('reads whether a lead is qualified, whether the API says it as %s', async (qualifiedForm) => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const [pending, qualified] = await Promise.all(
			['lea', 'leo'].map(async (name) => await t.client.createUser({ campaign_id: 1, first_name: name, email: `${name}@example.com`, referrer: { field: 'id', value: referrer.id } })),
		);
		await t.client.qualify({ id: qualified.id, qualified: true });
		await t.client.configure({ qualifiedForm });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'get', { leadId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }),
			input: [{ id: pending.id }, { id: qualified.id }],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.qualified)).toEqual([false, true]);
	});

	it('refuses a referrer given as a lead', async () => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'get', { leadId: { __rl: true, mode: 'id', value: String(referrer.id) } }),
			input: [{}],
		});

		expect(error!.message).toBe(`The person with ID ${referrer.id} is a referrer, not a lead [item 0]`);
	});
});
