/**
 * Jest's node environment for StrykerJS's mutant runs: once a test of the run has failed the mutant is killed, so
 * the tests after it are skipped (Stryker cannot ask jest to bail: jest issue 11766; a killed mutant would otherwise
 * run every test that covers it). Only while Stryker has a mutant active; the first, full run is untouched. The flag
 * lives in the process (Stryker runs jest in band) and test/mutation/sequencer.js clears it as each run starts.
 */
const { TestEnvironment } = require('jest-environment-node');

class BailingEnvironment extends TestEnvironment {
	async handleTestEvent(event, state) {
		if (super.handleTestEvent) await super.handleTestEvent(event, state);
		if (!process.env.__STRYKER_ACTIVE_MUTANT__) return;
		if (event.name === 'test_start' && process.env.RF_STRYKER_FAILED) event.test.mode = 'skip';
		if (event.name === 'test_done' && event.test.errors.length > 0) process.env.RF_STRYKER_FAILED = '1';
	}
}

module.exports = BailingEnvironment;
