/**
 * `npm run test:ablation`: shows that the mixed fault suite (test/fault-suite-mixed.test.ts) catches each safety
 * check being switched off. It copies the sources to .cache/ablation (twice), runs the suite there once as it is (it must
 * pass: the copy works), then once per check with that one check switched off (checks.ts): each run must fail on
 * the suite's own expectations (not on a compile error), and the first failed expectation is printed.
 * Seed 1 only, two copies side by side, to keep CI short; the suite itself runs both seeds in `npm test`.
 */
import { join } from 'node:path';

import { copySources, edit, root, runJestAsync, writeCounts, type Outcome } from '../helpers/source-copy';
import { SAFETY_CHECKS, type SafetyCheck } from './checks';

const SUITE = 'test/fault-suite-mixed.test.ts';
/** Copies run side by side: the suite mostly waits (timeouts, slow payouts), so two share two cores. */
const LANES = 2;

const copyOf = (lane: number) => join(root, '.cache', 'ablation', `tree-${lane}`);

async function runSuite(lane: number): Promise<Outcome> {
	return await runJestAsync(copyOf(lane), [SUITE, '-t', 'seed 1'], join(root, '.cache', 'ablation', `jest-${lane}`));
}

function switchOff(lane: number, check: SafetyCheck): () => void {
	try {
		return edit(copyOf(lane), check.file, check.find, check.replace);
	} catch (error) {
		throw new Error(`${(error as Error).message} — update test/ablation/checks.ts`);
	}
}

async function main(): Promise<void> {
	// `npm run test:ablation -- WORDS`: only the checks whose name holds WORDS (the control always runs).
	const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
	const checks = only.length === 0 ? SAFETY_CHECKS : SAFETY_CHECKS.filter((check) => only.some((words) => check.name.includes(words)));
	for (let lane = 0; lane < LANES; lane++) copySources(copyOf(lane));
	// Every check applies before anything runs (a stale one is named at once).
	for (const check of checks) switchOff(0, check)();

	// The control (every check on) and the checks, LANES at a time; each result is printed as it comes.
	// `--control-passed`: the suite has just passed on these very sources (.ci/run runs npm test first), so the copy's
	// control run is not repeated; a check still counts only if it failed on an expectation, not on a compile error.
	const controlPassed = process.argv.includes('--control-passed');
	const queue: Array<SafetyCheck | 'control'> = [...(controlPassed ? [] : ['control' as const]), ...checks];
	if (controlPassed) console.log('control (every check on): passed in npm test just before');
	const results = new Map<SafetyCheck | 'control', Outcome>();
	await Promise.all(
		Array.from({ length: LANES }, async (_, lane) => {
			for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
				const restore = next === 'control' ? () => undefined : switchOff(lane, next);
				const outcome = await runSuite(lane);
				restore();
				results.set(next, outcome);
				if (next === 'control') {
					console.log(`control (every check on): ${outcome.passed ? 'passed' : 'FAILED'} in ${outcome.seconds.toFixed(0)} s`);
					if (!outcome.passed) console.log(outcome.summary);
				} else {
					const caught = !outcome.passed && outcome.failedOnExpectation;
					console.log(`\n${caught ? 'caught' : 'NOT CAUGHT'} in ${outcome.seconds.toFixed(0)} s — switched off: ${next.name}`);
					console.log(outcome.summary.replace(/^/gm, '    '));
				}
			}
		}),
	);

	const control = results.get('control') ?? { passed: true };
	const caughtCount = checks.filter((check) => {
		const outcome = results.get(check)!;
		return !outcome.passed && outcome.failedOnExpectation;
	}).length;
	const ok = control.passed && caughtCount === checks.length;
	console.log(`\n${ok ? 'every' : 'NOT every'} safety check switched off made the mixed fault suite fail${control.passed ? '' : ' (the control failed: nothing is shown)'}`);
	writeCounts('ablation', (control.passed ? 1 : 0) + caughtCount, (control.passed ? 0 : 1) + checks.length - caughtCount);
	if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
