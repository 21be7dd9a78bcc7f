/**
 * `npm run bench`: figures, not a test. Against the sandbox (in a process of its own, on 127.0.0.1), in one run:
 *   (a) N items under a rate limit of L per window: wall time against the theoretical minimum, and rejections;
 *   (b) N items with latency d per request: wall time against N·d / concurrency;
 *   (c) the cost of one request: this node in n8n's engine, raw undici, and n8n's own HTTP Request node doing the
 *       same POST in the same engine (a real n8n 2.8.4, run with `n8n execute`; per-node execution times);
 *   (d) Get Many: pages one after another against several at a time;
 *   (e) queue mode as teams run it (PostgreSQL, an n8n main and three workers, test/e2e/queue-mode.ts): one execution
 *       per worker at once on one token, with the limit divided between the workers against the whole limit on each
 *       with Adaptive Pacing (and without): wall time against the minimum the token's limit allows, refusals per window.
 *   (f) the polling trigger: requests a quiet check costs for each event with 10,000 records in its list, where
 *       Referral Factory sorts a search (A14) and where it does not; and the static data after a year of records.
 * Options: --quick (smaller N, for a smoke run), --only e (one case).
 */
import '../helpers/env';

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { Agent, request } from 'undici';

import type { IExecuteFunctions, INodeType } from 'n8n-workflow';
import {
	addCredential,
	CREDENTIAL_NAME,
	helperNodeDescription,
	nodeTypes,
	runReferralFactoryNode,
	shutdownEngine,
} from '../helpers/engine';
import { SandboxClient } from '../helpers/sandbox-client';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process';
import { PollingWorkflow } from '../helpers/polling';
import { addReferrerParameters, customers, operationParameters } from '../helpers/setup';
import { createUserFolder, fill, installN8n, n8nCommand, n8nEnv, packPackage, runJson, TARGETS } from '../e2e/n8n';
import { ITEMS, LIMIT, paceConfigs, paceRun, startCluster, WINDOW_MS } from '../e2e/queue-mode';

