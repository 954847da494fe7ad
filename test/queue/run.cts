/**
 * `npm run test:queue`: the scaled batch CRM -> Daktela template in real n8n QUEUE MODE (main +
 * 2 workers x concurrency 5, PostgreSQL, Redis; all on 127.0.0.1, started and stopped by PID by
 * cluster.cts), against the sandbox Odoo and Daktela.
 *
 *  1. The template as shipped, with its Schedule Trigger set to every 3 seconds and a Webhook
 *     trigger added next to it (for concurrent calls). Both run on the workers.
 *  2. First runs: everything lands in Daktela; the checkpoint rows in the Data Table hold the
 *     latest write_date per entity (what a single instance stores); nothing in static data.
 *  3. Idle: scheduled runs make no Daktela request at all (only what changed is re-read).
 *  4. Bursts: Odoo changes, then 4 concurrent webhook calls while the schedule keeps firing.
 *     A sampler reads the winning state row all along: its version and cursor never go back.
 *  5. Settled: every Odoo record's latest version is in Daktela, the cursors equal the latest
 *     write_dates, no execution failed, executions overlapped and ran on both workers.
 *  6. The plain (static-data) template on the same cluster: its second run notices that n8n did
 *     not keep the checkpoint and says so (`state.lost`, the warning naming the Data Table store).
 *
 * Exit code 0 when every check holds. E2E_KEEP=1 keeps logs and databases.
 */
import assert from 'node:assert/strict';
import type { IDataObject } from 'n8n-workflow';
import * as path from 'node:path';

import { buildAndPack, nodeOutput, trackTempFolder } from '../e2e/n8n.cjs';
import { ensureRuntime } from '../e2e/runtime.cjs';
import { STATE_TABLE } from '../e2e/scenarios/lib/build-templates.cjs';
import {
	checkPartnersLanded,
	latestWriteDate,
	sleep,
	withRunNowWebhook,
} from '../e2e/scenarios/lib/helpers.cjs';
import { bindCredentials, loadTemplate, type Workflow } from '../e2e/workflow.cjs';
import { startDaktelaSandbox } from '../sandbox/daktela.cjs';
import { startOdooSandbox } from '../sandbox/odoo.cjs';
import { startQueueCluster, type QueueCluster, type QueueExecution } from './cluster.cjs';

