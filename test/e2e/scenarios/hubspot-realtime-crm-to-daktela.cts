/**
 * The real-time CRM -> Daktela template with HubSpot, published on a running n8n whose
 * api.hubapi.com is the sandbox HubSpot: POSTs the way a HubSpot workflow's webhook action would,
 * and checks n8n's answers and what lands in the sandbox Daktela.
 *
 *  - no or a wrong secret header -> 403 from n8n, no execution;
 *  - bad input (unknown entity_type, no entity_id, non-numeric ids) -> 400 with zero counts, no
 *    HubSpot or Daktela request;
 *  - companies then contacts by id (list and "a,b,c") -> 200 with counts, Daktela equals HubSpot
 *    (each record read with GET /crm/v3/objects/{type}/{id});
 *  - the same again -> 200, all unchanged, no Daktela write;
 *  - an id HubSpot does not know, and a record Daktela rejects -> 207 with per-id errors;
 *  - `event: "contact.deletion"` (HubSpot's event name) or `"delete"`: the contact is deleted in
 *    Daktela without asking HubSpot (200, deleted 1), a redelivery counts as done, a request over
 *    the safety limit deletes nothing (207), a contact made by hand is never touched.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { callWebhook } from '../n8n.cjs';
import { listExecutions, ownerClient, waitForPublication } from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import {
	assertOverTheLimit,
	daktelaShape,
	ONE_CONTACT_DELETED,
	putForDeletes,
} from './lib/helpers.cjs';
import { expectedFromHubspot, hubspotAndN8n } from './lib/hubspot.cjs';

const SECRET = 'e2e-hubspot-webhook-secret-31c9a7';
const PATH = 'hubspot-to-daktela';

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
	template: 'hubspot-realtime-crm-to-daktela.json',
	title: 'HubSpot real-time CRM -> Daktela: 403 / 400 / 200 / 207 with counts, data lands',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx);
		const creds = await ctx.sandboxCredentials(n8n, {
			daktela,
			hubspot,
			extra: [
				{
					id: 'e2eHubspotWebhook',
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
		const companies = hubspot.store.all('companies').map((c) => c.id);
		const contacts = hubspot.store.all('contacts').map((c) => c.id);
		const landed = (kind: 'account' | 'contact', ids: string[]) => {
			for (const recordId of ids) {
				const record = hubspot.store.get(kind === 'account' ? 'companies' : 'contacts', recordId)!;
				const expected = expectedFromHubspot(record, kind);
				const written = daktela.store.get(`${kind}s`, expected.name);
				assert.ok(written, `${expected.name} missing in Daktela`);
				assert.deepEqual(daktelaShape(written, kind), expected);
			}
		};

		// Who may call.
		const noSecret = await post({ entity_type: 'account', entity_id: companies[0] }, null);
		assert.equal(noSecret.status, 403, noSecret.text);
		const wrongSecret = await post(
			{ entity_type: 'account', entity_id: companies[0] },
			`${SECRET}x`,
		);
		assert.equal(wrongSecret.status, 403, wrongSecret.text);
		assert.equal((await listExecutions(rest, id)).length, 0, 'a refused call started a run');

		// Bad input.
		for (const body of [
			{ entity_type: 'deal', entity_id: 1 },
			{ entity_type: 'contact' },
			{ entity_type: 'contact', entity_id: 'abc' },
			{ entity_type: 'contact', entity_id: ['1/../../companies'] },
			{},
		]) {
			const bad = await post(body);
			assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
			assert.equal(bad.counts.error, 'bad_request');
			assert.equal(bad.counts.total, 0);
		}
		assert.equal(daktela.counters.total(), 0, 'bad input reached Daktela');
		assert.equal(hubspot.requests.length, 0, 'bad input reached HubSpot');

		// Companies, then contacts (ids as a list and as "a, b,c").
		const accounts = await post({ entity_type: 'account', entity_id: companies });
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
		landed('account', companies);
		const people = await post({
			entity_type: 'Contact',
			entity_id: `${contacts[0]}, ${contacts[1]},${contacts.slice(2).join(',')}`,
		});
		assert.equal(people.status, 200, people.text);
		assert.equal(people.counts.created, 4, people.text);
		landed('contact', contacts);
		assert.equal(
			hubspot.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/crm/v3/objects/'))
				.length,
			6,
			'one GET per record',
		);

		// Again: unchanged, no write.
		daktela.counters.reset();
		const again = await post({ entity_type: 'contact', entity_id: contacts });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.counts.unchanged, 4, again.text);
		assert.equal(daktela.counters.get('POST') + daktela.counters.get('PUT'), 0);

		// An id HubSpot does not know: 207, the known one still counted.
		const partial = await post({ entity_type: 'contact', entity_id: [contacts[0], 999999] });
		assert.equal(partial.status, 207, partial.text);
		assert.equal(partial.counts.total, 2);
		assert.equal(partial.counts.unchanged, 1);
		assert.equal(partial.counts.failed, 1);
		assert.equal(partial.counts.errors?.[0]?.id, '999999', partial.text);
		assert.match(String(partial.counts.errors?.[0]?.error), /not found/i, partial.text);

		// A change Daktela rejects, next to one it accepts.
		hubspot.store.update('contacts', contacts[2], { email: 'eva.@globex.example' });
		hubspot.store.update('contacts', contacts[3], { phone: '+420 604 000 111' });
		const mixed = await post({ entity_type: 'contact', entity_id: [contacts[2], contacts[3]] });
		assert.equal(mixed.status, 207, mixed.text);
		assert.equal(mixed.counts.updated, 1, mixed.text);
		assert.equal(mixed.counts.failed, 1, mixed.text);
		assert.equal(mixed.counts.errors?.[0]?.name, `crm_person_${contacts[2]}`, mixed.text);
		assert.match(String(mixed.counts.errors?.[0]?.error), /email/i, mixed.text);
		landed('contact', [contacts[3]]);
		ctx.log(`207 bodies: ${partial.text} / ${mixed.text}`);

		// Delete events: the ids' Daktela records go, without asking HubSpot; only the sync's own.
		putForDeletes(daktela, false);
		const hubspotBefore = hubspot.requests.length;
		daktela.requests.length = 0;
		const deleted = await post({
			entity_type: 'contact',
			entity_id: [contacts[3]],
			event: 'contact.deletion',
		});
		assert.equal(deleted.status, 200, deleted.text);
		assert.deepEqual(
			{ ...deleted.counts, errors: deleted.counts.errors?.length },
			ONE_CONTACT_DELETED,
		);
		assert.equal(daktela.store.get('contacts', `crm_person_${contacts[3]}`), undefined);
		assert.ok(daktela.store.get('contacts', 'manual_1'), 'a contact the sync did not create went');
		assert.ok(daktela.store.get('contacts', `crm_person_${contacts[0]}`), 'another contact went');
		assert.equal(hubspot.requests.length, hubspotBefore, 'a delete asked HubSpot');
		// Again (a redelivery, with the plain word): already gone counts as done.
		const redelivered = await post({
			entity_type: 'contact',
			entity_id: contacts[3],
			event: 'delete',
		});
		assert.equal(redelivered.status, 200, redelivered.text);
		assert.equal(redelivered.counts.deleted, 0, redelivered.text);
		assert.equal(redelivered.counts.unchanged, 1, redelivered.text);
		// Over the safety limit (4 of the 13 synced contacts = 31% > 20%): nothing is deleted.
		daktela.requests.length = 0;
		const tooMany = await post({
			entity_type: 'contact',
			entity_id: [contacts[0], contacts[1], contacts[2], 10],
			event: 'delete',
		});
		assertOverTheLimit(daktela, tooMany, 4);
		assert.ok(daktela.store.get('contacts', `crm_person_${contacts[0]}`));
		ctx.log(
			`deleted: ${deleted.text}; over the limit: ${String(tooMany.counts.errors?.[0]?.error)}`,
		);
	},
};
