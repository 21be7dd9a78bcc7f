import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

const cancel = (rewardId: string, rewardType = 'coupon') =>
	operationParameters('reward', 'cancel', { rewardId, rewardType, options: { retryFor: 10 } });

describe('Reward → Cancel', () => {
	it('cancels a due reward: it is gone, and outputs { cancelled: true }', async () => {
		const { coupon } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ cancelled: true, id: coupon.id });
		expect((await t.client.rewards()).map((r) => r.id)).not.toContain(coupon.id);
	});

	it('after a lost answer, finds the reward gone and does not send it again', async () => {
		const { coupon } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, when: 'after', path: '/rewards/cancel', times: 1 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect((await t.client.requests()).filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([-1]);
	});

	it('an issued reward cannot be cancelled: says so', async () => {
		const { amount } = await qualifiedLead(t);
		await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'issue', { rewardId: String(amount.id), rewardType: 'amount' }), input: [{}] });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(amount.id), 'amount'), input: [{}] });

		expect(error!.message).toBe('Referral Factory did not accept the request: The reward has already been issued [item 0]');
		expect((await t.client.rewards()).find((r) => r.id === amount.id)!.state).toBe('issued');
	});
});
