/**
 * The scaled batch CRM -> Daktela template (checkpoint in n8n's Data Table `daktela_sync_state`)
 * with Odoo, in a real single n8n (`n8n start`: the Data Table module is not loaded by `n8n
 * execute`) against the sandbox Odoo and Daktela, each run started through a Webhook trigger added
 * next to the template's schedule. The queue-mode proof (main + 2 workers) is `npm run test:queue`;
 * this one runs in every CI:
 *
 *  1. first run: the Data Table node creates the table, everything lands in Daktela, Commit hands
 *     Save a row at version 1 and the state row holds the cursor; nothing is in static data;
 *  2. second run: Get Cursor reads the row (version 1): no Daktela request at all;
 *  3. one Odoo person changed: exactly that contact is written, the contacts row moves to version
 *     2 with the cursor at its write_date, the accounts row stays at version 1;
 *  4. an overlapping run's save arriving late (the template's Save node, in a second workflow, fed
 *     a commit made from version 1): added as a second row, not over the newer one; the next run
 *     keeps the newer cursor and reports the superseded commit.
 */
import assert from 'node:assert/strict';

import { randomUUID } from 'node:crypto';

import type { Scenario } from '../context.cjs';
import {
	callWebhook,
	nodeOutput,
	type ExecutionRun,
	type N8n,
	type ServerHandle,
} from '../n8n.cjs';
import { getExecution, listExecutions, ownerClient, waitForPublication } from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import { latestWriteDate, odooToIso, sleep, withRunNowWebhook } from './lib/helpers.cjs';

const COMMIT = { accounts: 'Commit accounts cursor', contacts: 'Commit contacts cursor' };

interface Runner {
	(label: string, body?: unknown): Promise<ExecutionRun>;
}

/** Calls the webhook and returns the finished execution with its run data. */
function runner(
	n8n: N8n,
	server: ServerHandle,
	rest: Awaited<ReturnType<typeof ownerClient>>,
	id: string,
	path: string,
): Runner {
	let count = 0;
	return async (label, body = {}) => {
		const answer = await callWebhook(server, path, { body });
		assert.equal(answer.status, 200, `${label}: ${answer.text.slice(0, 500)}`);
		count++;
		for (let i = 0; i < 80; i++) {
			const list = await listExecutions(rest, id);
			if (list.length >= count && list[0].stoppedAt) {
				assert.equal(list[0].status, 'success', `${label}: ${JSON.stringify(list[0])}`);
				return (await getExecution(rest, list[0].id, n8n.rt.dir)) as unknown as ExecutionRun;
			}
			await sleep(250);
		}
		throw new Error(`${label}: no finished execution`);
	};
}

interface GetState {
	from: string;
	version: number;
	rows: number;
	superseded: Array<{ runId: string | null; cursor: string | null }>;
}

