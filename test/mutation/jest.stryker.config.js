/**
 * The jest configuration StrykerJS runs (stryker.config.mjs): the unit suite without the suites that read the source
 * files themselves (the linter, the compiled JavaScript, the packed package: they see Stryker's instrumentation, not a
 * mutant) and without the two fault suites (minutes of injected faults each; every path they mix is tested on its own
 * in the suites that stay). Each mutant runs only the test files that hold the tests covering it (sequencer.js), and
 * stops at its first failing test (environment.js).
 */
const { join } = require('node:path');

const base = require('../../jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	rootDir: '../..',
	testPathIgnorePatterns: ['/node_modules/', 'lint-rules', 'verification', 'package\\.test', 'dev-script', 'fault-suite'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
	testSequencer: '<rootDir>/test/mutation/sequencer.js',
	// Skips the rest of a mutant's tests once one has failed (environment.js). An absolute path: Stryker resolves the
	// environment itself, without jest's <rootDir>.
	testEnvironment: join(__dirname, 'environment.js'),
};
