/**
 * `npm run test:ablation`: shows that the mixed fault suite (test/fault-suite-mixed.test.ts) catches each safety
 * check being switched off. It copies the sources to .cache/ablation, runs the suite there once as it is (it must
 * pass: the copy works), then once per check with that one check switched off (checks.ts): each run must fail on
 * the suite's own expectations (not on a compile error), and the first failed expectation is printed.
 * Seed 1 only, to keep CI short; the suite itself runs both seeds in `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { SAFETY_CHECKS, type SafetyCheck } from './checks';

const root = resolve(__dirname, '..', '..');
const copy = join(root, '.cache', 'ablation', 'tree');
const SUITE = 'test/fault-suite-mixed.test.ts';

interface Outcome {
	passed: boolean;
	/** Whether a test ran and failed on an expectation (not a suite that could not run). */
	failedOnExpectation: boolean;
	summary: string;
	seconds: number;
}

function copySources(): void {
	rmSync(copy, { recursive: true, force: true });
	const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
		.split('\n')
		.filter((file) => file && existsSync(join(root, file)));
	for (const file of files) {
		mkdirSync(dirname(join(copy, file)), { recursive: true });
		cpSync(join(root, file), join(copy, file));
	}
	symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text: string) => text.replace(ANSI, '');

/** The first failed expectation, without the stack: what a reader needs to see how the suite caught it. */
function firstFailure(messages: string[]): string {
	const lines = plain(messages[0] ?? '').split('\n');
	const kept = lines.filter((line) => !/^\s+at /.test(line) && line.trim() !== '');
	return kept.slice(0, 14).join('\n');
}

function runSuite(): Outcome {
	const output = join(copy, 'ablation-result.json');
	rmSync(output, { force: true });
	const started = Date.now();
	spawnSync(
		process.execPath,
		[join(copy, 'node_modules', 'jest', 'bin', 'jest.js'), SUITE, '-t', 'seed 1', '--json', '--outputFile', output, '--cacheDirectory', join(root, '.cache', 'ablation', 'jest')],
		{ cwd: copy, stdio: ['ignore', 'ignore', 'ignore'] },
	);
	const seconds = (Date.now() - started) / 1000;
	if (!existsSync(output)) return { passed: false, failedOnExpectation: false, summary: 'jest wrote no result', seconds };
	const result = JSON.parse(readFileSync(output, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		testResults: Array<{ message: string; assertionResults: Array<{ status: string; failureMessages: string[] }> }>;
	};
	const failed = result.testResults.flatMap((suite) => suite.assertionResults.filter((test) => test.status === 'failed'));
	const passed = result.numFailedTests === 0 && result.numPassedTests > 0 && result.testResults.every((suite) => !suite.message);
	const summary = failed.length > 0 ? firstFailure(failed[0].failureMessages) : plain(result.testResults[0]?.message ?? '').slice(0, 600);
	return { passed, failedOnExpectation: failed.length > 0, summary, seconds };
}

function switchOff(check: SafetyCheck): () => void {
	const path = join(copy, check.file);
	const original = readFileSync(path, 'utf8');
	const occurrences = original.split(check.find).length - 1;
	if (occurrences !== 1) throw new Error(`${check.file}: "${check.find}" occurs ${occurrences} times, expected once — update test/ablation/checks.ts`);
	writeFileSync(path, original.replace(check.find, check.replace));
	return () => writeFileSync(path, original);
}

/** For .ci/run's total: the control run and each check caught count as passed. */
function writeCounts(passed: number, failed: number): void {
	const dir = join(root, 'test-results');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'ablation.counts.json'), JSON.stringify({ passed, failed }));
}

function main(): void {
	copySources();
	let ok = true;
	let caughtCount = 0;

	const control = runSuite();
	console.log(`control (every check on): ${control.passed ? 'passed' : 'FAILED'} in ${control.seconds.toFixed(0)} s`);
	if (!control.passed) {
		console.log(control.summary);
		writeCounts(0, 1);
		process.exitCode = 1;
		return;
	}

	for (const check of SAFETY_CHECKS) {
		const restore = switchOff(check);
		const outcome = runSuite();
		restore();
		const caught = !outcome.passed && outcome.failedOnExpectation;
		ok &&= caught;
		if (caught) caughtCount++;
		console.log(`\n${caught ? 'caught' : 'NOT CAUGHT'} in ${outcome.seconds.toFixed(0)} s — switched off: ${check.name}`);
		console.log(outcome.summary.replace(/^/gm, '    '));
	}
	console.log(`\n${ok ? 'every' : 'NOT every'} safety check switched off made the mixed fault suite fail`);
	writeCounts(1 + caughtCount, SAFETY_CHECKS.length - caughtCount);
	if (!ok) process.exitCode = 1;
}

main();
