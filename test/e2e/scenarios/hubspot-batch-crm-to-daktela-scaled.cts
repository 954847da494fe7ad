/**
 * The scaled batch CRM -> Daktela template with HubSpot (checkpoint in n8n's Data Table
 * `daktela_sync_state`), in a real single n8n (`n8n start`: `n8n execute` does not load Data
 * Tables) whose api.hubapi.com is the sandbox HubSpot, each run started through a Webhook trigger
 * added next to the template's schedule (as odoo-batch-crm-to-daktela-scaled.cts):
 *
 *  1. first run: the table is created, everything lands in Daktela, the state rows hold the
 *     cursors (the latest last-modified dates), nothing is in static data;
 *  2. second run: Get Cursor reads the rows: no Daktela request at all;
 *  3. one HubSpot contact changed: exactly that contact is written (1 PUT), the contacts row
 *     moves to version 2 with the cursor at its lastmodifieddate, the accounts row stays;
 *  4. one contact Daktela rejects next to a valid change: the valid one is written, the contacts
 *     row's cursor stays before the failed one.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { callWebhook, nodeOutput, type ExecutionRun } from '../n8n.cjs';
import { getExecution, listExecutions, ownerClient, waitForPublication } from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import { sleep, withRunNowWebhook } from './lib/helpers.cjs';
import { checkHubspotLanded, hubspotAndN8n, latestModified } from './lib/hubspot.cjs';

const COMMIT = { accounts: 'Commit accounts cursor', contacts: 'Commit contacts cursor' };

export const scenario: Scenario = {
	template: 'hubspot-batch-crm-to-daktela-scaled.json',
	title:
		'HubSpot batch CRM -> Daktela, scaled: checkpoint in a Data Table, data, nothing twice, one change, failure holds',
	async run(ctx) {
		let hubspotNow = Date.now() - 20 * 60_000;
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx, { now: () => new Date(hubspotNow) });
		const creds = await ctx.sandboxCredentials(n8n, { daktela, hubspot });
		const id = await n8n.importWorkflow(
			withRunNowWebhook(bindCredentials(ctx.workflow, creds), 'hubspot-scaled-sync', null),
		);
		await n8n.publishWorkflow(id);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, id);
		let count = 0;
		const run = async (label: string): Promise<ExecutionRun> => {
			const answer = await callWebhook(server, 'hubspot-scaled-sync', { body: {} });
			assert.equal(answer.status, 200, `${label}: ${answer.text.slice(0, 500)}`);
			count++;
			for (let i = 0; i < 120; i++) {
				const list = await listExecutions(rest, id);
				if (list.length >= count && list[0].stoppedAt) {
					assert.equal(list[0].status, 'success', `${label}: ${JSON.stringify(list[0])}`);
					return (await getExecution(rest, list[0].id, n8n.rt.dir)) as unknown as ExecutionRun;
				}
				await sleep(250);
			}
			throw new Error(`${label}: no finished execution`);
		};
		const summary = (result: ExecutionRun, entity: keyof typeof COMMIT) =>
			nodeOutput(result, COMMIT[entity])[0] as
				| { created?: number; updated?: number; failed?: number }
				| undefined;
		const savedRow = (result: ExecutionRun, entity: string) =>
			nodeOutput(result, `Save ${entity} state`) as Array<{
				id: number;
				version: number;
				state: string;
			}>;
		const rowCursor = (row: { state: string } | undefined) =>
			row ? (JSON.parse(row.state) as { cursor?: string }).cursor : undefined;
		const contactId = (lastname: string) =>
			hubspot.store.all('contacts').find((c) => c.properties.lastname === lastname)!.id;

		// 1. Everything lands; the state goes to the table, not to static data.
		const first = await run('first run');
		assert.equal(summary(first, 'accounts')?.created, 2);
		assert.equal(summary(first, 'contacts')?.created, 4);
		checkHubspotLanded('first run', hubspot, daktela);
		const [contactsRow] = savedRow(first, 'contacts');
		assert.equal(contactsRow?.version, 1, JSON.stringify(savedRow(first, 'contacts')));
		assert.equal(rowCursor(contactsRow), latestModified(hubspot, 'contacts'));
		assert.equal(rowCursor(savedRow(first, 'accounts')[0]), latestModified(hubspot, 'companies'));
		const exported = await n8n.exportWorkflow(id);
		assert.ok(
			!JSON.stringify(exported.staticData ?? {}).includes('syncCheckpoint'),
			`nothing in static data: ${JSON.stringify(exported.staticData)}`,
		);

		// 2. Nothing changed: Daktela is not asked anything.
		daktela.counters.reset();
		const second = await run('second run');
		assert.equal(daktela.counters.total(), 0, JSON.stringify(daktela.requests.slice(-3)));
		assert.equal(savedRow(second, 'contacts').length, 0, 'nothing to save');

		// 3. One contact changed: one PUT; contacts row at version 2, accounts row untouched.
		hubspotNow += 60_000;
		const jana = hubspot.store.update('contacts', contactId('Nováková'), {
			phone: '+420 601 999 888',
		});
		daktela.counters.reset();
		const third = await run('third run');
		assert.equal(daktela.counters.get('PUT', 'contacts'), 1);
		assert.equal(daktela.counters.get('POST'), 0);
		assert.equal(summary(third, 'contacts')?.updated, 1);
		const thirdRows = savedRow(third, 'contacts');
		assert.deepEqual(
			thirdRows.map((row) => [row.id, row.version]),
			[[contactsRow.id, 2]],
		);
		assert.equal(rowCursor(thirdRows[0]), jana.properties.lastmodifieddate);
		assert.equal(savedRow(third, 'accounts').length, 0);

		// 4. Daktela rejects one contact; the valid change is written; the row cursor holds.
		hubspotNow += 60_000;
		const eva = hubspot.store.update('contacts', contactId('Dvořáková'), {
			email: 'eva.@globex.example',
		});
		hubspotNow += 60_000;
		hubspot.store.update('contacts', contactId('Svoboda'), { jobtitle: 'Sales' });
		const fourth = await run('fourth run');
		assert.equal(summary(fourth, 'contacts')?.failed, 1);
		assert.equal(summary(fourth, 'contacts')?.updated, 1);
		const held = savedRow(fourth, 'contacts').map(rowCursor).pop() ?? rowCursor(thirdRows[0]);
		assert.ok(
			held !== undefined && held < String(eva.properties.lastmodifieddate),
			`the row cursor moved past the failed record: ${held}`,
		);
		ctx.log(`rows: contacts v${thirdRows[0].version}, cursor held at ${held}`);
	},
};
