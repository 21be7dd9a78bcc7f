/**
 * The polling trigger on the paths where a mark can go silent or lose a record (issue 21): a time from the future,
 * days without a time, a lower ID that commits late, a deletion while a check reads, a list in neither order, a poll
 * run twice on the same static data, and what a quiet check costs where the API sorts. Each check runs in n8n-core's
 * PollContext against the sandbox over HTTP.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { apiRequestsOf, publishedPoll } from '../helpers/polling';
import { useSandbox } from '../helpers/setup';

const t = useSandbox();
const published = async (parameters: INodeParameters) => await publishedPoll(t, parameters);
const apiRequests = async (check: () => Promise<unknown>) => await apiRequestsOf(t, check);

const campaign = { __rl: true, mode: 'list', value: '1' };
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const rewardIds = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => (item.json.reward as IDataObject).id);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

/** A referrer and `count` leads of theirs in campaign 1, straight into the store. */
function leads(count: number) {
	const found = t.sandbox.store.findCampaign('1')!;
	const referrer = t.sandbox.store.createUser({ campaign: found, firstName: 'Ref', email: `ref-${Date.now()}@example.com`, meta: [], promotion: false });
	return Array.from({ length: count }, (_, i) =>
		t.sandbox.store.createUser({ campaign: found, firstName: `Lead ${i}`, email: `lead${i}-${Date.now()}@example.com`, meta: [], promotion: false, referrer }),
	);
}

describe('Lead Qualified: times the window must not obey', () => {
	it('a qualification dated a year ahead starts the workflow once; a lead qualified now still starts it', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const [a, b, c] = leads(3);
		await t.client.qualify({ id: a.id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign });

		await t.client.qualify({ id: b.id, qualified: true });
		await t.client.patchUser(b.id, { qualified_at: new Date(Date.now() + 365 * DAY).toISOString() });
		expect(ids(await wf.poll())).toEqual([b.id]);

		await t.client.qualify({ id: c.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([c.id]);
		expect(await wf.poll()).toBeNull();
	});

	it('a window moved a year ahead by an earlier version comes back: a lead qualified now starts the workflow', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const [a, b] = leads(2);
		const future = Date.now() + 365 * DAY;
		await t.client.qualify({ id: a.id, qualified: true });
		await t.client.patchUser(a.id, { qualified_at: new Date(future).toISOString() });
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		// What the two-hour window of the version before this one saved after it saw that date.
		wf.staticData.marks = { leadQualified: { from: future - 2 * 3_600_000, seen: [[a.id, future]], untimed: [] } };

		await t.client.qualify({ id: b.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([b.id]);
	});

	it('days without a time: a qualification dated yesterday, read after one dated today, starts the workflow', async () => {
		await t.client.configure({ dateFormat: 'date' });
		const [a, b, c] = leads(3);
		await t.client.qualify({ id: a.id, qualified: true });
		const today = new Date().toISOString().slice(0, 10);
		const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
		await t.client.patchUser(a.id, { qualified_at: `${yesterday}T12:00:00.000Z` });
		const wf = await published({ event: 'leadQualified', campaignId: campaign });

		// 00:01 today is seen first; a qualification at 23:59 yesterday shows up in the list only after it.
		await t.client.qualify({ id: b.id, qualified: true });
		await t.client.patchUser(b.id, { qualified_at: `${today}T00:01:00.000Z` });
		expect(ids(await wf.poll())).toEqual([b.id]);
		await t.client.qualify({ id: c.id, qualified: true });
		await t.client.patchUser(c.id, { qualified_at: `${yesterday}T23:59:00.000Z` });
		expect(ids(await wf.poll())).toEqual([c.id]);
		expect(await wf.poll()).toBeNull();
	});

	it('v1’s flag without a time: the leads remembered are those still qualified, not every lead ever seen', async () => {
		await t.client.configure({ qualifiedForm: 'boolean' });
		const people = leads(40);
		for (const lead of people.slice(0, 30)) await t.client.qualify({ id: lead.id, qualified: true });
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		for (const lead of people.slice(0, 20)) await t.client.deleteUser(lead.id);
		const later = people[35];
		await t.client.qualify({ id: later.id, qualified: true });

		expect(ids(await wf.poll())).toEqual([later.id]);
		expect(((wf.staticData.marks as IDataObject).leadQualified as { untimed: number[] }).untimed.sort()).toEqual([...people.slice(20, 30), later].map((l) => l.id).sort());
	});
});

describe('new records by ID: nothing lost while the list moves', () => {
	it('a lower ID that commits after a higher one is started by the next check', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		const late = await t.client.reserveId();
		const first = await t.client.createUser({ campaign_id: 1, first_name: 'First', email: 'first@example.com' });
		expect(ids(await wf.poll())).toEqual([first.id]);

		await t.client.lateUser({ id: late, campaign_id: 1, first_name: 'Late', email: 'late@example.com' });
		expect(ids(await wf.poll())).toEqual([late]);
		expect(await wf.poll()).toBeNull();
	});

	it.each([
		['newest first, page count given', { listOrder: 'newest' }],
		['oldest first, no page count (links only)', { envelope: 'links' }],
		['a cursor', { pagination: 'cursor' }],
	])('a record deleted between two page reads of a burst (%s) hides no new one', async (_name, config) => {
		await t.client.configure(config);
		await t.client.seed(1, 10);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		await t.client.seed(1, 400);
		const added = (await t.client.users()).slice(10).map((u) => u.id);
		// The first page's answer is made, then held while a new referrer on it is deleted: the next page moves up by one.
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 800, times: 1 });
		const check = wf.poll();
		await sleep(300);
		const gone = (config as { listOrder?: string }).listOrder === 'newest' ? added[added.length - 5] : added[5];
		await t.client.deleteUser(gone);

		const started = [...ids(await check), ...ids(await wf.poll()), ...ids(await wf.poll())];
		const expected = added.filter((id) => id !== gone);
		expect([...started].filter((id) => id !== gone).sort()).toEqual(expected.sort());
		expect(new Set(started).size).toBe(started.length);
	});

	it('a list in neither order: each new referrer once, wherever it lands in the list', async () => {
		await t.client.configure({ listOrder: 'scrambled' });
		await t.client.seed(1, 600);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		await t.client.seed(1, 40);
		const added = (await t.client.users()).slice(600).map((u) => u.id);

		expect(ids(await wf.poll())).toEqual(added);
		expect(await wf.poll()).toBeNull();
		expect(wf.staticData.marks).toMatchObject({ newReferrer: { order: 'none' } });
	});
});

