/**
 * What a check or a template scenario gets: the runtime, the packed package, the node types n8n
 * knows, and factories for n8n instances and sandboxes that are cleaned up after the check
 * (also when it throws).
 *
 * A template scenario is a file `test/e2e/scenarios/<name>.cts` exporting
 *
 *     export const scenario: Scenario = {
 *         template: 'odoo-to-daktela.json',          // file in workflows-templates/
 *         async run(ctx) {
 *             const daktela = await ctx.daktela();
 *             const odoo = await ctx.odoo();
 *             const n8n = await ctx.n8n();
 *             const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
 *             const id = await n8n.importWorkflow(bindCredentials(withManualTrigger(ctx.workflow), creds));
 *             const first = await n8n.execute(id);
 *             assert.ok(first.ok, first.error);
 *             ...
 *         },
 *     };
 *
 * Use `node:assert/strict`; a thrown error fails the scenario with its message in the report.
 *
 * Toolbox (all clean up after the scenario):
 *  - n8n: `importCredentials`, `importWorkflow` (a `staticData` key in the JSON seeds the
 *    checkpoint), `execute(id)` -> { ok, error, run } with `nodeOutput(run, 'Node name')`,
 *    `staticData(id)` (the cursor after a run), `publishWorkflow(id)` + `startServer()`.
 *  - server: `ownerClient(server)` then `waitForPublication(client, id)` before calling webhooks
 *    (2.41 activates published workflows asynchronously after start), `callWebhook(server, path,
 *    { body, headers })`, `listExecutions(client, id)`, `getExecution(client, execId, ctx.rt.dir)`.
 *  - workflow.cts: `withManualTrigger` (Schedule -> Manual for `n8n execute`), `bindCredentials`.
 *  - sandboxes: `ctx.daktela()` (counters, requests, store), `ctx.odoo()` (counters, store,
 *    failRecord(id) to make one record's write fail, injectable clock), `ctx.hubspot()` (CRM v3
 *    objects over TLS: store, request log, rateLimitNext, failCreate; give its `n8nEnv()` to
 *    `ctx.n8n({ env })` so that n8n's api.hubapi.com goes to it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { DaktelaSandbox, DaktelaSandboxOptions } from '../sandbox/daktela.cjs';
import {
	startHubspotSandbox,
	type HubspotSandbox,
	type HubspotSandboxOptions,
} from '../sandbox/hubspot.cjs';
import { startOdooSandbox, type OdooSandbox, type OdooSandboxOptions } from '../sandbox/odoo.cjs';
import { N8n, type N8nOptions, type NodeTypeInfo, type PackedPackage } from './n8n.cjs';
import type { Runtime } from './runtime.cjs';
import { clone, loadTemplate, type Workflow } from './workflow.cjs';

export interface CredentialStub {
	id: string;
	name: string;
}

/** Credential stubs by credential type, for `bindCredentials(workflow, stubs)`. */
export type CredentialBindings = Record<string, CredentialStub>;

export interface E2EContext {
	rt: Runtime;
	pkg: PackedPackage;
	/** From `n8n export:nodes` with the package installed (computed once per run). */
	nodeTypes: Map<string, NodeTypeInfo>;
	log(message: string): void;
	/** Register a cleanup (runs after the check, last registered first). */
	defer(cleanup: () => unknown): void;
	/** A fresh n8n (temp user folder, package installed); stopped and removed after the check. */
	n8n(options?: N8nOptions): Promise<N8n>;
	/** The sandbox Daktela (test/sandbox/daktela.cts), seeded unless told otherwise. */
	daktela(options?: DaktelaSandboxOptions): Promise<DaktelaSandbox>;
	/** The sandbox CRM (Odoo JSON-RPC / JSON-2, test/sandbox/odoo.cts). */
	odoo(options?: OdooSandboxOptions): Promise<OdooSandbox>;
	/** The sandbox HubSpot (test/sandbox/hubspot.cts), seeded unless told otherwise. */
	hubspot(options?: HubspotSandboxOptions): Promise<HubspotSandbox>;
	/**
	 * Imports credentials for the given sandboxes into `n8n` (daktelaApi; odooApi and
	 * odooApiKeyApi; hubspotAppToken; plus any `extra`) and returns stubs by type for
	 * `bindCredentials`.
	 */
	sandboxCredentials(
		n8n: N8n,
		sandboxes: {
			daktela?: DaktelaSandbox;
			odoo?: OdooSandbox;
			hubspot?: HubspotSandbox;
			extra?: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>;
		},
	): Promise<CredentialBindings>;
}

