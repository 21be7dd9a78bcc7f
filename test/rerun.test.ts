/**
 * Every write is re-run safe: n8n's Retry On Fail and a user's re-run of an execution send every item again. Each
 * write runs twice on the same input; the second run sends no write, fails no item, and its `outcome` says what
 * was already so. Against a sandbox that would pay an issued reward again, so only the node stands between a
 * re-run and a second payout.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, operationParameters, useSandbox } from './helpers/setup';
import { qualifiedLead } from './operations/reward/setup';

const t = useSandbox({ reissue: 'allow' });

type Fixture = Awaited<ReturnType<typeof qualifiedLead>>;

/** The writes a run sent: everything but reads. */
async function writes() {
	return (await t.client.requests())
		.filter((r) => r.method !== 'GET' && !r.path.endsWith('/users/search'))
		.map((r) => `${r.method} ${r.path.replace('/api/v2', '')}`);
}

const WRITES: Array<{
	name: string;
	parameters: (f: Fixture) => INodeParameters;
	first: string;
	again: string;
	/** What the sandbox must show after both runs. */
	state: (f: Fixture) => Promise<void>;
}> = [
	{
		name: 'Reward → Issue',
		parameters: (f) => operationParameters('reward', 'issue', { rewardId: String(f.amount.id) }),
		first: 'issued',
		again: 'alreadyIssued',
		state: async (f) => expect((await t.client.rewards()).find((r) => r.id === f.amount.id)).toMatchObject({ state: 'issued', payouts: 1 }),
	},
	{
		name: 'Lead → Unqualify',
		parameters: (f) => operationParameters('lead', 'unqualify', { leadId: { __rl: true, mode: 'code', value: f.lead.code } }),
		first: 'unqualified',
		again: 'alreadyUnqualified',
		state: async (f) => expect((await t.client.users()).find((u) => u.id === f.lead.id)!.qualified_at).toBeNull(),
	},
	{
		name: 'Referrer → Update',
		parameters: (f) => operationParameters('referrer', 'update', { referrerId: { __rl: true, mode: 'id', value: String(f.referrer.id) }, updateFields: { firstName: 'Nate' } }),
		first: 'updated',
		again: 'unchanged',
		state: async (f) => expect((await t.client.users()).find((u) => u.id === f.referrer.id)!.first_name).toBe('Nate'),
	},
	{
		name: 'Lead → Delete',
		parameters: (f) => operationParameters('lead', 'delete', { leadId: { __rl: true, mode: 'email', value: f.lead.email }, campaignId: { __rl: true, mode: 'id', value: '1' } }),
		first: 'deleted',
		again: 'gone',
		state: async (f) => expect((await t.client.users()).map((u) => u.id)).not.toContain(f.lead.id),
	},
];

