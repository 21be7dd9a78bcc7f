/**
 * `npm run test:e2e`: the packed package inside a real n8n. For each claimed n8n version (see TARGETS): install
 * n8n once per machine (install-n8n.sh), install the tarball into a throwaway user folder, start the sandbox on 127.0.0.1,
 * import the credentials and workflows in test/e2e/fixtures, run each with `n8n execute`, and check the run JSON;
 * then publish the trigger and MCP workflows and check them in `n8n start` (served.ts: trigger.ts, mcp.ts).
 * The targets run side by side, each in a child process (`--child`). Options: --n8n VERSION runs one target only;
 * --install-only installs n8n for the targets and stops.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_CONFIG } from '../sandbox/config';
import { startSandbox, type Sandbox } from '../sandbox/server';
import {
	createUserFolder,
	fill,
	installN8n,
	n8nCommand,
	n8nEnv,
	NODE_TYPE,
	packPackage,
	packVendorStandIn,
	runJson,
	TARGETS,
	type CommandResult,
	recordCounts,
} from './n8n';
import { servedChecks } from './served';

interface Item {
	json: Record<string, unknown>;
	pairedItem?: { item: number } | Array<{ item: number }>;
}

interface RunJson {
	data?: { resultData?: { runData?: Record<string, Array<{ data?: { main?: Item[][] }; error?: { message?: string } }>>; error?: { message?: string } } };
}

const FIXTURES = join(__dirname, 'fixtures');
const WRONG_TOKEN = `rf_wrong_${randomBytes(6).toString('hex')}`;
const WEBHOOK_SECRET = `rf_secret_${randomBytes(12).toString('hex')}`;
const MCP_TOKEN = `mcp_${randomBytes(12).toString('hex')}`;

function outputOf(result: CommandResult, node = 'Add Referrer'): Item[] {
	const run = runJson(result.stdout) as RunJson | undefined;
	assert.ok(run, `no run JSON in the output of n8n execute (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
	const task = run.data?.resultData?.runData?.[node]?.[0];
	assert.ok(task, `node "${node}" did not run:\n${JSON.stringify(run.data?.resultData?.error ?? run).slice(0, 2000)}`);
	assert.equal(task.error, undefined, `node "${node}" failed: ${task.error?.message}`);
	return task.data?.main?.[0] ?? [];
}

/**
 * `n8n execute` prints the finished run, then closes its database and exits. Seen in CI (n8n 2.41.1 on Node 24, the
 * machine loaded): the process ended by a signal after printing a finished, successful run, with nothing on stderr — n8n's
 * own exit, after the workflow and its node were done. The run it printed is then what a check reads, and its status
 * stands for the exit code n8n would have given (0 for success, 1 otherwise); the check's line says so.
 */
function exitOfPrintedRun(result: CommandResult): CommandResult {
	if (result.code !== null || !result.signal || result.killedAfterMs !== undefined) return result;
	let run: { finished?: unknown; status?: unknown } | undefined;
	try {
		run = runJson(result.stdout) as typeof run;
	} catch {
		// Cut off while printing: no finished run to read.
	}
	if (run?.finished !== true) return result;
	return { ...result, code: run.status === 'success' ? 0 : 1 };
}

function indent(text: string): string {
	return text.replace(/^/gm, '      ');
}

/** What a failed check leaves to go on: whether n8n was killed, what the sandbox was asked, and n8n's last lines. */
function whatHappened(result: CommandResult, sandbox: Sandbox): string {
	const asked = sandbox.requests.map((r) => `${r.method} ${r.path} → ${String(r.status)}`);
	const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
	return [
		result.killedAfterMs !== undefined
			? `n8n execute was still running after ${result.killedAfterMs / 1000} s and was killed`
			: result.signal
				? `n8n execute was ended by ${result.signal}${result.code === null ? '' : ` after printing a finished run (${result.code === 0 ? 'success' : 'failed'})`}`
				: `n8n execute exited with ${String(result.code)}`,
		`the sandbox was asked ${asked.length === 0 ? 'nothing' : asked.join(', ')}`,
		'n8n printed, last lines:',
		tail.split(sandbox.token).join('<token>'),
	].join('\n');
}

