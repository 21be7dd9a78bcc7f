/**
 * Driving a real n8n from scripts: install it (once per machine, into INSTALLS), pack this package and install the tarball
 * into a throwaway n8n user folder the way users get it, and run n8n's CLI or server there. Everything n8n is
 * started with listens on, or talks to, 127.0.0.1 only; every process is stopped by its own PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CACHE = join(ROOT, '.cache', 'e2e');
/** Where install-n8n.sh keeps the n8n installs: once per machine, outside the checkout, by version. */
export const INSTALLS = process.env.RF_N8N_INSTALLS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-referral-factory-api');
export const PACKAGE_NAME = 'n8n-nodes-referral-factory-api';
export const NODE_TYPE = `${PACKAGE_NAME}.referralFactory`;

export interface Target {
	n8n: string;
	node: string;
}

/**
 * The versions we claim: the newest n8n that installs here, and the oldest line that runs on Node 20.
 * 2.41.3 is the latest 2.41 release, but it does not install from the npm registry reachable here (seen 2026-11-29):
 * 21 of the n8n packages it pins exactly are not there (n8n-core@2.41.2, n8n-editor-ui@2.41.1, @n8n/agents@0.26.2,
 * @n8n/n8n-nodes-langchain@2.41.2, @n8n/task-runner@2.41.2 and more; `npm install n8n@2.41.3` stops with ETARGET),
 * and there is no 2.41.2. Overriding them with 2.41.1's would be 2.41.1 under another name, so 2.41.1 stays.
 */
export const TARGETS: Target[] = [
	{ n8n: '2.41.1', node: '24' },
	{ n8n: '2.8.4', node: '20' },
];

export interface Installed extends Target {
	nodeBinDir: string;
	n8nBin: string;
}

