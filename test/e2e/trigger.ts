/**
 * The Referral Factory Trigger in a real n8n (`n8n start`, set up by served.ts): two published workflows, each a
 * trigger with a `webhookId` followed by an HTTP Request node that posts the trigger's item to the sandbox's sink,
 * which is how these checks see an execution. Checks:
 * activation registers the production URL with the sandbox once; a lead added through the API starts an execution
 * with the normalised lead; a delivery without the registration's secret gets 401 and starts none; a dashboard
 * delivery with the right secret starts one, with a wrong secret gets 401 and starts none; after a restart the same registration still delivers (n8n registers only on first activation);
 * unpublishing (through n8n's REST API, as the editor does) deletes the registration, leaving nothing.
 */
import assert from 'node:assert/strict';

import type { Sandbox } from '../sandbox/server';
import type { Served } from './served';

export const JOIN_WORKFLOW = 'rfE2eTriggerJoin';
export const DASHBOARD_WORKFLOW = 'rfE2eTriggerDash';
const JOIN_HOOK = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const DASHBOARD_HOOK = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';
const BROWSER_ID = 'rf-e2e-browser';

interface SinkEntry {
	workflow: string;
	item: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the sink holds `count` entries (executions finish after the sender got its answer). */
async function sinkHolds(sandbox: Sandbox, count: number, timeoutMs = 30_000): Promise<SinkEntry[]> {
	const deadline = Date.now() + timeoutMs;
	while ((sandbox.sink as SinkEntry[]).length < count && Date.now() < deadline) await sleep(100);
	return sandbox.sink as SinkEntry[];
}

const REFUSED = { message: 'Unauthorized: this URL takes deliveries only from the Referral Factory registration it made' };

/**
 * Waits until n8n serves the trigger's production URL and the trigger is registered with the sandbox: n8n stores a
 * webhook before it runs the trigger's `create`, so the URL may answer (the trigger's 401 to a probe without the
 * registration's secret, which starts nothing; n8n's 404 before) a moment before the registration exists.
 */
async function webhookLive(sandbox: Sandbox, url: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'probe' }) });
		const text = await response.text();
		const registered = sandbox.webhooks.live.some((registration) => registration.url.split('?')[0] === url);
		if (response.status === 401 && registered) return assert.deepEqual(JSON.parse(text), REFUSED);
		if (Date.now() > deadline) throw new Error(`${url} still answers ${response.status}: ${text.slice(0, 200)}${registered ? '' : ' (and is not registered)'}`);
		await sleep(200);
	}
}

async function api(sandbox: Sandbox, body: Record<string, unknown>): Promise<Record<string, unknown>> {
	const response = await fetch(`${sandbox.baseUrl}/users`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify(body),
	});
	assert.ok(response.ok, `POST /users: ${response.status}`);
	return ((await response.json()) as { data: Record<string, unknown> }).data;
}