const checks: Array<{
	name: string;
	workflow: string;
	/** Sandbox state the check needs, set before the run. */
	prepare?: (sandbox: Sandbox) => void;
	check: (result: CommandResult, sandbox: Sandbox) => void;
}> = [
	{
		name: 'Campaign → Get Many with Return All reads 600 campaigns across 3 pages',
		workflow: 'rfE2eGetManyCamp',
		prepare: (sandbox) => sandbox.store.reset(600),
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const items = outputOf(result, 'Get Campaigns');
			assert.deepEqual(items.map((item) => item.json.id), Array.from({ length: 600 }, (_, i) => i + 1));
			assert.deepEqual(sandbox.requests.map((r) => r.query.page).sort(), ['1', '2', '3']);
		},
	},
	{
		name: 'Referrer → Get Many with Return All against an API that pages by cursor: 620 referrers once, one request a page',
		workflow: 'rfE2eGetManyCursor',
		prepare: (sandbox) => {
			Object.assign(sandbox.config, { pagination: 'cursor' });
			const campaign = sandbox.store.campaigns[0];
			for (let i = 0; i < 620; i++) sandbox.store.createUser({ campaign, firstName: `R ${i}`, email: `r${i}@example.com`, meta: [], promotion: false });
		},
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const items = outputOf(result, 'Get Referrers');
			assert.deepEqual(items.map((item) => item.json.id), sandbox.store.users.map((u) => u.id));
			const asked = sandbox.requests.filter((r) => r.path === '/api/v2/users/search');
			assert.equal(asked.length, 3);
			assert.equal(new Set(asked.map((r) => r.query.cursor ?? '')).size, 3);
		},
	},
	{
		name: 'Lead → Add by referral code, then Qualify and Unqualify',
		workflow: 'rfE2eLeadQualify',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const [referrer] = outputOf(result, 'Add Referrer');
			const [lead] = outputOf(result, 'Add Lead');
			assert.equal(lead.json.referrerId, referrer.json.id);
			assert.equal(lead.json.type, 'person_invited');
			assert.equal(outputOf(result, 'Qualify Lead')[0].json.qualified, true);
			assert.equal(outputOf(result, 'Unqualify Lead')[0].json.qualified, false);
			const sent = sandbox.requests.filter((r) => r.path === '/api/v2/users/qualification').map((r) => r.body);
			// Qualify was given the lead by referral code; it writes by the ID it read.
			assert.deepEqual(sent, [
				{ id: lead.json.id, qualified: true },
				{ id: lead.json.id, qualified: false },
			]);
			assert.equal(sandbox.store.users.find((u) => u.id === lead.json.id)?.qualified_at, null);
		},
	},
	{
		name: 'a qualified lead earns the referrer a due reward, and Reward → Issue issues it once',
		workflow: 'rfE2eIssueReward',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const [referrer] = outputOf(result, 'Add Referrer');
			const [due] = outputOf(result, 'Due Rewards');
			// The simplified reward (Simplify's default): the recipient by ID, name and email.
			assert.equal(due.json.recipientId, referrer.json.id);
			assert.equal(due.json.recipientEmail, referrer.json.email);
			const [issued] = outputOf(result, 'Issue Reward');
			assert.equal(issued.json.id, due.json.id);
			assert.equal(issued.json.status, 'issued');
			// The fixture was saved by 0.2 with a Reward Type on Issue: the field is gone, the workflow still runs.
			assert.equal(issued.json.outcome, 'issued');
			const posts = sandbox.requests.filter((r) => r.path.startsWith('/api/v2/rewards/issue/'));
			assert.deepEqual(posts.map((r) => `${r.path} ${r.status}`), [`/api/v2/rewards/issue/${String(due.json.id)} 200`]);
		},
	},
	{
		name: "Include Analytics gives a campaign's figures; the HTTP Request node sends our credential's token to an endpoint the node does not cover",
		workflow: 'rfE2eHttpReqCred',
		prepare: (sandbox) => {
			const campaign = sandbox.store.campaigns[0];
			const referrer = sandbox.store.createUser({ campaign, firstName: 'Nathan', email: 'nathan@example.com', meta: [], promotion: false });
			sandbox.store.createUser({ campaign, firstName: 'Lea', email: 'lea@example.com', meta: [], promotion: false, referrer });
		},
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const [campaign] = outputOf(result, 'Campaign With Analytics');
			assert.deepEqual(campaign.json.analytics, { reach: 1, users: 2, referrals: 1, qualifiedReferrals: 0 });
			const [listed] = outputOf(result, 'List Users');
			assert.deepEqual((listed.json.data as Array<{ email: string }>).map((user) => user.email), ['nathan@example.com', 'lea@example.com']);
			const sent = sandbox.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.headers.authorization === `Bearer ${sandbox.token}`}`);
			assert.deepEqual(sent, [
				'GET /api/v2/campaigns/1 {"with":"campaign.analytics"} true',
				'GET /api/v2/users {"per_page":"5","campaign":"1"} true',
			]);
		},
	},
	{
		name: 'Add Referrer outputs the referral link and code',
		workflow: 'rfE2eAddReferrer',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const items = outputOf(result);
			assert.equal(items.length, 1);
			const [user] = sandbox.store.users;
			const stored = sandbox.store.present(user);
			assert.equal(items[0].json.referralLink, stored.url);
			assert.equal(items[0].json.referralCode, user.code);
			assert.equal(items[0].json.id, user.id);
			assert.match(String(items[0].json.referralLink), /^https:\/\/acme-coffee\.referral-factory\.com\/[A-Za-z0-9]{8}$/);
			assert.equal(sandbox.requests[0].headers.authorization, `Bearer ${sandbox.token}`);
		},
	},
	{
		// Waiting is where the node depends on this n8n's own n8n-workflow (its sleep API changed in 2.41).
		name: 'a credential paced at 2 a second: six adds wait their turns, none refused, all added',
		workflow: 'rfE2ePacedAdds01',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, `${result.stderr}\n${result.stdout.slice(-2000)}`);
			assert.equal(outputOf(result).length, 6);
			assert.equal(sandbox.store.users.length, 6);
			const arrivals = sandbox.requests.map((r) => r.at);
			assert.ok(arrivals[arrivals.length - 1] - arrivals[0] >= 2_000, `six requests in ${arrivals[arrivals.length - 1] - arrivals[0]} ms`);
			arrivals.forEach((at, i) => assert.ok(arrivals.filter((other) => other > at - 1_000 && other <= at).length <= 2, `more than 2 requests within a second at request ${i}`));
		},
	},
	{
		name: '30 items keep their pairedItems',
		workflow: 'rfE2eThirtyItems',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const items = outputOf(result);
			assert.equal(items.length, 30);
			items.forEach((item, i) => {
				assert.deepEqual(item.pairedItem, { item: i });
				assert.equal(item.json.email, `customer${i}@example.com`);
				assert.match(String(item.json.referralCode), /^[A-Za-z0-9]{8}$/);
			});
			assert.equal(sandbox.store.users.length, 30);
		},
	},
	{
		name: 'Continue On Fail turns a bad item into an error item',
		workflow: 'rfE2eContinueOnF',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const items = outputOf(result);
			assert.equal(items.length, 3);
			assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
			assert.equal(items[1].json.error, `'Email' is not a valid email address: "not-an-email" [item 1]`);
			assert.equal(items[0].json.email, 'ann@example.com');
			assert.equal(items[2].json.email, 'bob@example.com');
			assert.deepEqual(sandbox.store.users.map((u) => u.email), ['ann@example.com', 'bob@example.com']);
		},
	},
	{
		name: "Referral Factory's own package (a stand-in) and ours run side by side, each with its own credential",
		workflow: 'rfE2eSideBySide1',
		check: (result, sandbox) => {
			assert.equal(result.code, 0, result.stderr);
			const vendor = outputOf(result, 'Vendor Node');
			assert.equal(vendor.length, 1);
			assert.deepEqual((vendor[0].json.data as Array<{ id: number }>).map((c) => c.id), [1]);
			const ours = outputOf(result);
			assert.equal(ours[0].json.referralCode, sandbox.store.users[0].code);
			// Each node sent its own credential's token the way its credential says.
			const sent = sandbox.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization === `Bearer ${sandbox.token}`}`);
			assert.deepEqual(sent, ['GET /api/v2/campaigns true', 'POST /api/v2/users true']);
		},
	},
	{
		name: 'a wrong token fails with a clear message and the token nowhere in the output',
		workflow: 'rfE2eWrongToken1',
		check: (result, sandbox) => {
			assert.notEqual(result.code, 0, 'n8n execute should fail');
			const everything = `${result.stdout}\n${result.stderr}`;
			assert.match(everything, /Referral Factory rejected the access token/);
			assert.ok(!everything.includes(WRONG_TOKEN), 'the wrong token appears in the output');
			assert.ok(!everything.includes(sandbox.token), 'the sandbox token appears in the output');
			assert.equal(sandbox.store.users.length, 0);
		},
	},
];

