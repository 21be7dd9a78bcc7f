import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

const issue = (rewardId: string, rewardType = 'amount') =>
	operationParameters('reward', 'issue', { rewardId, rewardType, options: { retryFor: 10 } });

async function issuePosts() {
	return (await t.client.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path.replace('/api/v2', '')} ${r.status}`);
}

describe('Reward → Issue', () => {
	it('issues a due reward and outputs it as issued', async () => {
		const { amount } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', issued_at: expect.any(String) });
		expect((await t.client.rewards()).find((r) => r.id === amount.id)!.state).toBe('issued');
	});

	it('after a lost answer, finds the reward issued and never sends it again', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 500, when: 'after', path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued' });
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} 500`]);
		expect((await t.client.requests()).map((r) => r.path)).toContain('/api/v2/rewards/issued/amount');
	});

	it('after a failure that changed nothing, finds the reward still due and sends it again', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, path: '/rewards/issue', times: 1 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(await issuePosts()).toEqual([`/rewards/issue/${amount.id} -1`, `/rewards/issue/${amount.id} 200`]);
		expect((await t.client.rewards()).filter((r) => r.state === 'issued')).toHaveLength(1);
	});

	it('a reward issued already is an error, not a second payout', async () => {
		const { amount } = await qualifiedLead(t);
		await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error!.message).toBe('Referral Factory did not accept the request: The reward has already been issued [item 0]');
	});

	it('names a reward that is not there', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue('999'), input: [{}] });

		expect(error!.message).toBe('No due reward with ID 999 was found [item 0]');
	});

	it('refuses an ID that is not a whole number before any request', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue('={{ $json.id }}'), input: [{ id: 'R-12' }] });

		expect(error!.message).toBe(`'Due Reward ID' must be a whole number, but it is "R-12" [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});
});
