/**
 * `npm run probe` (scripts/probe.ts), run as a user runs it (the token in REFERRAL_FACTORY_TOKEN, never an argument),
 * against the sandbox as each plausible Referral Factory (helpers/variants.ts): against the default it confirms every
 * assumption a read can check; against each variant it reports exactly the assumptions that variant breaks (the
 * envelope, how lists page, the page size, the order, the sort, and the rest); a line with nothing to read is UNKNOWN;
 * the token is nowhere in what it prints or writes (npm's own banner included, and not even in part when an answer
 * echoes it); `--token` is refused; it runs to the end against a server that answers 200 with an empty body everywhere;
 * it exits 1 when it cannot reach the API or the token is refused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { evidenceWriter, runProbeCommand, type Finding, type ProbeReport, type Status } from '../scripts/probe';
import type { SandboxConfig } from './sandbox/config';
import { useSandbox } from './helpers/setup';
import { VARIANTS } from './helpers/variants';

const t = useSandbox();
const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rf-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
	report?: ProbeReport;
}

/**
 * Runs the probe as documented: the token in REFERRAL_FACTORY_TOKEN (none when `token` is undefined), stdin not a
 * terminal. `npm` runs it through `npm run probe --`, banner and all, in its own process; otherwise the command runs
 * here, with what it prints captured (the same code the script runs: `runProbeCommand`).
 */
