/**
 * The demo's set-up, shared by `npm start` (test/e2e/demo.cts) and the browser test (test/ui):
 * the sandbox Daktela (seeded) and Odoo CRM on 127.0.0.1, a fresh n8n 2.41.1 with the package,
 * credentials pointing at the sandboxes, every template imported, the Odoo real-time workflows
 * published, one run of the Odoo batch sync (optional), and `n8n start` with an owner account.
 *
 * Everything started is recorded in `handles` as soon as it runs, so `stopDemo(handles)` can stop
 * a half-finished set-up too (n8n by its process group, then the in-process sandboxes).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { startDaktelaSandbox, type DaktelaSandbox } from '../sandbox/daktela.cjs';
import { startOdooSandbox, type OdooSandbox } from '../sandbox/odoo.cjs';
import {
	buildAndPack,
	N8n,
	nodeOutput,
	PACKAGE_NAME,
	type CredentialInput,
	type PackedPackage,
	type ServerHandle,
} from './n8n.cjs';
import { RestClient, waitForPublication } from './rest.cjs';
import { ensureRuntime, type Runtime } from './runtime.cjs';
import { bindCredentials, listTemplates, loadTemplate, type Workflow } from './workflow.cjs';

export const OWNER = { email: 'demo@example.com', password: 'Daktela-Demo-2026' };
export const CRM_WEBHOOK_SECRET = 'demo-crm-webhook-secret';
export const DAKTELA_WEBHOOK_SECRET = 'demo-daktela-automation-secret';
export const SYNC_TEMPLATE = 'odoo-batch-crm-to-daktela.json';
const PUBLISHED = ['odoo-realtime-crm-to-daktela.json', 'odoo-realtime-daktela-to-crm.json'];

export interface DemoPorts {
	n8n: number;
	daktela: number;
	odoo: number;
}

export interface DemoOptions {
	ports: DemoPorts;
	/** Run the Odoo batch sync once with `n8n execute` before starting the server (default true). */
	runSync?: boolean;
	/** Progress lines (steps of the set-up). */
	step?: (text: string) => void;
	say?: (text: string) => void;
}

/** What the set-up started; filled as it goes, so a failed set-up can be stopped too. */
export interface DemoHandles {
	n8n?: N8n;
	daktela?: DaktelaSandbox;
	odoo?: OdooSandbox;
	pkg?: PackedPackage;
}

export interface Demo {
	n8n: N8n;
	daktela: DaktelaSandbox;
	odoo: OdooSandbox;
	server: ServerHandle;
	/** Logged in as the owner. */
	rest: RestClient;
	/** `<webhookId>/webhook` of the Odoo template's Daktela Trigger. */
	triggerPath: string;
	/** The Commit nodes' summaries of the `n8n execute` run (undefined: no run, or nothing read). */
	summaries: { accounts?: Record<string, unknown>; contacts?: Record<string, unknown> };
}

export function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** bcrypt hash for N8N_INSTANCE_OWNER_PASSWORD_HASH, with the bcryptjs that n8n itself uses. */
function ownerPasswordHash(rt: Runtime, password: string): string {
	const result = spawnSync(
		rt.nodeBin,
		['-e', "process.stdout.write(require('bcryptjs').hashSync(process.env.DEMO_PASSWORD, 10))"],
		{ cwd: rt.dir, env: { ...rt.baseEnv(), DEMO_PASSWORD: password }, encoding: 'utf8' },
	);
	if (result.status !== 0 || !result.stdout.startsWith('$2')) {
		throw new Error(`cannot hash the owner password with n8n's bcryptjs: ${result.stderr}`);
	}
	return result.stdout;
}

/** Stops n8n (SIGTERM to its process group, SIGKILL after a grace period), then the sandboxes. */
export async function stopDemo(handles: DemoHandles): Promise<void> {
	await handles.n8n?.dispose().catch(() => undefined);
	await Promise.all([
		handles.daktela?.close().catch(() => undefined),
		handles.odoo?.close().catch(() => undefined),
	]);
	handles.pkg?.cleanup?.();
}

/** Closed activities of CRM contacts, for the "Daktela -> Odoo: activities" template. */
function seedActivities(daktela: DaktelaSandbox): void {
	const daktelaTime = (ms: number) =>
		new Intl.DateTimeFormat('sv-SE', {
			timeZone: 'Europe/Prague',
			dateStyle: 'short',
			timeStyle: 'medium',
		}).format(new Date(ms));
	for (const [i, contact, type] of [
		[1, 'crm_person_3', 'CALL'],
		[2, 'crm_person_5', 'EMAIL'],
		[3, 'crm_person_3', 'CHAT'],
	] as const) {
		daktela.store.put('activities', {
			name: `activities_demo_${i}`,
			title: `Demo ${type.toLowerCase()} ${i}`,
			type,
			action: 'CLOSE',
			contact,
			user: 'agent_novak',
			queue: type === 'CALL' ? '3000' : type === 'EMAIL' ? '3001' : '3002',
			duration: 60 * i,
			time: daktelaTime(Date.now() - (30 - i) * 60_000),
			time_close: daktelaTime(Date.now() - (20 - i) * 60_000),
		});
	}
}