async function runTarget(target: (typeof TARGETS)[number], tarball: string, vendor: string): Promise<{ passed: number; failed: number }> {
	const label = `n8n ${target.n8n} on Node ${target.node}`;
	let started = Date.now();
	const installed = installN8n(target);
	console.log(`\n== ${label} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	started = Date.now();
	const userFolder = createUserFolder(tarball, undefined, [vendor]);
	const sandbox = await startSandbox({ token: `rf_e2e_${randomBytes(8).toString('hex')}` });
	let passed = 0;
	let failed = 0;
	try {
		const env = await n8nEnv(installed, userFolder);
		const values = { TOKEN: sandbox.token, BASE_URL: sandbox.baseUrl, WRONG_TOKEN, WEBHOOK_SECRET, MCP_TOKEN };
		const imports = join(userFolder, 'imports');
		mkdirSync(join(imports, 'workflows'), { recursive: true });
		writeFileSync(join(imports, 'credentials.json'), fill(readFileSync(join(FIXTURES, 'credentials.json'), 'utf8'), values));
		const credentials = await n8nCommand(installed, env, ['import:credentials', `--input=${join(imports, 'credentials.json')}`]);
		assert.equal(credentials.code, 0, `import:credentials failed:\n${credentials.stdout}\n${credentials.stderr}`);
		for (const file of readdirSync(join(FIXTURES, 'workflows'))) {
			const text = readFileSync(join(FIXTURES, 'workflows', file), 'utf8');
			assert.ok(text.includes(NODE_TYPE), `${file} does not use ${NODE_TYPE}`);
			writeFileSync(join(imports, 'workflows', file), fill(text, values));
			const imported = await n8nCommand(installed, env, ['import:workflow', `--input=${join(imports, 'workflows', file)}`]);
			assert.equal(imported.code, 0, `import:workflow ${file} failed:\n${imported.stdout}\n${imported.stderr}`);
		}
		console.log(`   set up (user folder, sandbox, imports) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

		for (const { name, workflow, prepare, check } of checks) {
			Object.assign(sandbox.config, DEFAULT_CONFIG);
			sandbox.store.reset();
			sandbox.rewards.reset();
			sandbox.requests.length = 0;
			prepare?.(sandbox);
			const begun = Date.now();
			const result = exitOfPrintedRun(await n8nCommand(installed, env, ['execute', `--id=${workflow}`, '--rawOutput']));
			try {
				check(result, sandbox);
				passed++;
				console.log(`   ✓ ${name} (${((Date.now() - begun) / 1000).toFixed(1)} s)${result.signal ? ` — ${whatHappened(result, sandbox).split('\n')[0]}` : ''}`);
			} catch (error) {
				failed++;
				console.log(`   ✕ ${name} (${((Date.now() - begun) / 1000).toFixed(1)} s)\n${indent(String((error as Error).message))}`);
				console.log(indent(whatHappened(result, sandbox)));
			}
		}

		// The trigger and the MCP tools need a running n8n: their workflows are published, then `n8n start`.
		sandbox.store.reset();
		sandbox.rewards.reset();
		mkdirSync(join(imports, 'served'), { recursive: true });
		await servedChecks(installed, env, join(imports, 'served'), sandbox, values, async (name, run) => {
			const begun = Date.now();
			try {
				await run();
				passed++;
				console.log(`   ✓ served: ${name} (${((Date.now() - begun) / 1000).toFixed(1)} s)`);
				return true;
			} catch (error) {
				failed++;
				console.log(`   ✕ served: ${name}\n${indent(String((error as Error).message))}`);
				return false;
			}
		});
	} finally {
		await sandbox.close();
		rmSync(userFolder, { recursive: true, force: true });
	}
	return { passed, failed };
}

