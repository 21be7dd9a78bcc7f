/**
 * `npm run probe` (scripts/probe.ts), run as a user runs it, against the sandbox as each plausible Referral Factory
 * (helpers/variants.ts): against the default it confirms every assumption a read can check; against each variant it
 * reports exactly the assumptions that variant breaks; the token is nowhere in what it prints or writes; it runs to
 * the end against a server that answers 200 with an empty body everywhere; it exits 1 when it cannot reach the API
 * or the token is refused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ProbeReport } from '../scripts/probe';
import type { SandboxConfig } from './sandbox/config';
import { useSandbox } from './helpers/setup';
import { VARIANTS } from './helpers/variants';

const t = useSandbox();
const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rf-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runProbe(baseUrl: string, token: string): Promise<{ code: number | null; stdout: string; stderr: string; report?: ProbeReport }> {
	const file = join(dir, `report-${Date.now()}.json`);
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/probe.ts', '--base-url', baseUrl, '--token', token, '--json', file], { cwd: root });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	let report: ProbeReport | undefined;
	try {
		report = JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
	} catch {
		report = undefined;
	}
	return { code, stdout, stderr, report };
}

/** The assumptions (probe ids) a variant breaks that a read can see, from what the variant's switches mean. */
function breaks(config: Partial<SandboxConfig>): string[] {
	const ids: string[] = [];
	if ((config.envelope ?? 'full') !== 'full') ids.push('list-end');
	if (config.fieldIds === 'opaque') ids.push('campaign-fields');
	if ((config.dateFormat ?? 'date') !== 'date') ids.push('dates');
	if (config.searchIgnores?.some((field) => field === 'email' || field === 'campaign_id')) ids.push('search-email');
	if (config.searchIgnores?.includes('type')) ids.push('search-type');
	if ((config.errorStyle ?? 'documented') !== 'documented') ids.push('error-body');
	if (config.rateLimitHeaders) ids.push('rate-limit-headers');
	return ids.sort();
}

/** A referrer, two leads (one qualified: rewards due, one issued): enough for every read to have something. */
async function account() {
	const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });
	await t.client.createUser({ campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
	await t.client.qualify({ id: lead.id, qualified: true });
	const [due] = await t.client.rewards();
	await t.client.issueReward(due.id);
	await t.client.clearRequests();
}

describe('npm run probe', () => {
	it.each(Object.keys(VARIANTS))('the "%s" variant: reports exactly the assumptions it breaks, and never the token', async (variant) => {
		const config = VARIANTS[variant];
		await account();
		await t.client.configure(config as Record<string, unknown>);

		const { code, stdout, stderr, report } = await runProbe(t.sandbox.baseUrl, t.sandbox.token);

		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(report!.ran).toBe(true);
		const differs = report!.findings.filter((finding) => finding.status === 'DIFFERS').map((finding) => finding.id);
		expect(differs.sort()).toEqual(breaks(config));
		// One printed line per finding, each starting with its status.
		for (const finding of report!.findings) expect(stdout).toContain(`${finding.status.padEnd(9)} ${finding.id}`);
		expect(`${stdout}${JSON.stringify(report)}`).not.toContain(t.sandbox.token);
		// It sent reads only.
		const writes = (await t.client.requests()).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search'));
		expect(writes).toEqual([]);
	}, 60_000);

	it('a server that answers 200 with an empty body everywhere: runs to the end, DIFFERS lines, no crash', async () => {
		const server = createServer((_req, res) => res.writeHead(200).end());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { code, stderr, report } = await runProbe(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`, 'rf_other_token_1234567890');

			expect(stderr).toBe('');
			expect(code).toBe(0);
			expect(report!.findings.filter((finding) => finding.status === 'DIFFERS').map((finding) => finding.id)).toEqual(
				expect.arrayContaining(['list-envelope', 'list-end', 'error-body', 'n8n-campaigns']),
			);
			expect(report!.findings.find((finding) => finding.id === 'readable')).toBeUndefined();
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
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