/** The trigger's checks while its workflows are published; `served.restart()` restarts n8n. */
export async function triggerChecks(served: Served, check: Served['check']): Promise<void> {
	const { sandbox, base } = served;
	const secret = served.values.WEBHOOK_SECRET;
	const registered = await check('publishing registers the trigger’s production URL with Referral Factory, once', async () => {
		// n8n activates published workflows after it reports ready.
		await webhookLive(sandbox, `${base}/webhook/${JOIN_HOOK}/referral-factory`);
		assert.deepEqual(
			sandbox.webhooks.registrations.map((r) => [r.url.split('?')[0], r.event, r.campaign_id, r.sources, r.deleted_at]),
			[[`${base}/webhook/${JOIN_HOOK}/referral-factory`, 'user.join', 1, ['Referred'], null]],
		);
		// The registered URL carries the registration's own secret.
		assert.match(new URL(sandbox.webhooks.registrations[0].url).searchParams.get('secret') ?? '', /^[A-Za-z0-9_-]{32}$/);
	});

	if (!registered) console.log(served.n8n().output().split('\n').filter((line) => !/^\s+at |ENOTFOUND/.test(line)).slice(-80).join('\n'));

	await check('a lead added through the API starts an execution with the normalised lead', async () => {
		const referrer = await api(sandbox, { campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const lead = await api(sandbox, { campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: referrer.code } });
		const [entry] = await sinkHolds(sandbox, 1);
		assert.ok(entry, 'no execution reached the sink');
		assert.equal(entry.workflow, JOIN_WORKFLOW);
		assert.deepEqual(
			[entry.item.event, entry.item.id, entry.item.referralCode, entry.item.referralLink, entry.item.email, entry.item.referrerId, entry.item.qualified],
			['user.join', lead.id, lead.code, lead.url, 'lea@example.com', referrer.id, false],
		);
		await sandbox.webhooks.settled();
		// The referrer joined through the API (source Api), not Referred: one delivery, one execution.
		assert.deepEqual(sandbox.webhooks.deliveries.map((d) => [d.event, d.status]), [['user.join', 200]]);
	});

	await check('a delivery to the trigger’s URL without its registration’s secret gets 401 and starts nothing', async () => {
		const forged = await fetch(`${base}/webhook/${JOIN_HOOK}/referral-factory`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ event: 'user.join', id: 99, email: 'mallory@example.com', campaign_id: 1 }),
		});
		assert.equal(forged.status, 401);
		assert.deepEqual(await forged.json(), REFUSED);
		await sleep(1_500);
		assert.equal(sandbox.sink.length, 1, 'an execution started for a delivery without the secret');
	});

	await check('a dashboard delivery with the right secret starts an execution', async () => {
		sandbox.webhooks.dashboard = { url: `${base}/webhook/${DASHBOARD_HOOK}/referral-factory`, headerName: 'X-Webhook-Secret', secret };
		await api(sandbox, { campaign_id: 1, first_name: 'Dana', email: 'dana@example.com' });
		const entries = await sinkHolds(sandbox, 2);
		await sandbox.webhooks.settled();
		const dashboard = sandbox.webhooks.deliveries.filter((d) => d.kind === 'dashboard');
		assert.deepEqual(dashboard.map((d) => [d.status, JSON.parse(d.response)]), [[200, { received: true, started: true }]]);
		assert.equal(entries[1]?.workflow, DASHBOARD_WORKFLOW);
		assert.deepEqual([entries[1].item.email, entries[1].item.firstName], ['dana@example.com', 'Dana']);
	});

	await check('a dashboard delivery with a wrong secret gets 401 and starts nothing', async () => {
		const response = await fetch(`${base}/webhook/${DASHBOARD_HOOK}/referral-factory`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'X-Webhook-Secret': `${secret}-not` },
			body: JSON.stringify({ email_address: 'mallory@example.com' }),
		});
		assert.equal(response.status, 401);
		await sleep(1_500);
		assert.equal(sandbox.sink.length, 2, 'an execution started for a delivery with a wrong secret');
	});

	await check('after a restart the registration is still the one (n8n does not register again) and still starts executions', async () => {
		await served.restart();
		await webhookLive(sandbox, `${base}/webhook/${JOIN_HOOK}/referral-factory`);
		assert.deepEqual(sandbox.webhooks.registrations.map((r) => r.deleted_at), [null]);
		const referrer = await api(sandbox, { campaign_id: 1, first_name: 'Rob', email: 'rob@example.com' });
		const lead = await api(sandbox, { campaign_id: 1, first_name: 'Liv', email: 'liv@example.com', referrer: { field: 'id', value: referrer.id } });
		const entries = await sinkHolds(sandbox, 5);
		assert.deepEqual(
			entries.filter((entry) => entry.workflow === JOIN_WORKFLOW).map((entry) => entry.item.id),
			[entries[0].item.id, lead.id],
		);
	});
}

/**
 * A delivery sent three times within 100 ms starts one execution (n8n users see one delivery two or three times,
 * 20–150 ms apart): the sandbox sends every delivery three times, 40 ms apart, to the registered and the dashboard
 * workflow; then three identical posts at once to the dashboard workflow. Run after the checks above (the sink holds
 * their five entries).
 */
