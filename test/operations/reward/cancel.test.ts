import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

const cancel = (rewardId: string, options: Record<string, unknown> = {}) =>
	operationParameters('reward', 'cancel', { rewardId, options: { retryFor: 10, ...options } });

async function cancelPosts() {
	return (await t.client.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path.replace('/api/v2', '')} ${r.status}`);
}

describe('Reward → Cancel', () => {
	it('cancels a due reward: it is gone, and outputs { cancelled: true, outcome: cancelled }', async () => {
		const { coupon } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			id: coupon.id,
			rewardRuleId: 10,
			type: 'coupon',
			status: 'cancelled',
			recipientId: coupon.recipient_id,
			recipientName: 'Lea',
			recipientEmail: 'lea@example.com',
			name: null,
			count: null,
			total: null,
			canBeIssued: true,
			issuedAt: null,
			coupon: expect.stringMatching(/^SAVE10-/),
			cancelled: true,
			outcome: 'cancelled',
		});
		expect((await t.client.rewards()).map((r) => r.id)).not.toContain(coupon.id);
	});

	it('with Simplify off: { cancelled: true, id, outcome }, and no person read', async () => {
		const { coupon } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'cancel', { rewardId: String(coupon.id), simplify: false }), input: [{}] });

		expect(items[0].json).toEqual({ cancelled: true, id: coupon.id, outcome: 'cancelled' });
		expect((await t.client.requests()).map((r) => r.path).filter((p) => p.startsWith('/api/v2/users'))).toEqual([]);
	});

	it('after a lost answer, finds the reward gone and does not send it again', async () => {
		const { coupon } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, when: 'after', path: '/rewards/cancel', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ cancelled: true, outcome: 'cancelled' });
		expect(await cancelPosts()).toEqual([`/rewards/cancel/${coupon.id} -1`]);
	});

	it('after a 503 that changed nothing, finds a coupon reward still due (in the coupon lists) and sends it again: never "cancelled" while due', async () => {
		const { coupon } = await qualifiedLead(t);
		await t.client.addFault({ status: 503, path: '/rewards/cancel', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ cancelled: true, outcome: 'cancelled' });
		expect(await cancelPosts()).toEqual([`/rewards/cancel/${coupon.id} 503`, `/rewards/cancel/${coupon.id} 200`]);
		expect((await t.client.rewards()).map((r) => r.id)).not.toContain(coupon.id);
	});

	it('cancelling again (a new execution): a cancelled reward is in no list, like an ID that never was one, so an item error; nothing sent', async () => {
		const { coupon } = await qualifiedLead(t);
		await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });
		await t.client.clearRequests();

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

		expect(error!.message).toBe(`No due reward with ID ${coupon.id}: it is in neither Referral Factory's due nor its issued lists [item 0]`);
		expect(await cancelPosts()).toEqual([]);
	});

	it('the same reward twice in one run: cancelled once; the second item says alreadyCancelled', async () => {
		const { coupon } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}, {}] });

		expect(items.map((item) => item.json.outcome)).toEqual(['cancelled', 'alreadyCancelled']);
		expect(await cancelPosts()).toEqual([`/rewards/cancel/${coupon.id} 200`]);
	});

	it('the same reward twice in one run with Fail If Already Done: the second item is an error', async () => {
		const { coupon } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id), { failIfAlreadyDone: true }), input: [{}, {}], continueOnFail: true });

		expect(items.map((item) => item.json.outcome ?? item.json.error)).toEqual(['cancelled', `Reward ${coupon.id} was cancelled already [item 1]`]);
	});

	it('an issued reward cannot be cancelled: says so, whatever its type', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.issueReward(amount.id);

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(amount.id)), input: [{}] });

		expect(error!.message).toBe(`Reward ${amount.id} was issued, so it can no longer be cancelled [item 0]`);
		expect((await t.client.rewards()).find((r) => r.id === amount.id)!.state).toBe('issued');
	});

	describe('when the due list is stale for one read (the reward left it meanwhile, or a list that lags)', () => {
		const staleDue = async (id: number, type: string) =>
			await t.client.addFault({ method: 'GET', path: `/rewards/due/${type}`, status: 200, body: { data: [{ id, reward_id: 10, recipient_id: 2, can_be_issued: true, coupon: 'X' }], links: { next: null } }, times: 1 });

		it('a reward issued while its cancel\'s answer was lost: an error, not "cancelled"', async () => {
			const { coupon } = await qualifiedLead(t);
			await t.client.issueReward(coupon.id);
			await t.client.clearRequests();
			await staleDue(coupon.id, 'coupon');
			await t.client.addFault({ status: 503, path: '/rewards/cancel', times: 1 });

			const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

			expect(error!.message).toBe(`Reward ${coupon.id} was issued, so it can no longer be cancelled [item 0]`);
			expect(await cancelPosts()).toEqual([`/rewards/cancel/${coupon.id} 503`]);
		});

		it('a reward cancelled already, refused by Referral Factory on the first request: found in no list, so alreadyCancelled', async () => {
			const { coupon } = await qualifiedLead(t);
			await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });
			await t.client.clearRequests();
			await staleDue(coupon.id, 'coupon');

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: cancel(String(coupon.id)), input: [{}] });

			expect(error).toBeUndefined();
			expect(items[0].json).toEqual(expect.objectContaining({ cancelled: true, id: coupon.id, outcome: 'alreadyCancelled' }));
			expect(await cancelPosts()).toEqual([`/rewards/cancel/${coupon.id} 404`]);
		});
	});
});
