/**
 * n8n's queue mode as teams run it, for the queue suite (queue.ts) and the benchmark's (e) (test/bench/run.ts):
 * Debian's PostgreSQL (a private cluster in a temporary folder) and redis-server on 127.0.0.1, an n8n main and
 * `workers` workers (`n8n worker --concurrency=1`), the packed package installed for every process. Each server is
 * started as a child of this process and stopped by its own PID.
 *
 * `paceRun` starts a pacing scenario: one published workflow per configuration (Webhook → Split Out → Add Referrer),
 * a credential and token of its own each, one execution per worker started at once by production webhooks, against a
 * sandbox that allows `LIMIT` requests per `WINDOW_MS` per token.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox/server';
import { createUserFolder, freePort, installN8n, n8nCommand, n8nEnv, NODE_TYPE, packPackage, startN8n, stopProcess, TARGETS, type Installed, type N8nProcess } from './n8n';

export const LIMIT = 30;
export const WINDOW_MS = 2_000;
export const ITEMS = 60;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PaceConfig {
	name: string;
	/** The credential's Rate Limit in each process. */
	limit: number;
	adaptive: boolean;
	/** The token's suffix: each configuration counts on a token of its own at the sandbox. */
	token: string;
}

type Child = ChildProcess & { output(): string };

function logged(child: ChildProcess): Child {
	let log = '';
	child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
	return Object.assign(child, { output: () => log });
}

async function startRedis(): Promise<{ port: number; child: Child }> {
	if (!existsSync('/usr/bin/redis-server')) throw new Error('redis-server is missing: apt-get install redis-server (.ci/run does)');
	const port = await freePort();
	const child = logged(spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }));
	for (const deadline = Date.now() + 15_000; !child.output().includes('Ready to accept connections'); ) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${child.output()}`);
		await sleep(50);
	}
	return { port, child };
}

/** Debian's PostgreSQL binaries (the `postgresql` package): /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a)) : [];
	if (versions.length === 0) throw new Error('PostgreSQL is missing: apt-get install postgresql (.ci/run does)');
	return join(root, versions[0], 'bin');
}

/**
 * A throwaway PostgreSQL cluster: initdb into a temporary folder (as the `postgres` user when this runs as root, since
 * PostgreSQL refuses to run as root), trust authentication on 127.0.0.1 only, one database `n8n` owned by `n8n`.
 */
async function startPostgres(): Promise<{ port: number; child: Child; folder: string }> {
	const bin = postgresBin();
	const folder = mkdtempSync(join(tmpdir(), 'rf-queue-pg-'));
	const data = join(folder, 'data');
	mkdirSync(data);
	const asRoot = process.getuid?.() === 0;
	const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {};
	if (asRoot) {
		chownSync(folder, ids.uid!, ids.gid!);
		chownSync(data, ids.uid!, ids.gid!);
	}
	execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...ids, stdio: 'pipe', cwd: folder });
	const port = await freePort();
	const child = logged(
		spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', folder, '-h', '127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'], { ...ids, stdio: ['ignore', 'pipe', 'pipe'], cwd: folder }),
	);
	for (const deadline = Date.now() + 30_000; !child.output().includes('ready to accept connections'); ) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start:\n${child.output()}`);
		await sleep(50);
	}
	execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres', '-c', 'CREATE DATABASE n8n'], { stdio: 'pipe' });
	return { port, child, folder };
}