const say = (message: string) => process.stdout.write(`${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const SYNC = 'odoo-to-daktela';

function withTriggers(template: Workflow, id: string, everySeconds: number | null): Workflow {
	return { ...withRunNowWebhook(template, id, everySeconds), id } as Workflow;
}

interface StateRow {
	id: number;
	entity: string;
	version: number;
	cursor: string | null;
}

/** The state table's rows, straight from PostgreSQL (the data table's own SQL table). */
async function stateRows(cluster: QueueCluster): Promise<StateRow[]> {
	const tableId = (
		await cluster.sql(`SELECT id FROM data_table WHERE name = '${STATE_TABLE}'`)
	).trim();
	if (!tableId) return [];
	const out = await cluster.sql(
		`SELECT json_build_object('id', id, 'entity', entity, 'version', version, 'state', state) ` +
			`FROM "data_table_user_${tableId}" WHERE "syncName" = '${SYNC}'`,
	);
	return out
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const row = JSON.parse(line) as {
				id: number;
				entity: string;
				version: number;
				state: string;
			};
			const state = JSON.parse(row.state) as { cursor?: string };
			return { id: row.id, entity: row.entity, version: row.version, cursor: state.cursor ?? null };
		});
}

/** The row readers take: highest version, then lowest id. */
function winner(rows: StateRow[], entity: string): StateRow | undefined {
	return rows
		.filter((row) => row.entity === entity)
		.sort((a, b) => b.version - a.version || a.id - b.id)[0];
}

async function waitForIdle(
	cluster: QueueCluster,
	id: string,
	after: number,
): Promise<QueueExecution[]> {
	// `after` more executions that STARTED after now have finished, and none is running.
	const since = Date.now();
	for (let i = 0; i < 120; i++) {
		const executions = await cluster.executions(id);
		const fresh = executions.filter(
			(e) => e.startedAt && Date.parse(e.startedAt) >= since && e.stoppedAt,
		);
		const running = executions.some((e) => !e.stoppedAt);
		if (fresh.length >= after && !running) return executions;
		await sleep(500);
	}
	throw new Error(`no ${after} finished executions of ${id} within 60 s`);
}

const TRIGGER_SECRET = 'queue-trigger-shared-value-0123456789';
const TRIGGER_WEBHOOK_ID = '6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5';

/**
 * Each delivery of `contact_update` for 8 contacts reaches main, then (1.5 s later, while the
 * first executions run on the workers) a webhook process that never saw it, then main again. Main
 * answers its redelivery `duplicate` from process memory; the webhook process cannot know it and
 * starts an execution, whose trigger step (on a worker) finds the key in n8n's processed-data
 * store and stops there. So every contact is handled by exactly one execution.
 */
async function checkTriggerDedup(
	cluster: QueueCluster,
	daktela: Awaited<ReturnType<typeof startDaktelaSandbox>>,
	credential: { id: string; name: string },
): Promise<void> {
	const workflow = {
		id: 'dktQueueTrigger',
		name: 'Daktela Trigger dedup (queue)',
		active: false,
		nodes: [
			{
				id: 'trigger',
				name: 'Daktela Trigger',
				type: 'n8n-nodes-daktela.daktelaTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: { events: ['contact_update'], secret: TRIGGER_SECRET, refetch: true },
				credentials: { daktelaApi: credential },
			},
			{
				id: 'handled',
				name: 'Handled',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { 'Daktela Trigger': { main: [[{ node: 'Handled', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
	const id = await cluster.deployWorkflow(workflow);
	const other = await cluster.startWebhookProcess();
	const webhookPath = `${TRIGGER_WEBHOOK_ID}/webhook`;
	const headers = { 'x-webhook-secret': TRIGGER_SECRET };
	const names = daktela.store
		.list('contacts')
		.slice(0, 8)
		.map((record) => String(record.name));
	const answers = await Promise.all(
		names.map(async (name) => {
			const init = { body: { event: 'contact_update', name }, headers };
			const first = await cluster.callWebhook(webhookPath, init);
			await sleep(1500);
			const elsewhere = await other.callWebhook(webhookPath, init);
			const again = await cluster.callWebhook(webhookPath, init);
			return { name, first, elsewhere, again };
		}),
	);
	for (const { name, first, elsewhere, again } of answers) {
		for (const [what, answer] of Object.entries({ first, elsewhere, again })) {
			assert.equal(answer.status, 200, `${name} ${what}: ${answer.text.slice(0, 300)}`);
		}
		const body = (answer: { body: unknown }) => answer.body as { duplicate?: boolean };
		assert.equal(body(first).duplicate, undefined, `${name}: first delivery ${first.text}`);
		assert.equal(body(again).duplicate, true, `${name}: main's redelivery ${again.text}`);
	}
	// The webhook process knows a key only from static data, where concurrent executions overwrite
	// each other's keys (last writer wins): it answers `duplicate` for some, starts the others.
	const started = answers.filter((a) => (a.elsewhere.body as IDataObject).duplicate !== true);
	assert.ok(started.length > 0, 'the webhook process knew every key: nothing was tested');
	const expected = names.length + started.length;
	const executions = await cluster.waitForExecutions(id, expected, 90_000);
	await waitForIdle(cluster, id, 0);
	const handled = new Map<string, number>();
	let dropped = 0;
	for (const execution of executions) {
		assert.equal(execution.status, 'success', JSON.stringify(execution));
		const detail = await cluster.execution(execution.id);
		const items = nodeOutput(detail, 'Daktela Trigger') as Array<{ name?: string }>;
		if (items.length === 0) dropped++;
		for (const item of items)
			handled.set(String(item.name), (handled.get(String(item.name)) ?? 0) + 1);
	}
	assert.equal(executions.length, expected, `executions: ${executions.length}`);
	assert.equal(dropped, started.length, 'executions stopped at the trigger');
	assert.deepEqual(
		Object.fromEntries([...handled].sort()),
		Object.fromEntries(names.map((name) => [name, 1]).sort()),
		'every contact handled by exactly one execution',
	);
	const workers = new Set(executions.map((e) => e.worker).filter(Boolean));
	assert.ok(
		workers.size >= 2,
		`trigger executions ran on ${[...workers].join(', ') || 'no worker'}`,
	);
	say(
		`PASS trigger dedup across processes: ${names.length} events x 3 deliveries (main, webhook ` +
			`process, main): main answered its ${names.length} redeliveries duplicate; the webhook ` +
			`process answered ${names.length - started.length} duplicate (static data) and started ` +
			`${started.length} executions, ${dropped} stopped at the trigger ` +
			`(processed-data store); each contact handled once, on ${[...workers].join(' + ')}`,
	);
}