/** install-n8n.sh for one target, without blocking the others; its progress goes to the terminal. */
async function installInBackground(target: (typeof TARGETS)[number]): Promise<void> {
	const started = Date.now();
	const child = spawn('bash', [join(__dirname, 'install-n8n.sh'), target.n8n, target.node], { stdio: ['ignore', 'ignore', 'inherit'] });
	const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
	if (code !== 0) throw new Error(`installing n8n ${target.n8n} failed (exit ${code})`);
	console.log(`n8n ${target.n8n} installed or found in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** One target in a process of its own (`--child`): its output is printed by the parent when it ends. */
async function runChild(target: (typeof TARGETS)[number], tarball: string, vendor: string): Promise<{ passed: number; failed: number }> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', '--n8n', target.n8n, '--tarball', tarball, '--vendor', vendor], {
		cwd: join(__dirname, '..', '..'),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
	const counts = /^@@counts (.*)$/m.exec(output);
	console.log(output.replace(/^@@counts .*\n?/m, '').trimEnd());
	if (!counts || code !== 0) return { passed: counts ? (JSON.parse(counts[1]) as { passed: number }).passed : 0, failed: 1 };
	return JSON.parse(counts[1]) as { passed: number; failed: number };
}

async function runOne(target: (typeof TARGETS)[number], tarball: string, vendor: string): Promise<{ passed: number; failed: number }> {
	try {
		return await runTarget(target, tarball, vendor);
	} catch (error) {
		console.log(`   ✕ n8n ${target.n8n}: ${(error as Error).message}`);
		return { passed: 0, failed: 1 };
	}
}

async function main(): Promise<number> {
	const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
	const only = arg('--n8n');
	const targets = TARGETS.filter((t) => !only || t.n8n === only);
	assert.ok(targets.length > 0, `no target n8n ${only}`);
	if (process.argv.includes('--install-only')) {
		// .ci/run installs n8n while the unit tests run: every target, one after the other (each is skipped where
		// installed; a run already installing one holds the others back by its lock).
		for (const target of targets) installN8n(target);
		return 0;
	}
	if (process.argv.includes('--child')) {
		const result = await runOne(targets[0], arg('--tarball')!, arg('--vendor')!);
		console.log(`@@counts ${JSON.stringify(result)}`);
		return 0;
	}
	const started = Date.now();
	const tarball = packPackage();
	const vendor = packVendorStandIn();
	console.log(`packed ${tarball}\n   with the stand-in of the vendor's package beside it: ${vendor}`);
	// Every n8n is installed before any line starts (side by side; where .ci/run's background install is under way,
	// by waiting for its lock): an install compiles native modules, and checks that wait on minute polls must not share
	// the cores with that.
	if (targets.length > 1) await Promise.all(targets.map(async (target) => await installInBackground(target)));
	// The n8n lines run side by side, each in a process of its own (most of a line's time is spent waiting: for n8n to
	// start, for minute polls); each prints its checks when it ends.
	const results = targets.length === 1 ? [await runOne(targets[0], tarball, vendor)] : await Promise.all(targets.map(async (target) => await runChild(target, tarball, vendor)));
	const passed = results.reduce((sum, result) => sum + result.passed, 0);
	const failed = results.reduce((sum, result) => sum + result.failed, 0);
	console.log(`\nend-to-end: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	console.log(`${passed} passed, ${failed} failed`);
	recordCounts('e2e', passed, failed);
	return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
