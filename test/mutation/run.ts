/**
 * `npm run test:mutation`: how many deliberate breakages of the node (mutations.ts) the unit tests catch. It copies
 * the sources to .cache/mutation, runs the tests of each breakage there once as they are (they must pass), then once
 * with the breakage applied: caught when a test fails on its own expectations, survived when all pass. A breakage
 * that stops the code compiling is not counted (it would be caught by the compiler, not by a test). Writes the table
 * to docs/mutation-testing.md. `-- ID …` runs only those breakages (the others keep their last results, kept in
 * .cache/mutation/results.json); `-- --check` only checks that every breakage still applies.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { copySources, edit, root, runJest } from '../helpers/source-copy';
import { MUTATIONS } from './mutations';

const copy = join(root, '.cache', 'mutation', 'tree');
const cache = join(root, '.cache', 'mutation', 'jest');
const resultsFile = join(root, '.cache', 'mutation', 'results.json');

type Verdict = 'caught' | 'SURVIVED' | 'invalid';

function main(): void {
	for (const mutation of MUTATIONS) {
		for (const test of mutation.tests.filter((arg) => arg.endsWith('.ts'))) if (!existsSync(join(root, test))) throw new Error(`${mutation.id}: no test file ${test}`);
	}
	copySources(copy);
	for (const mutation of MUTATIONS) edit(copy, mutation.file, mutation.find, mutation.replace)();
	if (process.argv.includes('--check')) {
		console.log(`${MUTATIONS.length} breakages apply`);
		return;
	}
	const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
	const chosen = only.length > 0 ? MUTATIONS.filter((mutation) => only.includes(mutation.id)) : MUTATIONS;

	const results: Record<string, { verdict: Verdict; seconds: number }> = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, { verdict: Verdict; seconds: number }>) : {};
	const started = Date.now();
	const controlled = new Set<string>();
	for (const mutation of chosen) {
		// Each set of tests runs once as it is first: it must pass without the breakage.
		const key = mutation.tests.join(' ');
		const control = controlled.has(key) ? { passed: true, summary: '' } : runJest(copy, mutation.tests, cache);
		controlled.add(key);
		if (!control.passed) {
			console.log(`${mutation.id}: its tests fail without the breakage:\n${control.summary}`);
			process.exitCode = 1;
			return;
		}
		const restore = edit(copy, mutation.file, mutation.find, mutation.replace);
		// Three minutes at most: the tests of one breakage end (or time out, at 60 s a test) well before that and
		// have written their report; a breakage that leaves a timer running keeps jest from exiting after it.
		const outcome = runJest(copy, mutation.tests, cache, 3 * 60_000);
		restore();
		const verdict: Verdict = outcome.failedOnExpectation ? 'caught' : outcome.passed ? 'SURVIVED' : 'invalid';
		results[mutation.id] = { verdict, seconds: outcome.seconds };
		writeFileSync(resultsFile, JSON.stringify(results, null, 2));
		const firstLine = outcome.summary.split('\n').find((line) => line.trim() && !line.includes('●'))?.trim() ?? '';
		console.log(`${verdict.padEnd(8)} ${mutation.id.padEnd(26)} ${outcome.seconds.toFixed(0).padStart(3)} s  ${mutation.bug}${verdict === 'invalid' ? `\n         ${firstLine}` : ''}`);
	}

	const rows: string[] = [];
	let caught = 0;
	let survived = 0;
	let invalid = 0;
	let missing = 0;
	for (const mutation of MUTATIONS) {
		const result = results[mutation.id];
		if (!result) missing++;
		else if (result.verdict === 'caught') caught++;
		else if (result.verdict === 'SURVIVED') survived++;
		else invalid++;
		const shown = !result ? 'not run' : result.verdict === 'SURVIVED' ? '**survived**' : result.verdict;
		rows.push(`| \`${mutation.id}\` | ${mutation.bug} | \`${mutation.file.replace(/^nodes\//, '')}\` | ${shown} |`);
	}
	const counted = caught + survived;
	const share = counted === 0 ? 0 : (100 * survived) / counted;
	const minutes = ((Date.now() - started) / 60_000).toFixed(0);
	console.log(`\n${caught} caught, ${survived} survived (${share.toFixed(1)} %), ${invalid} not counted${missing > 0 ? `, ${missing} not run yet` : ''} (this run: ${minutes} min)`);
	const doc = join(root, 'docs', 'mutation-testing.md');
	// The StrykerJS section (test/mutation/stryker.ts's figures, written by hand) is kept as it is.
	const before = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
	const stryker = before.includes('\n## StrykerJS') ? before.slice(before.indexOf('\n## StrykerJS')) : '';
	writeFileSync(
		doc,
		`# Deliberate breakages and the tests that catch them

\`npm run test:mutation\` applies each breakage in \`test/mutation/mutations.ts\` to a copy of the sources and runs the
unit tests that exercise that code (fewer than the whole suite: a survivor here may still be caught elsewhere).
Each is a small realistic bug in behaviour, not a compile error.

**${caught} of ${counted} caught, ${survived} survived (${share.toFixed(1)} %)**${invalid > 0 ? `; ${invalid} did not compile and are not counted` : ''}${missing > 0 ? `; ${missing} not run` : ''}. Last run: ${new Date().toISOString().slice(0, 10)}.

| Breakage | What a user would see | File | Result |
|---|---|---|---|
${rows.join('\n')}
${stryker}`,
	);
	if (share > 10) process.exitCode = 1;
}

main();
