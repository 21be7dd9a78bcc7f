/**
 * Referral Factory Polling Trigger: every check runs in n8n-core's PollContext against the sandbox over HTTP, with the
 * node's static data kept between checks (and reloaded from JSON for a restart) as n8n keeps it.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { PollingWorkflow } from '../helpers/polling';
import { useSandbox } from '../helpers/setup';
import { TriggerWorkflow } from '../helpers/trigger';

const t = useSandbox();

const campaign = (id = '1') => ({ __rl: true, mode: 'list', value: id });
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const rewardIds = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => (item.json.reward as IDataObject).id);

/** The requests one check sent to the API (not the sandbox's control routes). */
async function requestsOf(check: () => Promise<unknown>) {
	await t.client.clearRequests();
	await check();
	return (await t.client.requests()).filter((request) => request.path.startsWith('/api/'));
}

async function referrer(n: number, campaignId = 1) {
	return await t.client.createUser({ campaign_id: campaignId, first_name: `Ref ${n}`, email: `ref${n}@example.com` });
}

async function lead(n: number, of: { code: string }, campaignId = 1) {
	return await t.client.createUser({ campaign_id: campaignId, first_name: `Lead ${n}`, email: `lead${n}@example.com`, referrer: { field: 'code', value: of.code } });
}

/** A published trigger after its first check (which only notes where the lists stand). */
async function published(parameters: INodeParameters): Promise<PollingWorkflow> {
	const wf = new PollingWorkflow(parameters, t.credential);
	expect(await wf.poll()).toBeNull();
	return wf;
}

