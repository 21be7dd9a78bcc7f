/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/helpers/env.ts'],
	testTimeout: 30000,
	// Two at a time even on two cores (jest's default there is one): most suites wait on a sandbox over HTTP, not the CPU.
	maxWorkers: 2,
};
