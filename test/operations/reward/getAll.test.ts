import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

describe('Reward → Get Many', () => {
	it('lists the due rewards of a type: the one a qualified lead earned the referrer', async () => {
		const { referrer, amount } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('reward', 'getAll', { status: 'due', rewardType: 'amount', returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([{ id: amount.id, reward_id: 9, recipient_id: referrer.id, can_be_issued: true, count: 1, total: 25 }]);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/due/amount']);
	});

	it('All reads the dashboard list; Issued is empty before anything is issued', async () => {
		await qualifiedLead(t);

		const all = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'getAll', { status: 'all', rewardType: 'coupon', returnAll: true }), input: [{}] });
		const issued = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'getAll', { status: 'issued', rewardType: 'coupon', returnAll: true }), input: [{}] });

		expect(all.items).toHaveLength(1);
		expect(all.items[0].json.coupon).toMatch(/^SAVE10-/);
		expect(issued.items).toEqual([]);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/dashboard/coupon', '/api/v2/rewards/issued/coupon']);
	});
});
