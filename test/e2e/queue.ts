/**
 * `npm run test:queue`: the node in n8n's queue mode as teams run it (queue-mode.ts): PostgreSQL, Redis, an n8n
 * 2.41.1 main and three workers. Checks:
 * - pacing: one execution per worker at once on one token, each adding 60 referrers against a sandbox that allows 30
 *   requests per 2 s per token, with the limit divided between the workers, the whole limit with Adaptive Pacing off,
 *   and on: 0 lost and 0 duplicates every time, 0 refused with the limit divided, fewer refused with Adaptive Pacing
 *   than without; every worker ran executions. Prints the refusals per window.
 * - the Referral Factory Trigger: published, it registers from the main process; a delivery reaches the main and the
 *   execution it starts runs on a worker.
 * - the polling trigger: the main process alone checks (once per minute, not once per process), and what it finds
 *   runs once, on a worker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { recordCounts } from './n8n';
import { ITEMS, LIMIT, paceConfigs, paceRun, startCluster, WINDOW_MS, type Cluster, type PaceOutcome } from './queue-mode';

const WORKERS = 3;
const TRIGGER_WORKFLOW = 'rfQueueWebhookTr';
const POLLING_WORKFLOW = 'rfQueuePollingTr';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SinkEntry {
	workflow: string;
	execution: string;
	item: Record<string, unknown>;
}

/** A trigger, then an HTTP Request node that posts its item and the execution's ID to the sandbox's sink. */
function triggerWorkflow(id: string, trigger: Record<string, unknown>, sink: string) {
	return {
		id,
		name: id,
		nodes: [
			{ id: randomUUID(), position: [0, 0], credentials: { referralFactoryPublicApi: { id: 'rfQueueCredTrig1', name: 'Queue triggers' } }, ...trigger },
			{
				parameters: { method: 'POST', url: sink, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify({ workflow: $workflow.id, execution: $execution.id, item: $json }) }}', options: {} },
				id: randomUUID(),
				name: 'Tell the Sandbox',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
			},
		],
		connections: { [trigger.name as string]: { main: [[{ node: 'Tell the Sandbox', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

async function main(): Promise<number> {
	const counts = { passed: 0, failed: 0 };
	const check = async (name: string, run: () => void | Promise<void>) => {
		try {
			await run();
			counts.passed++;
			console.log(`   ✓ ${name}`);
		} catch (error) {
			counts.failed++;
			console.log(`   ✕ ${name}\n${String((error as Error).message).replace(/^/gm, '      ')}`);
		}
	};
	const configs = paceConfigs(WORKERS);
	const began = Date.now();
	const cluster: Cluster = await startCluster(WORKERS, configs, async ({ sandbox, imports, run }) => {
		const sink = `${sandbox.url}/__sandbox/sink`;
		const workflows = [
			triggerWorkflow(TRIGGER_WORKFLOW, {
				name: 'Referral Factory Trigger',
				type: 'n8n-nodes-referral-factory-api.referralFactoryTrigger',
				typeVersion: 1,
				webhookId: randomUUID(),
				parameters: { setup: 'automatic', event: 'userJoined', campaignId: { __rl: true, mode: 'id', value: '2' }, sources: ['Referred', 'Api'] },
			}, sink),
			triggerWorkflow(POLLING_WORKFLOW, {
				name: 'Referral Factory Polling Trigger',
				type: 'n8n-nodes-referral-factory-api.referralFactoryPollingTrigger',
				typeVersion: 1,
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newReferrer', campaignId: { __rl: true, mode: 'id', value: '2' } },
			}, sink),
		];
		for (const workflow of workflows) {
			writeFileSync(join(imports, `${workflow.id}.json`), JSON.stringify(workflow));
			await run(['import:workflow', `--input=${join(imports, `${workflow.id}.json`)}`]);
			await run(['publish:workflow', `--id=${workflow.id}`]);
		}
	});
	const { sandbox, workers } = cluster;
	const ready = Date.now();
	try {
		console.log(`queue mode on PostgreSQL: n8n main and ${WORKERS} workers up in ${((ready - began) / 1000).toFixed(1)} s; sandbox ${LIMIT} requests per ${WINDOW_MS / 1000} s per token`);
		const before = workers.map((worker) => worker.output().length);
		const outcomes: PaceOutcome[] = [];
		for (const config of configs) {
			const outcome = await paceRun(cluster, config);
			outcomes.push(outcome);
			if (outcome.users < WORKERS * ITEMS) {
				for (const [i, worker] of workers.entries()) {
					console.log(`worker ${i + 1}:\n${worker.output().slice(before[i]).split('\n').filter((line) => /error|fail|warn/i.test(line)).slice(-15).join('\n')}`);
				}
			}
		}
		console.log('\n| configuration | referrers | duplicates | refused | refused per 2 s window | wall | minimum |\n|---|---|---|---|---|---|---|');
		for (const o of outcomes) {
			console.log(`| ${o.config.name} | ${o.users} / ${WORKERS * ITEMS} | ${o.duplicates} | ${o.refused} | ${o.perWindow.join(' ')} | ${o.seconds.toFixed(1)} s | ${o.minimum.toFixed(1)} s |`);
		}
		console.log('');
		for (const o of outcomes) {
			await check(`${o.config.name}: 0 lost, 0 duplicates`, () => assert.deepEqual([o.users, o.duplicates], [WORKERS * ITEMS, 0]));
		}
		const [divided, adaptiveOff, adaptiveOn] = outcomes;
		await check(`${divided.config.name}: 0 refused`, () => assert.equal(divided.refused, 0));
		await check(`whole limit on each: fewer refused with Adaptive Pacing (${adaptiveOn.refused}) than without (${adaptiveOff.refused})`, () => assert.ok(adaptiveOn.refused < adaptiveOff.refused));
		await check(`all ${WORKERS} workers ran executions`, () => {
			const started = workers.map((worker, i) => (worker.output().slice(before[i]).match(/Worker started execution/g) ?? []).length);
			console.log(`      executions started per worker: ${started.join(', ')}`);
			assert.ok(started.every((count) => count > 0), `executions per worker: ${started.join(', ')}`);
		});

		const sink = () => (sandbox.sink as SinkEntry[]);
		const onWorker = (execution: string) => workers.findIndex((worker) => worker.output().includes(`Worker started execution ${execution} `));
		const joined = await fetch(`${sandbox.baseUrl}/users`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ campaign_id: 2, first_name: 'Quincy', email: 'quincy@example.com' }),
		});
		const person = ((await joined.json()) as { data: { id: number } }).data;

		await check('the Referral Factory Trigger: registered from the main process, a delivery starts one execution, on a worker', async () => {
			assert.deepEqual(sandbox.webhooks.live.map((registration) => [registration.event, registration.campaign_id]), [['user.join', 2]]);
			for (const deadline = Date.now() + 30_000; !sink().some((entry) => entry.workflow === TRIGGER_WORKFLOW) && Date.now() < deadline; ) await sleep(200);
			const entries = sink().filter((entry) => entry.workflow === TRIGGER_WORKFLOW);
			assert.deepEqual(entries.map((entry) => entry.item.id), [person.id]);
			assert.ok(onWorker(entries[0].execution) >= 0, `execution ${entries[0].execution} ran on no worker`);
		});

		await check('the polling trigger: the main process alone checks, once a minute; the new referrer starts one execution, on a worker', async () => {
			for (const deadline = Date.now() + 90_000; !sink().some((entry) => entry.workflow === POLLING_WORKFLOW) && Date.now() < deadline; ) await sleep(500);
			await sleep(3_000);
			const entries = sink().filter((entry) => entry.workflow === POLLING_WORKFLOW);
			assert.deepEqual(entries.map((entry) => entry.item.id), [person.id]);
			assert.ok(onWorker(entries[0].execution) >= 0, `execution ${entries[0].execution} ran on no worker`);
			// One process checks: on activation, then once a minute at the schedule's second. Were every process to check,
			// checks would come in bursts at that second.
			const checks = () => sandbox.requests.filter((r) => r.path === '/api/v2/users/search' && r.headers.authorization === `Bearer ${sandbox.token}`).map((r) => r.at);
			for (const deadline = Date.now() + 75_000; checks().length < 3 && Date.now() < deadline; ) await sleep(500);
			const at = checks();
			const gaps = at.slice(2).map((time, i) => (time - at[i + 1]) / 1000);
			console.log(`      checks: ${at.length}, the scheduled ones ${gaps.map((gap) => `${gap.toFixed(1)} s`).join(', ')} apart`);
			assert.ok(at.length >= 3, `${at.length} checks`);
			assert.ok(gaps.every((gap) => gap > 50), `checks closer than a minute apart: ${gaps.join(', ')} s`);
		});
	} finally {
		await cluster.stop();
	}
	console.log(`${counts.passed} passed, ${counts.failed} failed`);
	recordCounts('queue', counts.passed, counts.failed);
	return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		recordCounts('queue', 0, 1);
		process.exit(1);
	},
);
