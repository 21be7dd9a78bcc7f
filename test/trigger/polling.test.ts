/**
 * Referral Factory Polling Trigger: every check runs in n8n-core's PollContext against the sandbox over HTTP, with the
 * node's static data kept between checks (and reloaded from JSON for a restart) as n8n keeps it.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RECIPIENT_ATTEMPTS } from '../../nodes/ReferralFactoryPollingTrigger/ReferralFactoryPollingTrigger.node';
import { apiRequestsOf, PollingWorkflow, publishedPoll } from '../helpers/polling';
import { useSandbox } from '../helpers/setup';
import { TriggerWorkflow } from '../helpers/trigger';

const t = useSandbox();
const published = async (parameters: INodeParameters) => await publishedPoll(t, parameters);
const requestsOf = async (check: () => Promise<unknown>) => await apiRequestsOf(t, check);

const campaign = (id = '1') => ({ __rl: true, mode: 'list', value: id });
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const rewardIds = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => (item.json.reward as IDataObject).id);

async function referrer(n: number, campaignId = 1) {
	return await t.client.createUser({ campaign_id: campaignId, first_name: `Ref ${n}`, email: `ref${n}@example.com` });
}

async function lead(n: number, of: { code: string }, campaignId = 1) {
	return await t.client.createUser({ campaign_id: campaignId, first_name: `Lead ${n}`, email: `lead${n}@example.com`, referrer: { field: 'code', value: of.code } });
}

describe('Referral Factory Polling Trigger: new people', () => {
	it('New Referrer: the first check starts nothing, the next starts one execution with each new referrer once, a quiet check costs one request', async () => {
		const before = await referrer(1);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		expect(wf.staticData.marks).toMatchObject({ newReferrer: { floor: before.id - 1, seen: [before.id] } });

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

	it('a burst: each new referrer once, in order; the next check reads the burst again, then a quiet check is one request', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await t.client.seed(1, 620);
		const added = (await t.client.users()).map((u) => u.id);

		expect(ids(await wf.poll())).toEqual(added);
		// What a check found stays in the band until the next has read over it again (a deletion during the burst).
		expect((await requestsOf(async () => expect(await wf.poll()).toBeNull())).map((r) => r.query.page)).toEqual(['1', '2', '3']);
		expect(await requestsOf(async () => expect(await wf.poll()).toBeNull())).toHaveLength(1);
		expect(wf.staticData.marks).toMatchObject({ newReferrer: { from: { page: '3' }, order: 'oldest', sorted: false } });
		const next = await referrer(700);
		expect(ids(await wf.poll())).toEqual([next.id]);
	});

	it.each([
		[520, 300, 2],
		[501, 2, 5],
		// Further back than a check looks: read from the top.
		[1500, 1000, 2],
	])('people deleted before the mark move it back a page: what came after is found, nothing twice (%i people, %i deleted, %i new)', async (seeded, deleted, fresh) => {
		await t.client.seed(1, seeded);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		expect(wf.staticData.marks).toMatchObject({ newReferrer: { from: { page: String(Math.ceil(seeded / 250)) } } });
		// Straight from the store: a thousand deletions through the API would take its rate limit.
		for (const user of t.sandbox.store.users.slice(0, deleted)) t.sandbox.store.deleteUser(user);

		const added = [];
		for (let n = 1; n <= fresh; n++) added.push(await referrer(n));
		expect(ids(await wf.poll())).toEqual(added.map((r) => r.id));
		expect(await wf.poll()).toBeNull();
	});

	it('a list that comes newest first: the same people, once each, in the order they joined; then a quiet check is one request', async () => {
		await t.client.configure({ listOrder: 'newest' });
		await t.client.seed(1, 300);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		await t.client.seed(1, 260);
		const added = (await t.client.users()).slice(300).map((u) => u.id);

		expect(ids(await wf.poll())).toEqual(added);
		expect(await wf.poll()).toBeNull();
		expect(await requestsOf(async () => expect(await wf.poll()).toBeNull())).toHaveLength(1);
		const next = await referrer(1);
		expect(ids(await wf.poll())).toEqual([next.id]);
	});

	it('the first check reads the first page and the last (the highest IDs are there), not every page between', async () => {
		await t.client.seed(1, 600);
		const wf = new PollingWorkflow({ event: 'newReferrer', campaignId: campaign() }, t.credential);
		const first = await requestsOf(async () => expect(await wf.poll()).toBeNull());
		// The first request asks for the list newest first; the sandbox ignores that by default, which costs it once.
		expect(first.map((r) => [r.query.page, r.body && (r.body as IDataObject).sort ? 'sorted' : 'plain'])).toEqual([['1', 'sorted'], ['1', 'plain'], ['3', 'plain']]);
		const users = (await t.client.users()).map((u) => u.id);
		expect(wf.staticData.marks).toEqual({ newReferrer: { floor: users[549], seen: users.slice(550).reverse(), from: { page: '3' }, fromFirst: users[500], order: 'oldest', sorted: false } });
	});

	it('a mark saved by the version before the band ({id, page}) carries on: who came after it, once', async () => {
		await t.client.seed(1, 300);
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		const users = (await t.client.users()).map((u) => u.id);
		wf.staticData.marks = { newReferrer: { id: users[299], page: 2 } };
		const added = [await referrer(1), await referrer(2)];

		expect(ids(await wf.poll())).toEqual(added.map((r) => r.id));
		expect(await wf.poll()).toBeNull();
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
		// The one the deletion moved onto a page already read is started by the next check: each once, none lost.
		const started = [...ids(await check), ...ids(await wf.poll())];
		expect([...started].sort()).toEqual(added);
		expect(new Set(started).size).toBe(started.length);
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

	it('a reward whose recipient cannot be read waits for the next check; the others start the workflow meanwhile', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'amount' });
		const [a, b] = [await referrer(1), await referrer(2)];
		for (const [n, ref] of [[1, a], [2, b]] as const) await t.client.qualify({ id: (await lead(n, ref)).id, qualified: true });
		const [first, second] = (await t.client.rewards()).filter((r) => r.metric === 'amount');
		await t.client.addFault({ method: 'GET', path: `/users/${a.id}`, status: 403, times: 1 });

		expect(rewardIds(await wf.poll())).toEqual([second.id]);
		expect(rewardIds(await wf.poll())).toEqual([first.id]);
		expect(await wf.poll()).toBeNull();
	});

	it(`a recipient that cannot be read in ${RECIPIENT_ATTEMPTS} checks: the reward starts the workflow without them, with a warning, once`, async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'amount' });
		const ref = await referrer(1);
		await t.client.qualify({ id: (await lead(1, ref)).id, qualified: true });
		const [due] = (await t.client.rewards()).filter((r) => r.metric === 'amount');
		await t.client.addFault({ method: 'GET', path: `/users/${ref.id}`, status: 403, times: 100 });

		for (let check = 1; check < RECIPIENT_ATTEMPTS; check++) expect(await wf.poll()).toBeNull();
		const [item] = (await wf.poll())!;
		expect(item.json).toMatchObject({ event: 'reward_due', id: null, reward: { id: due.id, recipientId: ref.id, recipientEmail: null } });
		expect(item.json.warning).toMatch(new RegExp(`recipient \\(ID ${ref.id}\\) could not be read.*${RECIPIENT_ATTEMPTS} checks`));
		expect(await wf.poll()).toBeNull();
	});

	it('a check slower than the schedule is not overlapped by the next: each referrer starts one execution', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign() });
		const added = await referrer(1);
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 1000, times: 1 });
		const slow = wf.poll();
		await sleep(300);
		await t.client.clearRequests();
		const next = wf.poll();
		// The next check starts nothing and asks nothing while the slow one runs.
		expect(await next).toBeNull();
		expect((await t.client.requests()).filter((r) => r.path.startsWith('/api/'))).toEqual([]);
		expect(ids(await slow)).toEqual([added.id]);
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
