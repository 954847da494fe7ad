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
import { loadTemplate } from './workflow.cjs';
import {
	CRM_WEBHOOK_SECRET,
	DAKTELA_WEBHOOK_SECRET,
	OWNER,
	startDemo,
	stopDemo,
	SYNC_TEMPLATE,
	type DemoHandles,
} from './demo-setup.cjs';

const PORTS = {
	n8n: Number(process.env.DEMO_N8N_PORT ?? 5678),
	daktela: Number(process.env.DEMO_DAKTELA_PORT ?? 8640),
	odoo: Number(process.env.DEMO_ODOO_PORT ?? 8641),
};

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);
const step = (text: string) => say(`${bold('==')} ${text}`);

const started: DemoHandles = {};
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
	await stopDemo(started);
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
		if (!Number.isInteger(port) || port <= 0) {
			throw new Error(`DEMO_${what.toUpperCase()}_PORT is not a port number: ${port}`);
		}
	}
	let demo;
	try {
		demo = await startDemo({ ports: PORTS, step, say }, started);
	} catch (error) {
		const busy = /port (\d+) on 127\.0\.0\.1 for (\w+) is not free/.exec(String(error));
		if (busy) {
			throw new Error(
				`port ${busy[1]} on 127.0.0.1 is not free: set DEMO_${busy[2].toUpperCase()}_PORT to another port`,
			);
		}
		throw error;
	}
	const { daktela, odoo, server, triggerPath, summaries } = demo;
	say(`   "${loadTemplate(SYNC_TEMPLATE).name}" ran once:`);
	say(summaryLine('accounts', summaries.accounts));
	say(summaryLine('contacts', summaries.contacts));
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
