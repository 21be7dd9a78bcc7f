/**
 * One event, one execution (nodes/ReferralFactory/helpers/deliveries.ts, docs/trigger.md "Repeated deliveries"):
 * every item of both triggers carries a `deliveryKey`; the webhook trigger starts nothing for a delivery it took
 * lately (a copy sent 40 ms later, three at once), answering 200; the polling trigger never starts a key twice. The
 * webhook runs in n8n-core's WebhookContext behind a real HTTP server, fed by the sandbox's deliveries (its
 * `deliveryCopies` switch sends each one several times) or by posts as a sender would make them.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { deliveryKey, isSureKey, RecentKeys, REPEAT_WINDOW_MS } from '../../nodes/ReferralFactory/helpers/deliveries';
import { addSecretCredential } from '../helpers/engine';
import { publishedPoll } from '../helpers/polling';
import { useSandbox } from '../helpers/setup';
import { TriggerWorkflow } from '../helpers/trigger';

const t = useSandbox();

let trigger: TriggerWorkflow | undefined;
afterEach(async () => {
	jest.restoreAllMocks();
	await trigger?.close();
	trigger = undefined;
});

const campaign = { __rl: true, mode: 'list', value: '1' };

async function published(parameters: INodeParameters, secret?: { headerName: string; secret: string }): Promise<TriggerWorkflow> {
	trigger = new TriggerWorkflow({ parameters, credential: t.credential, secretCredential: secret ? addSecretCredential(secret) : undefined });
	await trigger.listen();
	await trigger.activate();
	return trigger;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
	return { status: response.status, body: (await response.json()) as unknown };
}

async function referrerAndLead() {
	const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: referrer.code } });
	return { referrer, lead };
}

const answers = (deliveries: Array<{ status: number; response: string }>) => deliveries.map((d) => [d.status, JSON.parse(d.response) as unknown]);
const STARTED = [200, { received: true, started: true }];
const REPEATED = [200, { received: true, started: false, repeated: true }];

describe('the webhook trigger: a delivery sent again starts nothing', () => {
	it('New Referrer or Lead: Referral Factory sends the delivery three times within 100 ms; one execution, every copy answered 200', async () => {
		const wf = await published({ setup: 'automatic', event: 'userJoined', campaignId: campaign });
		await t.client.configure({ deliveryCopies: 3, dateFormat: 'iso' });

		const { lead } = await referrerAndLead();
		const deliveries = await t.client.deliveries();

		// Three copies (the sandbox sends them 40 ms apart), one execution.
		expect(answers(deliveries)).toEqual([STARTED, REPEATED, REPEATED]);
		expect(wf.runs).toHaveLength(1);
		// The event, the person, and when they signed up as Referral Factory shows it.
		const { signedUpAt } = wf.runs[0][0].json;
		expect(signedUpAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(wf.runs[0].map((item) => item.json.deliveryKey)).toEqual([`user.join:${lead.id}:${String(signedUpAt)}`]);
	});

	it('Reward Issued: three copies of an issued reward start one execution, keyed by the reward and when it was issued', async () => {
		const wf = await published({ setup: 'automatic', event: 'rewardIssued', rewardId: '9' });
		await t.client.configure({ deliveryCopies: 3, dateFormat: 'iso' });
		const { lead } = await referrerAndLead();
		await t.client.qualify({ id: lead.id, qualified: true });
		const due = (await t.client.rewards()).find((r) => r.metric === 'amount')!;

		await t.client.issueReward(due.id);
		const deliveries = await t.client.deliveries();

		expect(answers(deliveries.filter((d) => d.event === 'reward_issued'))).toEqual([STARTED, REPEATED, REPEATED]);
		const { issuedAt } = wf.runs[0][0].json.reward as IDataObject;
		expect(issuedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(wf.runs.map((run) => run[0].json.deliveryKey)).toEqual([`reward_issued:${due.id}:${String(issuedAt)}`]);
	});

	it('three identical posts at the same moment start one execution (the key is taken with no wait between look and note)', async () => {
		const wf = await published({ setup: 'automatic', event: 'userQualified', campaignId: campaign });
		const [registration] = await t.client.webhooks();
		const body = { event: 'user.qualified', id: 5, email: 'x@example.com', qualified_at: '2026-12-07T10:15:00Z' };

		const all = await Promise.all([post(registration.url, body), post(registration.url, body), post(registration.url, body)]);

		expect(all.map((answer) => answer.status)).toEqual([200, 200, 200]);
		expect(all.filter((answer) => (answer.body as IDataObject).started === true)).toHaveLength(1);
		expect(wf.runs.map((run) => run.map((item) => item.json.deliveryKey))).toEqual([['user.qualified:5:2026-12-07T10:15:00Z']]);
	});

	it('the same person’s next event, and the same event of the next person, are not repeats', async () => {
		const wf = await published({ setup: 'automatic', event: 'userQualified', campaignId: campaign });
		const [registration] = await t.client.webhooks();

		await post(registration.url, { event: 'user.qualified', id: 5, qualified_at: '2026-12-07T10:15:00Z' });
		await post(registration.url, { event: 'user.qualified', id: 5, qualified_at: '2026-12-07T11:00:00Z' });
		await post(registration.url, { event: 'user.qualified', id: 6, qualified_at: '2026-12-07T10:15:00Z' });

		expect(wf.runs.map((run) => run[0].json.deliveryKey)).toEqual(['user.qualified:5:2026-12-07T10:15:00Z', 'user.qualified:5:2026-12-07T11:00:00Z', 'user.qualified:6:2026-12-07T10:15:00Z']);
	});

	it('a delivery refused for a missing secret takes nothing: the real one after it starts', async () => {
		const wf = await published({ setup: 'automatic', event: 'userQualified', campaignId: campaign });
		const [registration] = await t.client.webhooks();
		const body = { event: 'user.qualified', id: 5, qualified_at: '2026-12-07T10:15:00Z' };

		const forged = await post(registration.url.split('?')[0], body);
		const real = await post(registration.url, body);

		expect([forged.status, real.body]).toEqual([401, { received: true, started: true }]);
		expect(wf.runs).toHaveLength(1);
	});

	it('a test listener beside the published workflow: the same delivery to each starts each (their memories are apart)', async () => {
		const wf = await published({ setup: 'automatic', event: 'userQualified', campaignId: campaign });
		await wf.lifecycle('create', { test: true });
		const [production, test] = await t.client.webhooks();
		const body = { event: 'user.qualified', id: 5, qualified_at: '2026-12-07T10:15:00Z' };

		const answered = [await post(test.url, body), await post(production.url, body)];

		expect(answered.map((answer) => answer.body)).toEqual([STARTED[1], STARTED[1]]);
		expect(wf.runs).toHaveLength(2);
	});

	it('a test listener takes the same test event sent again a minute later (the user means it); a copy within seconds it does not', async () => {
		const wf = await published({ setup: 'automatic', event: 'userQualified', campaignId: campaign });
		await wf.lifecycle('create', { test: true });
		const test = (await t.client.webhooks())[1];
		const body = { event: 'user.qualified', id: 5, qualified_at: '2026-12-07T10:15:00Z' };
		const now = Date.now();

		const first = await post(test.url, body);
		const copy = await post(test.url, body);
		jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
		const again = await post(test.url, body);

		expect([first.body, copy.body, again.body]).toEqual([STARTED[1], REPEATED[1], STARTED[1]]);
	});

	it('two entries of one body with the same key are one item', async () => {
		const wf = await published({ setup: 'dashboard' });
		const entry = { id: 7, email: 'ann@example.com', event: 'user.join', signed_up_at: '2026-12-07' };

		await post(wf.productionUrl, [entry, { ...entry }]);

		expect(wf.runs.map((run) => run.length)).toEqual([1]);
	});

	describe('a dashboard webhook that sends no ID, no event or no time', () => {
		const SECRET = { headerName: 'X-Webhook-Secret', secret: 'k3Jx9-the-shared-secret-Q2m7' };

		it('three copies within 100 ms start one execution, known by the body', async () => {
			const wf = await published({ setup: 'dashboard', authentication: 'headerSecret' }, SECRET);
			await t.client.dashboardWebhook({ url: wf.productionUrl, headerName: SECRET.headerName, secret: SECRET.secret });
			await t.client.configure({ deliveryCopies: 3 });

			await t.client.createUser({ campaign_id: 2, first_name: 'Rita', email: 'rita@example.com' });
			const deliveries = await t.client.deliveries();

			expect(answers(deliveries)).toEqual([STARTED, REPEATED, REPEATED]);
			expect(wf.runs).toHaveLength(1);
			expect(String(wf.runs[0][0].json.deliveryKey)).toMatch(/^:#[0-9a-f]{24}$/);
		});

		it('a key short of the event, the record or the time marks a repeat for seconds only: the same body later is another event', async () => {
			const wf = await published({ setup: 'dashboard' });
			// A lead's join and then their qualification, from a form that sends only the email and the person's ID.
			const body = { id: 42, email: 'lou@example.com' };
			const now = Date.now();

			const first = await post(wf.productionUrl, body);
			const copy = await post(wf.productionUrl, body);
			jest.spyOn(Date, 'now').mockReturnValue(now + REPEAT_WINDOW_MS.unsure + 1_000);
			const later = await post(wf.productionUrl, body);

			expect([first.body, copy.body, later.body]).toEqual([STARTED[1], REPEATED[1], STARTED[1]]);
			expect(wf.runs).toHaveLength(2);
		});

		it('a sure key (event, record and time) marks a repeat for minutes', async () => {
			const wf = await published({ setup: 'dashboard' });
			const body = { event: 'user.join', id: 42, signed_up_at: '2026-12-07T10:15:00Z' };
			const now = Date.now();

			await post(wf.productionUrl, body);
			jest.spyOn(Date, 'now').mockReturnValue(now + REPEAT_WINDOW_MS.sure - 1_000);
			const copy = await post(wf.productionUrl, body);
			jest.spyOn(Date, 'now').mockReturnValue(now + REPEAT_WINDOW_MS.sure + 1_000);
			const later = await post(wf.productionUrl, body);

			expect([copy.body, later.body]).toEqual([REPEATED[1], STARTED[1]]);
		});
	});
});

describe('the polling trigger: every key once', () => {
	it('each item carries the key its event would have from the webhook trigger; a check run again starts none of them', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const wf = await publishedPoll(t, { event: 'leadQualified', campaignId: campaign });
		const unsaved = wf.saved();
		const { lead } = await referrerAndLead();
		await t.client.qualify({ id: lead.id, qualified: true });

		const items = await wf.poll();
		wf.restoreStaticData(unsaved);
		const again = await wf.poll();

		const qualifiedAt = ((items ?? [])[0]?.json.raw as IDataObject | undefined)?.qualified_at;
		expect(qualifiedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect((items ?? []).map((item) => item.json.deliveryKey)).toEqual([`user.qualified:${lead.id}:${String(qualifiedAt)}`]);
		expect(again).toBeNull();
	});

	it('Reward Issued: the reward’s key, as the webhook trigger’s', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		const wf = await publishedPoll(t, { event: 'rewardIssued', rewardType: 'amount' });
		const { lead } = await referrerAndLead();
		await t.client.qualify({ id: lead.id, qualified: true });
		const due = (await t.client.rewards()).find((r) => r.metric === 'amount')!;
		await t.client.issueReward(due.id);

		const items = (await wf.poll()) ?? [];
		const { issuedAt } = (items[0]?.json.reward ?? {}) as IDataObject;
		expect(issuedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(items.map((item) => item.json.deliveryKey)).toEqual([`reward_issued:${due.id}:${String(issuedAt)}`]);
	});
});

describe('the key and the memory', () => {
	it('a body is known by its content, whatever the order of its fields', () => {
		expect(deliveryKey(null, {}, { b: 1, a: { y: 2, x: [1, { q: 1, p: 2 }] } })).toBe(deliveryKey(null, {}, { a: { x: [1, { p: 2, q: 1 }], y: 2 }, b: 1 }));
		expect(deliveryKey(null, {}, { a: 1 })).not.toBe(deliveryKey(null, {}, { a: 2 }));
	});

	it('only a key with the event, the record and the time is sure', () => {
		expect([
			isSureKey(deliveryKey('user.join', { id: 1, at: '2026-12-07' }, {})),
			isSureKey(deliveryKey('user.join', { id: 1 }, {})),
			isSureKey(deliveryKey(null, { id: 1, at: '2026-12-07' }, {})),
			isSureKey(deliveryKey('user.join', {}, { email: 'a@example.com' })),
		]).toEqual([true, false, false, false]);
	});

	it('is bounded: the oldest keys of a trigger, and the trigger used longest ago, are forgotten first', () => {
		const memory = new RecentKeys({ scopes: 2, keysPerScope: 3, forMs: 60_000 });
		for (const key of ['a', 'b', 'c', 'd']) memory.add('one', key);
		expect(['a', 'b', 'c', 'd'].map((key) => memory.has('one', key))).toEqual([false, true, true, true]);

		memory.add('two', 'x');
		memory.has('one', 'b');
		memory.add('three', 'y');
		expect([memory.has('one', 'b'), memory.has('two', 'x'), memory.has('three', 'y')]).toEqual([true, false, true]);
	});

	it('forgets a key after its time, with no timer', () => {
		const memory = new RecentKeys({ scopes: 10, keysPerScope: 10, forMs: 60_000 });
		const now = Date.now();
		expect(memory.claim('one', 'k')).toBe(true);
		expect(memory.claim('one', 'k')).toBe(false);
		jest.spyOn(Date, 'now').mockReturnValue(now + 60_001);
		expect(memory.claim('one', 'k')).toBe(true);
	});
});