async function startWorker(installed: Installed, env: NodeJS.ProcessEnv): Promise<Child> {
	const child = logged(
		spawn(join(installed.nodeBinDir, 'node'), [installed.n8nBin, 'worker', '--concurrency=1'], {
			env: { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()) },
			stdio: ['ignore', 'pipe', 'pipe'],
		}),
	);
	for (const deadline = Date.now() + 120_000; !child.output().includes('n8n worker is now ready'); ) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start:\n${child.output()}`);
		await sleep(100);
	}
	return child;
}

export function paceWorkflow(config: PaceConfig, credentialId: string) {
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

export interface Cluster {
	installed: Installed;
	env: NodeJS.ProcessEnv;
	sandbox: Sandbox;
	base: string;
	main: N8nProcess;
	workers: Child[];
	/** Where imports are written. */
	imports: string;
	/** Runs an n8n command (import, publish) against the cluster's database; it must succeed. */
	run(args: string[]): Promise<void>;
	stop(): Promise<void>;
}

/**
 * Starts PostgreSQL, Redis, the sandbox, then `prepare` (imports and publishes, while n8n is stopped), then the main
 * and the workers. The token's credentials for `configs` and their workflows are imported before `prepare`.
 */
export async function startCluster(
	workers: number,
	configs: PaceConfig[],
	prepare: (cluster: Omit<Cluster, 'main' | 'workers' | 'base' | 'stop'>) => Promise<void> = async () => undefined,
): Promise<Cluster> {
	const installed = installN8n(TARGETS[0]);
	const userFolder = createUserFolder(packPackage());
	const children: ChildProcess[] = [];
	const sandbox = await startSandbox({ token: `rf_queue_${randomBytes(8).toString('hex')}`, config: { rateLimit: LIMIT, rateWindowMs: WINDOW_MS, retryAfterHeader: false } });
	let pgFolder = '';
	const stop = async () => {
		for (const child of children.reverse()) await stopProcess(child);
		await sandbox.close();
		rmSync(userFolder, { recursive: true, force: true });
		if (pgFolder) rmSync(pgFolder, { recursive: true, force: true });
	};
	try {
		const redis = await startRedis();
		children.push(redis.child);
		const postgres = await startPostgres();
		children.push(postgres.child);
		pgFolder = postgres.folder;
		const env = await n8nEnv(installed, userFolder, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: `rfq${randomBytes(4).toString('hex')}`,
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'false',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'unused-with-trust',
		});
		const imports = join(userFolder, 'imports');
		mkdirSync(imports, { recursive: true });
		const run = async (args: string[]) => {
			const result = await n8nCommand(installed, env, args);
			assert.equal(result.code, 0, `n8n ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
		};
		const credentials = configs.map((config, i) => ({
			id: `rfQueueCred0000${i}`,
			name: `Queue ${config.token}`,
			type: 'referralFactoryPublicApi',
			data: { accessToken: `${sandbox.token}.${config.token}`, baseUrl: sandbox.baseUrl, rateLimit: config.limit, rateLimitWindow: WINDOW_MS / 1000, adaptivePacing: config.adaptive },
		}));
		credentials.push({
			id: 'rfQueueCredTrig1',
			name: 'Queue triggers',
			type: 'referralFactoryPublicApi',
			data: { accessToken: sandbox.token, baseUrl: sandbox.baseUrl, rateLimit: LIMIT, rateLimitWindow: WINDOW_MS / 1000, adaptivePacing: true },
		});
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify(credentials));
		await run(['import:credentials', `--input=${join(imports, 'credentials.json')}`]);
		for (const [i, config] of configs.entries()) {
			const definition = paceWorkflow(config, credentials[i].id);
			writeFileSync(join(imports, `${config.token}.json`), JSON.stringify(definition));
			await run(['import:workflow', `--input=${join(imports, `${config.token}.json`)}`]);
			await run(['publish:workflow', `--id=${definition.id}`]);
		}
		await prepare({ installed, env, sandbox, imports, run });

		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const main = await startN8n(installed, env, port);
		children.push(main);
		const started: Child[] = [];
		for (let i = 0; i < workers; i++) started.push(await startWorker(installed, env));
		children.push(...started);
		// Published workflows become active after the main process reports ready.
		if (configs.length > 0) {
			for (const deadline = Date.now() + 60_000; ; ) {
				const probe = await fetch(`${base}/webhook/rf-queue-${configs[0].token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customers":[]}' });
				if (probe.status === 200) break;
				if (Date.now() > deadline) throw new Error(`the webhooks never became active (HTTP ${probe.status})`);
				await sleep(250);
			}
		}
		return { installed, env, sandbox, base, main, workers: started, imports, run, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

export interface PaceOutcome {
	config: PaceConfig;
	users: number;
	duplicates: number;
	refused: number;
	perWindow: number[];
	seconds: number;
	minimum: number;
}

/** Starts one execution per worker at once for the configuration and waits until their referrers are all added. */
export async function paceRun(cluster: Cluster, config: PaceConfig): Promise<PaceOutcome> {
	const { base, sandbox } = cluster;
	const runs = cluster.workers.length;
	const domain = `${config.token}.example.com`;
	const started = Date.now();
	const bodies = Array.from({ length: runs }, (_, run) => ({ customers: Array.from({ length: ITEMS }, (__, i) => ({ firstName: `Customer ${run}-${i}`, email: `c${run}-${i}@${domain}` })) }));
	const answers = await Promise.all(bodies.map((body) => fetch(`${base}/webhook/rf-queue-${config.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })));
	for (const answer of answers) assert.equal(answer.status, 200, `webhook: ${answer.status}`);
	const mine = () => sandbox.store.users.filter((user) => user.email.endsWith(`@${domain}`));
	for (const deadline = Date.now() + 90_000; mine().length < runs * ITEMS && Date.now() < deadline; ) await sleep(200);
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
		// Every request but the first window's needs a window of its own: the last one goes out after this long.
		minimum: ((Math.ceil((runs * ITEMS) / LIMIT) - 1) * WINDOW_MS) / 1000,
	};
}

/** The three ways a team can set the credential for `workers` workers on one token. */
export function paceConfigs(workers: number): PaceConfig[] {
	return [
		{ name: `limit divided between the ${workers} workers`, limit: LIMIT / workers, adaptive: true, token: 'divided' },
		{ name: 'whole limit on each worker, Adaptive Pacing off', limit: LIMIT, adaptive: false, token: 'static' },
		{ name: 'whole limit on each worker, Adaptive Pacing on', limit: LIMIT, adaptive: true, token: 'adaptive' },
	];
}