describe('Referral Factory Polling Trigger: new people', () => {
	it('New Referrer: the first check starts nothing, the next starts one execution with each new referrer once, a quiet check costs one request', async () => {
		const before = await referrer(1);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		expect(wf.staticData.marks).toEqual({ newReferrer: { id: before.id, page: 1 } });

		const added = [await referrer(2), await referrer(3)];
		const items = await wf.poll();
		expect(ids(items)).toEqual(added.map((r) => r.id));
		expect(items![0].json).toMatchObject({ event: 'user.join', id: added[0].id, email: 'ref2@example.com', referralCode: added[0].code, firstName: 'Ref 2', campaignId: 1, type: 'person_referring', qualified: false });
		expect((items![0].json.raw as IDataObject).code).toBe(added[0].code);

		const quiet = await requestsOf(async () => expect(await wf.poll()).toBeNull());
		expect(quiet.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/users/search']);
	});

	it('New Lead: the same person, the same item as the webhook trigger gives for the lead joining', async () => {
		const webhook = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userJoined', campaignId: campaign(), sources: ['Referred'] }, credential: t.credential });
		await webhook.listen();
		try {
			await webhook.activate();
			const wf = await published({ event: 'newLead', campaignId: campaign() });
			const ref = await referrer(1);
			const joined = await lead(1, ref);
			await t.client.deliveries();

			const items = await wf.poll();
			expect(ids(items)).toEqual([joined.id]);
			const { raw: polledRaw, ...polled } = items![0].json;
			const { raw: deliveredRaw, ...delivered } = webhook.runs[0][0].json;
			expect(polled).toEqual(delivered);
			expect(Object.keys(polledRaw as IDataObject)).toEqual(expect.arrayContaining(['id', 'code', 'email', 'referrer_id']));
			expect(deliveredRaw).toBeDefined();
		} finally {
			await webhook.close();
		}
	});

	it('reads a burst from its last page back, then its first page again, then a quiet check is one request again (the mark on the last page)', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await t.client.seed(1, 620);
		const added = (await t.client.users()).map((u) => u.id);

		const burst = await requestsOf(async () => expect(ids(await wf.poll())).toEqual(added));
		expect(burst.map((r) => r.query.page)).toEqual(['1', '3', '2', '1']);
		expect(wf.staticData.marks).toEqual({ newReferrer: { id: Math.max(...added), page: 3 } });
		expect(await requestsOf(async () => expect(await wf.poll()).toBeNull())).toHaveLength(1);
		const next = await referrer(700);
		expect(ids(await wf.poll())).toEqual([next.id]);
	});

	it.each([
		[520, 300, 2],
		[501, 2, 5],
	])('people deleted before the mark move it back a page: what came after is found, nothing twice (%i people, %i deleted, %i new)', async (seeded, deleted, fresh) => {
		await t.client.seed(1, seeded);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		expect(wf.staticData.marks).toMatchObject({ newReferrer: { page: 3 } });
		for (const user of (await t.client.users()).slice(0, deleted)) await t.client.deleteUser(user.id);

		const added = [];
		for (let n = 1; n <= fresh; n++) added.push(await referrer(n));
		expect(ids(await wf.poll())).toEqual(added.map((r) => r.id));
		expect(await wf.poll()).toBeNull();
	});

	it('a list that comes newest first: the same people, once each, in the order they joined', async () => {
		await t.client.configure({ listOrder: 'newest' });
		await t.client.seed(1, 300);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await t.client.seed(1, 260);
		const added = (await t.client.users()).slice(300).map((u) => u.id);

		expect(ids(await wf.poll())).toEqual(added);
		expect(await requestsOf(async () => expect(await wf.poll()).toBeNull())).toHaveLength(1);
		const next = await referrer(1);
		expect(ids(await wf.poll())).toEqual([next.id]);
	});

	it('the first check reads the first page and the last (the highest ID is there), not every page between', async () => {
		await t.client.seed(1, 600);
		const wf = new PollingWorkflow({ event: 'newReferrer', campaignId: campaign() }, t.credential);
		const first = await requestsOf(async () => expect(await wf.poll()).toBeNull());
		expect(first.map((r) => r.query.page)).toEqual(['1', '3']);
		expect(wf.staticData.marks).toEqual({ newReferrer: { id: Math.max(...(await t.client.users()).map((u) => u.id)), page: 3 } });
	});

	it('a restart (the static data reloaded as saved) neither repeats nor skips what came while n8n was down', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		const first = await referrer(1);
		expect(ids(await wf.poll())).toEqual([first.id]);

		wf.restart();
		const whileDown = [await referrer(2), await referrer(3)];
		expect(ids(await wf.poll())).toEqual(whileDown.map((r) => r.id));
		expect(await wf.poll()).toBeNull();
	});

	it('keeps to the campaign and the role, also when the API ignores those filters', async () => {
		await t.client.configure({ searchIgnores: ['type', 'campaign_id'] });
		const wf = await published({ event: 'newLead', campaignId: campaign('1') });
		const ref = await referrer(1);
		const other = await referrer(2, 2);
		await lead(2, other, 2);
		const mine = await lead(1, ref);

		expect(ids(await wf.poll())).toEqual([mine.id]);
	});

	it('without a campaign, every campaign’s people start it', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: { __rl: true, mode: 'list', value: '' } });
		const added = [await referrer(1, 1), await referrer(2, 2)];
		expect(ids(await wf.poll())).toEqual(added.map((r) => r.id));
	});

	it('other settings start afresh: the first check after a change starts nothing', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await referrer(1);
		wf.setParameters({ campaignId: campaign('2') });
		expect(await wf.poll()).toBeNull();
		const there = await referrer(2, 2);
		expect(ids(await wf.poll())).toEqual([there.id]);
	});

	it('a manual test shows the latest record and moves no mark', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		const marks = JSON.stringify(wf.staticData.marks);
		await referrer(1);
		const latest = await referrer(2);
		expect(ids(await wf.poll('manual'))).toEqual([latest.id]);
		expect(JSON.stringify(wf.staticData.marks)).toBe(marks);
		expect(ids(await wf.poll())).toHaveLength(2);
	});
});