describe('every write run twice on the same input', () => {
	it.each(WRITES)('$name: the second run sends no write, fails nothing, and says "$again"', async ({ parameters, first, again, state }) => {
		const fixture = await qualifiedLead(t);
		const run = async () => await runReferralFactoryNode({ credential: t.credential, parameters: parameters(fixture), input: [{}] });

		const once = await run();
		expect(once.error).toBeUndefined();
		expect(once.items[0].json.outcome).toBe(first);
		const sent = await writes();
		expect(sent).toHaveLength(1);
		await t.client.clearRequests();

		const twice = await run();

		expect(twice.error).toBeUndefined();
		expect(twice.items[0].json.outcome).toBe(again);
		expect(await writes()).toEqual([]);
		await state(fixture);
	});

	it('Reward → Cancel: the second run sends nothing; a cancelled reward is in no list, so each item says so as an error', async () => {
		const fixture = await qualifiedLead(t);
		const parameters = operationParameters('reward', 'cancel', { rewardId: String(fixture.coupon.id) });
		const once = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{}] });
		await t.client.clearRequests();

		const twice = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{}], continueOnFail: true });

		expect(once.items[0].json.outcome).toBe('cancelled');
		expect(twice.items[0].json.error).toBe(`No due reward with ID ${fixture.coupon.id}: it is in neither Referral Factory's due nor its issued lists [item 0]`);
		expect(await writes()).toEqual([]);
		expect((await t.client.rewards()).map((r) => r.id)).not.toContain(fixture.coupon.id);
	});

	it('Lead → Qualify: the second run sends no qualification, and says alreadyQualified; the referrer earns once', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lea = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		const parameters = operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'id', value: String(lea.id) } });

		const once = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{}] });
		await t.client.clearRequests();
		const twice = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{}] });

		expect([once.items[0].json.outcome, twice.items[0].json.outcome]).toEqual(['qualified', 'alreadyQualified']);
		expect(await writes()).toEqual([]);
		expect((await t.client.rewards()).filter((r) => r.recipient_id === nathan.id)).toHaveLength(1);
	});

	it.each([
		['Lead → Qualify', 'lead', 'qualify', 'The lead was qualified already [item 0]'],
		['Referrer → Delete', 'referrer', 'delete', 'No referrer with ID {referrer} was found [item 0]'],
	])('%s with Fail If Already Done: the second run is an error that names the item', async (_name, resource, operation, message) => {
		const f = await qualifiedLead(t);
		const target = resource === 'lead' ? { leadId: { __rl: true, mode: 'id', value: String(f.lead.id) } } : { referrerId: { __rl: true, mode: 'id', value: String(f.referrer.id) } };
		// The fixture's lead is qualified already; the referrer is deleted by a first run.
		if (resource === 'referrer') await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters(resource, operation, target), input: [{}] });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters(resource, operation, { ...target, options: { failIfAlreadyDone: true } }),
			input: [{}],
		});

		expect(error!.message).toBe(message.replace('{referrer}', String(f.referrer.id)));
	});
});

describe('Retry On Fail with a failure in the middle', () => {
	it('Reward → Issue of three rewards, the second refused once: n8n runs the node again; 0 paid twice, 0 error items, the first try’s payout still "issued"', async () => {
		const first = await qualifiedLead(t);
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nina', email: 'nina@example.com' });
		const leads = await Promise.all(
			['lia', 'leo'].map(async (name) => await t.client.createUser({ campaign_id: 1, first_name: name, email: `${name}@example.com`, referrer: { field: 'id', value: nathan.id } })),
		);
		for (const lead of leads) await t.client.qualify({ id: lead.id, qualified: true });
		const amounts = (await t.client.rewards()).filter((r) => r.metric === 'amount').map((r) => r.id);
		expect(amounts).toContain(first.amount.id);
		// The second reward's issue is refused once with an error the node does not retry on its own.
		await t.client.addFault({ method: 'POST', path: `/rewards/issue/${amounts[1]}`, status: 400, times: 1 });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('reward', 'issue', { rewardId: '={{ $json.id }}', options: { concurrency: 1 } }),
			input: amounts.map((id) => ({ id })),
			retryOnFail: { maxTries: 2 },
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.json.outcome, item.pairedItem])).toEqual([
			[amounts[0], 'issued', { item: 0 }],
			[amounts[1], 'issued', { item: 1 }],
			[amounts[2], 'issued', { item: 2 }],
		]);
		const issues = (await t.client.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path.replace('/api/v2/rewards/issue/', '')} ${r.status}`);
		expect(issues).toEqual([`${amounts[0]} 200`, `${amounts[1]} 400`, `${amounts[1]} 200`, `${amounts[2]} 200`]);
		expect((await t.client.rewards()).filter((r) => r.metric === 'amount').map((r) => r.payouts)).toEqual([1, 1, 1]);
	});

	it('Referrer → Add of three people, the second refused once: the first try’s person is still "created", none added twice', async () => {
		await t.client.addFault({ method: 'POST', path: '/users', status: 400, skip: 1, times: 1 });
		const people = ['ann', 'bob', 'cat'].map((name) => ({ firstName: name, email: `${name}@example.com` }));

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: { concurrency: 1 } }),
			input: people,
			retryOnFail: { maxTries: 2 },
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.email, item.json.outcome])).toEqual([
			['ann@example.com', 'created'],
			['bob@example.com', 'created'],
			['cat@example.com', 'created'],
		]);
		expect((await t.client.users()).map((u) => u.email).sort()).toEqual(people.map((p) => p.email));
	});
});
