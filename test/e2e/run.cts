/**
 * `npm run test:e2e`: the package in a real, pinned n8n (2.41.1 on Node 24).
 *
 *  1. ensureRuntime(): n8n installed once into a cache outside the clone (runtime.cts).
 *  2. `npm run build`, `npm pack`; the tarball is installed into each test n8n's user folder.
 *  3. `n8n export:nodes`: every node the package registers is known as n8n-nodes-daktela.<name>.
 *  4. Every workflows-templates/*.json: node types / versions / credential types known; imports.
 *  5. The Daktela credential's connection test over n8n's REST API (valid token OK, wrong FAILS).
 *  6. Smoke: Manual Trigger -> Daktela node runs from the installed package.
 *  7. The sandbox CRM against n8n's Odoo node.
 *  8. Template scenarios: test/e2e/scenarios/*.cts (see context.cts), against the sandboxes.
 *
 * Arguments filter checks by substring: `npm run test:e2e -- odoo smoke`.
 * Env: N8N_DAKTELA_RUNTIME (cache root), E2E_SKIP_BUILD=1 (pack the existing dist/),
 * E2E_KEEP=1 (keep n8n user folders for inspection).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { checkCredentialTest } from './checks/credential.cjs';
import { checkErrorItems } from './checks/error-items.cjs';
import { checkOdooNode } from './checks/odoo-node.cjs';
import { checkSmoke } from './checks/smoke.cjs';
import { checkTemplate } from './checks/templates.cjs';
import {
	createContext,
	loadScenarios,
	scenarioContext,
	type E2EContext,
	type Shared,
} from './context.cjs';
import { buildAndPack, N8n, PACKAGE_NAME, REPO_ROOT } from './n8n.cjs';
import { ensureRuntime } from './runtime.cjs';
import { listTemplates } from './workflow.cjs';

interface Check {
	name: string;
	run(ctx: E2EContext): Promise<string | void>;
}

interface Result {
	name: string;
	ok: boolean;
	ms: number;
	detail: string;
}

const started = Date.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function say(message: string): void {
	process.stdout.write(`${message}\n`);
}

/**
 * Node type names the package registers, read from the INSTALLED package as n8n loads it, in a
 * plain Node child process (the bundles are CommonJS; n8n-workflow, their only peer, resolves from
 * the repo's node_modules).
 */
function packageNodeTypes(installed: string): string[] {
	const script = `
		const path = require('node:path');
		const dir = process.argv[1];
		const pkg = require(path.join(dir, 'package.json'));
		const names = pkg.n8n.nodes.map((file) => {
			const mod = require(path.join(dir, file));
			const NodeClass = Object.values(mod).find((value) => typeof value === 'function');
			if (!NodeClass) throw new Error(file + ' exports no node class');
			const node = new NodeClass();
			const description = node.description ?? node.nodeVersions?.[node.currentVersion]?.description;
			return pkg.name + '.' + description.name;
		});
		process.stdout.write(JSON.stringify(names));
	`;
	const result = spawnSync(process.execPath, ['-e', script, installed], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
	});
	if (result.status !== 0) throw new Error(`loading the built nodes failed:\n${result.stderr}`);
	return JSON.parse(result.stdout) as string[];
}