const quick = process.argv.includes('--quick');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const runs = (letter: string) => only === undefined || only === letter;
const rows: string[][] = [];

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(2)} s`;
}

function row(...cells: string[]) {
	rows.push(cells);
	console.log(`  ${cells.join(' | ')}`);
}

async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; result: T }> {
	const started = performance.now();
	const result = await action();
	return { ms: performance.now() - started, result };
}

async function rateLimited(N: number, L: number, windowSeconds: number) {
	// A sandbox and token of its own: the node's limiter is per token for the whole process, and would rightly make
	// a second run wait for the requests of the first to leave the window.
	const sandbox = await startSandboxProcess(`rf_bench_rate_${L}_${windowSeconds}`);
	const client = new SandboxClient(sandbox.url, sandbox.token);
	await client.configure({ rateLimit: L, rateWindowMs: windowSeconds * 1000, retryAfterHeader: false });
	// A token of its own per case (the sandbox accepts `<token>.<name>`): limits of one case must not hold in the next.
	const credential = addCredential({ accessToken: `${sandbox.token}.a${N}-${L}-${windowSeconds}`, baseUrl: sandbox.baseUrl, rateLimit: L, rateLimitWindow: windowSeconds });
	const { ms, result } = await timed(() =>
		runReferralFactoryNode({ credential, parameters: addReferrerParameters({ options: { concurrency: 10 } }), input: customers(N, 'a.bench.example.com') }),
	);
	const stats = await client.stats();
	// The first L go at once; every further L waits one more window.
	const minimum = (Math.ceil(N / L) - 1) * windowSeconds * 1000;
	const ratio = ms / minimum;
	row('(a) rate limit', `${N} items, ${L} per ${windowSeconds} s, 10 at a time`, seconds(ms), `min ${seconds(minimum)}`, `${ratio.toFixed(3)}×`, `rejected ${stats.rateLimited}`, result.error ? `error: ${result.error.message}` : `${result.items.length} out`);
	await sandbox.stop();
	return { ratio, rejected: stats.rateLimited };
}

async function latency(sandbox: SandboxProcess, client: SandboxClient) {
	const N = quick ? 60 : 200;
	const d = 100;
	const concurrency = 5;
	await client.reset();
	await client.configure({ latencyMs: d });
	const credential = addCredential({ accessToken: `${sandbox.token}.b`, baseUrl: sandbox.baseUrl, rateLimit: 600, rateLimitWindow: 60 });
	const { ms, result } = await timed(() =>
		runReferralFactoryNode({ credential, parameters: addReferrerParameters({ options: { concurrency } }), input: customers(N, 'b.bench.example.com') }),
	);
	const ideal = (N * d) / concurrency;
	const ratio = ms / ideal;
	row('(b) latency', `${N} items, ${d} ms each, ${concurrency} at a time`, seconds(ms), `N·d/c ${seconds(ideal)}`, `${ratio.toFixed(3)}×`, '', result.error ? `error: ${result.error.message}` : `${result.items.length} out`);
	return { ratio };
}

/** (d) Get Many: 10,000 referrers at 200 ms a page, several pages at a time against one after another. */
async function getMany(sandbox: SandboxProcess, client: SandboxClient) {
	const N = quick ? 2_500 : 10_000;
	const d = 200;
	const concurrency = 5;
	await client.reset();
	await client.seed(1, N);
	await client.configure({ latencyMs: d });
	const run = async (name: string, c: number) => {
		const credential = addCredential({ accessToken: `${sandbox.token}.d-${name}`, baseUrl: sandbox.baseUrl, rateLimit: 600, rateLimitWindow: 60 });
		return await timed(() =>
			runReferralFactoryNode({
				credential,
				parameters: operationParameters('referrer', 'getAll', { returnAll: true, options: { concurrency: c } }),
				input: [{}],
			}),
		);
	};
	const pages = Math.ceil(N / 250);
	const sequential = await run('one', 1);
	const concurrent = await run('five', concurrency);
	const ideal = (pages * d) / concurrency;
	const out = (result: typeof concurrent.result) => (result.error ? `error: ${result.error.message}` : `${result.items.length} out`);
	row('(d) get many', `${N} referrers, ${pages} pages of 250, ${d} ms each, one page at a time`, seconds(sequential.ms), `pages·d ${seconds(pages * d)}`, `${(sequential.ms / (pages * d)).toFixed(3)}×`, '', out(sequential.result));
	row('(d) get many', `${N} referrers, ${pages} pages, ${concurrency} pages at a time`, seconds(concurrent.ms), `pages·d/c ${seconds(ideal)}`, `${(concurrent.ms / ideal).toFixed(3)}×`, `${(sequential.ms / concurrent.ms).toFixed(2)}× faster than one at a time`, out(concurrent.result));
}

/**
 * (f) The polling trigger's quiet check: for each event, a published trigger after its first check and one more (which
 * reads a burst again), then a check with nothing new, counting the API requests it sends; with the sandbox's sorted
 * search on, and off (the sort ignored: the list read as it comes). Then a year of records (50 a day, dates as days)
 * and the size of the static data each event's trigger keeps.
 */
async function pollingCost(sandbox: SandboxProcess, client: SandboxClient) {
	const N = quick ? 2_000 : 10_000;
	const campaign = { __rl: true, mode: 'list', value: '1' };
	const events: Array<[string, Record<string, unknown>]> = [
		['New Referrer', { event: 'newReferrer', campaignId: campaign }],
		['New Lead', { event: 'newLead', campaignId: campaign }],
		['Lead Qualified', { event: 'leadQualified', campaignId: campaign }],
		['Reward Due (one type)', { event: 'rewardDue', rewardType: 'amount' }],
		['Reward Issued (one type)', { event: 'rewardIssued', rewardType: 'amount' }],
	];
	const apiRequests = async () => (await client.requests()).filter((r) => r.path.startsWith('/api/')).length;
	const quiet = async (parameters: Record<string, unknown>, name: string) => {
		const credential = addCredential({ accessToken: `${sandbox.token}.f-${name}`, baseUrl: sandbox.baseUrl });
		const wf = new PollingWorkflow(parameters as never, credential);
		await wf.poll();
		await wf.poll();
		await client.clearRequests();
		await wf.poll();
		return { requests: await apiRequests(), bytes: JSON.stringify(wf.saved()).length };
	};
	const counts: Record<string, Record<string, number>> = {};
	for (const sorting of ['honoured', 'ignored'] as const) {
		await client.reset();
		await client.configure({ rateLimit: 1_000_000, sorting, dateFormat: 'iso' });
		// N referrers (one brings the leads), N qualified leads a minute apart, N Fixed Amount rewards due and N issued.
		await client.seed(1, N - 1);
		await client.seedQualified(1, 2 * N, N);
		for (const [event, parameters] of events) (counts[event] ??= {})[sorting] = (await quiet(parameters, `${event}-${sorting}`)).requests;
	}
	for (const [event] of events) {
		const { honoured, ignored } = counts[event];
		row('(f) polling, quiet check', `${event}, ${N} records in the list (leads: ${2 * N})`, `${honoured} request${honoured === 1 ? '' : 's'} sorted`, `${ignored} not sorted`, `${(honoured / ignored).toFixed(3)}×`, '', 'requests, not time');
	}
	// A year of records: 50 a day, dates as days, the sort honoured; the size of what n8n saves for the trigger.
	const year = 365 * 50;
	await client.reset();
	await client.configure({ rateLimit: 1_000_000, sorting: 'honoured', dateFormat: 'date' });
	await client.seed(1, year - 1);
	await client.seedQualified(1, year, year / 2, 86_400_000 / 50);
	for (const [event, parameters] of events) {
		const { bytes } = await quiet(parameters, `${event}-year`);
		row('(f) polling, static data', `${event} after a year (${year} records, 50 a day, dates as days)`, `${(bytes / 1024).toFixed(1)} KiB`, '', '', '', 'JSON as n8n saves it');
	}
	await client.configure({ qualifiedForm: 'boolean' });
	const { bytes } = await quiet(events[2][1], 'v1-year');
	row('(f) polling, static data', `Lead Qualified after a year, v1's flag without a time (${year} qualified leads)`, `${(bytes / 1024).toFixed(1)} KiB`, '', '', '', 'the IDs of the leads qualified now');
}

