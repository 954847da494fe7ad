/**
 * The batch CRM -> Daktela template with Odoo, in a real n8n against the sandbox Odoo (seeded: 2
 * companies, 4 people) and an empty sandbox Daktela, run with `n8n execute` (its Manual Trigger):
 *
 *  1. first run: Daktela's accounts and contacts equal Odoo's companies and people (by external
 *     id, every mapped field); each checkpoint cursor = the latest write_date it processed;
 *  2. second run: no Daktela write (no POST / PUT, not even a lookup), cursors unchanged;
 * Odoo's clock is set 20 minutes back, so changes are "settled" for the checkpoint (older than its
 * 60 s lookback), as they are between two scheduled runs.
 *
 *  3. one Odoo person changed: only that contact is written (1 PUT), the contacts cursor moves to
 *     its write_date, the accounts cursor stays;
 *  4. one person Daktela rejects (invalid e-mail) and one valid change: the valid one is written,
 *     the failed one is reported and the contacts cursor does not move past it;
 *  5. the person fixed in Odoo: written, and the cursor moves past it.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { bindCredentials } from '../workflow.cjs';
import {
	checkPartnersLanded,
	checkpointsOf,
	commitSummary,
	latestWriteDate,
	odooToIso,
	ran,
	runOk,
} from './lib/helpers.cjs';

const SYNC = 'odoo-to-daktela';
const COMMIT = { accounts: 'Commit accounts cursor', contacts: 'Commit contacts cursor' };

export const scenario: Scenario = {
	template: 'odoo-batch-crm-to-daktela.json',
	title:
		'Odoo batch CRM -> Daktela: data, second run writes nothing, changes, failed record holds the cursor',
	async run(ctx) {
		// Odoo's clock runs 20 minutes behind: every change is older than the checkpoint's lookback
		// (60 s), as between two scheduled runs, so a processed version is remembered as settled.
		let odooNow = Date.now() - 20 * 60_000;
		const tick = () => (odooNow += 60_000);
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo({ now: () => new Date(odooNow) });
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));

		const checkLanded = (label: string) => checkPartnersLanded(label, odoo, daktela);
		const cursors = async () => {
			const stored = await checkpointsOf(n8n, id, SYNC);
			return { accounts: stored.accounts?.cursor, contacts: stored.contacts?.cursor };
		};

		// 1. Everything lands.
		const first = await runOk(n8n, id, 'first run');
		checkLanded('first run');
		const firstAccounts = commitSummary(first, COMMIT.accounts);
		const firstContacts = commitSummary(first, COMMIT.contacts);
		assert.equal(firstAccounts?.created, 2, JSON.stringify(firstAccounts));
		assert.equal(firstContacts?.created, 4, JSON.stringify(firstContacts));
		assert.equal(daktela.counters.get('POST'), 6, JSON.stringify(daktela.counters.snapshot()));
		let stored = await cursors();
		assert.equal(
			stored.accounts,
			latestWriteDate(odoo, true),
			'accounts cursor = latest write_date',
		);
		assert.equal(
			stored.contacts,
			latestWriteDate(odoo, false),
			'contacts cursor = latest write_date',
		);
		const afterFirst = stored;

		// 2. Nothing changed: nothing is written (the re-read boundary records are skipped).
		daktela.counters.reset();
		const second = await runOk(n8n, id, 'second run');
		assert.equal(daktela.counters.get('POST') + daktela.counters.get('PUT'), 0, 'writes on run 2');
		assert.equal(
			daktela.counters.total(),
			0,
			`run 2 needs no Daktela request at all: ${JSON.stringify(daktela.requests.slice(-4))} ${JSON.stringify(commitSummary(second, COMMIT.contacts))}`,
		);
		assert.ok(!ran(second, COMMIT.contacts), 'nothing reached Commit');
		assert.deepEqual(await cursors(), afterFirst, 'cursors after run 2');

		// 3. One person changed (a second later, so the write_date moves).
		tick();
		odoo.store.write('res.partner', [3], { phone: '+420 601 999 888' });
		const jana = odoo.store.peek('res.partner', 3)!;
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
		stored = await cursors();
		assert.equal(stored.contacts, odooToIso(jana.write_date), 'contacts cursor = Jana');
		assert.equal(stored.accounts, afterFirst.accounts, 'accounts cursor unchanged');

		// 4. Daktela rejects one person (invalid e-mail); another change is written.
		tick();
		odoo.store.write('res.partner', [5], { email: 'eva.@globex.example' });
		const badWriteDate = String(odoo.store.peek('res.partner', 5)!.write_date);
		odoo.store.write('res.partner', [4], { function: 'Sales' });
		daktela.counters.reset();
		const fourth = await runOk(n8n, id, 'fourth run');
		const failedRun = commitSummary(fourth, COMMIT.contacts);
		assert.equal(failedRun?.failed, 1, JSON.stringify(failedRun));
		assert.equal(failedRun?.updated, 1, JSON.stringify(failedRun));
		assert.match(String(failedRun?.failedRecords[0]?.error), /email/i);
		assert.equal(daktela.store.get('contacts', 'crm_person_4')?.description, 'Sales');
		assert.notEqual(
			(daktela.store.get('contacts', 'crm_person_5')?.customFields as Record<string, unknown>)
				?.email,
			['eva.@globex.example'],
		);
		stored = await cursors();
		assert.ok(
			stored.contacts !== undefined && stored.contacts < odooToIso(badWriteDate),
			`the contacts cursor moved past the failed record: ${stored.contacts} >= ${odooToIso(badWriteDate)}`,
		);

		// 5. Fixed in Odoo: written, and the cursor moves on.
		tick();
		odoo.store.write('res.partner', [5], { email: 'eva.dvorakova@globex.example' });
		const fixed = String(odoo.store.peek('res.partner', 5)!.write_date);
		daktela.counters.reset();
		const fifth = await runOk(n8n, id, 'fifth run');
		const fixedRun = commitSummary(fifth, COMMIT.contacts);
		assert.equal(fixedRun?.failed, 0, JSON.stringify(fixedRun));
		checkLanded('fifth run');
		stored = await cursors();
		assert.equal(stored.contacts, odooToIso(fixed), 'the cursor moved past the fixed record');
		ctx.log(`run 4 (one failure): ${failedRun?.message}`);
		ctx.log(`run 5 (fixed): ${fixedRun?.message}`);
	},
};