async function runProbe(baseUrl: string, token: string | undefined, options: { args?: string[]; npm?: boolean } = {}): Promise<Run> {
	const file = join(dir, `report-${++runs}.json`);
	const args = options.args ?? ['--base-url', baseUrl, '--json', file];
	let stdout = '';
	let stderr = '';
	let code: number | null;
	if (options.npm) {
		const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'notice' };
		delete env.REFERRAL_FACTORY_TOKEN;
		if (token !== undefined) env.REFERRAL_FACTORY_TOKEN = token;
		const child = spawn('npm', ['run', 'probe', '--', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	} else {
		code = await runProbeCommand(args, token, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
	}
	let report: ProbeReport | undefined;
	try {
		report = JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
	} catch {
		report = undefined;
	}
	return { code, stdout, stderr, report };
}

const withStatus = (report: ProbeReport | undefined, status: Status) =>
	(report?.findings ?? []).filter((finding) => finding.status === status).map((finding) => finding.id).sort();
const statusOf = (report: ProbeReport | undefined, id: string) => report?.findings.find((finding) => finding.id === id)?.status;

/** Every run of 8 characters of the token: none may be shown, so neither the token nor most of it is. */
function pieces(token: string): string[] {
	return Array.from({ length: token.length - 7 }, (_, i) => token.slice(i, i + 8));
}
function expectNoPieceOf(token: string, text: string) {
	for (const piece of pieces(token)) expect(text).not.toContain(piece);
}

/** The assumptions (probe ids) a variant breaks that a read can see, from what the variant's switches mean. */
function breaks(config: Partial<SandboxConfig>): string[] {
	const ids: string[] = [];
	if ((config.envelope ?? 'full') !== 'full') ids.push('list-end');
	if ((config.pagination ?? 'pages') === 'cursor') ids.push('pagination');
	if ((config.maxPerPage ?? 250) < 250) ids.push('per-page');
	if ((config.listOrder ?? 'oldest') !== 'oldest') ids.push('list-order');
	if ((config.sorting ?? 'ignored') !== 'ignored') ids.push('search-sort');
	if (config.fieldIds === 'opaque') ids.push('campaign-fields');
	if ((config.dateFormat ?? 'date') !== 'date') ids.push('dates');
	if (config.searchIgnores?.some((field) => field === 'email' || field === 'campaign_id')) ids.push('search-email');
	if (config.searchIgnores?.includes('type')) ids.push('search-type');
	if ((config.errorStyle ?? 'documented') !== 'documented') ids.push('error-body');
	if (config.rateLimitHeaders) ids.push('rate-limit-headers');
	if ((config.n8nAnswer ?? 'webhook') !== 'webhook') ids.push('n8n-campaigns', 'n8n-rewards', 'n8n-user-sources');
	return ids.sort();
}

/**
 * A referrer, two leads (one qualified: rewards due, one issued), and 300 referrers more: enough for every read to have
 * something, for a page of 250 to be full, page 2 to be told from page 1, and the order to show.
 */
async function account() {
	const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });
	await t.client.createUser({ campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
	await t.client.qualify({ id: lead.id, qualified: true });
	const [due] = await t.client.rewards();
	await t.client.issueReward(due.id);
	await t.client.seed(1, 300);
	await t.client.clearRequests();
}

/** What a run must show whatever the variant: one line per finding, each naming what it affects; no token; reads only. */
async function expectWellBehaved({ stdout, stderr, report }: Run, token: string) {
	for (const finding of report!.findings) {
		expect(stdout).toContain(`${finding.status.padEnd(9)} ${finding.id}`);
		expect(finding.affects).toMatch(/\w/);
	}
	expectNoPieceOf(token, `${stdout}${stderr}${JSON.stringify(report)}`);
	const writes = (await t.client.requests()).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search'));
	expect(writes).toEqual([]);
}

/** A server on 127.0.0.1 for the duration of `use`. */
async function withServer<T>(handle: (req: IncomingMessage, res: ServerResponse) => void, use: (baseUrl: string) => Promise<T>): Promise<T> {
	const server = createServer(handle);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

/** A token for the servers the tests make up (the sandbox has its own). */
const token = 'rf_echoed_token_A1b2C3d4E5f6G7h8I9j0';

describe('npm run probe', () => {
	it.each(Object.keys(VARIANTS))('the "%s" variant: reports exactly the assumptions it breaks, and never the token', async (variant) => {
		const config = VARIANTS[variant];
		await account();
		await t.client.configure(config as Record<string, unknown>);

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.report!.ran).toBe(true);
		expect(withStatus(run.report, 'DIFFERS')).toEqual(breaks(config));
		// With 300 referrers every paging, order and sort line can tell: none is UNKNOWN.
		for (const id of ['pages', 'pagination', 'per-page', 'list-order', 'search-sort', 'reward-fields', 'search-type', 'search-email']) {
			expect([id, statusOf(run.report, id)]).toEqual([id, expect.stringMatching(/^(CONFIRMED|DIFFERS)$/)]);
		}
		await expectWellBehaved(run, t.sandbox.token);
		// The page size it judges is the node's: it asked for 250.
		const asked = (await t.client.requests()).filter((r) => r.path.endsWith('/users/search') && r.query.per_page === '250');
		expect(asked.length).toBeGreaterThan(0);
	}, 60_000);

	it('an API that ignores `page` and shows no cursor: page 2 repeats page 1 (pages DIFFERS), how it pages is UNKNOWN', async () => {
		await account();
		const config: Partial<SandboxConfig> = { pagination: 'cursor', envelope: 'bare' };
		await t.client.configure(config as Record<string, unknown>);

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(run.code).toBe(0);
		expect(withStatus(run.report, 'DIFFERS')).toEqual([...breaks(config).filter((id) => id !== 'pagination'), 'pages'].sort());
		expect(statusOf(run.report, 'pagination')).toBe('UNKNOWN');
		expect(run.report!.findings.find((finding) => finding.id === 'pages')!.evidence).toMatch(/repeats page 1/);
		await expectWellBehaved(run, t.sandbox.token);
	}, 60_000);

	it('an account with nothing to read: every line that would need records is UNKNOWN, never CONFIRMED', async () => {
		// No people, no rewards (the sandbox always has its four named campaigns); no envelope, so no marker says anything either.
		await t.client.configure({ campaignCount: 1, envelope: 'bare' });

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(run.code).toBe(0);
		for (const id of ['per-page', 'list-order', 'search-sort', 'reward-fields', 'search-type', 'user-object', 'search-email']) {
			expect([id, statusOf(run.report, id)]).toEqual([id, 'UNKNOWN']);
		}
		// A short list with few people: still too short to tell the page size, too few referrers for an order.
		await t.client.reset();
		await t.client.configure({ envelope: 'bare' });
		await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });

		const short = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(statusOf(short.report, 'per-page')).toBe('UNKNOWN');
		expect(statusOf(short.report, 'list-order')).toBe('UNKNOWN');
		expect(statusOf(short.report, 'search-sort')).toBe('UNKNOWN');
		expect(statusOf(short.report, 'reward-fields')).toBe('UNKNOWN');
	}, 60_000);

	it('an account of one person whose searches ignore their filters: an ignored filter still shows (an email no one has, the other type)', async () => {
		await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.configure({ searchIgnores: ['email', 'campaign_id', 'type'] });

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(statusOf(run.report, 'search-email')).toBe('DIFFERS');
		expect(statusOf(run.report, 'search-type')).toBe('DIFFERS');
		// The same account with the filters applied: both confirmed, by the same reads.
		await t.client.configure({ searchIgnores: [] });
		const applied = await runProbe(t.sandbox.baseUrl, t.sandbox.token);
		expect(statusOf(applied.report, 'search-email')).toBe('CONFIRMED');
		expect(statusOf(applied.report, 'search-type')).toBe('CONFIRMED');
	}, 60_000);

	it('a cap that only `meta.per_page` shows (a short list): per-page DIFFERS, from the marker', async () => {
		await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.configure({ maxPerPage: 100 });

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(withStatus(run.report, 'DIFFERS')).toEqual(['per-page']);
		expect(run.report!.findings.find((finding) => finding.id === 'per-page')!.evidence).toMatch(/1 records, meta.per_page 100: pages hold 100/);
	}, 60_000);

	it('an answer that says page 1 is the last while page=2 holds more: pages DIFFERS (the node would stop after page 1)', async () => {
		// 30 campaigns by page number, but `links.next` always null; every other call answers 404.
		const run = await withServer(
			(req, res) => {
				const url = new URL(String(req.url), 'http://localhost');
				if (url.pathname !== '/api/v2/campaigns') {
					res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":404,"message":"Not found"}');
					return;
				}
				const [page, size] = [Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('per_page') ?? 25)];
				const ids = Array.from({ length: 30 }, (_, i) => i + 1).slice((page - 1) * size, page * size);
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: ids.map((id) => ({ id, name: `Campaign ${id}` })), links: { next: null } }));
			},
			async (baseUrl) => await runProbe(baseUrl, token),
		);

		expect(run.code).toBe(0);
		expect(statusOf(run.report, 'pages')).toBe('DIFFERS');
		expect(run.report!.findings.find((finding) => finding.id === 'pages')!.evidence).toMatch(/page 1 said it was the last, yet page=2 holds other records/);
	}, 60_000);

	it('run through `npm run probe`, the token in REFERRAL_FACTORY_TOKEN: it is nowhere in what npm and the probe print, nor in the report', async () => {
		await account();
		const file = join(dir, 'npm-report.json');

		const run = await runProbe(t.sandbox.baseUrl, t.sandbox.token, { npm: true, args: ['--base-url', t.sandbox.baseUrl, '--json', file] });

		expect(run.code).toBe(0);
		// npm's banner shows the script's arguments: that is why the token is never one.
		expect(run.stdout).toContain(`scripts/probe.ts --base-url ${t.sandbox.baseUrl} --json ${file}`);
		const report = readFileSync(file, 'utf8');
		expect(JSON.parse(report)).toEqual(expect.objectContaining({ ran: true }));
		expectNoPieceOf(t.sandbox.token, `${run.stdout}${run.stderr}${report}`);
	}, 60_000);

	it.each([
		['--token X', ['--token', 'rf_cli_token_5555666677778888']],
		['--token=X', ['--token=rf_cli_token_5555666677778888']],
		['a stray argument', ['--base-url', 'http://127.0.0.1:9/api/v2', 'rf_cli_token_5555666677778888']],
	])('%s is refused (exit 2), the value is not printed, and nothing is sent', async (_name, args) => {
		const run = await runProbe(t.sandbox.baseUrl, undefined, { args });

		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/Usage: REFERRAL_FACTORY_TOKEN=/);
		if (args[0].startsWith('--token')) expect(run.stderr).toMatch(/set REFERRAL_FACTORY_TOKEN instead/);
		expectNoPieceOf('rf_cli_token_5555666677778888', `${run.stdout}${run.stderr}`);
		expect(await t.client.requests()).toEqual([]);
	}, 60_000);

	it('run as a script through npm, a usage error ends the process with exit code 2', async () => {
		const run = await runProbe(t.sandbox.baseUrl, undefined, { npm: true, args: ['--verbose'] });

		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/Unknown option --verbose\.\nUsage: REFERRAL_FACTORY_TOKEN=/);
		expect(await t.client.requests()).toEqual([]);
	}, 60_000);

	it('no REFERRAL_FACTORY_TOKEN and no terminal to ask in: exit 2, says to set it', async () => {
		const run = await runProbe(t.sandbox.baseUrl, undefined);

		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/No token: set REFERRAL_FACTORY_TOKEN/);
		expect(await t.client.requests()).toEqual([]);
	}, 60_000);

	/** Answers that echo the request's Authorization header: 300 characters either side, or once at every offset. */
	const echoes: Record<string, (authorization: string) => string> = {
		padded: (authorization) => `${'x'.repeat(300)} ${authorization} ${'y'.repeat(300)}`,
		'at every offset': (authorization) => Array.from({ length: 80 }, (_, i) => `${'.'.repeat(i % 5)}${authorization}`).join(' '),
		// A proxy that shortens what it echoes: the start of the token is still the token.
		'cut short by the server': (authorization) => `${authorization.slice(0, 'Bearer '.length + 20)}…`,
	};

	it.each(Object.keys(echoes))('a 401 that echoes the Authorization header (%s): the token is nowhere, not even 8 characters of it', async (echo) => {
		const run = await withServer(
			(req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Unauthenticated: ${echoes[echo](String(req.headers.authorization))}` })),
			async (baseUrl) => await runProbe(baseUrl, token),
		);

		expect(run.code).toBe(1);
		expect(run.report!.findings).toEqual([expect.objectContaining({ id: 'auth', status: 'DIFFERS', evidence: expect.stringContaining('Unauthenticated') })]);
		// Where the echo falls within what is shown, it is shown redacted.
		if (echo === 'at every offset') expect(run.report!.findings[0].evidence).toContain('Bearer [token]');
		expectNoPieceOf(token, `${run.stdout}${run.stderr}${JSON.stringify(run.report)}`);
	}, 60_000);

	it('a server that echoes the Authorization header, as text, in every answer: runs to the end, the token nowhere', async () => {
		const run = await withServer(
			(req, res) => res.writeHead(req.url?.includes('rf-probe-no-such-person') ? 404 : 200).end(`proxy saw: ${echoes['at every offset'](String(req.headers.authorization))}`),
			async (baseUrl) => await runProbe(baseUrl, token),
		);

		expect(run.code).toBe(0);
		expect(run.report!.findings.find((finding) => finding.id === 'error-body')!.evidence).toContain('Bearer [token]');
		expectNoPieceOf(token, `${run.stdout}${run.stderr}${JSON.stringify(run.report)}`);
	}, 60_000);

	it('evidence: the token is taken out before a value is cut, wherever the cut falls', () => {
		const { show, finish } = evidenceWriter(token);
		for (let before = 0; before < 200; before++) {
			const body = { message: `${'x'.repeat(before)}Bearer ${token}${'y'.repeat(50)}` };
			for (const max of [20, 60, 160]) expectNoPieceOf(token, show(body, max));
			expectNoPieceOf(token, finish(`GET /campaigns: 401 ${JSON.stringify(body)}`));
		}
	});

	it('a server that answers 200 with an empty body everywhere: runs to the end, DIFFERS lines, no crash', async () => {
		const { code, stderr, report } = await withServer(
			(_req, res) => res.writeHead(200).end(),
			async (baseUrl) => await runProbe(baseUrl, 'rf_other_token_1234567890'),
		);

		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(withStatus(report, 'DIFFERS')).toEqual(expect.arrayContaining(['list-envelope', 'list-end', 'error-body', 'n8n-campaigns']));
		expect(report!.findings.find((finding: Finding) => finding.id === 'readable')).toBeUndefined();
		for (const id of ['pages', 'pagination', 'per-page', 'list-order', 'search-sort', 'reward-fields']) expect([id, statusOf(report, id)]).toEqual([id, 'UNKNOWN']);
	}, 60_000);

	it('a refused token: exit 1, says so, and does not print the token', async () => {
		const { code, stdout, stderr, report } = await runProbe(t.sandbox.baseUrl, 'rf_wrong_token_0987654321');

		expect(code).toBe(1);
		expect(stderr).toMatch(/could not reach Referral Factory, or the token was refused/);
		expect(report!.findings).toEqual([expect.objectContaining({ id: 'auth', status: 'DIFFERS' })]);
		expect(`${stdout}${stderr}${JSON.stringify(report)}`).not.toContain('rf_wrong_token_0987654321');
	}, 60_000);

	it('nothing listening at the Base URL: exit 1', async () => {
		// A port that was free a moment ago: connections to it are refused.
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise((resolve) => server.close(resolve));

		const { code, report } = await runProbe(`http://127.0.0.1:${port}/api/v2`, 'rf_any_token_1234567890');

		expect(code).toBe(1);
		expect(report!.findings).toEqual([expect.objectContaining({ id: 'reach', status: 'DIFFERS', evidence: expect.stringMatching(/ECONNREFUSED/) })]);
	}, 60_000);
});
