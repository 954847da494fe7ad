/**
 * Lints the built bundles (dist/**\/*.js) the way n8n's community-package scanner does: the
 * community plugin's `recommended` rules plus `no-console`, with inline eslint comments ignored.
 * Bundled third-party code (yaml, zod, ...) must pass too, since it is what n8n installs.
 * Run after `npm run build`: `npm run lint:dist`.
 */
import { createRequire } from 'node:module';
import { ESLint } from 'eslint';

// The plugin version that `n8n-node lint` uses is the one nested under @n8n/node-cli.
const cliRequire = createRequire(new URL('../node_modules/@n8n/node-cli/', import.meta.url));
const pluginModule = cliRequire('@n8n/eslint-plugin-community-nodes');
const plugin = pluginModule.default ?? pluginModule;

const eslint = new ESLint({
	overrideConfigFile: true,
	allowInlineConfig: false,
	overrideConfig: [
		{
			files: ['**/*.js'],
			plugins: { '@n8n/community-nodes': plugin },
			rules: { ...plugin.configs.recommended.rules, 'no-console': 'error' },
			languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
		},
	],
});

const results = await eslint.lintFiles(['dist/**/*.js']);
if (results.length === 0) {
	console.error('scan-bundle: no files in dist/ - run `npm run build` first');
	process.exit(1);
}
const formatter = await eslint.loadFormatter('stylish');
const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
if (errors > 0) {
	console.error(await formatter.format(results));
	process.exit(1);
}
console.log(`scan-bundle: ${results.length} bundled files, 0 errors under the scanner's rules`);
