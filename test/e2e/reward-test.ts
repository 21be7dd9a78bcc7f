/**
 * Testing a published Reward Issued trigger in a real n8n (`n8n start`), after served.ts's other checks. Referral
 * Factory keeps one webhook per reward, and n8n gives a test listener an empty static data and an inactive workflow:
 * before the trigger asked its own production URL, "Execute step" on a published workflow PUT the test URL over
 * production's, and the end of the test DELETEd the reward's webhook, so issued rewards stopped arriving for good.
 * The workflow (fixtures/reward-test) is published while n8n is stopped, n8n starts (registering the production URL
 * on reward rule 9), the owner starts a test of the trigger through n8n's REST API as the editor does, and then a
 * reward of that rule is issued. Checks: the test is refused with the trigger's message; the reward's webhook is still
 * the production URL; the issued reward starts an execution of the published workflow.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';

import type { Sandbox } from '../sandbox/server';
import { freePort, importAndPublish, sandboxApi, startN8n, stopProcess, type Installed } from './n8n';
import type { Served } from './served';

const WORKFLOW = 'rfE2eTriggerReward';
const FIXTURE = join(__dirname, 'fixtures', 'reward-test', 'trigger-reward.json');
const OWNER = { email: 'owner@example.com', password: 'Sandbox-Password-1', firstName: 'Sandbox', lastName: 'Owner' };
const HEADERS = { 'content-type': 'application/json', 'browser-id': 'rf-e2e-browser' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session cookie of the owner: set up when there is none yet, else signed in. */
async function ownerCookie(base: string): Promise<string> {
	const setup = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: HEADERS, body: JSON.stringify(OWNER) });
	const response = setup.ok
		? setup
		: await fetch(`${base}/rest/login`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }) });
	assert.ok(response.ok, `owner sign-in: ${response.status} ${await response.text()}`);
	return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

const api = async (sandbox: Sandbox, method: string, path: string, body?: Record<string, unknown>) => await sandboxApi(sandbox.baseUrl, sandbox.token, method, path, body);

/** The reward's live registration in the sandbox, once there is one. */
async function rewardWebhook(sandbox: Sandbox, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const live = sandbox.webhooks.live.find((registration) => registration.reward_id === 9);
		if (live || Date.now() > deadline) return live;
		await sleep(200);
	}
}

export async function rewardTestChecks(
	installed: Installed,
	env: NodeJS.ProcessEnv,
	imports: string,
	sandbox: Sandbox,
	values: Record<string, string>,
	check: Served['check'],
): Promise<void> {
	await importAndPublish(installed, env, imports, FIXTURE, values);

	sandbox.store.reset();
	sandbox.rewards.reset();
	sandbox.webhooks.reset();
	sandbox.sink.length = 0;
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const n8n = await startN8n(installed, env, port);
	try {
		await check('testing a published Reward Issued trigger is refused; the reward keeps its production webhook, and an issued reward starts the published workflow', async () => {
			const production = await rewardWebhook(sandbox);
			assert.ok(production, 'n8n did not register the production URL on reward 9');
			assert.match(production.url, /\/webhook\/[^/]+\/referral-factory\?secret=/);

			const cookie = await ownerCookie(base);
			const workflow = (await (await fetch(`${base}/rest/workflows/${WORKFLOW}`, { headers: { ...HEADERS, cookie } })).json()) as { data: Record<string, unknown> };
			const test = await fetch(`${base}/rest/workflows/${WORKFLOW}/run`, {
				method: 'POST',
				headers: { ...HEADERS, cookie },
				body: JSON.stringify({ workflowData: workflow.data, triggerToStartFrom: { name: 'Referral Factory Trigger' } }),
			});
			const answer = await test.text();
			assert.match(answer, /This workflow is published: issued rewards of reward 9 already start its executions/, `the test was not refused (${test.status}): ${answer.slice(0, 500)}`);
			await sleep(1_000);
			assert.deepEqual(
				sandbox.webhooks.registrations.filter((registration) => registration.reward_id === 9).map((registration) => [registration.url, registration.deleted_at]),
				[[production.url, null]],
				'the reward’s webhook changed',
			);

			const referrer = await api(sandbox, 'POST', '/users', { campaign_id: 1, first_name: 'Rita', email: 'rita@example.com' });
			const lead = await api(sandbox, 'POST', '/users', { campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
			await api(sandbox, 'PUT', '/users/qualification', { id: lead.id, qualified: true });
			const reward = sandbox.rewards.earned.find((earned) => earned.reward_id === 9 && earned.state === 'due')!;
			await api(sandbox, 'POST', `/rewards/issue/${reward.id}`);
			const deadline = Date.now() + 30_000;
			const arrived = () => (sandbox.sink as Array<{ workflow: string; item: { reward?: { id: number } } }>).filter((entry) => entry.workflow === WORKFLOW);
			while (arrived().length === 0 && Date.now() < deadline) await sleep(200);
			assert.deepEqual(arrived().map((entry) => entry.item.reward?.id), [reward.id]);
		});
	} finally {
		await stopProcess(n8n);
	}
}