export interface ScenarioContext extends E2EContext {
	/** The template file name in workflows-templates/. */
	templateFile: string;
	/** A fresh deep copy of the template for each access. */
	readonly workflow: Workflow;
}

export interface Scenario {
	/** File name in workflows-templates/ that this scenario runs. */
	template: string;
	/** Title in the report (default: the template file). */
	title?: string;
	run(ctx: ScenarioContext): Promise<void>;
}

export interface Shared {
	rt: Runtime;
	pkg: PackedPackage;
	nodeTypes: Map<string, NodeTypeInfo>;
}

export const SCENARIOS_DIR = path.join(__dirname, 'scenarios');

/** Scenario modules in test/e2e/scenarios/*.cts (each exports `scenario` or a default). */
export function loadScenarios(): Array<{ file: string; scenario: Scenario }> {
	if (!fs.existsSync(SCENARIOS_DIR)) return [];
	return fs
		.readdirSync(SCENARIOS_DIR)
		.filter((file) => file.endsWith('.cts'))
		.sort()
		.map((file) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(path.join(SCENARIOS_DIR, file)) as {
				scenario?: Scenario;
				default?: Scenario;
			};
			const scenario = mod.scenario ?? mod.default;
			if (
				!scenario ||
				typeof scenario.run !== 'function' ||
				typeof scenario.template !== 'string'
			) {
				throw new Error(`test/e2e/scenarios/${file} must export { scenario: { template, run } }`);
			}
			return { file, scenario };
		});
}

/** Builds a context whose resources are released by the returned `cleanup()`. */
export function createContext(
	shared: Shared,
	log: (message: string) => void,
): { ctx: E2EContext; cleanup(): Promise<string[]> } {
	const cleanups: Array<() => unknown> = [];
	const defer = (cleanup: () => unknown) => {
		cleanups.push(cleanup);
	};
	const ctx: E2EContext = {
		...shared,
		log,
		defer,
		async n8n(options = {}) {
			const instance = await N8n.create(shared.rt, { pkg: shared.pkg, ...options });
			defer(() => instance.dispose());
			return instance;
		},
		async daktela(options = {}) {
			// Loaded lazily: checks that need no Daktela do not depend on the sandbox module.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { startDaktelaSandbox } =
				require('../sandbox/daktela.cjs') as typeof import('../sandbox/daktela.cjs');
			const sandbox = await startDaktelaSandbox(options);
			defer(() => sandbox.close());
			return sandbox;
		},
		async odoo(options = {}) {
			const sandbox = await startOdooSandbox(options);
			defer(() => sandbox.close());
			return sandbox;
		},
		async hubspot(options = {}) {
			const sandbox = await startHubspotSandbox(options);
			defer(() => sandbox.close());
			return sandbox;
		},
		async sandboxCredentials(n8n, { daktela, odoo, hubspot, extra = [] }) {
			const entries: Array<{
				id: string;
				name: string;
				type: string;
				data: Record<string, unknown>;
			}> = [];
			if (daktela) {
				entries.push({
					id: 'daktelaSandbox',
					name: 'Daktela sandbox',
					type: 'daktelaApi',
					data: { url: daktela.url, accessToken: daktela.token, timeZone: 'Europe/Prague' },
				});
			}
			if (odoo) entries.push(...odoo.credentials());
			if (hubspot) entries.push(hubspot.credential());
			entries.push(...extra);
			if (entries.length) await n8n.importCredentials(entries);
			const bindings: CredentialBindings = {};
			for (const entry of entries) bindings[entry.type] = { id: entry.id, name: entry.name };
			return bindings;
		},
	};
	return {
		ctx,
		async cleanup() {
			const problems: string[] = [];
			while (cleanups.length) {
				const cleanup = cleanups.pop()!;
				try {
					await cleanup();
				} catch (error) {
					problems.push(`cleanup: ${(error as Error).message}`);
				}
			}
			return problems;
		},
	};
}

export function scenarioContext(ctx: E2EContext, templateFile: string): ScenarioContext {
	const template = loadTemplate(templateFile);
	return Object.defineProperties({ ...ctx, templateFile } as ScenarioContext, {
		workflow: { get: () => clone(template), enumerable: true },
	});
}
