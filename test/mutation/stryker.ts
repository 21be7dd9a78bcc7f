/**
 * `npm run test:stryker [-- <part>… | --mutate <files> | --summary]`: StrykerJS over the transport, the helpers, both triggers and the
 * probe (stryker.config.mjs), one part at a time (transport, helpers, trigger, polling, probe; all by default), so that
 * a long run keeps what each finished part found. First the name of every test in every file Stryker runs (jest with
 * a name pattern that matches none: it loads each file and runs nothing), so that each mutant loads only the files
 * holding the tests that cover it (test/mutation/sequencer.js); then Stryker per part; then the score per folder, as
 * docs/mutation-testing.md gives it. Incremental: .cache/stryker/<part>.json keeps each part's last results on this machine
 * (about 1 MB per 100 mutants: not committed; docs/mutation-testing.md has the figures), so a second run tests only
 * mutants whose code or covering tests changed. Too long for the gate.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, '.cache');
const NAMES = join(CACHE, 'stryker-test-names.json');
/** Each part's incremental file: Stryker's full report of its last run (mutation-testing-report-schema). */
const RESULTS = join(CACHE, 'stryker');

/** The parts, in the order they run: each is one Stryker run with a file of its own. */
const PARTS: Record<string, string[]> = {
	transport: ['nodes/ReferralFactory/transport/**/*.ts'],
	helpers: ['nodes/ReferralFactory/helpers/**/*.ts'],
	trigger: ['nodes/ReferralFactoryTrigger/**/*.ts'],
	polling: ['nodes/ReferralFactoryPollingTrigger/**/*.ts'],
	probe: ['scripts/probe.ts'],
};

interface JestJson {
	testResults: Array<{ name: string; assertionResults: Array<{ fullName: string }> }>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
	const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
	return result.status ?? 1;
}

function listTestNames(): void {
	mkdirSync(CACHE, { recursive: true });
	const out = join(CACHE, 'stryker-jest-list.json');
	// A full name is never empty, so '^$' runs no test; jest still loads every file and lists its tests as skipped.
	run(process.execPath, [join(ROOT, 'node_modules/jest/bin/jest.js'), '-c', 'test/mutation/jest.stryker.config.js', '-t', '^$', '--json', `--outputFile=${out}`, '--silent']);
	const listed = JSON.parse(readFileSync(out, 'utf8')) as JestJson;
	const names = Object.fromEntries(listed.testResults.map((file) => [relative(ROOT, file.name), file.assertionResults.map((test) => test.fullName)]));
	writeFileSync(NAMES, JSON.stringify(names));
	console.log(`Test names: ${Object.keys(names).length} files, ${Object.values(names).flat().length} tests (${relative(ROOT, NAMES)}).`);
}

interface MutantReport {
	files: Record<string, { mutants: Array<{ status: string }> }>;
}

/** Stryker's score per folder, over every part's last results: detected (killed or timed out) over valid mutants. */
function summarise(): void {
	if (!existsSync(RESULTS)) return;
	const files: MutantReport['files'] = {};
	for (const part of readdirSync(RESULTS).filter((file) => file.endsWith('.json')).sort()) {
		Object.assign(files, (JSON.parse(readFileSync(join(RESULTS, part), 'utf8')) as MutantReport).files);
	}
	const folders = new Map<string, Record<string, number>>();
	for (const [file, { mutants }] of Object.entries(files)) {
		const folder = file.startsWith('scripts/') ? 'scripts/probe.ts' : file.split('/').slice(0, file.startsWith('nodes/ReferralFactory/') ? 3 : 2).join('/');
		const counts = folders.get(folder) ?? {};
		for (const { status } of mutants) counts[status] = (counts[status] ?? 0) + 1;
		folders.set(folder, counts);
	}
	const score = (c: Record<string, number>) => {
		const detected = (c.Killed ?? 0) + (c.Timeout ?? 0);
		const valid = detected + (c.Survived ?? 0) + (c.NoCoverage ?? 0);
		return valid === 0 ? '—' : `${((100 * detected) / valid).toFixed(1)} %`;
	};
	const total: Record<string, number> = {};
	console.log('\n| Folder | Killed | Timeout | Survived | No coverage | Score |\n|---|---|---|---|---|---|');
	for (const [folder, c] of [...folders].sort()) {
		for (const [k, v] of Object.entries(c)) total[k] = (total[k] ?? 0) + v;
		console.log(`| \`${folder}\` | ${c.Killed ?? 0} | ${c.Timeout ?? 0} | ${c.Survived ?? 0} | ${c.NoCoverage ?? 0} | ${score(c)} |`);
	}
	console.log(`| all | ${total.Killed ?? 0} | ${total.Timeout ?? 0} | ${total.Survived ?? 0} | ${total.NoCoverage ?? 0} | ${score(total)} |`);
}

function main(): void {
	const args = process.argv.slice(2);
	if (args.includes('--summary')) return summarise();
	// `--mutate <files>` runs those files alone, as a part of their own (named after them).
	const at = args.indexOf('--mutate');
	const files = at >= 0 ? args[at + 1] : undefined;
	if (files !== undefined) PARTS[files.replace(/^nodes\/|\.ts$/g, '').replace(/[^\w-]+/g, '-')] = [files];
	const named = at >= 0 ? [] : args.filter((arg) => !arg.startsWith('--'));
	const parts = files !== undefined ? [Object.keys(PARTS).pop()!] : named.length > 0 ? named : Object.keys(PARTS);
	const unknown = parts.filter((part) => !(part in PARTS));
	if (unknown.length > 0) throw new Error(`No part ${unknown.join(', ')}: the parts are ${Object.keys(PARTS).join(', ')}.`);
	listTestNames();
	mkdirSync(RESULTS, { recursive: true });
	let code = 0;
	for (const part of parts) {
		console.log(`\nStryker: ${part} (${PARTS[part].join(', ')})`);
		const mutate = ['--mutate', PARTS[part].join(',')];
		const incremental = ['--incrementalFile', relative(ROOT, join(RESULTS, `${part}.json`))];
		code ||= run(process.execPath, [join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', ...mutate, ...incremental], { ...process.env, RF_STRYKER_TEST_NAMES: NAMES });
	}
	summarise();
	process.exitCode = code;
}

main();
