/**
 * The batch HubSpot -> Daktela template's "deleted since" rows, in a real n8n whose api.hubapi.com
 * is the sandbox HubSpot (2 companies, 4 contacts, plus 8 of each added here) and the sandbox
 * Daktela, run with `n8n execute`:
 *
 *  1. first run: 10 accounts and 12 contacts land; 101 contacts deleted (archived) in HubSpot
 *     before it never reached Daktela: the archived list is read over two pages (`after` in the
 *     query string) and nothing is deleted; a contact made by hand in Daktela is kept;
 *  2. a company and its contact deleted in HubSpot: the contact is deleted in Daktela, then the
 *     account (Daktela refuses an account that still has contacts), exactly those two DELETEs; each
 *     Commit counts one and its cursor moves to the record's `archivedAt`;
 *  3. nothing newly deleted: no Daktela DELETE (the older archived records are skipped);
 *  4. four contacts deleted at once (4 of 11 = 36%, over the template's 20%): nothing is deleted,
 *     the four fail with the safety-limit message and the cursor holds.
 * HubSpot's clock is set 20 minutes back, so deletions are "settled" for the checkpoint (older
 * than its 60 s lookback), as they are between two scheduled runs.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { bindCredentials } from '../workflow.cjs';
import {
	assertBatchOverTheLimit,
	checkpointsOf,
	commitSummary,
	daktelaDeletes,
	putManualContact,
	runOk,
} from './lib/helpers.cjs';
import { checkHubspotLanded, hubspotAndN8n } from './lib/hubspot.cjs';

const SYNC = 'hubspot-to-daktela';
const COMMIT = {
	contacts: 'Commit deleted-contacts cursor',
	accounts: 'Commit deleted-accounts cursor',
};

export const scenario: Scenario = {
	template: 'hubspot-batch-crm-to-daktela.json',
	title:
		'HubSpot batch CRM -> Daktela: deleted (archived) in HubSpot -> deleted in Daktela, contacts first, safety limit, prefix guard',
	async run(ctx) {
		let hubspotNow = Date.now() - 20 * 60_000;
		const tick = () => (hubspotNow += 60_000);
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx, { now: () => new Date(hubspotNow) });
		// More records than the seed's 2 + 4, so one deletion stays under the template's 20% limit;
		// extra person i works at extra company i.
		const extra: Array<{ company: string; person: string }> = [];
		for (let i = 1; i <= 8; i++) {
			const company = hubspot.store.create('companies', { name: `Extra Company ${i}` });
			const person = hubspot.store.create('contacts', {
				firstname: 'Extra',
				lastname: `Person ${i}`,
				email: `extra.${i}@example.com`,
				associatedcompanyid: company.id,
			});
			hubspot.store.associate(person, company);
			extra.push({ company: company.id, person: person.id });
		}
		// Deleted in HubSpot before the sync ever ran: more than one page of the archived list.
		for (let i = 1; i <= 101; i++) {
			const gone = hubspot.store.create('contacts', { firstname: 'Gone', lastname: `Early ${i}` });
			hubspot.store.archive('contacts', gone.id);
		}
		const creds = await ctx.sandboxCredentials(n8n, { daktela, hubspot });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));
		const deletes = () => daktelaDeletes(daktela);
		const archivedLists = (object: 'contacts' | 'companies') =>
			hubspot.requests
				.filter((r) => r.method === 'GET' && r.path === `/crm/v3/objects/${object}`)
				.map((r) => new URLSearchParams(r.query))
				.filter((q) => q.get('archived') === 'true')
				.map((q) => q.get('after'));
		const contacts = () => daktela.store.list('contacts').map((r) => String(r.name));

		// 1. Everything lands; the records deleted before are read (two pages) and left alone.
		const first = await runOk(n8n, id, 'first run');
		checkHubspotLanded('first run', hubspot, daktela);
		assert.equal(daktela.store.list('accounts').length, 10);
		assert.equal(contacts().length, 12);
		assert.deepEqual(archivedLists('contacts'), [null, '100'], 'the archived list, page by page');
		assert.deepEqual(archivedLists('companies'), [null]);
		const early = commitSummary(first, COMMIT.contacts);
		assert.equal(early?.total, 101, JSON.stringify(early));
		assert.equal(early?.failed, 0, JSON.stringify(early));
		const manual = putManualContact(daktela);

		// 2. A company and its contact deleted in HubSpot: the contact goes first, then the account.
		tick();
		const person = hubspot.store.archive('contacts', extra[0].person);
		const company = hubspot.store.archive('companies', extra[0].company);
		daktela.requests.length = 0;
		hubspot.resetRequests();
		const second = await runOk(n8n, id, 'deleted company and contact');
		assert.deepEqual(deletes(), [
			`contacts/crm_person_${person.id}.json`,
			`accounts/crm_account_${company.id}.json`,
		]);
		assert.ok(!contacts().includes(`crm_person_${person.id}`));
		assert.ok(!daktela.store.get('accounts', `crm_account_${company.id}`), 'the account stayed');
		assert.ok(contacts().includes(manual), 'a contact the sync did not create was deleted');
		for (const commit of [COMMIT.contacts, COMMIT.accounts]) {
			const removed = commitSummary(second, commit);
			assert.equal(removed?.failed, 0, JSON.stringify(removed));
			assert.equal(removed?.total, 1, JSON.stringify(removed));
		}
		const stored = await checkpointsOf(n8n, id, SYNC);
		assert.equal(stored['deleted-contacts']?.cursor, person.archivedAt);
		assert.equal(stored['deleted-accounts']?.cursor, company.archivedAt);

		// 3. Nothing newly deleted: nothing is deleted again.
		daktela.requests.length = 0;
		await runOk(n8n, id, 'again');
		assert.deepEqual(deletes(), [], 'a second run deleted again');

		// 4. Four contacts deleted at once: over the safety limit, nothing is deleted.
		tick();
		const four = extra.slice(1, 5).map((e) => e.person);
		for (const contactId of four) hubspot.store.archive('contacts', contactId);
		daktela.requests.length = 0;
		const fourth = await runOk(n8n, id, 'over the safety limit');
		const reason = assertBatchOverTheLimit(daktela, fourth, COMMIT.contacts, 4, 11);
		assert.equal(contacts().length, 12, 'contacts were deleted over the limit');
		const after = await checkpointsOf(n8n, id, SYNC);
		assert.equal(after['deleted-contacts']?.cursor, person.archivedAt, 'the cursor moved');
		ctx.log(`over the limit: ${reason}`);
	},
};