describe('Referral Factory Polling Trigger: qualifications', () => {
	it.each(['date', 'iso'] as const)('Lead Qualified (dates as %s): each qualification once, also two on one day across checks', async (dateFormat) => {
		await t.client.configure({ dateFormat });
		const ref = await referrer(1);
		const leads = [await lead(1, ref), await lead(2, ref), await lead(3, ref)];
		await t.client.qualify({ id: leads[0].id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });

		await t.client.qualify({ id: leads[2].id, qualified: true });
		const items = await wf.poll();
		expect(ids(items)).toEqual([leads[2].id]);
		expect(items![0].json).toMatchObject({ event: 'user.qualified', qualified: true, referrerId: ref.id });
		// A second qualification on the same day (or at a time the mark has) after the first was seen.
		await t.client.qualify({ id: leads[1].id, qualified: true });
		expect(ids(await wf.poll())).toEqual([leads[1].id]);
		expect(await wf.poll()).toBeNull();
	});

	it('Lead Qualified: qualifications in the order they happened, not by ID', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const ref = await referrer(1);
		const leads = [await lead(1, ref), await lead(2, ref), await lead(3, ref)];
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		for (const l of [leads[2], leads[0], leads[1]]) {
			await t.client.qualify({ id: l.id, qualified: true });
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		expect(ids(await wf.poll())).toEqual([leads[2].id, leads[0].id, leads[1].id]);
	});

	it('Lead Qualified where the API gives only v1’s qualified flag: each newly qualified lead once', async () => {
		await t.client.configure({ qualifiedForm: 'boolean' });
		const ref = await referrer(1);
		const leads = [await lead(1, ref), await lead(2, ref)];
		await t.client.qualify({ id: leads[0].id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		await t.client.qualify({ id: leads[1].id, qualified: true });
		expect(ids(await wf.poll())).toEqual([leads[1].id]);
		expect(await wf.poll()).toBeNull();
	});
});

describe('Referral Factory Polling Trigger: rewards', () => {
	async function qualifiedLead(n: number) {
		const ref = await referrer(n);
		const joined = await lead(n, ref);
		await t.client.qualify({ id: joined.id, qualified: true });
		return { ref, joined };
	}

	it('Reward Due (all types): each earned reward once, with its recipient, in the reward shape of Reward → Get Many', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'all' });
		const { ref, joined } = await qualifiedLead(1);
		const earned = (await t.client.rewards()).map((r) => r.id);

		const items = await wf.poll();
		expect(rewardIds(items).sort()).toEqual([...earned].sort());
		const credit = items!.find((item) => (item.json.reward as IDataObject).type === 'amount')!.json;
		expect(credit).toMatchObject({ event: 'reward_due', id: ref.id, email: ref.email });
		expect(credit.reward).toMatchObject({ status: 'due', recipientId: ref.id, recipientName: 'Ref 1', recipientEmail: ref.email, total: 25 });
		const coupon = items!.find((item) => (item.json.reward as IDataObject).type === 'coupon')!.json;
		expect(coupon.reward).toMatchObject({ recipientId: joined.id, recipientEmail: joined.email });
		expect(await wf.poll()).toBeNull();
	});

	it('Reward Issued: each issue once, two issued on one day across checks included', async () => {
		await qualifiedLead(1);
		await qualifiedLead(2);
		const wf = await published({ event: 'rewardIssued', rewardType: 'amount' });
		const due = (await t.client.rewards()).filter((r) => r.metric === 'amount');

		await t.client.issueReward(due[1].id);
		const items = await wf.poll();
		expect(rewardIds(items)).toEqual([due[1].id]);
		expect(items![0].json).toMatchObject({ event: 'reward_issued', reward: { status: 'issued', type: 'amount', recipientId: due[1].recipient_id } });
		await t.client.issueReward(due[0].id);
		expect(rewardIds(await wf.poll())).toEqual([due[0].id]);
		expect(await wf.poll()).toBeNull();
	});

	it('a reward whose recipient was deleted since still starts the workflow, with the person unknown', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'amount' });
		const { ref } = await qualifiedLead(1);
		const [credit] = (await t.client.rewards()).filter((r) => r.metric === 'amount');
		await t.client.deleteUser(ref.id);
		const [item] = (await wf.poll())!;
		expect(item.json).toMatchObject({ event: 'reward_due', id: null, email: null, reward: { id: credit.id, recipientId: ref.id, recipientEmail: null } });
		expect((item.json.raw as IDataObject).recipient).toBeNull();
	});

	it('a reward type costs one request a quiet check; a campaign keeps to its recipients', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'all', campaignId: campaign('3') });
		expect(await requestsOf(async () => expect(await wf.poll()).toBeNull())).toHaveLength(4);
		await qualifiedLead(1);
		const partner = await t.client.createUser({ campaign_id: 3, first_name: 'Pat', email: 'pat@example.com', meta: [{ field: 'Company', value: 'Pat Ltd' }] });
		const brought = await t.client.createUser({ campaign_id: 3, first_name: 'Bo', email: 'bo@example.com', meta: [{ field: 'Company', value: 'Bo Inc' }], referrer: { field: 'code', value: partner.code } });
		await t.client.qualify({ id: brought.id, qualified: true });
		const commission = (await t.client.rewards()).filter((r) => r.recipient_id === partner.id).map((r) => r.id);

		expect(rewardIds(await wf.poll())).toEqual(commission);
	});
});