export async function startDemo(options: DemoOptions, handles: DemoHandles): Promise<Demo> {
	const { ports } = options;
	const step = options.step ?? (() => undefined);
	const say = options.say ?? (() => undefined);
	for (const [what, port] of Object.entries(ports)) {
		if (!Number.isInteger(port) || port <= 0 || !(await portFree(port))) {
			throw new Error(`port ${port} on 127.0.0.1 for ${what} is not free`);
		}
	}

	step('n8n runtime (n8n 2.41.1 on Node 24; the first time this installs it, a few minutes)');
	const rt = await ensureRuntime();

	step('package: npm pack (dist/ from npm run build)');
	if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm start does)');
	}
	handles.pkg = buildAndPack({ build: false });

	step(`sandboxes: Daktela on :${ports.daktela}, Odoo on :${ports.odoo}`);
	handles.daktela = await startDaktelaSandbox({
		port: ports.daktela,
		seed: { accounts: 5, contacts: 25, activities: 40 },
	});
	handles.odoo = await startOdooSandbox({ port: ports.odoo });
	const { daktela, odoo } = handles;

	step('n8n: credentials and templates');
	const n8n = await N8n.create(rt, {
		pkg: handles.pkg,
		port: ports.n8n,
		env: {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerPasswordHash(rt, OWNER.password),
			// One execution at a time: the Sync Checkpoint's state must not be written concurrently.
			N8N_CONCURRENCY_PRODUCTION_LIMIT: '1',
		},
	});
	handles.n8n = n8n;
	const credentials: CredentialInput[] = [
		{
			id: 'demoDaktela',
			name: 'Daktela sandbox',
			type: 'daktelaApi',
			data: { url: daktela.url, accessToken: daktela.token, timeZone: 'Europe/Prague' },
		},
		...odoo.credentials({ odooApi: 'demoOdooRpc', odooApiKeyApi: 'demoOdooKey' }),
		{
			id: 'demoCrmWebhook',
			name: 'CRM webhook secret (demo)',
			type: 'httpHeaderAuth',
			data: { name: 'X-Webhook-Secret', value: CRM_WEBHOOK_SECRET },
		},
	];
	await n8n.importCredentials(credentials);
	const bindings = Object.fromEntries(credentials.map((c) => [c.type, { id: c.id, name: c.name }]));
	const workflows: Workflow[] = [];
	let triggerPath = '';
	for (const file of listTemplates()) {
		const workflow = bindCredentials(loadTemplate(file), bindings);
		const trigger = workflow.nodes.find((n) => n.type === `${PACKAGE_NAME}.daktelaTrigger`);
		if (trigger && file.startsWith('odoo-')) {
			trigger.parameters = { ...trigger.parameters, secret: DAKTELA_WEBHOOK_SECRET };
			triggerPath = `${trigger.webhookId}/webhook`;
		}
		workflows.push(workflow);
	}
	const file = path.join(n8n.userFolder, 'demo-workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	const imported = await n8n.cli(['import:workflow', `--input=${file}`]);
	if (imported.code !== 0)
		throw new Error(`import:workflow failed:\n${imported.stderr.slice(-2000)}`);
	say(`   ${workflows.length} templates imported: ${listTemplates().join(', ')}`);

	const summaries: Demo['summaries'] = {};
	if (options.runSync ?? true) {
		const sync = loadTemplate(SYNC_TEMPLATE);
		step(`run: "${sync.name}" (n8n execute)`);
		const result = await n8n.execute(String(sync.id));
		if (!result.ok)
			throw new Error(`the sync failed: ${result.error}\n${result.stdout.slice(-2000)}`);
		summaries.accounts = nodeOutput(result.run, 'Commit accounts cursor')[0] as
			| Record<string, unknown>
			| undefined;
		summaries.contacts = nodeOutput(result.run, 'Commit contacts cursor')[0] as
			| Record<string, unknown>
			| undefined;
	}
	seedActivities(daktela);

	step(`n8n: publish the Odoo real-time workflows, start on 127.0.0.1:${ports.n8n}`);
	const published = PUBLISHED.map((name) => String(loadTemplate(name).id));
	for (const id of published) await n8n.publishWorkflow(id);
	const server = await n8n.startServer({ timeoutMs: 180000 });
	const rest = new RestClient(server.url);
	const login = await rest.request('POST', '/rest/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	if (login.status >= 400) throw new Error(`owner login failed: HTTP ${login.status}`);
	for (const id of published) await waitForPublication(rest, id, 60000);
	return { n8n, daktela, odoo, server, rest, triggerPath, summaries };
}
