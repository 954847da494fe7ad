/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'cjs', 'json'],
	transform: {
		'^.+\\.c?ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Specs import Node-only .cts helpers as './x.cjs'; fall back from .cjs to .cts only when no
	// .cjs file exists, so packages that ship real .cjs files (n8n-workflow's deps) still resolve.
	resolver: '<rootDir>/test/harness/jest-resolver.cjs',
	testTimeout: 30000,
};
