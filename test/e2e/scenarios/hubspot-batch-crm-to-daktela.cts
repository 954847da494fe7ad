/**
 * The batch CRM -> Daktela template with HubSpot, in a real n8n whose api.hubapi.com is the
 * sandbox HubSpot (seeded: 2 companies, 4 contacts; CRM v3 search), run with `n8n execute`:
 *
 *  1. first run: Daktela's accounts and contacts equal HubSpot's companies and contacts (by
 *     external id, every mapped field); each cursor = the latest last-modified date it processed;
 *  2. second run, HubSpot answering the first companies search 429: retried, the run succeeds, no
 *     Daktela request at all, cursors unchanged;
 *  3. one HubSpot contact changed: only that contact is written (1 PUT), its cursor moves to the
 *     contact's lastmodifieddate, the accounts cursor stays;
 *  4. one contact Daktela rejects (invalid e-mail) and one valid change: the valid one is written,
 *     the failed one is reported and the contacts cursor does not move past it;
 *  5. the contact fixed in HubSpot: written, the cursor moves past it;
 *  6. 150 new contacts (more than one search page of 100): all land in one run, the search
 *     followed `paging.next.after`.
 * HubSpot's clock is set 20 minutes back, so changes are "settled" for the checkpoint (older than
 * its 60 s lookback), as they are between two scheduled runs.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import type { ExecutionResult } from '../n8n.cjs';
import { bindCredentials } from '../workflow.cjs';
import { checkpointsOf, commitSummary, ran, runOk } from './lib/helpers.cjs';
import { checkHubspotLanded, hubspotAndN8n, latestModified, searches } from './lib/hubspot.cjs';

const SYNC = 'hubspot-to-daktela';
const COMMIT = { accounts: 'Commit accounts cursor', contacts: 'Commit contacts cursor' };

export const scenario: Scenario = {
	template: 'hubspot-batch-crm-to-daktela.json',
	title:
		'HubSpot batch CRM -> Daktela: data, 429 retried, second run writes nothing, changes, failed record holds the cursor, > 1 page',
	async run(ctx) {
		let hubspotNow = Date.now() - 20 * 60_000;
		const tick = () => (hubspotNow += 60_000);
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx, { now: () => new Date(hubspotNow) });
		const creds = await ctx.sandboxCredentials(n8n, { daktela, hubspot });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));

		const checkLanded = (label: string) => checkHubspotLanded(label, hubspot, daktela);
		// The stored cursors (one `n8n export:workflow`, a few seconds: read after runs 2 and 6);
		// after the other runs, the cursor Commit saved (its summary: cursorAfter, persisted).
		const cursors = async () => {
			const stored = await checkpointsOf(n8n, id, SYNC);
			return { accounts: stored.accounts?.cursor, contacts: stored.contacts?.cursor };
		};
		const committed = (result: ExecutionResult, entity: keyof typeof COMMIT) => {
			const summary = commitSummary(result, COMMIT[entity]);
			assert.equal(summary?.persisted, true, JSON.stringify(summary));
			return summary?.cursorAfter?.time;
		};
		const contactId = (lastname: string) =>
			hubspot.store.all('contacts').find((c) => c.properties.lastname === lastname)!.id;

		// 1. Everything lands.
		const first = await runOk(n8n, id, 'first run');
		checkLanded('first run');
		assert.equal(commitSummary(first, COMMIT.accounts)?.created, 2);
		assert.equal(commitSummary(first, COMMIT.contacts)?.created, 4);
		assert.equal(daktela.counters.get('POST'), 6, JSON.stringify(daktela.counters.snapshot()));
		const afterFirst = {
			accounts: committed(first, 'accounts'),
			contacts: committed(first, 'contacts'),
		};
		assert.equal(afterFirst.accounts, latestModified(hubspot, 'companies'), 'accounts cursor');
		assert.equal(afterFirst.contacts, latestModified(hubspot, 'contacts'), 'contacts cursor');

		// 2. Nothing changed; HubSpot rate-limits the first search: retried, nothing written.
		daktela.counters.reset();
		hubspot.resetRequests();
		hubspot.rateLimitNext(1, '/crm/v3/objects/companies/search');
		const second = await runOk(n8n, id, 'second run');
		assert.deepEqual(
			searches(hubspot, 'companies').map((s) => s.status),
			[429, 200],
			'the 429 was retried',
		);
		assert.equal(
			daktela.counters.total(),
			0,
			`run 2 needs no Daktela request: ${JSON.stringify(daktela.requests.slice(-4))}`,
		);
		assert.ok(!ran(second, COMMIT.contacts), 'nothing reached Commit');
		assert.deepEqual(await cursors(), afterFirst, 'cursors after run 2');

		// 3. One contact changed.
		tick();
		const jana = hubspot.store.update('contacts', contactId('Nováková'), {
			phone: '+420 601 999 888',
		});
		daktela.counters.reset();
		const third = await runOk(n8n, id, 'third run');
		assert.equal(
			daktela.counters.get('PUT', 'contacts'),
			1,
			JSON.stringify(daktela.counters.snapshot()),
		);
		assert.equal(daktela.counters.get('POST') + daktela.counters.get('PUT', 'accounts'), 0);
		assert.equal(commitSummary(third, COMMIT.contacts)?.updated, 1);
		checkLanded('third run');
		assert.equal(committed(third, 'contacts'), jana.properties.lastmodifieddate, 'cursor = Jana');
		assert.ok(!ran(third, COMMIT.accounts), 'no account changed: the accounts cursor stays');

		// 4. Daktela rejects one contact (invalid e-mail); another change is written.
		tick();
		const eva = hubspot.store.update('contacts', contactId('Dvořáková'), {
			email: 'eva.@globex.example',
		});
		const badModified = String(eva.properties.lastmodifieddate);
		tick();
		hubspot.store.update('contacts', contactId('Svoboda'), { jobtitle: 'Sales' });
		daktela.counters.reset();
		const fourth = await runOk(n8n, id, 'fourth run');
		const failedRun = commitSummary(fourth, COMMIT.contacts);
		assert.equal(failedRun?.failed, 1, JSON.stringify(failedRun));
		assert.equal(failedRun?.updated, 1, JSON.stringify(failedRun));
		assert.match(String(failedRun?.failedRecords[0]?.error), /email/i);
		assert.equal(
			daktela.store.get('contacts', `crm_person_${contactId('Svoboda')}`)?.description,
			'Sales',
		);
		const heldCursor = committed(fourth, 'contacts');
		assert.ok(
			heldCursor !== undefined && heldCursor < badModified,
			`the contacts cursor moved past the failed record: ${heldCursor} >= ${badModified}`,
		);

		// 5. Fixed in HubSpot: written, and the cursor moves on.
		tick();
		const fixed = hubspot.store.update('contacts', eva.id, {
			email: 'eva.dvorakova@globex.example',
		});
		const fifth = await runOk(n8n, id, 'fifth run');
		assert.equal(commitSummary(fifth, COMMIT.contacts)?.failed, 0);
		checkLanded('fifth run');
		assert.equal(committed(fifth, 'contacts'), fixed.properties.lastmodifieddate);

		// 6. More than one page: 150 new contacts, one second apart.
		const acme = hubspot.store.all('companies')[0];
		for (let i = 1; i <= 150; i++) {
			hubspotNow += 1000;
			hubspot.store.create('contacts', {
				firstname: `Bulk${i}`,
				lastname: 'Import',
				email: `bulk${i}@acme.example`,
				phone: `+420 700 000 ${String(i).padStart(3, '0')}`,
				associatedcompanyid: acme.id,
			});
		}
		daktela.counters.reset();
		hubspot.resetRequests();
		const sixth = await runOk(n8n, id, 'sixth run (two pages)');
		assert.equal(commitSummary(sixth, COMMIT.contacts)?.created, 150);
		assert.equal(daktela.counters.get('PUT'), 0, 'nothing else was rewritten');
		assert.deepEqual(
			searches(hubspot, 'contacts').map((s) => s.after),
			[undefined, '100'],
			'the search went to the second page',
		);
		checkLanded('sixth run');
		assert.deepEqual(await cursors(), {
			accounts: afterFirst.accounts,
			contacts: latestModified(hubspot, 'contacts'),
		});
		ctx.log(`run 4 (one failure): ${failedRun?.message}`);
		ctx.log(`run 6 (150 new, 2 pages): ${commitSummary(sixth, COMMIT.contacts)?.message}`);
	},
};
