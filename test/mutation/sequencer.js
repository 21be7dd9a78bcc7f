/**
 * Jest's test sequencer for StrykerJS's runs. Stryker runs a mutant with `testNamePattern` set to the tests that
 * cover it, but jest still loads every test file to find them (each loads n8n's engine): most of a run. Given the
 * names of the tests in each file (RF_STRYKER_TEST_NAMES, written by test/mutation/stryker.ts before Stryker starts),
 * this keeps only the files holding a test the pattern matches, as jest itself would match it. Without a pattern
 * (Stryker's first run, or a plain jest run) every file runs.
 */
const { readFileSync } = require('node:fs');
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

class StrykerSequencer extends Sequencer {
	constructor(options) {
		super(options);
		// A new run (a new mutant): no test of it has failed yet (environment.js).
		delete process.env.RF_STRYKER_FAILED;
		this.pattern = options.globalConfig.testNamePattern;
		this.names = process.env.RF_STRYKER_TEST_NAMES ? JSON.parse(readFileSync(process.env.RF_STRYKER_TEST_NAMES, 'utf8')) : undefined;
	}

	async sort(tests) {
		const sorted = await super.sort(tests);
		if (!this.pattern || !this.names) return sorted;
		// Jest matches the pattern against each test's full name, case-insensitively.
		const wanted = new RegExp(this.pattern, 'i');
		return sorted.filter((test) => {
			const names = this.names[relative(test.context.config.rootDir, test.path)];
			// A file missing from the list (added since) runs.
			return names === undefined || names.some((name) => wanted.test(name));
		});
	}
}

module.exports = StrykerSequencer;
