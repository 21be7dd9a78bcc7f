/**
 * Referral Factory Trigger, registered automatically: its lifecycle methods run in n8n-core's HookContext against the
 * sandbox's n8n endpoints, and its webhook method behind a real HTTP server receives what the sandbox delivers when
 * people join, leads qualify and rewards are issued through the API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { addCredential } from '../helpers/engine';
import { useSandbox } from '../helpers/setup';
import { TriggerWorkflow } from '../helpers/trigger';

const t = useSandbox();

let trigger: TriggerWorkflow | undefined;
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

const campaign = (id = '1') => ({ __rl: true, mode: 'list', value: id });

async function published(parameters: INodeParameters, credential = t.credential, typeVersion?: number): Promise<TriggerWorkflow> {
	trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', ...parameters }, credential, typeVersion });
	await trigger.listen();
	await trigger.activate();
	return trigger;
}

/** A registered URL: the trigger's URL, and the secret in its query string. */
function split(registered: string) {
	const url = new URL(registered);
	const secret = url.searchParams.get('secret');
	url.search = '';
	return { url: url.toString(), secret };
}

/** POSTs a delivery to the trigger as a sender would, to `url` (with or without a secret). */
async function post(url: string, body: Record<string, unknown>) {
	return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A referrer and a lead they brought, through the public API (as another integration would add them). */
async function referrerAndLead() {
	const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: referrer.code } });
	return { referrer, lead };
}

/** A Reward Issued trigger published for reward rule 9, then a lead qualifies and their referrer's reward is issued. */
async function rewardIssuedWhilePublished() {
	const wf = await published({ event: 'rewardIssued', rewardId: '9' });
	const { referrer, lead } = await referrerAndLead();
	await t.client.qualify({ id: lead.id, qualified: true });
	const due = (await t.client.rewards()).find((r) => r.metric === 'amount')!;
	await t.client.issueReward(due.id);
	await t.client.deliveries();
	return { wf, referrer, due };
}

