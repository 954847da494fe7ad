/**
 * The real-time CRM -> Daktela template with Odoo, published on a running n8n: POSTs the way an
 * Odoo automation would, and checks n8n's answers and what lands in the sandbox Daktela.
 *
 *  - no or a wrong secret header -> 403 from n8n, no execution;
 *  - bad input (unknown entity_type, no entity_id, non-numeric ids) -> 400 with zero counts;
 *  - accounts then contacts by id (list and "1,2,3") -> 200 with counts, Daktela equals Odoo;
 *  - the same again -> 200, all unchanged, no Daktela write;
 *  - an id Odoo does not know, and a record Daktela rejects -> 207 with per-id errors;
 *  - `event: "delete"`: the contact is deleted in Daktela (200, deleted 1), a redelivery counts
 *    as done, an account with contacts is refused (207, Daktela's reason), a request over the
 *    safety limit deletes nothing (207), a contact made by hand is never touched.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { callWebhook } from '../n8n.cjs';
import { listExecutions, ownerClient, waitForPublication } from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import {
	assertOverTheLimit,
	daktelaShape,
	expectedFromOdoo,
	ONE_CONTACT_DELETED,
	putForDeletes,
} from './lib/helpers.cjs';

const SECRET = 'e2e-crm-webhook-secret-5f1e0c2a9b';
const PATH = 'odoo-to-daktela';

interface Counts {
	entity_type?: string;
	total: number;
	created: number;
	updated: number;
	unchanged: number;
	failed: number;
	deleted?: number;
	event?: string;
	errors?: Array<{ id: string | null; name: string | null; error: string }>;
	error?: string;
}

export const scenario: Scenario = {
	template: 'odoo-realtime-crm-to-daktela.json',
	title: 'Odoo real-time CRM -> Daktela: 403 / 400 / 200 / 207 with counts, data lands',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo();
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, {
			daktela,
			odoo,
			extra: [
				{
					id: 'e2eCrmWebhookSecret',
					name: 'CRM webhook secret',
					type: 'httpHeaderAuth',
					data: { name: 'X-Webhook-Secret', value: SECRET },
				},
			],
		});
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));
		await n8n.publishWorkflow(id);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, id);
		const post = async (body: unknown, secret: string | null = SECRET) => {
			const response = await callWebhook(server, PATH, {
				body,
				headers: secret === null ? {} : { 'x-webhook-secret': secret },
			});
			return { ...response, counts: response.body as Counts };
		};
		const landed = (kind: 'account' | 'contact', ids: number[]) => {
			for (const partnerId of ids) {
				const expected = expectedFromOdoo(odoo.store.peek('res.partner', partnerId)!, kind);
				const record = daktela.store.get(`${kind}s`, expected.name);
				assert.ok(record, `${expected.name} missing in Daktela`);
				assert.deepEqual(daktelaShape(record, kind), expected);
			}
		};

		// Who may call.
		const noSecret = await post({ entity_type: 'account', entity_id: 1 }, null);
		assert.equal(noSecret.status, 403, noSecret.text);
		const wrongSecret = await post({ entity_type: 'account', entity_id: 1 }, `${SECRET}x`);
		assert.equal(wrongSecret.status, 403, wrongSecret.text);
		assert.equal((await listExecutions(rest, id)).length, 0, 'a refused call started a run');

		// Bad input.
		for (const body of [
			{ entity_type: 'deal', entity_id: 1 },
			{ entity_type: 'contact' },
			{ entity_type: 'contact', entity_id: 'abc' },
			{},
		]) {
			const bad = await post(body);
			assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
			assert.equal(bad.counts.error, 'bad_request');
			assert.equal(bad.counts.total, 0);
		}
		assert.equal(daktela.counters.total(), 0, 'bad input reached Daktela');

		// Accounts, then contacts (ids as a list and as "a,b,c").
		const accounts = await post({ entity_type: 'account', entity_id: [1, 2] });
		assert.equal(accounts.status, 200, accounts.text);
		assert.deepEqual(
			{ ...accounts.counts, errors: accounts.counts.errors?.length },
			{
				entity_type: 'account',
				total: 2,
				created: 2,
				updated: 0,
				unchanged: 0,
				failed: 0,
				errors: 0,
			},
		);
		landed('account', [1, 2]);
		const contacts = await post({ entity_type: 'Contact', entity_id: '3, 4,5,6' });
		assert.equal(contacts.status, 200, contacts.text);
		assert.equal(contacts.counts.created, 4, contacts.text);
		landed('contact', [3, 4, 5, 6]);

		// Again: unchanged, no write.
		daktela.counters.reset();
		const again = await post({ entity_type: 'contact', entity_id: [3, 4, 5, 6] });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.counts.unchanged, 4, again.text);
		assert.equal(daktela.counters.get('POST') + daktela.counters.get('PUT'), 0);

		// An id Odoo does not know: 207, the known one still counted.
		const partial = await post({ entity_type: 'contact', entity_id: [3, 999] });
		assert.equal(partial.status, 207, partial.text);
		assert.equal(partial.counts.total, 2);
		assert.equal(partial.counts.unchanged, 1);
		assert.equal(partial.counts.failed, 1);
		assert.equal(partial.counts.errors?.[0]?.id, '999', partial.text);
		assert.match(
			String(partial.counts.errors?.[0]?.error),
			/not be found|not exist/i,
			partial.text,
		);

		// A change Daktela rejects, next to one it accepts.
		odoo.store.write('res.partner', [5], { email: 'eva.@globex.example' });
		odoo.store.write('res.partner', [6], { phone: '+420 604 000 111' });
		const mixed = await post({ entity_type: 'contact', entity_id: [5, 6] });
		assert.equal(mixed.status, 207, mixed.text);
		assert.equal(mixed.counts.updated, 1, mixed.text);
		assert.equal(mixed.counts.failed, 1, mixed.text);
		assert.equal(mixed.counts.errors?.[0]?.name, 'crm_person_5', mixed.text);
		assert.match(String(mixed.counts.errors?.[0]?.error), /email/i, mixed.text);
		landed('contact', [6]);
		ctx.log(`207 body: ${mixed.text}`);

		// Delete events: the ids' Daktela records go, without asking Odoo; only the sync's own.
		putForDeletes(daktela, true);
		daktela.requests.length = 0;
		const deleted = await post({ entity_type: 'contact', entity_id: [6], event: 'delete' });
		assert.equal(deleted.status, 200, deleted.text);
		assert.deepEqual(
			{ ...deleted.counts, errors: deleted.counts.errors?.length },
			ONE_CONTACT_DELETED,
		);
		assert.equal(daktela.store.get('contacts', 'crm_person_6'), undefined);
		assert.ok(daktela.store.get('contacts', 'manual_1'), 'a contact the sync did not create went');
		// Again (Odoo redelivers): already gone counts as done.
		const redelivered = await post({ entity_type: 'contact', entity_id: 6, event: 'delete' });
		assert.equal(redelivered.status, 200, redelivered.text);
		assert.equal(redelivered.counts.unchanged, 1, redelivered.text);
		// An account that still has contacts: Daktela refuses, the answer says why.
		const account = await post({ entity_type: 'account', entity_id: 1, event: 'unlink' });
		assert.equal(account.status, 207, account.text);
		assert.match(String(account.counts.errors?.[0]?.error), /cannot be deleted/i, account.text);
		assert.ok(daktela.store.get('accounts', 'crm_account_1'));
		// Over the safety limit (4 of the 13 synced contacts = 31% > 20%): nothing is deleted.
		daktela.requests.length = 0;
		const tooMany = await post({
			entity_type: 'contact',
			entity_id: [3, 4, 5, 10],
			event: 'delete',
		});
		assertOverTheLimit(daktela, tooMany, 4);
		ctx.log(`over the limit: ${String(tooMany.counts.errors?.[0]?.error)}`);
	},
};
