import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

const getMany = (values: INodeParameters) => operationParameters('reward', 'getAll', values);

describe('Reward → Get Many', () => {
	it('lists the due rewards of a type in the node\'s words, with the recipient\'s name and email', async () => {
		const { referrer, amount } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ status: 'due', rewardType: 'amount', returnAll: true }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: {
					id: amount.id,
					rewardRuleId: 9,
					type: 'amount',
					status: 'due',
					recipientId: referrer.id,
					recipientName: 'Nathan',
					recipientEmail: 'nathan@example.com',
					name: null,
					coupon: null,
					count: 1,
					total: 25,
					canBeIssued: true,
					issuedAt: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/due/amount', `/api/v2/users/${referrer.id}`]);
	});

	it('with Simplify off, gives the records as the API sent them and reads no person', async () => {
		const { referrer, amount } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ status: 'due', rewardType: 'amount', returnAll: true, simplify: false }), input: [{}] });

		expect(items.map((item) => item.json)).toEqual([{ id: amount.id, reward_id: 9, recipient_id: referrer.id, can_be_issued: true, count: 1, total: 25 }]);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/due/amount']);
	});

	it('lists every type by default (a due coupon is not left out), reading each recipient once', async () => {
		const { referrer, lead, amount, coupon } = await qualifiedLead(t);
		const second = await t.client.createUser({ campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
		await t.client.qualify({ id: second.id, qualified: true });
		await t.client.clearRequests();

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ returnAll: true }), input: [{}] });

		expect(items.map((item) => [item.json.type, item.json.recipientName])).toEqual([
			['amount', 'Nathan'],
			['amount', 'Nathan'],
			['coupon', 'Lea'],
			['coupon', 'Leo'],
		]);
		expect(items.map((item) => item.json.id)).toEqual(expect.arrayContaining([amount.id, coupon.id]));
		const paths = (await t.client.requests()).map((r) => r.path);
		expect(paths.filter((p) => p.startsWith('/api/v2/rewards/'))).toEqual(['amount', 'commission', 'coupon', 'custom'].map((type) => `/api/v2/rewards/due/${type}`));
		expect(paths.filter((p) => p.startsWith('/api/v2/users/')).sort()).toEqual([referrer.id, lead.id, second.id].map((id) => `/api/v2/users/${id}`).sort());
	});

	it('Limit counts across the types and stops reading lists once it is reached', async () => {
		await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ limit: 1, simplify: false }), input: [{}] });

		expect(items).toHaveLength(1);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/due/amount']);
	});

	it.each(['recipient', 'user'] as const)('reads the recipient from the record when the API puts them under %s, asking for no person', async (key) => {
		await t.client.configure({ rewardRecipient: key });
		const { referrer } = await qualifiedLead(t);

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ rewardType: 'amount', returnAll: true }), input: [{}] });

		expect(items.map((item) => [item.json.recipientId, item.json.recipientName, item.json.recipientEmail])).toEqual([[referrer.id, 'Nathan', 'nathan@example.com']]);
		expect((await t.client.requests()).map((r) => r.path)).toEqual(['/api/v2/rewards/due/amount']);
	});

	it('a recipient deleted since the reward was earned: the reward is listed, the name and email null', async () => {
		const { referrer } = await qualifiedLead(t);
		await t.client.deleteUser(referrer.id);
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ rewardType: 'amount', returnAll: true }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.recipientId, item.json.recipientName, item.json.recipientEmail])).toEqual([[referrer.id, null, null]]);
	});

	it('All: every reward has its status, due or issued (the dashboard list gives one to issued rewards only)', async () => {
		await qualifiedLead(t);
		const [due] = await t.client.rewards();
		await t.client.issueReward(due.id);

		const all = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ status: 'all', rewardType: 'all', returnAll: true }), input: [{}] });

		expect(all.items.map((item) => [item.json.id, item.json.status]).sort()).toEqual(
			(await t.client.rewards()).map((reward) => [reward.id, reward.id === due.id ? 'issued' : 'due']).sort(),
		);
		expect(all.items.length).toBeGreaterThan(1);
	});

	it('All reads the dashboard list; Issued is empty before anything is issued', async () => {
		await qualifiedLead(t);

		const all = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ status: 'all', rewardType: 'coupon', returnAll: true }), input: [{}] });
		const issued = await runReferralFactoryNode({ credential: t.credential, parameters: getMany({ status: 'issued', rewardType: 'coupon', returnAll: true }), input: [{}] });

		expect(all.items).toHaveLength(1);
		expect(all.items[0].json.coupon).toMatch(/^SAVE10-/);
		expect(issued.items).toEqual([]);
		expect((await t.client.requests()).map((r) => r.path).filter((p) => p.startsWith('/api/v2/rewards'))).toEqual(['/api/v2/rewards/dashboard/coupon', '/api/v2/rewards/issued/coupon']);
	});
});