async function undiciRequests(sandbox: SandboxProcess, client: SandboxClient, N: number, concurrency: number): Promise<number> {
	await client.reset();
	const agent = new Agent({ connections: concurrency });
	const input = customers(N, `u${concurrency}.bench.example.com`);
	let next = 0;
	const { ms } = await timed(() =>
		Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < N) {
					const customer = input[next++];
					const response = await request(`${sandbox.baseUrl}/users`, {
						method: 'POST',
						dispatcher: agent,
						headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json', accept: 'application/json' },
						body: JSON.stringify({ campaign_id: 1, first_name: customer.firstName, email: customer.email }),
					});
					const body = (await response.body.json()) as { data?: { url?: string } };
					if (response.statusCode !== 201 || !body.data?.url) throw new Error(`undici: ${response.statusCode}`);
				}
			}),
		),
	);
	await agent.close();
	return ms / N;
}

/**
 * The floor: n8n's httpRequestWithAuthentication called in a bare loop from a node that does nothing else (same
 * credential, same POST), in the same engine. No node that uses the helper, as community nodes must, can be faster.
 */
function bareHelperNode(baseUrl: string, count: number): INodeType {
	return {
		description: helperNodeDescription('bareHelperLoop'),
		async execute(this: IExecuteFunctions) {
			const data = await this.getCredentials(CREDENTIAL_NAME);
			const credentialsDecrypted = { id: '', name: '', type: CREDENTIAL_NAME, data };
			for (let i = 0; i < count; i++) {
				await this.helpers.httpRequestWithAuthentication.call(
					this,
					CREDENTIAL_NAME,
					{
						method: 'POST',
						url: `${baseUrl}/users`,
						body: { campaign_id: 1, first_name: `Bare ${i}`, email: `bare${i}@floor.bench.example.com` },
						json: true,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					},
					{ credentialsDecrypted },
				);
			}
			return [[{ json: {} }]];
		},
	};
}

