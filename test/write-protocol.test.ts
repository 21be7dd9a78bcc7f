/**
 * The one write protocol (nodes/ReferralFactory/helpers/claims.ts, docs/writes.md), through n8n's engine against the
 * sandbox: money is never resent blind (Issue waits, looks, and fails rather than guess); one claim per record per run
 * for every write; an execution knows what it did across n8n's Retry On Fail (the engine runs the node again in the
 * same execution); outcomes that know or say they don't; roles checked on Add; the due reward's ID never taken for
 * a reward rule's.
 */
import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import { itemMemory, MAX_ENTRIES } from '../nodes/ReferralFactory/helpers/claims';

import { runReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, operationParameters, useSandbox } from './helpers/setup';
import { qualifiedLead } from './operations/reward/setup';

const t = useSandbox();

/** Quick timeouts: the settle time of an unconfirmed issue is the request timeout. */
const QUICK = { timeout: 1, retryFor: 3 };

const issue = (rewardId: string, options: Record<string, unknown> = {}) => operationParameters('reward', 'issue', { rewardId, options: { ...QUICK, ...options } });

async function posts(prefix: string) {
	return (await t.client.requests()).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search') && r.path.startsWith(`/api/v2${prefix}`)).map((r) => `${r.method} ${r.path.replace('/api/v2', '')}`);
}

async function payouts(id: number) {
	return (await t.client.rewards()).find((r) => r.id === id)!.payouts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Issue: money is never resent blind', () => {
	it('an issue still in progress when the answer is lost is found issued after the settle time: one request, one payout', async () => {
		const { amount } = await qualifiedLead(t);
		// Referral Factory's payout takes 1.6 s; the node waits 1 s for an answer, then 1 s more before it looks.
		await t.client.configure({ issueTakesMs: 1_600 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', outcome: 'issued' });
		expect(await posts('/rewards/issue')).toEqual([`POST /rewards/issue/${amount.id}`]);
		expect(await payouts(amount.id)).toBe(1);
	});

	it('an issue still in progress after the settle time fails the item and says so; nothing is sent again, the one payout lands', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.configure({ issueTakesMs: 3_500 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error!.message).toBe(`Referral Factory did not confirm issuing reward ${amount.id}; as far as its lists show, the reward is not issued [item 0]`);
		expect((error as { description?: string }).description).toMatch(/It was not sent again, so that it cannot be paid twice\. .*run the workflow again to retry/);
		expect(await posts('/rewards/issue')).toEqual([`POST /rewards/issue/${amount.id}`]);
		await sleep(1_800);
		expect(await payouts(amount.id)).toBe(1);
	});

	it('with Resend Once If Unconfirmed, an unconfirmed issue is sent once more, and only once', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ drop: true, path: `/rewards/issue/${amount.id}`, times: 5 });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id), { resendIfUnconfirmed: true }), input: [{}] });

		// Dropped twice: the first request and the one resend; nothing more.
		expect(error!.message).toMatch(/did not confirm issuing reward/);
		expect(await posts('/rewards/issue')).toEqual([`POST /rewards/issue/${amount.id}`, `POST /rewards/issue/${amount.id}`]);
	});

	it('with Resend Once If Unconfirmed, a request that changed nothing is sent once more: issued, one payout', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 503, path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id), { resendIfUnconfirmed: true }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, outcome: 'issued' });
		expect(await posts('/rewards/issue')).toHaveLength(2);
		expect(await payouts(amount.id)).toBe(1);
	});

	it('with Resend Once If Unconfirmed, a resend refused because the first request did issue it says issued, not alreadyIssued', async () => {
		const { amount } = await qualifiedLead(t);
		// The issue is done and its answer lost; the look-up after it reads lists that lag (not yet in Issued, still in
		// Due), so the node sends once more, and Referral Factory refuses: issued already — by this run.
		await t.client.addFault({ status: 500, when: 'after', path: `/rewards/issue/${amount.id}`, times: 1 });
		await t.client.addFault({ method: 'GET', path: '/rewards/issued/amount', status: 200, body: { data: [], links: { next: null } }, times: 1 });
		const stale = { data: [{ id: amount.id, reward_id: 9, recipient_id: amount.recipient_id, can_be_issued: true, count: 1, total: 25 }], links: { next: null } };
		await t.client.addFault({ method: 'GET', path: '/rewards/due/amount', status: 200, body: stale, skip: 1, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id), { resendIfUnconfirmed: true }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, outcome: 'issued' });
		expect(await posts('/rewards/issue')).toEqual([`POST /rewards/issue/${amount.id}`, `POST /rewards/issue/${amount.id}`]);
		expect(await payouts(amount.id)).toBe(1);
	});

	it('a 2xx while the lists still show the reward due is "unknown", not "issued"', async () => {
		const { amount } = await qualifiedLead(t);
		// Answered 200 with a message, the reward left as it was (as a payout queued for later would).
		await t.client.addFault({ status: 200, body: { message: 'Reward queued.' }, path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue(String(amount.id)), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'due', outcome: 'unknown' });
	});

	it.each([
		['a reward rule’s ID', 9],
		['a number no reward has', 4242],
	])('Issue and Cancel refuse %s (in neither list): an item error, nothing sent', async (_name, id) => {
		await qualifiedLead(t);
		for (const operation of ['issue', 'cancel']) {
			const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', operation, { rewardId: String(id) }), input: [{}] });
			expect(error!.message).toBe(`No due reward with ID ${id}: it is in neither Referral Factory's due nor its issued lists [item 0]`);
			expect((error as { description?: string }).description).toMatch(/not its "rewardRuleId"/);
		}
		expect(await posts('/rewards/')).toEqual([]);
	});
});

