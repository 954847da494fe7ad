/**
 * `npx tsx test/queue/smoke.cts`: proves the queue-mode infrastructure (cluster.cts) end to end.
 *
 *  1. Build + pack the package (test/e2e/n8n.cts buildAndPack; E2E_SKIP_BUILD=1 packs dist/).
 *  2. Start PostgreSQL + Redis + n8n main + 2 workers (timed).
 *  3. Static data: Webhook -> Code incrementing $getWorkflowStaticData('global').counter, seeded
 *     with counter 100. Three sequential calls. Measured n8n 2.41.1 behaviour (queue-mode.md): a
 *     worker execution starts from empty static data, so every call answers 1 and the stored object
 *     ends as {"global":{"counter":1}} (seed and other keys gone). The smoke asserts that.
 *  4. Data Table: Webhook -> table create (if not exists) -> row get (alwaysOutputData) -> Code +1
 *     -> row upsert. Three sequential calls answer 1, 2, 3: state in a Data Table persists.
 *  5. Every execution ran on a worker (its log says "Worker started execution <id>") and main only
 *     enqueued it ("Enqueued execution <id>").
 *  6. Stop (timed) and check that no process we started is left.
 *
 * Exit code 0 when everything holds; the report lists each check. E2E_KEEP=1 keeps logs and data.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildAndPack, nodeOutput, trackTempFolder } from '../e2e/n8n.cjs';
import { ensureRuntime } from '../e2e/runtime.cjs';
import { startQueueCluster, type QueueCluster, type QueueExecution } from './cluster.cjs';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const say = (message: string) => process.stdout.write(`${message}\n`);

interface Check {
	name: string;
	ok: boolean;
	detail: string;
}
const checks: Check[] = [];
function check(name: string, ok: boolean, detail: string): void {
	checks.push({ name, ok, detail });
	say(`   ${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
}

// ---------------------------------------------------------------------------------------------
// Workflows

function webhookNode(webhookPath: string) {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		// Answers with the first item of the last node once the worker has finished.
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', options: {} },
	};
}

function codeNode(name: string, jsCode: string, x: number) {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [x, 0],
		parameters: { jsCode },
	};
}

/** Builds `connections` for a straight chain of nodes. */
function chain(...names: string[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

const STATIC_PATH = 'queue-smoke-static-data';
const staticDataWorkflow = {
	name: 'queue smoke: static data counter',
	nodes: [
		webhookNode(STATIC_PATH),
		codeNode(
			'Count',
			[
				"const data = $getWorkflowStaticData('global');",
				'data.counter = (data.counter ?? 0) + 1;',
				'return [{ json: { counter: data.counter } }];',
			].join('\n'),
			220,
		),
	],
	connections: chain('Webhook', 'Count'),
	settings: { executionOrder: 'v1' },
	// Seed: in regular mode the first call would answer 101 and keep `keep`.
	staticData: { global: { counter: 100, keep: 'x' } },
};

const TABLE = 'queue_smoke_counter'; // lower case: the node lowercases names when looking them up
const TABLE_PATH = 'queue-smoke-data-table';
const dataTableRef = { __rl: true, mode: 'name', value: TABLE };
const keyFilter = {
	matchType: 'allConditions',
	filters: { conditions: [{ keyName: 'key', condition: 'eq', keyValue: 'counter' }] },
};
const dataTableWorkflow = {
	name: 'queue smoke: data table counter',
	nodes: [
		webhookNode(TABLE_PATH),
		{
			id: randomUUID(),
			name: 'Create table',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			position: [220, 0],
			parameters: {
				resource: 'table',
				operation: 'create',
				tableName: TABLE,
				columns: {
					column: [
						{ name: 'key', type: 'string' },
						{ name: 'value', type: 'number' },
					],
				},
				// Without it a second execution fails: the table exists.
				options: { createIfNotExists: true },
			},
		},
		{
			id: randomUUID(),
			name: 'Get row',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			position: [440, 0],
			// No matching row -> no items; this makes it pass one empty item on.
			alwaysOutputData: true,
			parameters: {
				resource: 'row',
				operation: 'get',
				dataTableId: dataTableRef,
				...keyFilter,
			},
		},
		codeNode(
			'Plus one',
			[
				'const row = $input.first().json;',
				"const value = (typeof row.value === 'number' ? row.value : 0) + 1;",
				"return [{ json: { key: 'counter', value } }];",
			].join('\n'),
			660,
		),
		{
			id: randomUUID(),
			name: 'Upsert row',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			position: [880, 0],
			parameters: {
				resource: 'row',
				operation: 'upsert',
				dataTableId: dataTableRef,
				...keyFilter,
				columns: {
					mappingMode: 'defineBelow',
					value: { key: 'counter', value: '={{ $json.value }}' },
					matchingColumns: [],
					schema: [
						{
							id: 'key',
							displayName: 'key',
							required: false,
							defaultMatch: false,
							display: true,
							type: 'string',
							canBeUsedToMatch: true,
						},
						{
							id: 'value',
							displayName: 'value',
							required: false,
							defaultMatch: false,
							display: true,
							type: 'number',
							canBeUsedToMatch: true,
						},
					],
				},
				options: {},
			},
		},
	],
	connections: chain('Webhook', 'Create table', 'Get row', 'Plus one', 'Upsert row'),
	settings: { executionOrder: 'v1' },
};

// ---------------------------------------------------------------------------------------------

/** Calls a webhook `times` times one after another; returns the answers' bodies. */
async function callSequentially(cluster: QueueCluster, webhookPath: string, times: number) {
	const bodies: unknown[] = [];
	for (let i = 0; i < times; i++) {
		const started = Date.now();
		const answer = await cluster.callWebhook(webhookPath, { body: { call: i + 1 } });
		if (answer.status !== 200) {
			throw new Error(`webhook ${webhookPath} call ${i + 1} -> ${answer.status}: ${answer.text}`);
		}
		say(`   call ${i + 1}: ${answer.text} (${Date.now() - started} ms)`);
		bodies.push(answer.body);
	}
	return bodies;
}

/** Every execution ran on a worker and main only enqueued it. */
function checkOnWorkers(cluster: QueueCluster, what: string, executions: QueueExecution[]): void {
	const mainLog = fs.readFileSync(cluster.logFiles.main, 'utf8');
	const notOnWorker = executions.filter((e) => !e.worker).map((e) => e.id);
	const notEnqueued = executions
		.filter((e) => !new RegExp(`Enqueued execution ${e.id} \\(job`).test(mainLog))
		.map((e) => e.id);
	const startedOnMain = executions
		.filter((e) => new RegExp(`Worker started execution ${e.id} \\(`).test(mainLog))
		.map((e) => e.id);
	const where = executions.map((e) => `#${e.id} ${e.status} ${e.mode} on ${e.worker ?? '?'}`);
	check(
		`${what}: executions ran on workers`,
		executions.length > 0 &&
			notOnWorker.length === 0 &&
			notEnqueued.length === 0 &&
			startedOnMain.length === 0,
		`${where.join(', ')}` +
			(notOnWorker.length ? `; no worker ran ${notOnWorker.join(', ')}` : '') +
			(notEnqueued.length ? `; main did not enqueue ${notEnqueued.join(', ')}` : ''),
	);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function main(): Promise<number> {
	const totalStarted = Date.now();
	say('== queue smoke: runtime + build + pack');
	let t = Date.now();
	const rt = await ensureRuntime();
	const pkg = buildAndPack();
	trackTempFolder(path.dirname(pkg.tarball)); // removed on Ctrl-C too
	say(`   ${path.basename(pkg.tarball)} (${seconds(Date.now() - t)})`);

	say('== queue smoke: start PostgreSQL + Redis + main + 2 workers');
	let cluster: QueueCluster;
	try {
		cluster = await startQueueCluster({ rt, pkg, log: (m) => say(`   ${m}`) });
	} catch (error) {
		pkg.cleanup?.();
		throw error;
	}
	say(`   started in ${seconds(cluster.startMs)}; logs: ${JSON.stringify(cluster.logFiles)}`);
	const pids = [
		cluster.server.pid,
		...cluster.workers.map((w) => w.pid),
		cluster.services.redis.pid,
		cluster.services.postgres.pid,
	];
	let stopMs = 0;
	try {
		say('== (a) static data counter (Code node), 3 sequential webhook calls');
		t = Date.now();
		const staticId = await cluster.deployWorkflow(staticDataWorkflow);
		say(`   deployed ${staticId} (import + publish + live on main) in ${seconds(Date.now() - t)}`);
		const staticAnswers = await callSequentially(cluster, STATIC_PATH, 3);
		const counters = staticAnswers.map((body) => (body as { counter?: unknown }).counter);
		const stored = await cluster.staticData(staticId);
		check(
			'static data does NOT persist across worker executions',
			counters.every((c) => c === 1) &&
				JSON.stringify(stored) === JSON.stringify({ global: { counter: 1 } }),
			`answers ${JSON.stringify(counters)} (regular mode: 101, 102, 103); stored afterwards ` +
				`${JSON.stringify(stored)} (seeded {"global":{"counter":100,"keep":"x"}})`,
		);
		checkOnWorkers(cluster, 'static data', await cluster.waitForExecutions(staticId, 3));

		say('== (b) Data Table counter: create table, get row, +1, upsert; 3 sequential calls');
		t = Date.now();
		const tableId = await cluster.deployWorkflow(dataTableWorkflow);
		say(`   deployed ${tableId} in ${seconds(Date.now() - t)}`);
		const tableAnswers = await callSequentially(cluster, TABLE_PATH, 3);
		const values = tableAnswers.map((body) => (body as { value?: unknown }).value);
		check(
			'Data Table state persists across worker executions',
			JSON.stringify(values) === '[1,2,3]',
			`answers ${JSON.stringify(values)} (want [1,2,3])`,
		);
		const tableExecutions = await cluster.waitForExecutions(tableId, 3);
		checkOnWorkers(cluster, 'data table', tableExecutions);
		// Full run data over REST: the newest execution's Upsert row output.
		const newest = await cluster.execution(tableExecutions[0].id);
		const upserted = nodeOutput(newest, 'Upsert row');
		check(
			'execution run data via REST',
			newest.status === 'success' && upserted[0]?.value === 3,
			`#${newest.id} ${newest.status} on ${newest.worker ?? '?'}; Upsert row -> ${JSON.stringify(upserted)}`,
		);
		const rows = await cluster.sql(`SELECT count(*) FROM data_table WHERE name = '${TABLE}'`);
		check(
			'one data table created (createIfNotExists)',
			rows === '1',
			`data_table rows named ${TABLE}: ${rows}`,
		);
	} catch (error) {
		check('smoke ran to the end', false, (error as Error).message);
		say(cluster.logTails(2000));
	} finally {
		say('== queue smoke: stop');
		stopMs = (await cluster.stop()).ms;
		pkg.cleanup?.();
		say(`   stopped in ${seconds(stopMs)}`);
	}
	const left = pids.filter(pidAlive);
	check(
		'no process left after stop',
		left.length === 0,
		left.length ? `alive: ${left.join(', ')}` : `pids ${pids.join(', ')} gone`,
	);

	say('');
	say('== queue smoke report');
	for (const c of checks) say(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}`);
	const failed = checks.filter((c) => !c.ok);
	say(
		`${checks.length - failed.length} passed, ${failed.length} failed; cluster start ${seconds(cluster.startMs)}, ` +
			`stop ${seconds(stopMs)}, total ${seconds(Date.now() - totalStarted)}`,
	);
	return failed.length ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`queue smoke: ${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