async function inRealN8n(sandbox: SandboxProcess, client: SandboxClient, N: number) {
	const target = TARGETS.find((t) => t.node === '20')!;
	const installed = installN8n(target);
	const userFolder = createUserFolder(packPackage());
	try {
		const env = await n8nEnv(installed, userFolder);
		const values = { TOKEN: sandbox.token, BASE_URL: sandbox.baseUrl, COUNT: String(N) };
		const dir = join(userFolder, 'bench');
		mkdirSync(dir, { recursive: true });
		const credentials = join(dir, 'credentials.json');
		writeFileSync(credentials, fill(readFileSync(join(__dirname, 'credentials.json'), 'utf8'), values));
		const imported = await n8nCommand(installed, env, ['import:credentials', `--input=${credentials}`]);
		if (imported.code !== 0) throw new Error(imported.stdout + imported.stderr);
		const perRequest: Record<string, number> = {};
		for (const [file, node] of [
			['http-request', 'HTTP Request'],
			['rf-sequential', 'Add Referrer'],
			['rf-concurrent', 'Add Referrer'],
		]) {
			const path = join(dir, `${file}.json`);
			writeFileSync(path, fill(readFileSync(join(__dirname, `${file}.json`), 'utf8'), { ...values, PREFIX: file }));
			const workflow = JSON.parse(readFileSync(path, 'utf8')) as { id: string };
			const result = await n8nCommand(installed, env, ['import:workflow', `--input=${path}`]);
			if (result.code !== 0) throw new Error(result.stdout + result.stderr);
			await client.reset();
			const run = await n8nCommand(installed, env, ['execute', `--id=${workflow.id}`, '--rawOutput']);
			const data = runJson(run.stdout) as { data: { resultData: { runData: Record<string, Array<{ executionTime: number; data: { main: unknown[][] } }>> } } };
			const task = data?.data.resultData.runData[node]?.[0];
			const users = (await client.stats()).requests;
			if (!task || task.data.main[0].length !== N || users < N) throw new Error(`${file}: the run did not add ${N} users\n${run.stdout.slice(-2000)}`);
			perRequest[file] = task.executionTime / N;
		}
		return perRequest;
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
	}
}

