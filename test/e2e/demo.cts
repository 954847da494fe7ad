/**
 * `npm start`: the whole thing on this machine, with nothing to configure.
 *
 *  1. the pinned n8n runtime (n8n 2.41.1 on Node 24, cached outside the clone; first time a few
 *     minutes) and the package as `npm pack` gives it (built by `npm run build` before this);
 *  2. the sandbox Daktela (seeded) and the sandbox Odoo CRM (2 companies, 4 people) on 127.0.0.1;
 *  3. a fresh n8n with the package, credentials pointing at the sandboxes and every template
 *     imported; the Odoo real-time workflows published (with demo secrets);
 *  4. one run of "Odoo -> Daktela: companies and people (batch)", whose summary is printed;
 *  5. n8n started on http://127.0.0.1:5678 with an owner account, left open to explore.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops n8n (by its process group) and the sandboxes, removes the temp
 * n8n folder, and exits. Ports: DEMO_N8N_PORT (5678), DEMO_DAKTELA_PORT (8640), DEMO_ODOO_PORT
 * (8641). N8N_DAKTELA_RUNTIME moves the runtime cache.
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
} from './n8n.cjs';
import { RestClient, waitForPublication } from './rest.cjs';
import { ensureRuntime, type Runtime } from './runtime.cjs';
import { bindCredentials, listTemplates, loadTemplate, type Workflow } from './workflow.cjs';

const PORTS = {
	n8n: Number(process.env.DEMO_N8N_PORT ?? 5678),
	daktela: Number(process.env.DEMO_DAKTELA_PORT ?? 8640),
	odoo: Number(process.env.DEMO_ODOO_PORT ?? 8641),
};
const OWNER = { email: 'demo@example.com', password: 'Daktela-Demo-2026' };
const CRM_WEBHOOK_SECRET = 'demo-crm-webhook-secret';
const DAKTELA_WEBHOOK_SECRET = 'demo-daktela-automation-secret';
const SYNC_TEMPLATE = 'odoo-batch-crm-to-daktela.json';
const PUBLISHED = ['odoo-realtime-crm-to-daktela.json', 'odoo-realtime-daktela-to-crm.json'];

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);
const step = (text: string) => say(`${bold('==')} ${text}`);

function portFree(port: number): Promise<boolean> {
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

interface Started {
	n8n?: N8n;
	daktela?: DaktelaSandbox;
	odoo?: OdooSandbox;
	pkg?: PackedPackage;
}

const started: Started = {};
let stopping = false;

async function stopAll(reason: string, code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	say(`\n${reason}: stopping n8n and the sandboxes ...`);
	// n8n's own signal hook (n8n.cts) may end the process first, once n8n has stopped.
	process.once('exit', () => {
		started.pkg?.cleanup?.();
		say('Stopped.');
	});
	// SIGTERM to n8n's process group, SIGKILL after a grace period; then the in-process sandboxes.
	await started.n8n?.dispose().catch(() => undefined);
	await Promise.all([
		started.daktela?.close().catch(() => undefined),
		started.odoo?.close().catch(() => undefined),
	]);
	process.exit(code);
}

function summaryLine(label: string, summary: Record<string, unknown> | undefined): string {
	if (!summary) return `  ${label.padEnd(9)} nothing changed since the last run`;
	const cursor = (summary.cursorAfter as { time?: string } | null)?.time ?? 'none';
	return (
		`  ${label.padEnd(9)} ${summary.total} read: ${summary.created} created, ${summary.updated} ` +
		`updated, ${summary.unchanged} unchanged, ${summary.failed} failed; cursor ${cursor}\n` +
		`  ${''.padEnd(9)} ${summary.message}`
	);
}

async function main(): Promise<void> {
	// Registered before n8n's own hooks (N8n.create), so this one reports and cleans up. `on`, not
	// `once`: Ctrl-C can arrive more than once (the terminal signals the whole process group and tsx
	// relays it again), and a signal without a listener would end this process before n8n is down.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			if (stopping) say(`${signal}: still stopping n8n ...`);
			else void stopAll(signal, 0);
		});
	}
	for (const [what, port] of Object.entries(PORTS)) {
		if (!Number.isInteger(port) || port <= 0 || !(await portFree(port))) {
			const variable = `DEMO_${what.toUpperCase()}_PORT`;
			throw new Error(`port ${port} on 127.0.0.1 is not free: set ${variable} to another port`);
		}
	}

	step('n8n runtime (n8n 2.41.1 on Node 24; the first time this installs it, a few minutes)');
	const rt = await ensureRuntime();

	step('package: npm pack (dist/ from npm run build)');
	if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm start does)');
	}
	started.pkg = buildAndPack({ build: false });

	step(`sandboxes: Daktela on :${PORTS.daktela}, Odoo on :${PORTS.odoo}`);
	started.daktela = await startDaktelaSandbox({
		port: PORTS.daktela,
		seed: { accounts: 5, contacts: 25, activities: 40 },
	});
	started.odoo = await startOdooSandbox({ port: PORTS.odoo });
	const { daktela, odoo } = started;

	step('n8n: credentials and templates');
	const n8n = await N8n.create(rt, {
		pkg: started.pkg,
		port: PORTS.n8n,
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
	started.n8n = n8n;
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

	const sync = loadTemplate(SYNC_TEMPLATE);
	step(`run: "${sync.name}" (n8n execute)`);
	const result = await n8n.execute(String(sync.id));
	if (!result.ok)
		throw new Error(`the sync failed: ${result.error}\n${result.stdout.slice(-2000)}`);
	say(
		summaryLine(
			'accounts',
			nodeOutput(result.run, 'Commit accounts cursor')[0] as Record<string, unknown>,
		),
	);
	say(
		summaryLine(
			'contacts',
			nodeOutput(result.run, 'Commit contacts cursor')[0] as Record<string, unknown>,
		),
	);
	say('   Daktela now holds:');
	for (const endpoint of ['accounts', 'contacts']) {
		for (const record of daktela.store.list(endpoint)) {
			if (!String(record.name).startsWith('crm_')) continue;
			const cf = (record.customFields ?? {}) as Record<string, unknown[]>;
			const account = (record.account as { name?: string } | null)?.name;
			say(
				`     ${String(record.name).padEnd(15)} ${String(record.title).padEnd(16)} ` +
					`${[...(cf.email ?? []), ...(cf.number ?? [])].join(', ')}${account ? `  (${account})` : ''}`,
			);
		}
	}

	// Closed activities of CRM contacts, for the "Daktela -> Odoo: activities" template.
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

	step(`n8n: publish the Odoo real-time workflows, start on 127.0.0.1:${PORTS.n8n}`);
	const published = PUBLISHED.map((name) => String(loadTemplate(name).id));
	for (const id of published) await n8n.publishWorkflow(id);
	const server = await n8n.startServer({ timeoutMs: 180000 });
	const rest = new RestClient(server.url);
	const login = await rest.request('POST', '/rest/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	if (login.status < 400) for (const id of published) await waitForPublication(rest, id, 60000);

	say();
	say(bold(`n8n is running: ${server.url}`));
	say(`   log in as ${bold(OWNER.email)} / ${bold(OWNER.password)}`);
	say(`   sandbox Daktela ${daktela.url} (token ${daktela.token}), sandbox Odoo ${odoo.url}`);
	say('   Try:');
	say('   - open "Odoo → Daktela: companies and people (batch)" and its executions;');
	say('   - run "Daktela → Odoo: activities (batch)" by hand (3 demo activities are waiting);');
	say('   - the real-time CRM → Daktela webhook:');
	say(
		`       curl -s -X POST ${server.url}/webhook/odoo-to-daktela -H 'X-Webhook-Secret: ${CRM_WEBHOOK_SECRET}' \\`,
	);
	say(
		`         -H 'content-type: application/json' -d '{"entity_type": "contact", "entity_id": [3, 4]}'`,
	);
	if (triggerPath) {
		say('   - a Daktela automation calling the Daktela Trigger:');
		say(
			`       curl -s -X POST ${server.url}/webhook/${triggerPath} -H 'X-Webhook-Secret: ${DAKTELA_WEBHOOK_SECRET}' \\`,
		);
		say(
			`         -H 'content-type: application/json' -d '{"event": "call_close", "name": "activities_demo_1"}'`,
		);
	}
	say();
	say('Press Ctrl-C to stop n8n and the sandboxes.');
	// Keep running until a signal.
	await new Promise<void>(() => undefined);
}

main().catch(async (error) => {
	process.stderr.write(`demo: ${(error as Error).stack ?? error}\n`);
	await stopAll('error', 1);
});