export async function repeatedDeliveryChecks(served: Served, check: Served['check']): Promise<void> {
	const { sandbox, base } = served;
	const secret = served.values.WEBHOOK_SECRET;
	await check('a delivery Referral Factory sends three times within 100 ms starts one execution; every copy gets 200', async () => {
		const before = sandbox.sink.length;
		sandbox.config.deliveryCopies = 3;
		try {
			const referrer = await api(sandbox, { campaign_id: 1, first_name: 'Tess', email: 'tess@example.com' });
			const lead = await api(sandbox, { campaign_id: 1, first_name: 'Theo', email: 'theo@example.com', referrer: { field: 'id', value: referrer.id } });
			await sandbox.webhooks.settled();
			// The lead's join to the registered workflow; the referrer's and the lead's to the dashboard workflow.
			const entries = (await sinkHolds(sandbox, before + 3)).slice(before);
			await sleep(2_000);
			assert.equal(sandbox.sink.length, before + 3, `executions: ${JSON.stringify((sandbox.sink as SinkEntry[]).slice(before).map((e) => [e.workflow, e.item.email]))}`);
			assert.deepEqual(
				entries.map((entry) => [entry.workflow, entry.item.email]).sort(),
				[[DASHBOARD_WORKFLOW, 'tess@example.com'], [DASHBOARD_WORKFLOW, 'theo@example.com'], [JOIN_WORKFLOW, 'theo@example.com']].sort(),
			);
			const join = entries.find((entry) => entry.workflow === JOIN_WORKFLOW)!;
			assert.equal(join.item.deliveryKey, `user.join:${String(lead.id)}:${String(join.item.signedUpAt)}`);
			const answers = sandbox.webhooks.deliveries.slice(-9).map((d) => [d.status, JSON.parse(d.response).started]);
			assert.deepEqual(answers.filter(([status]) => status === 200).length, 9, JSON.stringify(answers));
			assert.deepEqual(answers.filter(([, started]) => started === true).length, 3, JSON.stringify(answers));
		} finally {
			sandbox.config.deliveryCopies = 1;
		}
	});

	await check('three identical posts at the same moment start one execution', async () => {
		const before = sandbox.sink.length;
		const post = async () =>
			await fetch(`${base}/webhook/${DASHBOARD_HOOK}/referral-factory`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'X-Webhook-Secret': secret },
				body: JSON.stringify({ event: 'user.join', id: 4242, email_address: 'uma@example.com', signed_up_at: '2026-12-07T10:15:00Z' }),
			});
		const answers = await Promise.all([post(), post(), post()]);
		assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
		await sinkHolds(sandbox, before + 1);
		await sleep(2_000);
		assert.deepEqual((sandbox.sink as SinkEntry[]).slice(before).map((entry) => [entry.workflow, entry.item.deliveryKey]), [[DASHBOARD_WORKFLOW, 'user.join:4242:2026-12-07T10:15:00Z']]);
	});
}

/** Last, after every other check on the running n8n: unpublishing removes the registration. */
export async function unpublishCheck(served: Served, check: Served['check']): Promise<void> {
	const { sandbox, base } = served;
	await check('unpublishing the workflow deletes its registration; nothing is left behind', async () => {
		const headers = { 'content-type': 'application/json', 'browser-id': BROWSER_ID };
		const owner = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ email: 'owner@example.com', password: 'Sandbox-Password-1', firstName: 'Sandbox', lastName: 'Owner' }),
		});
		assert.ok(owner.ok, `owner setup: ${owner.status}`);
		const cookie = (owner.headers.get('set-cookie') ?? '').split(';')[0];
		const deactivated = await fetch(`${base}/rest/workflows/${JOIN_WORKFLOW}/deactivate`, { method: 'POST', headers: { ...headers, cookie }, body: '{}' });
		assert.ok(deactivated.ok, `deactivate: ${deactivated.status} ${await deactivated.text()}`);
		for (const deadline = Date.now() + 15_000; sandbox.webhooks.live.length > 0 && Date.now() < deadline; ) await sleep(100);
		const calls = sandbox.requests.filter((r) => r.path.startsWith('/api/n8n/')).map((r) => `${r.method} ${r.path} ${r.status}`);
		const log = served.n8n().output().split('\n').filter((line) => /error|deactivat|webhook|referral/i.test(line)).slice(-20).join('\n');
		assert.deepEqual(sandbox.webhooks.registrations.map((r) => r.deleted_at !== null), [true], `${calls.join('\n')}\n${log}`);
		assert.deepEqual(sandbox.webhooks.live, []);
	});
}
