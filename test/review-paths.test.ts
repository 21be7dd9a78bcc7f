/**
 * The polling trigger and the page reader on the paths a review found by breaking them on purpose (issue 21): deletions
 * that move the band a page or more, a sort the API ignores whose order matches by chance, records held back for their
 * recipient, an empty answer in a day-wide window, a band that ends on a page boundary, the read-ahead of Return All
 * when a page fails or a page count is wrong. Each runs the node in n8n's engine against the sandbox; each failed before
 * the fix that follows it (watched red).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ApiClient, requestAllItems } from '../nodes/ReferralFactory/transport';
import { runReferralFactoryNode } from './helpers/engine';
import { apiRequestsOf, PollingWorkflow, publishedPoll } from './helpers/polling';
import { operationParameters, useSandbox } from './helpers/setup';
import { runInEngine } from './helpers/transport-node';

const t = useSandbox();
const published = async (parameters: INodeParameters) => await publishedPoll(t, parameters);
const apiRequests = async (check: () => Promise<unknown>) => await apiRequestsOf(t, check);
const campaign = { __rl: true, mode: 'list', value: '1' };
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const rewardIds = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => (item.json.reward as IDataObject).id);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function person(referrer?: ReturnType<typeof t.sandbox.store.createUser>) {
	const c = t.sandbox.store.findCampaign('1')!;
	return t.sandbox.store.createUser({ campaign: c, firstName: 'P', email: `p${Math.random()}@example.com`, meta: [], promotion: false, referrer });
}
function qualify(lead: ReturnType<typeof person>) {
	lead.qualified_at = new Date().toISOString();
	t.sandbox.rewards.qualified(lead);
}

describe('after a review that broke them on purpose', () => {
	it('people deleted before the band move it back two pages (25 a page): the next check steps back and finds the new one', async () => {
		await t.client.configure({ maxPerPage: 25 });
		await t.client.seed(1, 1000);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		for (const user of t.sandbox.store.users.slice(0, 30)) t.sandbox.store.deleteUser(user);
		const added = await t.client.createUser({ campaign_id: 1, first_name: 'New', email: 'new@example.com' });
		expect(ids(await wf.poll())).toEqual([added.id]);
	});

	it('people deleted before the band: no check after fails', async () => {
		await t.client.configure({ maxPerPage: 25 });
		await t.client.seed(1, 1000);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		for (const user of t.sandbox.store.users.slice(0, 30)) t.sandbox.store.deleteUser(user);
		const errors: string[] = [];
		for (let i = 0; i < 3; i++) await wf.poll().catch((e: Error) => errors.push(e.message));
		expect(errors).toEqual([]);
	});

	it('a sort the API applies is remembered after a two-page read', async () => {
		await t.client.configure({ sorting: 'honoured' });
		await t.client.seed(1, 10);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		await t.client.seed(1, 300);
		await wf.poll();
		expect((wf.staticData.marks as IDataObject).newReferrer).toMatchObject({ sorted: true });
	});

	it.each([
		['cursor', 2550],
		['cursor', 2551],
		['pages', 550],
	])('a band that ends on a page boundary: a quiet check stays one or two requests (%s, %i referrers)', async (pagination, count) => {
		await t.client.configure({ pagination });
		await t.client.seed(1, count);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		expect(await wf.poll()).toBeNull();
		const quiet = await apiRequests(async () => expect(await wf.poll()).toBeNull());
		expect(quiet.length).toBeLessThanOrEqual(2);
	});

	it('Reward Due: a reward held back twice, then a restart: nothing started already starts again', async () => {
		const parameters = { event: 'rewardDue', rewardType: 'amount' };
		const wf = await published(parameters);
		const a = person();
		qualify(person(a));
		const b = person();
		for (let i = 0; i < 60; i++) qualify(person(b));
		await t.client.addFault({ method: 'GET', path: `/users/${a.id}`, status: 403, times: 2 });
		const first = rewardIds(await wf.poll());
		expect(first).toHaveLength(60);
		expect(await wf.poll()).toBeNull();
		const restarted = new PollingWorkflow(parameters, t.credential);
		restarted.restoreStaticData(wf.saved());
		const third = rewardIds(await restarted.poll());
		expect(third.filter((id) => first.includes(id))).toEqual([]);
	});

	it('Reward Issued: a reward held back for its recipient, issued 3 hours before another, is started by the next check', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const wf = await published({ event: 'rewardIssued', rewardType: 'amount' });
		const [a, b] = [person(), person()];
		qualify(person(a));
		qualify(person(b));
		const [ra, rb] = t.sandbox.rewards.earned.filter((r) => r.metric === 'amount');
		await t.client.issueReward(ra.id);
		await t.client.issueReward(rb.id);
		ra.issued_at = new Date(Date.now() - 3 * 3_600_000).toISOString();
		await t.client.addFault({ method: 'GET', path: `/users/${a.id}`, status: 403, times: 1 });
		expect(rewardIds(await wf.poll())).toEqual([rb.id]);
		expect(rewardIds(await wf.poll())).toEqual([ra.id]);
	});

	it('days without a time: after an empty answer, yesterday’s qualification read after today’s is still started', async () => {
		await t.client.configure({ dateFormat: 'date' });
		const r = person();
		const [a, b, c] = [person(r), person(r), person(r)];
		const today = new Date().toISOString().slice(0, 10);
		const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
		a.qualified_at = `${yesterday}T12:00:00.000Z`;
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		b.qualified_at = `${today}T00:01:00.000Z`;
		expect(ids(await wf.poll())).toEqual([b.id]);
		await t.client.addFault({ method: 'POST', path: '/users/search', status: 200, body: { data: [] }, times: 1 });
		expect(await wf.poll()).toBeNull();
		c.qualified_at = `${yesterday}T23:59:00.000Z`;
		expect(ids(await wf.poll())).toEqual([c.id]);
	});

	it('a list newest first by ID whose sort is ignored: a lead from page 2 qualified now is started (the sort is proved, not assumed)', async () => {
		await t.client.configure({ listOrder: 'newest', dateFormat: 'iso' });
		const r = person();
		const late = person(r);
		await t.client.seedQualified(1, 300, 0, 60_000);
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		await t.client.qualify({ id: late.id, qualified: true });
		expect(ids(await wf.poll())).toEqual([late.id]);
	});

	it('a campaign chosen and a recipient that cannot be read in three checks: the reward starts the workflow with a warning', async () => {
		const wf = await published({ event: 'rewardDue', rewardType: 'amount', campaignId: campaign });
		const a = person();
		qualify(person(a));
		await t.client.addFault({ method: 'GET', path: `/users/${a.id}`, status: 403, times: 100 });
		const got = [await wf.poll(), await wf.poll(), await wf.poll(), await wf.poll()];
		expect(got.flatMap(rewardIds)).toHaveLength(1);
	});

	it('Return All, five at a time, a page count too large: no page is asked for past the read-ahead already under way', async () => {
		await t.client.seed(1, 300);
		await t.client.configure({});
		const data = t.sandbox.store.users.slice(0, 250).map((u) => t.sandbox.store.present(u));
		await t.client.addFault({ method: 'GET', path: '/users', status: 200, body: { data, meta: { current_page: 1, last_page: 40, per_page: 250 } }, times: 1 });
		const run = await runInEngine(t.credential, async (context) => await requestAllItems(await ApiClient.create(context), 'GET', '/users', { returnAll: true, concurrency: 5 }));
		const asked = (await t.client.requests()).filter((r) => r.path === '/api/v2/users');
		// Page 1 says 40 pages; pages 2–6 go out together, page 2 comes back the last: nothing more is asked.
		expect(asked.length).toBeLessThanOrEqual(6);
		expect(run.items).toHaveLength(300);
	});

	it('a sorted two-page read during which someone joins: the sort is not given up', async () => {
		await t.client.configure({ sorting: 'honoured' });
		await t.client.seed(1, 10);
		const wf = await published({ event: 'newReferrer', campaignId: campaign });
		await t.client.seed(1, 300);
		await t.client.addFault({ method: 'POST', path: '/users/search', when: 'after', stallMs: 800, times: 1 });
		const check = wf.poll();
		await sleep(300);
		await t.client.createUser({ campaign_id: 1, first_name: 'Mid', email: 'mid@example.com' });
		await check;
		expect((wf.staticData.marks as IDataObject).newReferrer).toMatchObject({ sorted: true });
	});

	it('days without a time, 5,100 qualified today before publishing: the second check starts none of them', async () => {
		await t.client.configure({ dateFormat: 'date' });
		await t.client.seedQualified(1, 5100, 0, 1);
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		const second = await wf.poll();
		expect(second).toBeNull();
	});

	it('Get Many referrers of campaign 1 where the search ignores the campaign: only campaign 1’s', async () => {
		await t.client.configure({ searchIgnores: ['campaign_id'] });
		await t.client.seed(1, 3);
		await t.client.seed(2, 3);
		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('referrer', 'getAll', { returnAll: true, filters: { campaignId: '1' } }), input: [{}] });
		expect(items).toHaveLength(3);
		expect(items.every((i) => i.json.campaignId === 1)).toBe(true);
	});

	it('Get Many leads, Limit 2, the search ignoring the type, 600 referrers first: a few requests', async () => {
		await t.client.configure({ searchIgnores: ['type'] });
		await t.client.seed(1, 600);
		const r = person();
		person(r); person(r);
		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('lead', 'getAll', { returnAll: false, limit: 2 }), input: [{}] });
		const asked = (await t.client.requests()).filter((q) => q.path === '/api/v2/users/search');
		expect(items).toHaveLength(2);
		expect(asked.length).toBeLessThanOrEqual(4);
	});

	it('Return All, five at a time, a page fails: no page is asked for after it', async () => {
		await t.client.seed(1, 10000);
		await t.client.addFault({ method: 'GET', path: '/users', status: 404, times: 1, skip: 3 });
		const run = await runInEngine(t.credential, async (context) => await requestAllItems(await ApiClient.create(context), 'GET', '/users', { returnAll: true, concurrency: 5 }));
		expect(run.error?.message).toBe('Referral Factory could not find what was asked for');
		const atError = (await t.client.requests()).filter((r) => r.path === '/api/v2/users').length;
		await sleep(1500);
		const later = (await t.client.requests()).filter((r) => r.path === '/api/v2/users').length;
		// Those already under way when it failed (at most four more); none after.
		expect(later - atError).toBeLessThanOrEqual(4);
		expect(later).toBeLessThan(12);
	});

	it('a sort applied to days without a time (all one day): the sort is not given up', async () => {
		await t.client.configure({ sorting: 'honoured', dateFormat: 'date' });
		await t.client.seedQualified(1, 300, 0, 1);
		const wf = await published({ event: 'leadQualified', campaignId: campaign });
		const quiet = await apiRequests(async () => expect(await wf.poll()).toBeNull());
		// All on one day, the answers cannot show the order: the sort is neither believed nor given up.
		expect(((wf.staticData.marks as IDataObject).leadQualified as IDataObject).sorted).not.toBe(false);
		expect(quiet.length).toBeLessThanOrEqual(3);
	});
});
