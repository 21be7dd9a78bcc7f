// StrykerJS: mechanical mutation testing over the code that keeps the package's promises (the transport, the
// helpers, both triggers, the probe). `npm run test:stryker` (test/mutation/stryker.ts); the score and the equivalent mutants are in
// docs/mutation-testing.md. Too long for the gate: run it after changing those folders (it is incremental, so a
// second run tests only the mutants whose code or tests changed).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	packageManager: 'npm',
	testRunner: 'jest',
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.json',
	typescriptChecker: { prioritizePerformanceOverAccuracy: true },
	coverageAnalysis: 'perTest',
	// The first run, with coverage per test, runs the whole suite in one process: longer than Stryker's default 5 minutes.
	dryRunTimeoutMinutes: 30,
	mutate: [
		'nodes/ReferralFactory/transport/**/*.ts',
		'nodes/ReferralFactory/helpers/**/*.ts',
		'nodes/ReferralFactoryTrigger/**/*.ts',
		'nodes/ReferralFactoryPollingTrigger/**/*.ts',
		'scripts/probe.ts',
	],
	ignorePatterns: ['dist', '.cache', 'test-results', 'coverage', 'reports'],
	// Module-level constants run once per test file, so each would need the whole suite per mutant.
	ignoreStatic: true,
	incremental: true,
	// npm run test:stryker gives each part (transport, helpers, …) a file of its own in .cache/stryker/.
	incrementalFile: '.cache/stryker/all.json',
	// Stryker splits this between TypeScript checkers and jest processes (three of each). The suites mostly wait on the
	// sandbox over HTTP, not on the CPU, so three jest processes share two cores well.
	concurrency: 6,
	// A mutant is timed out after its tests' own time × 1.5 + 5 s: a mutant that makes the node wait (a longer backoff, a
	// loop) is detected without waiting long for it.
	timeoutMS: 5000,
	reporters: ['clear-text', 'progress', 'json', 'html'],
	jsonReporter: { fileName: 'reports/mutation/stryker.json' },
	htmlReporter: { fileName: 'reports/mutation/stryker.html' },
	jest: {
		projectType: 'custom',
		configFile: 'test/mutation/jest.stryker.config.js',
		enableFindRelatedTests: false,
	},
};