describe('Referral Factory Trigger, registered automatically', () => {
	it('New Referrer or Lead (Referred only): registers its production URL once, and a lead joining starts it with the lead in the node’s shape', async () => {
		const wf = await published({ event: 'userJoined', campaignId: campaign(), sources: ['Referred'] });

		const registrations = await t.client.webhooks();
		expect(registrations).toEqual([
			expect.objectContaining({ url: expect.any(String), event: 'user.join', campaign_id: 1, sources: ['Referred'], deleted_at: null }),
		]);
		expect(wf.staticData.registrationId).toBe(String(registrations[0].id));
		// The URL registered is the production URL with the registration's own secret, kept in the static data.
		expect(split(registrations[0].url)).toEqual({ url: wf.productionUrl, secret: wf.staticData.secret });
		expect(wf.staticData.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
		const { referrer, lead } = await referrerAndLead();
		await t.client.deliveries();

		// The referrer joined through the API (source Api): not a Referred user, so nothing started for them.
		expect(wf.runs).toHaveLength(1);
		expect(wf.runs[0]).toHaveLength(1);
		expect(wf.runs[0][0].json).toMatchObject({
			event: 'user.join',
			id: lead.id,
			referralCode: lead.code,
			referralLink: lead.url,
			firstName: 'Lea',
			email: 'lea@example.com',
			campaignId: 1,
			qualified: false,
			referrerId: referrer.id,
		});
		expect((wf.runs[0][0].json.raw as { code: string }).code).toBe(lead.code);
		expect((await t.client.deliveries()).map((d) => d.status)).toEqual([200]);
	});

	it('New Referrer or Lead, as a new node (version 1.1) with nothing picked in Joined Through: registers every source Referral Factory lists, and a referrer joining starts it too', async () => {
		const wf = await published({ event: 'userJoined', campaignId: campaign() }, t.credential, 1.1);

		const [registration] = await t.client.webhooks();
		expect(registration).toEqual(expect.objectContaining({ event: 'user.join', campaign_id: 1, sources: ['Api', 'Direct', 'Referred'] }));
		expect((await t.client.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/n8n/user-sources', 'POST /api/n8n/webhooks']);
		// Asked again, n8n finds it registered: nothing picked still means everyone.
		expect(await wf.lifecycle('checkExists')).toBe(true);
		const { referrer, lead } = await referrerAndLead();
		await t.client.deliveries();

		expect(wf.runs.map((run) => run[0].json.id)).toEqual([referrer.id, lead.id]);
	});

	it('New Referrer or Lead with nothing picked, when the user sources cannot be read: still registers, leaving the sources out (the API\'s own default)', async () => {
		await t.client.addFault({ method: 'GET', path: '/n8n/user-sources', status: 403, times: 1 });
		await published({ event: 'userJoined', campaignId: campaign() }, t.credential, 1.1);

		const posted = (await t.client.requests()).filter((r) => r.path === '/api/n8n/webhooks').map((r) => r.body as Record<string, unknown>);
		expect(posted).toEqual([expect.objectContaining({ event: 'user.join', campaign_id: 1 })]);
		expect(posted[0]).not.toHaveProperty('sources');
		expect(await t.client.webhooks()).toHaveLength(1);
	});

	it('a workflow saved with version 1 and the default Joined Through keeps registering Referred only', async () => {
		await published({ event: 'userJoined', campaignId: campaign() }, t.credential, 1);

		expect(await t.client.webhooks()).toEqual([expect.objectContaining({ event: 'user.join', sources: ['Referred'] })]);
	});

	it('is not registered again when n8n asks whether it exists (a second activation, or a restart)', async () => {
		const wf = await published({ event: 'userJoined', campaignId: campaign(), sources: ['Referred', 'Api'] });
		await t.client.clearRequests();

		expect(await wf.lifecycle('checkExists')).toBe(true);
		await wf.activate();

		expect(await t.client.requests()).toEqual([]);
		expect(await t.client.webhooks()).toHaveLength(1);
	});

	it('Lead Qualified: a lead qualified through the API starts it with qualified: true', async () => {
		const wf = await published({ event: 'userQualified', campaignId: campaign() });
		const { lead } = await referrerAndLead();

		await t.client.qualify({ id: lead.id, qualified: true });
		await t.client.deliveries();

		expect(wf.runs.map((items) => items.map((item) => [item.json.event, item.json.id, item.json.qualified]))).toEqual([[['user.qualified', lead.id, true]]]);
		expect((await t.client.webhooks())[0]).toMatchObject({ event: 'user.qualified', campaign_id: 1 });
	});

	it('Reward Issued: registers on the reward, and an issued reward starts it with the reward and its recipient', async () => {
		const { wf, referrer, due } = await rewardIssuedWhilePublished();

		const registered = (await t.client.requests()).find((r) => r.path === '/api/n8n/rewards/9');
		expect(registered).toMatchObject({ method: 'PUT', body: { event: 'reward_issued', reward_id: '9' } });
		expect(split((registered!.body as { url: string }).url)).toEqual({ url: wf.productionUrl, secret: wf.staticData.secret });
		expect(wf.runs).toHaveLength(1);
		expect(wf.runs[0][0].json).toMatchObject({
			event: 'reward_issued',
			id: referrer.id,
			email: 'nathan@example.com',
			reward: { id: due.id, rewardRuleId: 9, recipientId: referrer.id, recipientName: 'Nathan', recipientEmail: 'nathan@example.com', total: 25, status: 'issued' },
		});
		// The same reward shape as Reward → Get Many's (the shipped output schema's fields).
		const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'nodes', 'ReferralFactory', '__schema__', 'v1.0.0', 'reward', 'getAll.json'), 'utf8')) as { properties: Record<string, unknown> };
		expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(wf.runs[0][0].json.reward as object)));
	});

	it('unpublishing deletes the registration; nothing is left, and it starts nothing any more', async () => {
		const wf = await published({ event: 'userJoined', campaignId: campaign(), sources: ['Referred'] });

		expect(await wf.lifecycle('delete')).toBe(true);
		await referrerAndLead();
		await t.client.deliveries();

		expect((await t.client.webhooks()).map((r) => r.deleted_at === null)).toEqual([false]);
		expect(wf.staticData).toEqual({});
		expect(wf.runs).toEqual([]);
	});

	it("the editor's test listening registers the test URL apart, and removing it leaves the production registration", async () => {
		const wf = await published({ event: 'userQualified', campaignId: campaign() });
		const production = wf.staticData.registrationId;

		expect(await wf.lifecycle('checkExists', { test: true })).toBe(false);
		await wf.lifecycle('create', { test: true });
		const testSecret = (wf.testStaticData.test as { secret?: string }).secret;
		await wf.lifecycle('delete', { test: true });

		const registered = (await t.client.webhooks()).map((r) => ({ ...split(r.url), live: r.deleted_at === null }));
		expect(registered).toEqual([
			{ url: wf.productionUrl, secret: wf.staticData.secret, live: true },
			{ url: wf.productionUrl.replace('/webhook/', '/webhook-test/'), secret: testSecret, live: false },
		]);
		expect(testSecret).not.toBe(wf.staticData.secret);
		expect(wf.staticData.registrationId).toBe(production);
		expect(wf.staticData.test).toBeUndefined();
	});

	describe('Reward Issued: Referral Factory keeps one webhook per reward', () => {
		it('testing the trigger of a published workflow is refused with a message, and production keeps receiving', async () => {
			const wf = await published({ event: 'rewardIssued', rewardId: '9' });
			await t.client.clearRequests();

			await expect(wf.lifecycle('create', { test: true })).rejects.toThrow('This workflow is published: issued rewards of reward 9 already start its executions');
			await wf.lifecycle('delete', { test: true });

			// Nothing was sent to Referral Factory; an issued reward still reaches the production URL.
			expect((await t.client.requests()).filter((r) => r.path.startsWith('/api/n8n/'))).toEqual([]);
			const { lead } = await referrerAndLead();
			await t.client.qualify({ id: lead.id, qualified: true });
			const due = (await t.client.rewards()).find((r) => r.metric === 'amount')!;
			await t.client.issueReward(due.id);
			await t.client.deliveries();
			expect(wf.runs.map((run) => (run[0].json.reward as { id: number }).id)).toEqual([due.id]);
		});

		it('testing an unpublished one registers the test URL on the reward and removes it after', async () => {
			trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'rewardIssued', rewardId: '9' }, credential: t.credential });
			await trigger.listen();

			await trigger.lifecycle('create', { test: true });
			const during = (await t.client.requests()).find((r) => r.method === 'PUT');
			await trigger.lifecycle('delete', { test: true });

			expect(split((during!.body as { url: string }).url).url).toBe(trigger.productionUrl.replace('/webhook/', '/webhook-test/'));
			expect((await t.client.requests()).filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/api/n8n/rewards/9']);
		});

		it('testing another reward than the published one is allowed', async () => {
			const wf = await published({ event: 'rewardIssued', rewardId: '9' });
			wf.setParameters({ setup: 'automatic', event: 'rewardIssued', rewardId: '10' });

			await wf.lifecycle('create', { test: true });

			expect((await t.client.requests()).filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual(['/api/n8n/rewards/9', '/api/n8n/rewards/10']);
		});
	});

	it('deleting a registration that is already gone is not an error', async () => {
		const wf = await published({ event: 'rewardIssued', rewardId: '9' });
		await wf.lifecycle('delete');
		// n8n kept the static data of an older activation (a copy of the workflow, say): the registration is gone.
		wf.staticData.rewardId = '9';
		wf.staticData.registrationId = '7001';

		await expect(wf.lifecycle('delete')).resolves.toBe(true);
		expect((await t.client.requests()).filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([200, 404]);
		expect(wf.staticData).toEqual({});
	});

	it('changed settings: the registration for the old campaign is removed before the new one is made', async () => {
		const wf = await published({ event: 'userQualified', campaignId: campaign('1') });
		wf.setParameters({ setup: 'automatic', event: 'userQualified', campaignId: campaign('2') });

		expect(await wf.lifecycle('checkExists')).toBe(false);
		await wf.lifecycle('create');

		const registrations = await t.client.webhooks();
		expect(registrations.map((r) => [r.campaign_id, r.deleted_at === null])).toEqual([
			[1, false],
			[2, true],
		]);
	});

	it('a campaign Referral Factory does not know: says which, and registers nothing', async () => {
		trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userJoined', campaignId: campaign('999'), sources: ['Referred'] }, credential: t.credential });

		await expect(trigger.lifecycle('create')).rejects.toThrow('Could not register the trigger with Referral Factory for workflow "Referrals to CRM": Referral Factory has no campaign 999');
		expect(await t.client.webhooks()).toEqual([]);
		expect(trigger.staticData).toEqual({});
	});

	it('a wrong token: says the token was rejected', async () => {
		const credential = addCredential({ accessToken: 'rf_not_the_token', baseUrl: t.sandbox.baseUrl });
		trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userQualified', campaignId: campaign() }, credential });

		await expect(trigger.lifecycle('create')).rejects.toThrow('Could not register the trigger with Referral Factory for workflow "Referrals to CRM": Referral Factory rejected the access token');
	});

	it('no reward picked: says so before anything is sent', async () => {
		trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'rewardIssued', rewardId: '' }, credential: t.credential });

		await expect(trigger.lifecycle('create')).rejects.toThrow("'Campaign Reward Name or ID' is empty");
		expect(await t.client.requests()).toEqual([]);
	});

	it.each(['event', 'event_name', 'trigger'])('a delivery of another event under `%s` (a registration n8n never removed) starts nothing', async (field) => {
		const wf = await published({ event: 'userQualified', campaignId: campaign() });
		const [registration] = await t.client.webhooks();
		const stray = await post(registration.url, { [field]: 'user.join', id: 5, email: 'x@example.com' });

		expect(stray.status).toBe(200);
		expect(await stray.json()).toEqual({ received: true, started: false });
		expect(wf.runs).toEqual([]);
	});

	describe('every layout of a delivery the node reads (no schema is published: docs/referral-factory-api.md, N4)', () => {
		it.each([
			['flat', 'id', 'event'],
			['data', 'object', 'event_name'],
			['user', 'flat', 'trigger'],
			['list', 'object', 'none'],
			['flat', 'flat', 'none'],
			['data', 'id', 'trigger'],
		] as const)('the lead %s, the referrer by %s, the event under %s: one item with the lead and their referrer', async (deliveryShape, deliveryReferrer, deliveryEvent) => {
			await t.client.configure({ deliveryShape, deliveryReferrer, deliveryEvent });
			const wf = await published({ event: 'userJoined', campaignId: campaign(), sources: ['Referred'] });

			const { referrer, lead } = await referrerAndLead();
			await t.client.deliveries();

			expect(wf.runs).toHaveLength(1);
			expect(wf.runs[0]).toHaveLength(1);
			const item = wf.runs[0][0].json;
			expect(item).toMatchObject({ event: 'user.join', id: lead.id, email: 'lea@example.com', referralCode: lead.code, campaignId: 1, referrerId: referrer.id, qualified: false });
			if (deliveryReferrer === 'object') expect(item.referrer).toMatchObject({ id: referrer.id, email: 'nathan@example.com', referralCode: referrer.code });
			if (deliveryReferrer === 'flat') expect(item.referrer).toEqual({ email: 'nathan@example.com', referralCode: referrer.code, firstName: 'Nathan' });
			if (deliveryReferrer === 'id') expect(item.referrer).toBeUndefined();
		});

		it.each(['flat', 'data', 'list'] as const)('a reward issued, the recipient %s: the reward and its recipient', async (deliveryShape) => {
			await t.client.configure({ deliveryShape });
			const { wf, referrer, due } = await rewardIssuedWhilePublished();

			expect(wf.runs.map((run) => run.map((item) => item.json))).toEqual([
				[expect.objectContaining({ event: 'reward_issued', id: referrer.id, email: 'nathan@example.com', reward: expect.objectContaining({ id: due.id, recipientId: referrer.id }) })],
			]);
		});
	});

	describe("a delivery proves it comes from the trigger's registration", () => {
		it.each([
			['without the secret', (url: string) => split(url).url],
			['with a wrong secret', (url: string) => `${split(url).url}?secret=${'x'.repeat(32)}`],
		])('%s: 401, and nothing starts (not even a body without an event)', async (_how, address) => {
			const wf = await published({ event: 'userQualified', campaignId: campaign() });
			const [registration] = await t.client.webhooks();

			const forged = await post(address(registration.url), { id: 5, email: 'x@example.com', qualified_at: '2026-11-29' });

			expect(forged.status).toBe(401);
			expect(await forged.json()).toEqual({ message: 'Unauthorized: this URL takes deliveries only from the Referral Factory registration it made' });
			expect(wf.runs).toEqual([]);
		});

		it('with its secret, a body without an event counts as the registered event', async () => {
			const wf = await published({ event: 'userQualified', campaignId: campaign() });
			const [registration] = await t.client.webhooks();

			const delivered = await post(registration.url, { id: 5, email: 'x@example.com', qualified_at: '2026-11-29' });

			expect(delivered.status).toBe(200);
			expect(wf.runs).toHaveLength(1);
			expect(wf.runs[0][0].json).toMatchObject({ event: 'user.qualified', id: 5, email: 'x@example.com' });
		});

		it("the editor's test registration has its own secret, which the test URL takes while it is live", async () => {
			const wf = await published({ event: 'userQualified', campaignId: campaign() });
			await wf.lifecycle('create', { test: true });
			const testSecret = (wf.testStaticData.test as { secret: string }).secret;
			const testUrl = wf.productionUrl.replace('/webhook/', '/webhook-test/');

			const delivered = await post(`${testUrl}?secret=${testSecret}`, { event: 'user.qualified', id: 6 });
			const atProduction = await post(`${wf.productionUrl}?secret=${testSecret}`, { event: 'user.qualified', id: 7 });
			await wf.lifecycle('delete', { test: true });
			const after = await post(`${testUrl}?secret=${testSecret}`, { event: 'user.qualified', id: 8 });

			expect([delivered.status, atProduction.status, after.status]).toEqual([200, 401, 404]);
			expect(wf.runs.map((run) => run[0].json.id)).toEqual([6]);
		});

		it('a registration made by 0.2 (an id, no secret) still delivers without one until the workflow is published again', async () => {
			const wf = await published({ event: 'userQualified', campaignId: campaign() });
			delete wf.staticData.secret;

			const legacy = await post(wf.productionUrl, { event: 'user.qualified', id: 8 });

			expect(legacy.status).toBe(200);
			expect(wf.runs).toHaveLength(1);
		});

		it('a trigger that registered nothing takes no delivery', async () => {
			trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userQualified', campaignId: campaign() }, credential: t.credential });
			await trigger.listen();

			const unregistered = await post(trigger.productionUrl, { event: 'user.qualified', id: 9 });

			expect(unregistered.status).toBe(401);
			expect(trigger.runs).toEqual([]);
		});
	});

	it('unpublishing while the editor is listening for a test event removes the production registration only', async () => {
		const wf = await published({ event: 'userQualified', campaignId: campaign() });
		await wf.lifecycle('create', { test: true });
		const test = { ...(wf.testStaticData.test as Record<string, unknown>) };

		await wf.lifecycle('delete');

		expect((await t.client.webhooks()).map((r) => [split(r.url).url, r.deleted_at === null])).toEqual([
			[wf.productionUrl, false],
			[wf.productionUrl.replace('/webhook/', '/webhook-test/'), true],
		]);
		expect(wf.staticData).toEqual({});
		expect(wf.testStaticData).toEqual({ test });
	});

	it('a failed registration names the workflow and the cause, and the next publish recovers', async () => {
		await t.client.addFault({ method: 'POST', path: '/n8n/webhooks', status: 503, times: 1 });
		trigger = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userQualified', campaignId: campaign() }, credential: t.credential });
		await trigger.listen();

		await expect(trigger.activate()).rejects.toThrow(/^Could not register the trigger with Referral Factory for workflow "Referrals to CRM": /);
		expect(trigger.staticData).toEqual({});
		await trigger.activate();

		const registrations = await t.client.webhooks();
		expect(registrations.map((r) => r.deleted_at === null)).toEqual([true]);
		expect(split(registrations[0].url).secret).toBe(trigger.staticData.secret);
	});
});
