/**
 * `npm run test:ablation`: shows that the mixed fault suite (test/fault-suite-mixed.test.ts) catches each safety
 * check being switched off. It copies the sources to .cache/ablation, runs the suite there once as it is (it must
 * pass: the copy works), then once per check with that one check switched off (checks.ts): each run must fail on
 * the suite's own expectations (not on a compile error), and the first failed expectation is printed.
 * Seed 1 only, to keep CI short; the suite itself runs both seeds in `npm test`.
 */
import { join } from 'node:path';

import { copySources, edit, root, runJest, writeCounts, type Outcome } from '../helpers/source-copy';
import { SAFETY_CHECKS, type SafetyCheck } from './checks';

const copy = join(root, '.cache', 'ablation', 'tree');
const SUITE = 'test/fault-suite-mixed.test.ts';

function runSuite(): Outcome {
	return runJest(copy, [SUITE, '-t', 'seed 1'], join(root, '.cache', 'ablation', 'jest'));
}

function switchOff(check: SafetyCheck): () => void {
	try {
		return edit(copy, check.file, check.find, check.replace);
	} catch (error) {
		throw new Error(`${(error as Error).message} — update test/ablation/checks.ts`);
	}
}

function main(): void {
	copySources(copy);
	let ok = true;
	let caughtCount = 0;

	const control = runSuite();
	console.log(`control (every check on): ${control.passed ? 'passed' : 'FAILED'} in ${control.seconds.toFixed(0)} s`);
	if (!control.passed) {
		console.log(control.summary);
		writeCounts('ablation', 0, 1);
		process.exitCode = 1;
		return;
	}

	// `npm run test:ablation -- WORDS`: only the checks whose name holds WORDS (the control always runs).
	const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
	const checks = only.length === 0 ? SAFETY_CHECKS : SAFETY_CHECKS.filter((check) => only.some((words) => check.name.includes(words)));
	for (const check of checks) {
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
	writeCounts('ablation', 1 + caughtCount, checks.length - caughtCount);
	if (!ok) process.exitCode = 1;
}

main();