describe('one claim per record per run', () => {
	it('Qualify: two items for one lead qualify it once; the second says alreadyQualified; the PUT names the lead by the ID read', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lea = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'code', value: lea.code } }),
			input: [{}, {}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.outcome)).toEqual(['qualified', 'alreadyQualified']);
		const puts = (await t.client.requests()).filter((r) => r.method === 'PUT');
		expect(puts.map((r) => r.body)).toEqual([{ id: lea.id, qualified: true }]);
		expect((await t.client.rewards()).filter((r) => r.recipient_id === nathan.id)).toHaveLength(1);
	});

	it('Update: two items for one person are written one after the other, the second seeing the first', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();
		const ref = { __rl: true, mode: 'id', value: String(nathan.id) };

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'update', { referrerId: ref, updateFields: { firstName: '={{ $json.name }}' } }),
			input: [{ name: 'Nate' }, { name: 'Nate' }, { name: 'Nat' }],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.outcome)).toEqual(['updated', 'unchanged', 'updated']);
		expect((await t.client.requests()).filter((r) => r.method === 'PUT').map((r) => (r.body as { first_name: string }).first_name)).toEqual(['Nate', 'Nat']);
		expect((await t.client.users()).find((u) => u.id === nathan.id)!.first_name).toBe('Nat');
	});

	it('Delete: two items for one person send one DELETE; the second says gone', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'delete', { referrerId: { __rl: true, mode: 'id', value: String(nathan.id) } }),
			input: [{}, {}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.outcome)).toEqual(['deleted', 'gone']);
		expect(await posts('/users')).toEqual([`DELETE /users/${nathan.id}`]);
	});

	it('Add: the same email twice in a run is one person; the second item says existing, and one POST was sent', async () => {
		await t.client.configure({ duplicates: 'allow' });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Nathan', email: 'nathan@example.com' }, { firstName: 'Nathan', email: 'NATHAN@example.com' }],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.outcome)).toEqual(['created', 'existing']);
		expect(items[1].json.id).toBe(items[0].json.id);
		expect(await posts('/users')).toEqual(['POST /users']);
	});
});

describe('roles on Add', () => {
	it.each([
		['returnExisting', []],
		['updateFields', []],
	])('Add Referrer with a lead’s email (If Exists: %s) is an item error that says so; nothing is changed', async (ifExists) => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.clearRequests();

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists }),
			input: [{ firstName: 'Leah', email: 'lea@example.com' }],
			continueOnFail: true,
		});

		expect(items[0].json.error).toBe('lea@example.com is a lead in campaign 1, not a referrer [item 0]');
		expect((await t.client.requests()).filter((r) => r.method === 'PUT')).toEqual([]);
		expect((await t.client.users()).find((u) => u.email === 'lea@example.com')!.first_name).toBe('Lea');
	});
});