async function main(): Promise<number> {
	const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
	const wanted = (name: string) =>
		filters.length === 0 || filters.some((f) => name.toLowerCase().includes(f.toLowerCase()));

	say('== e2e: runtime');
	let t = Date.now();
	const rt = await ensureRuntime();
	const runtimeMs = Date.now() - t;
	say(`   n8n runtime ${rt.dir} (${seconds(runtimeMs)})`);

	say('== e2e: build + pack');
	t = Date.now();
	const pkg = buildAndPack();
	say(`   ${path.basename(pkg.tarball)} (${seconds(Date.now() - t)})`);

	say('== e2e: node types (n8n export:nodes with the package installed)');
	t = Date.now();
	const catalog = await N8n.create(rt, { pkg });
	const results: Result[] = [];
	try {
		const nodeTypes = await catalog.exportNodeTypes();
		const ours = [...nodeTypes.keys()].filter((type) => type.startsWith(`${PACKAGE_NAME}.`));
		say(
			`   ${nodeTypes.size} types; ours: ${ours.join(', ') || '(none)'} (${seconds(Date.now() - t)})`,
		);
		const shared: Shared = { rt, pkg, nodeTypes };

		const checks: Check[] = [
			{
				name: 'package: every registered node is known to n8n',
				async run() {
					const expected = packageNodeTypes(catalog.packageDir);
					const missing = expected.filter((type) => !nodeTypes.has(type));
					if (missing.length) throw new Error(`n8n does not know: ${missing.join(', ')}`);
					return expected.join(', ');
				},
			},
		];
		for (const file of listTemplates()) {
			checks.push({
				name: `template ${file}: node types known, imports`,
				run: () => checkTemplate(file, catalog, nodeTypes),
			});
		}
		checks.push(
			{ name: 'credential: Daktela connection test (whoim.json)', run: checkCredentialTest },
			{ name: 'smoke: Daktela node runs from the installed package', run: checkSmoke },
			{ name: 'error items: a failed Field Mapper item under Continue', run: checkErrorItems },
			{ name: 'sandbox CRM: n8n Odoo node v1/v2 against the Odoo sandbox', run: checkOdooNode },
		);
		const scenarios = loadScenarios();
		const templates = new Set(listTemplates());
		for (const { file, scenario } of scenarios) {
			checks.push({
				name: `scenario ${scenario.title ?? scenario.template} (${file})`,
				async run(ctx) {
					if (!templates.has(scenario.template)) {
						throw new Error(`template ${scenario.template} not found in workflows-templates/`);
					}
					await scenario.run(scenarioContext(ctx, scenario.template));
				},
			});
		}
		const covered = new Set(scenarios.map(({ scenario }) => scenario.template));
		const importOnly = [...templates].filter((file) => !covered.has(file));

		for (const check of checks) {
			if (!wanted(check.name)) continue;
			say(`-- ${check.name}`);
			const { ctx, cleanup } = createContext(shared, (message) => say(`   ${message}`));
			const checkStarted = Date.now();
			let ok = true;
			let detail = '';
			try {
				detail = (await check.run(ctx)) ?? '';
			} catch (error) {
				ok = false;
				detail = (error as Error).message ?? String(error);
			}
			const problems = await cleanup();
			if (problems.length) {
				ok = false;
				detail += `\n${problems.join('\n')}`;
			}
			const ms = Date.now() - checkStarted;
			results.push({ name: check.name, ok, ms, detail });
			say(
				`   ${ok ? 'PASS' : 'FAIL'} (${seconds(ms)})${detail ? `: ${detail.split('\n').join('\n   ')}` : ''}`,
			);
		}

		say('');
		say('== e2e report');
		for (const result of results) {
			say(`${result.ok ? 'PASS' : 'FAIL'}  ${seconds(result.ms).padStart(7)}  ${result.name}`);
		}
		if (importOnly.length) {
			say(`templates checked for import only (no scenario): ${importOnly.join(', ')}`);
		}
		if (listTemplates().length === 0) say('workflows-templates/ has no templates yet');
		const failed = results.filter((r) => !r.ok);
		say(
			`${results.length - failed.length} passed, ${failed.length} failed; runtime ${seconds(runtimeMs)}, ` +
				`total ${seconds(Date.now() - started)}`,
		);
		for (const result of failed) say(`\nFAIL ${result.name}\n${result.detail}`);
		if (results.length === 0) {
			say(`no check matches ${filters.join(' ')}`);
			return 1;
		}
		return failed.length ? 1 : 0;
	} finally {
		await catalog.dispose();
		pkg.cleanup?.();
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`e2e: ${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
