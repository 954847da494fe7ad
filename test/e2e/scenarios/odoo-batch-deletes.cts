/**
 * The batch Odoo -> Daktela template's "deleted since" rows, in a real n8n against the sandbox Odoo
 * (2 companies, 4 people, plus 8 of each added here) and the sandbox Daktela, run with `n8n execute`:
 *
 *  1. first run: 10 accounts and 12 contacts land; a contact made by hand in Daktela is kept;
 *  2. one person archived in Odoo (active = false): its Daktela contact is deleted (one DELETE),
 *     the Commit of "deleted-contacts" counts it; the next run deletes nothing more;
 *  3. a company archived while its people are still active (1 of 10 accounts, under the limit):
 *     Daktela refuses to delete the account
 *     (it still has contacts): the item fails with Daktela's reason and that cursor holds;
 *  4. four people archived at once (4 of 11 = 36%, over the template's 20%): nothing is deleted,
 *     the four fail with the safety-limit message and the cursor holds.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { bindCredentials } from '../workflow.cjs';
import {
	assertBatchOverTheLimit,
	checkpointsOf,
	commitSummary,
	daktelaDeletes,
	odooToIso,
	putManualContact,
	runOk,
} from './lib/helpers.cjs';

const SYNC = 'odoo-to-daktela';

export const scenario: Scenario = {
	template: 'odoo-batch-crm-to-daktela.json',
	title:
		'Odoo batch CRM -> Daktela: archived in Odoo -> deleted in Daktela, safety limit, prefix guard',
	async run(ctx) {
		let odooNow = Date.now() - 20 * 60_000;
		const tick = () => (odooNow += 60_000);
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo({ now: () => new Date(odooNow) });
		// More records than the seed's 2 + 4, so one deletion stays under the template's 20% limit.
		for (let i = 1; i <= 8; i++) {
			odoo.store.create('res.partner', { name: `Extra Company ${i}`, is_company: true });
			odoo.store.create('res.partner', {
				name: `Extra Person ${i}`,
				email: `extra.${i}@example.com`,
				is_company: false,
				type: 'contact',
				parent_id: 1,
			});
		}
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));
		const deletes = () => daktelaDeletes(daktela);
		const contacts = () => daktela.store.list('contacts').map((r) => String(r.name));

		// 1. Everything lands; a contact made by hand sits next to the synced ones.
		await runOk(n8n, id, 'first run');
		assert.equal(daktela.store.list('accounts').length, 10);
		assert.equal(contacts().length, 12);
		const manual = putManualContact(daktela);

		// 2. One person archived: its contact goes.
		tick();
		const people = odoo.store.all('res.partner').filter((p) => !p.is_company);
		odoo.store.write('res.partner', [people[0].id], { active: false });
		daktela.requests.length = 0;
		const second = await runOk(n8n, id, 'archived person');
		assert.deepEqual(deletes(), [`contacts/crm_person_${people[0].id}.json`]);
		assert.ok(!contacts().includes(`crm_person_${people[0].id}`));
		assert.ok(contacts().includes(manual), 'a contact the sync did not create was deleted');
		const removed = commitSummary(second, 'Commit deleted-contacts cursor');
		assert.equal(removed?.failed, 0, JSON.stringify(removed));
		assert.equal(removed?.total, 1, JSON.stringify(removed));
		let stored = await checkpointsOf(n8n, id, SYNC);
		assert.equal(
			stored['deleted-contacts']?.cursor,
			odooToIso(odoo.store.peek('res.partner', people[0].id)!.write_date),
		);
		daktela.requests.length = 0;
		await runOk(n8n, id, 'again');
		assert.deepEqual(deletes(), [], 'a second run deleted again');

		// 3. A company archived while its people are active: Daktela keeps the account.
		tick();
		odoo.store.write('res.partner', [1], { active: false });
		const third = await runOk(n8n, id, 'archived company');
		const refused = commitSummary(third, 'Commit deleted-accounts cursor');
		assert.equal(refused?.failed, 1, JSON.stringify(refused));
		assert.match(String(refused?.failedRecords[0]?.error), /cannot be deleted/i);
		assert.ok(daktela.store.get('accounts', 'crm_account_1'), 'the account is gone');
		stored = await checkpointsOf(n8n, id, SYNC);
		assert.equal(stored['deleted-accounts']?.cursor, undefined, 'the cursor moved past a failure');
		odoo.store.write('res.partner', [1], { active: true });

		// 4. Four people archived at once: over the safety limit, nothing is deleted.
		tick();
		const four = people.slice(1, 5).map((p) => p.id);
		odoo.store.write('res.partner', four, { active: false });
		daktela.requests.length = 0;
		const fourth = await runOk(n8n, id, 'over the safety limit');
		const reason = assertBatchOverTheLimit(
			daktela,
			fourth,
			'Commit deleted-contacts cursor',
			4,
			11,
		);
		assert.equal(contacts().length, 12, 'contacts were deleted over the limit');
		const after = await checkpointsOf(n8n, id, SYNC);
		assert.equal(after['deleted-contacts']?.cursor, stored['deleted-contacts']?.cursor);
		ctx.log(`over the limit: ${reason}`);
	},
};
