/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/helpers/jest-env.js'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/virtualWaits.ts'],
	testTimeout: 30000,
};