describe('a check run twice', () => {
	it('a poll run again on static data that was not saved (n8n’s durable scheduler) starts nothing twice', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		const unsaved = wf.saved();
		const added = await t.client.createUser({ campaign_id: 1, first_name: 'Nina', email: 'nina@example.com' });
		expect(ids(await wf.poll())).toEqual([added.id]);

		wf.restoreStaticData(unsaved);
		expect(await wf.poll()).toBeNull();
		const next = await t.client.createUser({ campaign_id: 1, first_name: 'Ned', email: 'ned@example.com' });
		expect(ids(await wf.poll())).toEqual([next.id]);
	});

	it('two checks at once start each record once', async () => {
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		const added = await t.client.createUser({ campaign_id: 1, first_name: 'Nina', email: 'nina@example.com' });
		await t.client.configure({ latencyMs: 200 });
		const both = await Promise.all([wf.poll(), wf.poll()]);
		expect(both.flatMap(ids)).toEqual([added.id]);
	});
});

describe('what a quiet check costs where Referral Factory sorts a search (A14)', () => {
	it.each([
		['New Referrer', { event: 'newReferrer', campaignId: campaign }],
		['Lead Qualified', { event: 'leadQualified', campaignId: campaign }],
		['Reward Due', { event: 'rewardDue', rewardType: 'amount' }],
		['Reward Issued', { event: 'rewardIssued', rewardType: 'amount' }],
	])('%s: one request, with 600 records in the list', async (_name, parameters) => {
		await t.client.configure({ sorting: 'honoured', dateFormat: 'iso' });
		await t.client.seed(1, 600);
		const people = leads(600);
		const past = Date.now() - 2 * DAY;
		people.forEach((lead, i) => {
			lead.qualified_at = new Date(past + i * 60_000).toISOString();
			t.sandbox.rewards.qualified(lead);
		});
		t.sandbox.rewards.earned
			.filter((r) => r.metric === 'amount')
			.slice(0, 300)
			.forEach((reward, i) => {
				t.sandbox.rewards.issue(reward);
				reward.issued_at = new Date(past + i * 60_000).toISOString();
			});
		const wf = await published(parameters);
		expect(await apiRequests(async () => expect(await wf.poll()).toBeNull())).toHaveLength(1);

		// And what happens is found: a new lead qualified (its referrer's reward due), one reward issued.
		const [fresh] = leads(1);
		await t.client.qualify({ id: fresh.id, qualified: true });
		const due = t.sandbox.rewards.earned.filter((r) => r.metric === 'amount' && r.state === 'due');
		await t.client.issueReward(due[0].id);
		const items = await wf.poll();
		const event = parameters.event;
		if (event === 'newReferrer') expect(ids(items)).toEqual([fresh.referrer_id]);
		if (event === 'leadQualified') expect(ids(items)).toEqual([fresh.id]);
		if (event === 'rewardDue') expect(rewardIds(items)).toEqual([due[due.length - 1].id]);
		if (event === 'rewardIssued') expect(rewardIds(items)).toEqual([due[0].id]);
	});

	it('an API that refuses the sort: asked once, then not again while the settings stay', async () => {
		await t.client.configure({ sorting: 'refused' });
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		const quiet = await apiRequests(async () => expect(await wf.poll()).toBeNull());
		expect(quiet.map((r) => ('sort' in (r.body as IDataObject) ? 'sorted' : 'plain'))).toEqual(['plain']);
	});
});