describe('Referral Factory Polling Trigger: what changes while a check runs, and answers that go wrong', () => {
	const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	it('a person deleted while a burst is read (everyone after them moves back a page) hides no new one', async () => {
		await t.client.seed(1, 10);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await t.client.seed(1, 300);
		const added = (await t.client.users()).slice(10).map((u) => u.id);
		// The first page's answer is made, then held a second, while an old referrer is deleted.
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 1000, times: 1 });
		const check = wf.poll();
		await sleep(400);
		await t.client.deleteUser((await t.client.users())[0].id);
		expect([...ids(await check), ...ids(await wf.poll())]).toEqual(added);
	});

	it('Lead Qualified over two pages: qualifications on a page already read and on the next, during one check, are each started once', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const ref = await referrer(1);
		const leads = [];
		for (let n = 1; n <= 262; n++) leads.push(await lead(n, ref));
		const [x, y] = [leads[0], leads[261]];
		for (const l of leads.slice(1, 261)) await t.client.qualify({ id: l.id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 1500, times: 1 });
		const check = wf.poll();
		await sleep(500);
		await t.client.qualify({ id: x.id, qualified: true });
		await sleep(20);
		await t.client.qualify({ id: y.id, qualified: true });
		const started = [...ids(await check), ...ids(await wf.poll()), ...ids(await wf.poll())];
		expect(started.sort()).toEqual([x.id, y.id].sort());
	});

	it('Lead Qualified with a clock without a zone that steps back an hour (summer time ends): the later qualification is started', async () => {
		await t.client.configure({ dateFormat: 'local' });
		const ref = await referrer(1);
		const [a, b] = [await lead(1, ref), await lead(2, ref)];
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		await t.client.qualify({ id: a.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([a.id]);
		await t.client.configure({ clockOffsetMs: -3_600_000 });
		await t.client.qualify({ id: b.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([b.id]);
		expect(await wf.poll()).toBeNull();
	});

	it('Lead Qualified: an empty answer forgets nothing, so the next check starts nothing again', async () => {
		const ref = await referrer(1);
		const [a, b] = [await lead(1, ref), await lead(2, ref)];
		await t.client.qualify({ id: a.id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		await t.client.qualify({ id: b.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([b.id]);
		await t.client.addFault({ method: 'POST', path: '/users/search', status: 200, body: { data: [] }, times: 1 });
		expect(await wf.poll()).toBeNull();
		expect(await wf.poll()).toBeNull();
	});

	it('Lead Qualified with v1’s flag and a search that ignores the qualified filter: a lead who qualifies after publishing is started', async () => {
		await t.client.configure({ qualifiedForm: 'boolean', searchIgnores: ['qualified'] });
		const ref = await referrer(1);
		const later = await lead(1, ref);
		const wf = await published({ event: 'leadQualified', campaignId: campaign() });
		await t.client.qualify({ id: later.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([later.id]);
	});

	it('a check that fails after reading (a recipient that cannot be read) moves no mark: the next check starts those rewards', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'amount' });
		const ref = await referrer(1);
		const joined = await lead(1, ref);
		await t.client.qualify({ id: joined.id, qualified: true });
		const due = (await t.client.rewards()).filter((r) => r.metric === 'amount').map((r) => r.id);
		await t.client.addFault({ method: 'GET', path: '/users/', status: 403, times: 1 });
		await expect(wf.poll()).rejects.toThrow();
		expect(rewardIds(await wf.poll())).toEqual(due);
	});

	it('a check slower than the schedule is not overlapped by the next: each referrer starts one execution', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		const added = await referrer(1);
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 1000, times: 1 });
		const slow = wf.poll();
		await sleep(300);
		const next = wf.poll();
		expect([...ids(await slow), ...ids(await next)]).toEqual([added.id]);
	});

	it('All Types: the rewards of every type in one execution, oldest first', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'all' });
		for (const n of [1, 2]) {
			const ref = await referrer(n);
			const joined = await lead(n, ref);
			await t.client.qualify({ id: joined.id, qualified: true });
		}
		const earned = (await t.client.rewards()).map((r) => r.id);
		expect(rewardIds(await wf.poll())).toEqual([...earned].sort((a, b) => a - b));
	});
});