export const scenario: Scenario = {
	template: 'odoo-batch-crm-to-daktela-scaled.json',
	title:
		'Odoo batch CRM -> Daktela, scaled: checkpoint in a Data Table, versioned saves, a late save cannot go back',
	async run(ctx) {
		let odooNow = Date.now() - 20 * 60_000;
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo({ now: () => new Date(odooNow) });
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
		const workflow = bindCredentials(ctx.workflow, creds);
		const id = await n8n.importWorkflow(withRunNowWebhook(workflow, 'scaled-sync', null));
		await n8n.publishWorkflow(id);
		// 4.'s late save: the template's own Save node behind a webhook that passes the body on.
		const saveNode = workflow.nodes.find((node) => node.name === 'Save contacts state')!;
		const replayId = await n8n.importWorkflow({
			id: 'dktLateSave',
			name: 'late save',
			nodes: [
				{
					id: randomUUID(),
					name: 'Late commit',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: {
						httpMethod: 'POST',
						path: 'late-save',
						responseMode: 'lastNode',
						options: {},
					},
				},
				{
					id: randomUUID(),
					name: 'Commit output',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: { mode: 'raw', jsonOutput: '={{ $json.body }}', options: {} },
				},
				{ ...saveNode, id: randomUUID(), position: [400, 0] },
			],
			connections: {
				'Late commit': { main: [[{ node: 'Commit output', type: 'main', index: 0 }]] },
				'Commit output': { main: [[{ node: 'Save contacts state', type: 'main', index: 0 }]] },
			},
		});
		await n8n.publishWorkflow(replayId);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, id);
		await waitForPublication(rest, replayId);
		const run = runner(n8n, server, rest, id, 'scaled-sync');
		const replay = runner(n8n, server, rest, replayId, 'late-save');
		const summary = (result: ExecutionRun, entity: string) =>
			nodeOutput(result, COMMIT[entity as keyof typeof COMMIT])[0] as
				| { created?: number; updated?: number; save?: Record<string, unknown> }
				| undefined;
		const ran = (result: ExecutionRun, node: string) =>
			(result.data?.resultData?.runData?.[node]?.length ?? 0) > 0;
		const getState = (result: ExecutionRun, entity: string) =>
			(nodeOutput(result, `Get ${entity} cursor`)[0] as { state: GetState } | undefined)?.state;
		const savedRow = (result: ExecutionRun, entity: string) =>
			nodeOutput(result, `Save ${entity} state`) as Array<{
				id: number;
				version: number;
				state: string;
			}>;

		// 1. Everything lands; the state goes to the table, not to static data.
		const first = await run('first run');
		assert.equal(summary(first, 'accounts')?.created, 2);
		assert.equal(summary(first, 'contacts')?.created, 4);
		assert.deepEqual(getState(first, 'contacts'), {
			from: 'dataTable',
			version: 0,
			rowId: null,
			rows: 0,
			superseded: [],
			staleRows: 0,
		});
		const [contactsRow] = savedRow(first, 'contacts');
		assert.equal(contactsRow?.version, 1, JSON.stringify(savedRow(first, 'contacts')));
		assert.equal(
			JSON.parse(contactsRow.state).cursor,
			latestWriteDate(odoo, false),
			'contacts row cursor',
		);
		const exported = await n8n.exportWorkflow(id);
		assert.ok(
			!JSON.stringify(exported.staticData ?? {}).includes('syncCheckpoint'),
			`nothing in static data: ${JSON.stringify(exported.staticData)}`,
		);

		// 2. Nothing changed: the row's cursor is used, Daktela is not asked anything.
		daktela.counters.reset();
		const second = await run('second run');
		assert.equal(daktela.counters.total(), 0, JSON.stringify(daktela.requests.slice(-3)));
		assert.equal(getState(second, 'contacts')?.version, 1);
		assert.ok(!ran(second, 'Save contacts state'), 'nothing to save');

		// 3. One person changed: one PUT; contacts row at version 2, accounts row untouched.
		odooNow += 60_000;
		odoo.store.write('res.partner', [3], { phone: '+420 601 999 888' });
		const jana = odoo.store.peek('res.partner', 3)!;
		daktela.counters.reset();
		const third = await run('third run');
		assert.equal(daktela.counters.get('PUT', 'contacts'), 1);
		assert.equal(summary(third, 'contacts')?.updated, 1);
		const thirdRows = savedRow(third, 'contacts');
		assert.deepEqual(
			thirdRows.map((row) => [row.id, row.version]),
			[[contactsRow.id, 2]],
		);
		assert.equal(JSON.parse(thirdRows[0].state).cursor, odooToIso(jana.write_date));
		assert.ok(!ran(third, 'Save accounts state'));

		// 4. A late save from an overlapping run that started at version 1 (after the first run).
		const late = summary(first, 'contacts')!.save!;
		const replayed = await replay('late save', {
			save: { ...late, version: 2, expectedVersion: 1 },
		});
		const lateRows = nodeOutput(replayed, 'Save contacts state') as Array<{
			id: number;
			version: number;
		}>;
		assert.equal(lateRows.length, 1);
		assert.notEqual(lateRows[0].id, contactsRow.id, 'the late save did not overwrite the row');

		daktela.counters.reset();
		const fourth = await run('run after the late save');
		const state = getState(fourth, 'contacts');
		assert.equal(state?.version, 2);
		assert.equal(state?.rows, 2);
		assert.equal(state?.superseded.length, 1, JSON.stringify(state));
		const get = nodeOutput(fourth, 'Get contacts cursor')[0] as {
			cursor: { time: string } | null;
		};
		assert.equal(get.cursor?.time, odooToIso(jana.write_date), 'the newer cursor won');
		assert.equal(daktela.counters.get('POST') + daktela.counters.get('PUT'), 0);
		ctx.log(`late save kept apart: ${JSON.stringify(state?.superseded)}`);
	},
};
