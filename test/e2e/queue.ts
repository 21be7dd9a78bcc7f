/**
 * `npm run test:queue`: the node in n8n's queue mode — Debian's redis-server, an n8n 2.41.1 main process and two
 * workers (`n8n worker --concurrency=1`) on 127.0.0.1, one SQLite database, the packed package installed for every
 * process. Three published workflows (Webhook → Split Out → Add Referrer), each with a credential of its own on a
 * token of its own: the limit divided between the workers, the whole limit on each with Adaptive Pacing off, and
 * the whole limit with it on. For each, two executions are started at once by production webhooks (so they run on
 * the workers: `n8n execute` never does), each adding 60 referrers against a sandbox that allows 20 requests per
 * 2 s per token. Checks: 0 lost and 0 duplicates in every configuration; 0 refused with the divided limit; fewer
 * refused with Adaptive Pacing than without; both workers ran executions. Prints the refusals per window.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox/server';
import { createUserFolder, freePort, installN8n, n8nCommand, n8nEnv, NODE_TYPE, packPackage, recordCounts, startN8n, stopProcess, TARGETS, type Installed } from './n8n';

const LIMIT = 20;
const WINDOW_MS = 2_000;
const ITEMS = 60;

interface Config {
	name: string;
	/** The credential's Rate Limit for each process. */
	limit: number;
	adaptive: boolean;
	/** The token's suffix: each configuration counts on a token of its own at the sandbox. */
	token: string;
}

const CONFIGS: Config[] = [
	{ name: 'limit divided between the workers', limit: LIMIT / 2, adaptive: true, token: 'divided' },
	{ name: 'whole limit on each worker, Adaptive Pacing off', limit: LIMIT, adaptive: false, token: 'static' },
	{ name: 'whole limit on each worker, Adaptive Pacing on', limit: LIMIT, adaptive: true, token: 'adaptive' },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function workflow(config: Config, credentialId: string) {
	return {
		id: `rfQueue${config.token.padEnd(9, '0')}`.slice(0, 16),
		name: `Queue: ${config.name}`,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: `rf-queue-${config.token}`, responseMode: 'onReceived', options: {} },
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
			},
			{ parameters: { fieldToSplitOut: 'body.customers', options: {} }, id: randomUUID(), name: 'One Item per Customer', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0] },
			{
				parameters: {
					resource: 'referrer',
					operation: 'add',
					campaignId: { __rl: true, mode: 'id', value: '1' },
					firstName: '={{ $json.firstName }}',
					email: '={{ $json.email }}',
					additionalFields: {},
					options: { concurrency: 5, retryFor: 120 },
				},
				id: randomUUID(),
				name: 'Add Referrer',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				credentials: { referralFactoryPublicApi: { id: credentialId, name: `Queue ${config.token}` } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'One Item per Customer', type: 'main', index: 0 }]] },
			'One Item per Customer': { main: [[{ node: 'Add Referrer', type: 'main', index: 0 }]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
	if (!existsSync('/usr/bin/redis-server')) throw new Error('redis-server is missing: apt-get install redis-server (.ci/run does)');
	const port = await freePort();
	const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	for (const deadline = Date.now() + 15_000; !log.includes('Ready to accept connections'); ) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${log}`);
		await sleep(50);
	}
	return { port, child };
}

async function startWorker(installed: Installed, env: NodeJS.ProcessEnv): Promise<ChildProcess & { output(): string }> {
	const child = spawn(join(installed.nodeBinDir, 'node'), [installed.n8nBin, 'worker', '--concurrency=1'], {
		env: { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	for (const deadline = Date.now() + 120_000; !log.includes('n8n worker is now ready'); ) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${log}`);
		await sleep(100);
	}
	return Object.assign(child, { output: () => log });
}

interface Outcome {
	config: Config;
	users: number;
	duplicates: number;
	refused: number;
	perWindow: number[];
	seconds: number;
	minimum: number;
}