export function installN8n(target: Target): Installed {
	const output = execFileSync('bash', [join(__dirname, 'install-n8n.sh'), target.n8n, target.node], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const nodeBinDir = output.trim().split('\n').pop()!;
	return { ...target, nodeBinDir, n8nBin: join(INSTALLS, `n8n-${target.n8n}`, 'node_modules', 'n8n', 'bin', 'n8n') };
}

/**
 * Packs the stand-in of Referral Factory's own package (fixtures/vendor-stand-in: its package name and its
 * credential's name and fields), installed beside ours so that every end-to-end run has both.
 */
export function packVendorStandIn(): string {
	const destination = join(CACHE, 'pack-vendor');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	execFileSync('npm', ['pack', '--loglevel=warn', '--pack-destination', destination], {
		cwd: join(__dirname, 'fixtures', 'vendor-stand-in'),
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	return join(destination, readdirSync(destination).find((f) => f.endsWith('.tgz'))!);
}

/** Builds and packs the package; returns the tarball's path. */
export function packPackage(): string {
	const destination = join(CACHE, 'pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	execFileSync('npm', ['pack', '--loglevel=warn', '--pack-destination', destination], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(destination).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack produced no tarball');
	return join(destination, tarball);
}

/**
 * A fresh n8n user folder with the packed package installed in .n8n/nodes, as Settings → Community Nodes does.
 * `--legacy-peer-deps`: the package then uses n8n's own n8n-workflow, as in a real install.
 */
export function createUserFolder(tarball: string, parent = tmpdir(), others: string[] = []): string {
	const userFolder = mkdtempSync(join(parent, 'rf-n8n-'));
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	execFileSync('npm', ['install', tarball, ...others, '--legacy-peer-deps', '--no-audit', '--no-fund'], {
		cwd: nodesDir,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	return userFolder;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/**
 * The environment of an offline, headless n8n in `userFolder`: with diagnostics, version notifications, templates,
 * personalization and AI off it was traced connecting only to 127.0.0.1; each n8n needs a runners broker port of its
 * own (a second one on the default 5679 fails).
 */
export async function n8nEnv(installed: Installed, userFolder: string, extra: Record<string, string> = {}) {
	return {
		...process.env,
		PATH: `${installed.nodeBinDir}:${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'referral-factory-e2e-key',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LOG_LEVEL: 'info',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		...extra,
	};
}

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The signal that ended it, when one did (then `code` is null). */
	signal?: NodeJS.Signals;
	/** Set when the command outlived its time and was killed by this harness. */
	killedAfterMs?: number;
}

/** Runs one n8n CLI command to its end. */
export async function n8nCommand(
	installed: Installed,
	env: NodeJS.ProcessEnv,
	args: string[],
	timeoutMs = 120_000,
): Promise<CommandResult> {
	const child = spawn(join(installed.nodeBinDir, 'node'), [installed.n8nBin, ...args], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	let killed = false;
	const timer = setTimeout(() => {
		killed = true;
		child.kill('SIGKILL');
	}, timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (...ended) => resolve(ended)));
	clearTimeout(timer);
	return { code, stdout, stderr, ...(signal ? { signal } : {}), ...(killed ? { killedAfterMs: timeoutMs } : {}) };
}

/** `n8n execute` prints logs and the run's JSON on stdout; the JSON starts at the first line that is `{`. */
export function runJson(stdout: string): unknown {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start < 0) return undefined;
	const end = lines.lastIndexOf('}');
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/** Starts `n8n start`; resolves once /healthz/readiness answers 200. */
export type N8nProcess = ChildProcess & { output(): string };

export async function startN8n(installed: Installed, env: NodeJS.ProcessEnv, port: number): Promise<N8nProcess> {
	const child = spawn(join(installed.nodeBinDir, 'node'), [installed.n8nBin, 'start'], {
		env: { ...env, N8N_PORT: String(port) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode}:\n${log}`);
		try {
			const response = await fetch(`http://127.0.0.1:${port}/healthz/readiness`);
			if (response.ok) return Object.assign(child, { output: () => log });
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await stopProcess(child);
	throw new Error(`n8n did not become ready on port ${port}:\n${log}`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const closed = new Promise((resolve) => child.once('close', resolve));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await closed;
	clearTimeout(timer);
}

/** Replaces {{NAME}} placeholders in a fixture. */
export function fill(template: string, values: Record<string, string>): string {
	return template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => values[name] ?? match);
}

/** Writes a suite's counts to test-results/<suite>.counts.json, for .ci/run's closing line. */
export function recordCounts(suite: string, passed: number, failed: number): void {
	const dir = join(ROOT, 'test-results');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, `${suite}.counts.json`), JSON.stringify({ passed, failed }));
}

/** Imports a workflow file (its placeholders filled) into n8n and publishes it; n8n must be stopped (served.ts). */
export async function importAndPublish(installed: Installed, env: NodeJS.ProcessEnv, imports: string, fixture: string, values: Record<string, string>): Promise<string> {
	const file = join(imports, fixture.split('/').pop()!);
	const text = fill(readFileSync(fixture, 'utf8'), values);
	writeFileSync(file, text);
	const imported = await n8nCommand(installed, env, ['import:workflow', `--input=${file}`]);
	assert.equal(imported.code, 0, `import:workflow ${file}:\n${imported.stdout}\n${imported.stderr}`);
	const id = (JSON.parse(text) as { id: string }).id;
	const published = await n8nCommand(installed, env, ['publish:workflow', `--id=${id}`]);
	assert.equal(published.code, 0, `publish:workflow ${id}:\n${published.stdout}\n${published.stderr}`);
	return id;
}

/** A call to the sandbox's API with its token, as another integration would make it; the record under `data`. */
export async function sandboxApi(baseUrl: string, token: string, method: string, path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	assert.ok(response.ok, `${method} ${path}: ${response.status}`);
	return ((await response.json()) as { data?: Record<string, unknown> }).data ?? {};
}