async function main(): Promise<void> {
	const started = Date.now();
	const rt = await ensureRuntime();
	const pkg = buildAndPack();
	trackTempFolder(path.dirname(pkg.tarball));
	let odooNow = Date.now() - 20 * 60_000;
	const daktela = await startDaktelaSandbox({ latencyMs: 40 });
	const odoo = await startOdooSandbox({ now: () => new Date(odooNow) });
	let cluster: QueueCluster | undefined;
	try {
		cluster = await startQueueCluster({ rt, pkg, log: (m) => say(`   ${m}`) });
		say(`cluster up in ${seconds(cluster.startMs)}`);
		const credentials = [
			{
				id: 'daktelaSandbox',
				name: 'Daktela sandbox',
				type: 'daktelaApi',
				data: { url: daktela.url, accessToken: daktela.token, timeZone: 'Europe/Prague' },
			},
			...odoo.credentials(),
		];
		await cluster.importCredentials(credentials);
		const bindings = Object.fromEntries(
			credentials.map((c) => [c.type, { id: c.id, name: c.name }]),
		);

		// 1-2. Deploy; the schedule runs it on the workers.
		const scaled = bindCredentials(
			withTriggers(loadTemplate('odoo-batch-crm-to-daktela-scaled.json'), 'dktQueueScaled', 3),
			bindings,
		);
		const id = await cluster.deployWorkflow(scaled);
		await cluster.waitForExecutions(id, 2, 60_000);
		await waitForIdle(cluster, id, 1);
		checkPartnersLanded('first runs', odoo, daktela);
		let rows = await stateRows(cluster);
		assert.equal(winner(rows, 'contacts')?.cursor, latestWriteDate(odoo, false), 'contacts cursor');
		assert.equal(winner(rows, 'accounts')?.cursor, latestWriteDate(odoo, true), 'accounts cursor');
		const staticData = await cluster.staticData(id);
		assert.ok(!JSON.stringify(staticData).includes('syncCheckpoint'), JSON.stringify(staticData));
		say('PASS first runs: everything landed; cursors = latest write_date; nothing in static data');

		// 3. Idle: only what changed is re-read, so nothing reaches Daktela.
		daktela.counters.reset();
		await waitForIdle(cluster, id, 2);
		assert.equal(daktela.counters.total(), 0, JSON.stringify(daktela.requests.slice(-3)));
		say('PASS idle scheduled runs: 0 Daktela requests');

		// 4. Bursts of changes and concurrent calls, with a sampler watching the winning row.
		const seen: Record<string, StateRow[]> = { accounts: [], contacts: [] };
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				const now = await stateRows(cluster!);
				for (const entity of ['accounts', 'contacts']) {
					const top = winner(now, entity);
					if (top) seen[entity].push(top);
				}
				await sleep(150);
			}
		})();
		daktela.counters.reset();
		let webhookCalls = 0;
		for (let round = 1; round <= 3; round++) {
			odooNow += 60_000;
			odoo.store.write('res.partner', [3 + (round % 4)], { phone: `+420 601 000 ${100 + round}` });
			odoo.store.write('res.partner', [1], { website: `https://acme-${round}.example` });
			odoo.store.create('res.partner', {
				name: `Queue Person ${round}`,
				email: `queue.${round}@example.com`,
				is_company: false,
				type: 'contact',
				parent_id: 1,
			});
			const answers = await Promise.all([0, 1, 2, 3].map(() => cluster!.callWebhook(id)));
			webhookCalls += answers.length;
			for (const answer of answers) assert.equal(answer.status, 200, answer.text.slice(0, 500));
			await sleep(1000);
		}
		// 5. Settled: two more complete scheduled runs after the last change.
		const executions = await waitForIdle(cluster, id, 2);
		sampling = false;
		await sampler;

		for (const entity of ['accounts', 'contacts']) {
			const samples = seen[entity];
			for (let i = 1; i < samples.length; i++) {
				assert.ok(
					samples[i].version >= samples[i - 1].version &&
						(samples[i].cursor ?? '') >= (samples[i - 1].cursor ?? ''),
					`${entity} state went back: ${JSON.stringify(samples[i - 1])} -> ${JSON.stringify(samples[i])}`,
				);
			}
		}
		checkPartnersLanded('after the bursts', odoo, daktela);
		rows = await stateRows(cluster);
		assert.equal(winner(rows, 'contacts')?.cursor, latestWriteDate(odoo, false), 'contacts cursor');
		assert.equal(winner(rows, 'accounts')?.cursor, latestWriteDate(odoo, true), 'accounts cursor');
		const failed = executions.filter((e) => e.status !== 'success');
		assert.equal(failed.length, 0, JSON.stringify(failed.slice(0, 3)));
		const workers = new Set(executions.map((e) => e.worker).filter(Boolean));
		assert.ok(workers.size >= 2, `executions ran on ${[...workers].join(', ') || 'no worker'}`);
		const spans = executions
			.filter((e) => e.startedAt && e.stoppedAt)
			.map((e) => [Date.parse(e.startedAt!), Date.parse(e.stoppedAt!)] as const)
			.sort((a, b) => a[0] - b[0]);
		let overlapping = 0;
		for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) overlapping++;
		assert.ok(overlapping > 0, 'no two executions overlapped');
		let superseded = 0;
		for (const execution of executions.slice(0, 40)) {
			const detail = await cluster.execution(execution.id);
			for (const entity of ['accounts', 'contacts']) {
				const runs = detail.data?.resultData?.runData?.[`Get ${entity} cursor`]?.length ?? 0;
				assert.ok(runs <= 1, `execution ${execution.id} ran Get ${entity} cursor ${runs} times`);
				const get = nodeOutput(detail, `Get ${entity} cursor`)[0] as
					| { state?: { superseded?: unknown[] } }
					| undefined;
				superseded += get?.state?.superseded?.length ?? 0;
			}
		}
		say(
			`PASS bursts: ${executions.length} executions (${webhookCalls} by webhook, the rest by the schedule) ` +
				`on ${[...workers].join(' + ')}, ${overlapping} overlapping; state versions and cursors ` +
				`never went back (${seen.contacts.length} samples); every record landed; cursors = latest ` +
				`write_date; superseded commits reported: ${superseded}; Daktela writes: ` +
				`${daktela.counters.get('POST')} POST, ${daktela.counters.get('PUT')} PUT`,
		);

		// 6. The plain template keeps its checkpoint in static data: the loss is noticed.
		const plain = bindCredentials(
			withTriggers(loadTemplate('odoo-batch-crm-to-daktela.json'), 'dktQueuePlain', null),
			bindings,
		);
		const plainId = await cluster.deployWorkflow(plain);
		for (const call of [1, 2]) {
			const answer = await cluster.callWebhook(plainId);
			assert.equal(answer.status, 200, `plain call ${call}: ${answer.text.slice(0, 300)}`);
		}
		const plainRuns = await cluster.waitForExecutions(plainId, 2, 60_000);
		const [second, first] = await Promise.all(
			plainRuns.slice(0, 2).map((e) => cluster!.execution(e.id)),
		);
		const getOf = (detail: typeof first) =>
			nodeOutput(detail, 'Get contacts cursor')[0] as {
				fullSyncReason: string | null;
				state: { lost: boolean };
				warnings: string[];
			};
		assert.equal(getOf(first).state.lost, false, JSON.stringify(getOf(first)));
		assert.equal(getOf(second).state.lost, true, JSON.stringify(getOf(second)));
		assert.match(getOf(second).warnings.join(' '), /Data Table Rows in Input/);
		say('PASS static data on workers: the second run reports the lost checkpoint and the remedy');
		// 7. Daktela Trigger dedup across processes: redeliveries to main AND to a webhook process.
		await checkTriggerDedup(cluster, daktela, bindings.daktelaApi);
		say(`test:queue passed in ${seconds(Date.now() - started)}`);
	} catch (error) {
		if (cluster) say(cluster.logTails(3000));
		throw error;
	} finally {
		if (cluster) say(`cluster stopped in ${seconds((await cluster.stop()).ms)}`);
		await daktela.close();
		await odoo.close();
		pkg.cleanup?.();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`test:queue FAILED: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
