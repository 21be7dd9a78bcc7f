import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

const issue = (rewardId: string, options: Record<string, unknown> = {}) =>
	operationParameters('reward', 'issue', { rewardId, options: { retryFor: 10, timeout: 1, ...options } });

async function issuePosts() {
	return (await t.client.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path.replace('/api/v2', '')} ${r.status}`);
}

async function payouts(id: number) {
	return (await t.client.rewards()).find((r) => r.id === id)!.payouts;
}

describe('Reward → Issue', () => {
	it('issues a due reward and outputs it as issued', async () => {
		const { amount } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			id: amount.id,
			rewardRuleId: 9,
			type: 'amount',
			status: 'issued',
			recipientId: amount.recipient_id,
			recipientName: 'Nathan',
			recipientEmail: 'nathan@example.com',
			name: null,
			coupon: null,
			canBeIssued: false,
			count: 1,
			total: 25,
			issuedAt: expect.any(String),
			outcome: 'issued',
		});
		expect((await t.client.rewards()).find((r) => r.id === amount.id)!.state).toBe('issued');
	});

	it('issued, then the recipient cannot be read: the item still says issued, with the name and email null', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 400, when: 'before', path: `/users/${amount.recipient_id}`, times: 5 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', outcome: 'issued', recipientId: amount.recipient_id, recipientName: null });
		expect((await t.client.requests()).map((r) => `${r.path} ${r.status}`)).toContain(`/api/v2/users/${amount.recipient_id} 400`);
	});

	it('with Simplify off, outputs the API\'s record of the issued reward and the outcome', async () => {
		const { amount } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'issue', { rewardId: String(amount.id), simplify: false }), input: [{}] });

		expect(items[0].json).toEqual({ id: amount.id, reward_id: 9, recipient_id: amount.recipient_id, can_be_issued: false, count: 1, total: 25, status: 'issued', issued_at: expect.any(String), outcome: 'issued' });
	});

	it('after a lost answer, finds the reward issued and never sends it again', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 500, when: 'after', path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', outcome: 'issued' });
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 500`]);
		expect((await t.client.requests()).map((r) => r.path)).toContain('/api/v2/rewards/issued/amount');
	});

	it('after a lost answer, finds a coupon reward issued in the coupon lists: the reward type is not asked for', async () => {
		const { coupon } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, when: 'after', path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(coupon.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: coupon.id, coupon: expect.any(String), outcome: 'issued' });
		expect(await issuePosts()).toEqual([`/rewards/issue/${coupon.id} -1`]);
		expect(await payouts(coupon.id)).toBe(1);
	});

	it('after a failure that may or may not have reached Referral Factory, finds the reward still due: the item fails and nothing is sent again', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, path: `/rewards/issue/${amount.id}`, times: 1 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error!.message).toBe(`Referral Factory did not confirm issuing reward ${amount.id}; as far as its lists show, the reward is not issued [item 0]`);
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} -1`]);
		expect((await t.client.rewards()).filter((r) => r.state === 'issued')).toEqual([]);
	});

	it('with Resend Once If Unconfirmed, after a 503 that changed nothing, finds a coupon reward still due in the coupon lists and sends it again', async () => {
		const { coupon } = await qualifiedLead(t);
		await t.client.addFault({ status: 503, path: `/rewards/issue/${coupon.id}`, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(coupon.id), { resendIfUnconfirmed: true }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: coupon.id, outcome: 'issued' });
		expect(await issuePosts()).toEqual([`/rewards/issue/${coupon.id} 503`, `/rewards/issue/${coupon.id} 200`]);
		expect(await payouts(coupon.id)).toBe(1);
	});

	describe('run again (a re-run, Retry On Fail) against an API that would pay an issued reward again', () => {
		beforeEach(async () => await t.client.configure({ reissue: 'allow' }));

		it('sends nothing and outputs the reward with outcome alreadyIssued', async () => {
			const { amount } = await qualifiedLead(t);
			await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', outcome: 'alreadyIssued' });
			expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 200`]);
			expect(await payouts(amount.id)).toBe(1);
		});

		it('with Fail If Already Done: an error that names the item, and nothing sent', async () => {
			const { amount } = await qualifiedLead(t);
			await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

			const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id), { failIfAlreadyDone: true }), input: [{}] });

			expect(error!.message).toBe(`Reward ${amount.id} was issued already [item 0]`);
			expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 200`]);
			expect(await payouts(amount.id)).toBe(1);
		});

		it('the same reward in two items of one run is sent once; the later item says alreadyIssued', async () => {
			const { amount } = await qualifiedLead(t);

			const { items, error } = await runReferralFactoryNode({
				credential: t.credential,
				parameters: issue('={{ $json.id }}'),
				input: [{ id: amount.id }, { id: amount.id }],
			});

			expect(error).toBeUndefined();
			expect(items.map((item) => [item.json.outcome, item.pairedItem])).toEqual([
				['issued', { item: 0 }],
				['alreadyIssued', { item: 1 }],
			]);
			expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 200`]);
			expect(await payouts(amount.id)).toBe(1);
		});
	});

	it('a refusal from Referral Factory for a reward its lists showed due: found issued, so alreadyIssued, not an error', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.issueReward(amount.id);
		// The due list is stale for one read (issued meanwhile, or a list that lags): the node sends, and is refused.
		const stale = { data: [{ id: amount.id, reward_id: 9, recipient_id: 1, can_be_issued: true, count: 1, total: 25 }], links: { next: null } };
		await t.client.addFault({ method: 'GET', path: '/rewards/due/amount', status: 200, body: stale, times: 1 });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, outcome: 'alreadyIssued' });
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 422`]);
	});

	it('a lost answer, then the reward in no list: an error that says so, with no HTTP code (the node concluded it), and one POST', async () => {
		const { amount } = await qualifiedLead(t);
		// The due list shows the reward to the run's snapshot, then reads empty to the look-up after the lost answer.
		await t.client.addFault({ method: 'GET', path: '/rewards/due/amount', status: 200, body: { data: [], links: { next: null } }, skip: 1, times: 1 });
		await t.client.addFault({ method: 'POST', path: '/rewards/issue', status: 503, times: 1 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error!.message).toBe(`Reward ${amount.id} is neither due nor issued any more [item 0]`);
		expect((error as { httpCode?: string }).httpCode).toBeUndefined();
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 503`]);
	});

	it('refuses a reward that is in no list, and sends nothing', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue('999'), input: [{}] });

		expect(error!.message).toBe("No due reward with ID 999: it is in neither Referral Factory's due nor its issued lists [item 0]");
		expect(await issuePosts()).toEqual([]);
	});

	it('refuses an ID that is not a whole number before any request', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue('={{ $json.id }}'), input: [{ id: 'R-12' }] });

		expect(error!.message).toBe(`'Due Reward ID' must be a whole number, but it is "R-12" [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});
});