async function perRequestCost(sandbox: SandboxProcess, client: SandboxClient) {
	const N = quick ? 100 : 500;
	await client.reset();
	await client.configure({ latencyMs: 0 });
	// Warm both clients up, so neither pays its first-use costs inside the measurement.
	await undiciRequests(sandbox, client, 50, 1);
	// Up to 600 requests a minute per token (the credential's maximum, as the API's): a token per run keeps each
	// run of N ≤ 500 clear of the limiter, so what is measured is the cost of a request.
	const tokenFor = (name: string) => addCredential({ accessToken: `${sandbox.token}.${name}`, baseUrl: sandbox.baseUrl, rateLimit: 600, rateLimitWindow: 60 });
	const credential = tokenFor('c-helper');
	await runReferralFactoryNode({ credential: tokenFor('c-warm'), parameters: addReferrerParameters({ options: { concurrency: 1 } }), input: customers(50, 'warm.bench.example.com') });

	const undiciOne = await undiciRequests(sandbox, client, N, 1);
	nodeTypes.register('bench.bareHelperLoop', bareHelperNode(sandbox.baseUrl, N));
	await client.reset();
	const floor = await timed(() => runReferralFactoryNode({ credential, type: 'bench.bareHelperLoop', parameters: {}, input: [{}] }));
	const undiciFive = await undiciRequests(sandbox, client, N, 5);
	await client.reset();
	const engineOne = await timed(() =>
		runReferralFactoryNode({ credential: tokenFor('c-one'), parameters: addReferrerParameters({ options: { concurrency: 1 } }), input: customers(N, 'e1.bench.example.com') }),
	);
	await client.reset();
	const engineFive = await timed(() =>
		runReferralFactoryNode({ credential: tokenFor('c-five'), parameters: addReferrerParameters({ options: { concurrency: 5 } }), input: customers(N, 'e5.bench.example.com') }),
	);
	const real = await inRealN8n(sandbox, client, N);

	const ms = (value: number) => `${value.toFixed(3)} ms`;
	row('(c) per request, 1 at a time', `raw undici`, ms(undiciOne), '', '1.00×', '', `${N} POST /users`);
	row('(c) per request, 1 at a time', `n8n's request helper alone, n8n-core 2.8.1 in-process`, ms(floor.ms / N), '', `${(floor.ms / N / undiciOne).toFixed(2)}× undici`, '1.00× helper', 'the floor');
	row('(c) per request, 1 at a time', `this node, n8n-core 2.8.1 in-process`, ms(engineOne.ms / N), '', `${(engineOne.ms / N / undiciOne).toFixed(2)}× undici`, `${(engineOne.ms / floor.ms).toFixed(2)}× helper`, '');
	row('(c) per request, 1 at a time', `this node, real n8n 2.8.4`, ms(real['rf-sequential']), '', `${(real['rf-sequential'] / undiciOne).toFixed(2)}× undici`, `${(real['rf-sequential'] / real['http-request']).toFixed(2)}× HTTP Request`, '');
	row('(c) per request, 1 at a time', `HTTP Request node, real n8n 2.8.4`, ms(real['http-request']), '', `${(real['http-request'] / undiciOne).toFixed(2)}× undici`, '1.00× HTTP Request', '');
	row('(c) per request, 5 at a time', `raw undici`, ms(undiciFive), '', '1.00×', '', '');
	row('(c) per request, 5 at a time', `this node, n8n-core 2.8.1 in-process`, ms(engineFive.ms / N), '', `${(engineFive.ms / N / undiciFive).toFixed(2)}× undici`, '', '');
	row('(c) per request, 5 at a time', `this node, real n8n 2.8.4`, ms(real['rf-concurrent']), '', `${(real['rf-concurrent'] / undiciFive).toFixed(2)}× undici`, `${(real['rf-concurrent'] / real['http-request']).toFixed(2)}× HTTP Request (1 at a time)`, '');
	return { real, undiciOne, undiciFive, engineOne: engineOne.ms / N, engineFive: engineFive.ms / N };
}

/** (e) Queue mode with three workers on one token: the limit divided, or the whole limit with Adaptive Pacing. */
async function queueMode() {
	const workers = 3;
	const configs = paceConfigs(workers);
	const cluster = await startCluster(workers, configs);
	try {
		for (const config of configs) {
			const o = await paceRun(cluster, config);
			row(
				`(e) queue mode, ${workers} workers`,
				`${o.config.name}: ${workers} × ${ITEMS} adds, ${LIMIT} per ${WINDOW_MS / 1000} s per token`,
				`${o.seconds.toFixed(2)} s`,
				`min ${o.minimum.toFixed(2)} s`,
				`${(o.seconds / o.minimum).toFixed(3)}×`,
				`refused ${o.refused} (per window: ${o.perWindow.join(' ')})`,
				`${o.users} added, ${o.duplicates} duplicates`,
			);
		}
	} finally {
		await cluster.stop();
	}
}

async function main(): Promise<void> {
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	console.log(`machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
	const sandbox = await startSandboxProcess('rf_bench_token');
	const client = new SandboxClient(sandbox.url, sandbox.token);
	try {
		console.log('\n  case | setup | wall | baseline | ratio | | notes');
		// Short windows make the fixed cost of sending the last batch a bigger share; both scales are shown.
		if (runs('a')) {
			await rateLimited(quick ? 150 : 500, 100, 2);
			if (!quick) await rateLimited(400, 100, 5);
		}
		if (runs('b')) await latency(sandbox, client);
		if (runs('d')) await getMany(sandbox, client);
		if (runs('c')) await perRequestCost(sandbox, client);
		if (runs('f')) await pollingCost(sandbox, client);
		if (runs('e')) await queueMode();
	} finally {
		await sandbox.stop();
		shutdownEngine();
	}
	console.log('\n| case | setup | measured | baseline | ratio | other | notes |\n|---|---|---|---|---|---|---|');
	for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
