/**
 * A copy of the sources to break on purpose (the ablation run, the mutation run): the files git knows, with
 * node_modules linked, and jest run on it with a JSON report read back.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(__dirname, '..', '..');

export interface Outcome {
	passed: boolean;
	/** Whether a test ran and failed on an expectation (not a suite that could not run: a compile error, say). */
	failedOnExpectation: boolean;
	/** The first failed expectation, or why the suite could not run. */
	summary: string;
	seconds: number;
}

export function copySources(copy: string): void {
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

function jestArgs(copy: string, args: string[], cacheDirectory: string): { command: string[]; output: string } {
	const output = join(copy, 'jest-result.json');
	rmSync(output, { force: true });
	return { command: [join(copy, 'node_modules', 'jest', 'bin', 'jest.js'), ...args, '--json', '--outputFile', output, '--cacheDirectory', cacheDirectory], output };
}

/** Runs jest in the copy with `args` (test paths, -t, --bail …). */
export function runJest(copy: string, args: string[], cacheDirectory: string, timeoutMs = 15 * 60_000): Outcome {
	const { command, output } = jestArgs(copy, args, cacheDirectory);
	const started = Date.now();
	spawnSync(process.execPath, command, {
		cwd: copy,
		stdio: ['ignore', 'ignore', 'ignore'],
		// A broken copy may leave a timer running: jest writes its report when the tests end, then waits for the
		// process to empty out, so it is stopped after `timeoutMs` and the report read as written.
		timeout: timeoutMs,
		killSignal: 'SIGKILL',
	});
	return readOutcome(output, (Date.now() - started) / 1000);
}

/** As `runJest`, without blocking: several copies can run side by side. */
export async function runJestAsync(copy: string, args: string[], cacheDirectory: string, timeoutMs = 15 * 60_000): Promise<Outcome> {
	const { command, output } = jestArgs(copy, args, cacheDirectory);
	const started = Date.now();
	await new Promise<void>((resolve) => {
		const child = spawn(process.execPath, command, { cwd: copy, stdio: ['ignore', 'ignore', 'ignore'] });
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
	return readOutcome(output, (Date.now() - started) / 1000);
}

function readOutcome(output: string, seconds: number): Outcome {
	if (!existsSync(output)) return { passed: false, failedOnExpectation: false, summary: 'jest wrote no result', seconds };
	const result = JSON.parse(readFileSync(output, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		testResults: Array<{ message: string; assertionResults: Array<{ status: string; failureMessages: string[] }> }>;
	};
	const failed = result.testResults.flatMap((suite) => suite.assertionResults.filter((test) => test.status === 'failed'));
	const passed = result.numFailedTests === 0 && result.numPassedTests > 0 && result.testResults.every((suite) => !suite.message);
	const summary = failed.length > 0 ? firstFailure(failed[0].failureMessages) : plain(result.testResults.find((suite) => suite.message)?.message ?? '').slice(0, 600);
	return { passed, failedOnExpectation: failed.length > 0, summary, seconds };
}

/** Applies one edit (`find` must occur exactly once) to a file of the copy; returns how to undo it. */
export function edit(copy: string, file: string, find: string, replace: string): () => void {
	const path = join(copy, file);
	const original = readFileSync(path, 'utf8');
	const occurrences = original.split(find).length - 1;
	if (occurrences !== 1) throw new Error(`${file}: "${find}" occurs ${occurrences} times, expected once`);
	writeFileSync(path, original.replace(find, replace));
	return () => writeFileSync(path, original);
}

/** For .ci/run's total. */
export function writeCounts(suite: string, passed: number, failed: number): void {
	const dir = join(root, 'test-results');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, `${suite}.counts.json`), JSON.stringify({ passed, failed }));
}