/** Starts the configuration's two executions at once and waits until their referrers are all in the sandbox. */
async function runConfig(base: string, sandbox: Sandbox, config: Config): Promise<Outcome> {
	const domain = `${config.token}.example.com`;
	const started = Date.now();
	const bodies = [0, 1].map((run) => ({ customers: Array.from({ length: ITEMS }, (_, i) => ({ firstName: `Customer ${run}-${i}`, email: `c${run}-${i}@${domain}` })) }));
	const answers = await Promise.all(bodies.map((body) => fetch(`${base}/webhook/rf-queue-${config.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })));
	for (const answer of answers) assert.equal(answer.status, 200, `webhook: ${answer.status}`);
	const mine = () => sandbox.store.users.filter((user) => user.email.endsWith(`@${domain}`));
	for (const deadline = Date.now() + 60_000; mine().length < 2 * ITEMS && Date.now() < deadline; ) await sleep(200);
	await sleep(WINDOW_MS); // let retries still on their way land, so a late duplicate would be seen
	const auth = `Bearer ${sandbox.token}.${config.token}`;
	const requests = sandbox.requests.filter((r) => r.headers.authorization === auth);
	const first = Math.min(...requests.map((r) => r.at));
	const last = Math.max(...requests.map((r) => r.at));
	const perWindow: number[] = [];
	for (const request of requests) {
		const index = Math.floor((request.at - first) / WINDOW_MS);
		perWindow[index] = (perWindow[index] ?? 0) + (request.status === 429 ? 1 : 0);
	}
	const emails = mine().map((user) => user.email);
	return {
		config,
		users: new Set(emails).size,
		duplicates: emails.length - new Set(emails).size,
		refused: requests.filter((r) => r.status === 429).length,
		perWindow: Array.from(perWindow, (count) => count ?? 0),
		seconds: (Math.max(last, started) - first) / 1000,
		minimum: ((Math.ceil((2 * ITEMS) / LIMIT) - 1) * WINDOW_MS) / 1000,
	};
}

async function main(): Promise<number> {
	const counts = { passed: 0, failed: 0 };
	const check = (name: string, run: () => void) => {
		try {
			run();
			counts.passed++;
			console.log(`   ✓ ${name}`);
		} catch (error) {
			counts.failed++;
			console.log(`   ✕ ${name}\n${String((error as Error).message).replace(/^/gm, '      ')}`);
		}
	};
	const target = TARGETS[0];
	const installed = installN8n(target);
	const userFolder = createUserFolder(packPackage());
	const redis = await startRedis();
	const sandbox = await startSandbox({ token: `rf_queue_${randomBytes(8).toString('hex')}`, config: { rateLimit: LIMIT, rateWindowMs: WINDOW_MS, retryAfterHeader: false } });
	const processes: ChildProcess[] = [redis.child];
	try {
		const env = await n8nEnv(installed, userFolder, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: `rfq${randomBytes(4).toString('hex')}`,
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'false',
		});
		const imports = join(userFolder, 'imports');
		mkdirSync(imports, { recursive: true });
		const credentials = CONFIGS.map((config, i) => ({
			id: `rfQueueCred0000${i}`,
			name: `Queue ${config.token}`,
			type: 'referralFactoryPublicApi',
			data: { accessToken: `${sandbox.token}.${config.token}`, baseUrl: sandbox.baseUrl, rateLimit: config.limit, rateLimitWindow: WINDOW_MS / 1000, adaptivePacing: config.adaptive },
		}));
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify(credentials));
		const run = async (args: string[]) => {
			const result = await n8nCommand(installed, env, args);
			assert.equal(result.code, 0, `n8n ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
		};
		await run(['import:credentials', `--input=${join(imports, 'credentials.json')}`]);
		for (const [i, config] of CONFIGS.entries()) {
			const definition = workflow(config, credentials[i].id);
			writeFileSync(join(imports, `${config.token}.json`), JSON.stringify(definition));
			await run(['import:workflow', `--input=${join(imports, `${config.token}.json`)}`]);
			await run(['publish:workflow', `--id=${definition.id}`]);
		}

		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const main = await startN8n(installed, env, port);
		processes.push(main);
		const workers = [await startWorker(installed, env), await startWorker(installed, env)];
		processes.push(...workers);
		console.log(`queue mode: redis on ${redis.port}, n8n ${target.n8n} main on ${port}, two workers; sandbox ${LIMIT} requests per ${WINDOW_MS / 1000} s per token`);
		// Published workflows become active after the main process reports ready.
		for (const deadline = Date.now() + 60_000; ; ) {
			const probe = await fetch(`${base}/webhook/rf-queue-${CONFIGS[0].token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customers":[]}' });
			if (probe.status === 200) break;
			if (Date.now() > deadline) throw new Error(`the webhooks never became active (HTTP ${probe.status})`);
			await sleep(250);
		}

		// What the workers logged before the measured runs (the probes above) is not counted below.
		const before = workers.map((worker) => worker.output().length);
		const outcomes: Outcome[] = [];
		for (const config of CONFIGS) {
			const outcome = await runConfig(base, sandbox, config);
			outcomes.push(outcome);
			if (outcome.users < 2 * ITEMS) {
				for (const [i, worker] of workers.entries()) {
					console.log(`worker ${i + 1}:\n${worker.output().slice(before[i]).split('\n').filter((line) => /error|fail|warn/i.test(line)).slice(-15).join('\n')}`);
				}
			}
		}

		console.log('\n| configuration | referrers | duplicates | refused | refused per 2 s window | wall | minimum |\n|---|---|---|---|---|---|---|');
		for (const o of outcomes) {
			console.log(`| ${o.config.name} | ${o.users} / ${2 * ITEMS} | ${o.duplicates} | ${o.refused} | ${o.perWindow.join(' ')} | ${o.seconds.toFixed(1)} s | ${o.minimum.toFixed(1)} s |`);
		}
		console.log('');
		for (const o of outcomes) {
			check(`${o.config.name}: 0 lost, 0 duplicates`, () => assert.deepEqual([o.users, o.duplicates], [2 * ITEMS, 0]));
		}
		const [divided, adaptiveOff, adaptiveOn] = outcomes;
		check('limit divided between the workers: 0 refused', () => assert.equal(divided.refused, 0));
		check(`whole limit on each: fewer refused with Adaptive Pacing (${adaptiveOn.refused}) than without (${adaptiveOff.refused})`, () => assert.ok(adaptiveOn.refused < adaptiveOff.refused));
		check('both workers ran executions', () => {
			const started = workers.map((worker, i) => (worker.output().slice(before[i]).match(/Worker started execution/g) ?? []).length);
			console.log(`      executions started per worker: ${started.join(', ')}`);
			assert.ok(started.every((count) => count > 0), `executions per worker: ${started.join(', ')}`);
		});
	} finally {
		for (const child of processes.reverse()) await stopProcess(child);
		await sandbox.close();
		rmSync(userFolder, { recursive: true, force: true });
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