describe('outcomes that know', () => {
	it('Add after a lost answer: a resend answered 201 after a look-up that found nobody is created, though Referral Factory’s clock is an hour behind', async () => {
		await t.client.configure({ clockOffsetMs: -3_600_000, dateFormat: 'iso' });
		await t.client.addFault({ method: 'POST', path: '/users', status: 503, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: addReferrerParameters(), input: [{ firstName: 'Nathan', email: 'nathan@example.com' }] });

		expect(error).toBeUndefined();
		expect(items[0].json.outcome).toBe('created');
		expect(await posts('/users')).toEqual(['POST /users', 'POST /users']);
	});

	it('Cancel resent after a lost answer and refused (404): this run’s first request did it, so cancelled', async () => {
		const { coupon } = await qualifiedLead(t);
		// The cancel is done and its answer lost; the look-up after it reads a due list that lags (the reward still in
		// it), so the node sends again, and Referral Factory refuses: the reward is gone.
		await t.client.addFault({ status: 500, when: 'after', path: `/rewards/cancel/${coupon.id}`, times: 1 });
		const stale = { data: [{ id: coupon.id, reward_id: 10, recipient_id: coupon.recipient_id, can_be_issued: true, coupon: 'X' }], links: { next: null } };
		await t.client.addFault({ method: 'GET', path: '/rewards/due/coupon', status: 200, body: stale, skip: 1, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('reward', 'cancel', { rewardId: String(coupon.id), options: QUICK }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: coupon.id, outcome: 'cancelled' });
		expect(await posts('/rewards/cancel')).toEqual([`POST /rewards/cancel/${coupon.id}`, `POST /rewards/cancel/${coupon.id}`]);
	});
});

describe('Retry On Fail: an execution knows what it did', () => {
	it('Add: a retried node reports the people its first try created as created, each person once', async () => {
		// The fourth add is refused once (a 400): the node fails, n8n runs it again.
		await t.client.addFault({ method: 'POST', path: '/users', status: 400, skip: 3, times: 1 });
		const input = Array.from({ length: 6 }, (_, i) => ({ firstName: `Customer ${i}`, email: `customer${i}@example.com` }));

		const { items, error, run } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: { ...QUICK, concurrency: 1 } }),
			input,
			retryOnFail: { maxTries: 2 },
		});

		expect(error).toBeUndefined();
		expect(run.data.resultData.runData['Referral Factory']).toHaveLength(1);
		expect(items.map((item) => item.json.outcome)).toEqual(Array(6).fill('created'));
		const users = await t.client.users();
		for (const { email } of input) expect(users.filter((u) => u.email === email)).toHaveLength(1);
	});

	it('Issue: the retry reports the first try’s payout as issued, and an unconfirmed reward is not sent again', async () => {
		const { amount, coupon } = await qualifiedLead(t);
		// The coupon's issue gets a 500 with nothing done, every time: unconfirmed, still due.
		await t.client.addFault({ status: 500, path: `/rewards/issue/${coupon.id}`, times: 10 });

		const { error, run } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: issue('={{ $json.id }}', { concurrency: 1 }),
			input: [{ id: amount.id }, { id: coupon.id }],
			retryOnFail: { maxTries: 2 },
		});

		expect(error!.message).toMatch(`did not confirm issuing reward ${coupon.id}`);
		expect(await posts('/rewards/issue')).toEqual([`POST /rewards/issue/${amount.id}`, `POST /rewards/issue/${coupon.id}`]);
		expect(await payouts(amount.id)).toBe(1);
		// The engine keeps the last try; its item 0 was issued by the first try of this execution.
		expect(run.data.resultData.runData['Referral Factory'][0].error).toBeDefined();
	});

	it('Issue: items the first try issued come out issued from the retry, not alreadyIssued', async () => {
		const { amount, coupon } = await qualifiedLead(t);
		// The coupon's issue is refused once, with nothing done: the first try fails on item 1, after item 0 was paid.
		await t.client.addFault({ status: 422, path: `/rewards/issue/${coupon.id}`, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: issue('={{ $json.id }}', { concurrency: 1 }),
			input: [{ id: amount.id }, { id: coupon.id }],
			retryOnFail: { maxTries: 2 },
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.outcome)).toEqual(['issued', 'issued']);
		expect(await payouts(amount.id)).toBe(1);
		expect(await payouts(coupon.id)).toBe(1);
	});

	it('Qualify: the lead the first try qualified is qualified on the retry; a new execution says alreadyQualified', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lea = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		const max = await t.client.createUser({ campaign_id: 1, first_name: 'Max', email: 'max@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.addFault({ status: 500, method: 'GET', path: `/users/${max.id}`, times: 3 });
		const parameters: INodeParameters = operationParameters('lead', 'qualify', {
			leadId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			options: { ...QUICK, retryFor: 1, concurrency: 1 },
		});

		const retried = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{ id: lea.id }, { id: max.id }], retryOnFail: { maxTries: 3 } });
		const again = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{ id: lea.id }, { id: max.id }] });

		expect(retried.error).toBeUndefined();
		expect(retried.items.map((item) => item.json.outcome)).toEqual(['qualified', 'qualified']);
		expect(again.items.map((item) => item.json.outcome)).toEqual(['alreadyQualified', 'alreadyQualified']);
	});
});

describe('one shape per record', () => {
	it('Reward → Get Many, Status All: due and issued rewards have the same keys', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.issueReward(amount.id);

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('reward', 'getAll', { status: 'all', returnAll: true }),
			input: [{}],
		});

		const shapes = new Set(items.map((item) => Object.keys(item.json).sort().join(',')));
		expect(items.length).toBeGreaterThan(1);
		expect(shapes.size).toBe(1);
		expect(Object.keys(items[0].json)).toEqual(expect.arrayContaining(['issuedAt', 'rewardRuleId', 'coupon', 'total']));
		expect(Object.keys(items[0].json)).not.toContain('rewardId');
	});

	it('people have the same keys whether they have a referrer, a promotion code or custom fields or not', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com', promotion: true, meta: [{ field: 'Last Name', value: 'Smith' }] });
		await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'getAll', { returnAll: true }),
			input: [{}],
		});
		const referrers = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('referrer', 'getAll', { returnAll: true }), input: [{}] });

		const shapes = new Set([...items, ...referrers.items].map((item) => Object.keys(item.json).sort().join(',')));
		expect(shapes.size).toBe(1);
	});
});

describe('found by a review that broke the protocol on purpose', () => {
	it('Resend Once If Unconfirmed with Retry On Fail: the issue is sent at most twice in one execution, whatever n8n retries', async () => {
		const { amount } = await qualifiedLead(t);
		// Every issue request is dropped (nothing done): unconfirmed each time, still due.
		await t.client.addFault({ drop: true, path: `/rewards/issue/${amount.id}`, times: 20 });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: issue(String(amount.id), { resendIfUnconfirmed: true }),
			input: [{}],
			retryOnFail: { maxTries: 3 },
		});

		expect(error!.message).toMatch(/did not confirm issuing reward/);
		// "Resend Once": the first request and one resend, whatever n8n's Retry On Fail does.
		expect((await posts('/rewards/issue')).length).toBeLessThanOrEqual(2);
	}, 60_000);

	it('Resend Once If Unconfirmed with Retry On Fail and a payout slower than two timeouts: never paid three times', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.configure({ issueTakesMs: 5_500 });

		await runReferralFactoryNode({
			credential: t.credential,
			parameters: issue(String(amount.id), { resendIfUnconfirmed: true }),
			input: [{}],
			retryOnFail: { maxTries: 2 },
		});
		await sleep(5_000);

		// Resend Once accepts the risk of two payouts; never three.
		expect(await payouts(amount.id)).toBeLessThanOrEqual(2);
	}, 60_000);

	it('a second item for a reward whose issue got a 2xx but is still due says unknown too, not alreadyIssued', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 200, body: { message: 'Reward queued.' }, path: '/rewards/issue', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: issue('={{ $json.id }}'), input: [{ id: amount.id }, { id: String(amount.id) }] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ outcome: 'unknown', status: 'due' });
		// The lists still show it due: "alreadyIssued" (status issued) is not so.
		expect(items[1].json.outcome).not.toBe('alreadyIssued');
		expect(items[1].json.status).toBe('due');
	});

	it('… and with Fail If Already Done the second item does not fail as issued already', async () => {
		const { amount } = await qualifiedLead(t);
		await t.client.addFault({ status: 200, body: { message: 'Reward queued.' }, path: '/rewards/issue', times: 1 });

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: issue('={{ $json.id }}', { failIfAlreadyDone: true }),
			input: [{ id: amount.id }, { id: amount.id }],
			continueOnFail: true,
		});

		expect(items[1].json.error).toBeUndefined();
	});

	it('Cancel: a cancel this execution sent (answer lost, look-up failed) is cancelled on the retry, not an unknown ID', async () => {
		const { coupon } = await qualifiedLead(t);
		// The cancel is done, its answer lost; the look-up after it fails once (any failure: here a 400).
		await t.client.addFault({ status: 500, when: 'after', path: `/rewards/cancel/${coupon.id}`, times: 1 });
		await t.client.addFault({ method: 'GET', path: '/rewards/issued/coupon', status: 400, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('reward', 'cancel', { rewardId: String(coupon.id), options: QUICK }),
			input: [{}],
			retryOnFail: { maxTries: 2 },
		});

		expect(await posts('/rewards/cancel')).toEqual([`POST /rewards/cancel/${coupon.id}`]);
		expect(error?.message).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: coupon.id, outcome: 'cancelled' });
	});

	it('the memory keeps the newest items’ work past its bound (an unconfirmed issue must not be forgotten and resent)', () => {
		// The bound is module state of the n8n process: reaching it through the engine would take 200,000 items, so the
		// memory is driven directly, with the few context calls it makes.
		const ctx = {
			getExecutionId: () => 'review-22-exec',
			getNode: () => ({ id: 'review-node', name: 'RF' }),
			getWorkflow: () => ({ id: 'wf' }),
			getWorkflowDataProxy: () => ({ $runIndex: 0 }),
		} as unknown as IExecuteFunctions;
		for (let i = 0; i < MAX_ENTRIES; i++) itemMemory(ctx, i).note(`reward:${i + 1}`, 'issued');
		itemMemory(ctx, MAX_ENTRIES).note(`reward:${MAX_ENTRIES + 1}`, 'unconfirmed');
		expect(itemMemory(ctx, MAX_ENTRIES).recall(`reward:${MAX_ENTRIES + 1}`)).toBe('unconfirmed');
	});

	it('Qualify: a lead this execution qualified while every answer was lost is qualified on the retry', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lea = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.addFault({ method: 'PUT', path: '/users/qualification', status: 500, when: 'after', times: 20 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'id', value: String(lea.id) }, options: { ...QUICK, retryFor: 1 } }),
			input: [{}],
			retryOnFail: { maxTries: 2 },
		});

		expect(error).toBeUndefined();
		expect(items[0].json.outcome).toBe('qualified');
	}, 60_000);

	it('Delete with Fail If Already Done: a person this execution deleted while every answer was lost is deleted on the retry', async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.addFault({ method: 'DELETE', path: `/users/${nathan.id}`, status: 500, when: 'after', times: 20 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'delete', { referrerId: { __rl: true, mode: 'id', value: String(nathan.id) }, options: { ...QUICK, retryFor: 1, failIfAlreadyDone: true } }),
			input: [{}],
			retryOnFail: { maxTries: 2 },
		});

		expect(error?.message).toBeUndefined();
		expect(items[0].json.outcome).toBe('deleted');
	}, 60_000);

	it('Update: a rename whose answer was lost and whose resend was refused (a 400) is updated on the retry, not unchanged', async () => {
		// Found by CI: the resend's outright refusal took back the note of a write the first send had done.
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.addFault({ method: 'PUT', path: `/users/${nathan.id}`, status: 500, when: 'after', times: 1 });
		await t.client.addFault({ method: 'PUT', path: `/users/${nathan.id}`, status: 400, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('referrer', 'update', { referrerId: { __rl: true, mode: 'id', value: String(nathan.id) }, updateFields: { firstName: 'Nate' }, options: QUICK }),
			input: [{}],
			retryOnFail: { maxTries: 2 },
		});

		expect(error?.message).toBeUndefined();
		expect((await t.client.users()).find((u) => u.id === nathan.id)?.first_name).toBe('Nate');
		expect(items[0].json.outcome).toBe('updated');
	});

	it('Add: a person this execution created (answer lost, look-up failed) is created on the retry with dates that tell, never existing', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		await t.client.addFault({ method: 'POST', path: '/users', status: 500, when: 'after', times: 1 });
		await t.client.addFault({ method: 'POST', path: '/users/search', status: 400, times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ options: QUICK }),
			input: [{ firstName: 'Nathan', email: 'nathan@example.com' }],
			retryOnFail: { maxTries: 2 },
		});

		expect(error?.message).toBeUndefined();
		expect((await t.client.users()).filter((u) => u.email === 'nathan@example.com')).toHaveLength(1);
		expect(items[0].json.outcome).toBe('created');
	});
});
