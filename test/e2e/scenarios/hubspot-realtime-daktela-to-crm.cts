/**
 * The real-time Daktela -> CRM template with HubSpot, published on a running n8n whose
 * api.hubapi.com is the sandbox HubSpot: what lands in HubSpot. (The Daktela Trigger's own
 * contract - 401/403, duplicates, 400, outage, restart - is in daktela-trigger.cts.)
 *
 *  - a closed call of a CRM contact -> one HubSpot call on that contact, built from the record
 *    re-fetched from Daktela, not from the request body (which carries a fake title);
 *  - a closed e-mail -> one HubSpot note on the contact;
 *  - an activity of a contact that is not from the CRM -> the run ends without a HubSpot request;
 *  - HubSpot refuses the write -> the delivery is still acknowledged, the execution is an error
 *    (visible in n8n, retryable), nothing is written.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import type { Scenario } from '../context.cjs';
import { callWebhook, PACKAGE_NAME } from '../n8n.cjs';
import { listExecutions, ownerClient, waitForPublication, type RestClient } from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import { eventually } from './lib/helpers.cjs';
import { hubspotAndN8n } from './lib/hubspot.cjs';

const SECRET = 'e2e-daktela-to-hubspot-secret-8d20ff';

async function finished(rest: RestClient, workflowId: string, count: number) {
	return await eventually(async () => {
		const list = await listExecutions(rest, workflowId);
		const done = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return done.length >= count ? done : undefined;
	}, `${count} finished execution(s)`);
}

export const scenario: Scenario = {
	template: 'hubspot-realtime-daktela-to-crm.json',
	title:
		'HubSpot real-time Daktela -> CRM: re-fetched call / e-mail land as call / note on the contact; others end quietly',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx);
		const jana = hubspot.store.all('contacts').find((c) => c.properties.lastname === 'Nováková')!;
		for (const [name, title, lastname] of [
			[`crm_person_${jana.id}`, 'Jana Nováková', 'Nováková'],
			['contact_walk_in', 'Walk-in Caller', 'Caller'],
		]) {
			daktela.store.put('contacts', { name, title, lastname, database: 'default' });
		}
		const activity = (name: string, type: string, contact: string, title: string) =>
			daktela.store.put('activities', {
				name,
				title,
				type,
				action: 'CLOSE',
				contact,
				user: 'agent_novak',
				queue: type === 'CALL' ? '3000' : '3001',
				duration: 42,
				time: '2026-03-02 09:00:00',
				time_open: '2026-03-02 09:00:05',
				time_close: '2026-03-02 09:01:00',
			});
		activity('activities_rt_jana', 'CALL', `crm_person_${jana.id}`, 'Reklamace');
		activity('activities_rt_mail', 'EMAIL', `crm_person_${jana.id}`, 'Faktura');
		activity('activities_rt_walkin', 'CALL', 'contact_walk_in', 'Dotaz');
		activity('activities_rt_refused', 'CALL', `crm_person_${jana.id}`, 'Druhý hovor');

		const creds = await ctx.sandboxCredentials(n8n, { daktela, hubspot });
		const workflow = bindCredentials(ctx.workflow, creds);
		const trigger = workflow.nodes.find((n) => n.type === `${PACKAGE_NAME}.daktelaTrigger`)!;
		trigger.webhookId = randomUUID();
		trigger.parameters = { ...trigger.parameters, secret: SECRET };
		const id = await n8n.importWorkflow(workflow);
		await n8n.publishWorkflow(id);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, id);
		const deliver = (event: string, name: string, extra: Record<string, unknown> = {}) =>
			callWebhook(server, `${trigger.webhookId}/webhook`, {
				body: { event, name, ...extra },
				headers: { 'x-webhook-secret': SECRET },
			});
		const onJana = (record: { associations: { contacts?: Set<string> } }) =>
			[...(record.associations.contacts ?? [])].join() === jana.id;

		// A CRM contact's call: logged on the contact, from Daktela's data.
		const accepted = await deliver('call_close', 'activities_rt_jana', {
			title: 'FAKE TITLE FROM THE BODY',
		});
		assert.equal(accepted.status, 200, accepted.text);
		let runs = await finished(rest, id, 1);
		assert.equal(runs[0].status, 'success', JSON.stringify(runs));
		const calls = hubspot.store.all('calls');
		assert.equal(calls.length, 1, JSON.stringify(hubspot.requests.slice(-3)));
		assert.ok(onJana(calls[0]), 'the call is on Jana');
		assert.equal(calls[0].properties.hs_call_title, 'Daktela call: Reklamace');
		assert.equal(calls[0].properties.hs_timestamp, '2026-03-02T08:01:00.000Z', 'time_close in UTC');
		assert.equal(calls[0].properties.hs_call_duration, '42000');
		assert.ok(
			daktela.requests.some((r) => r.method === 'GET' && r.path.includes('activities_rt_jana')),
			'the activity was not re-fetched from Daktela',
		);

		// An e-mail: a note on the contact.
		const mail = await deliver('email_close', 'activities_rt_mail');
		assert.equal(mail.status, 200, mail.text);
		runs = await finished(rest, id, 2);
		const notes = hubspot.store.all('notes');
		assert.equal(notes.length, 1, JSON.stringify(runs));
		assert.ok(onJana(notes[0]), 'the note is on Jana');
		assert.match(
			String(notes[0].properties.hs_note_body),
			/Daktela EMAIL: Faktura \(activities_rt_mail\)/,
		);

		// Not a CRM contact: acknowledged, the run ends without asking HubSpot anything.
		hubspot.resetRequests();
		const walkIn = await deliver('call_close', 'activities_rt_walkin');
		assert.equal(walkIn.status, 200, walkIn.text);
		runs = await finished(rest, id, 3);
		assert.ok(
			runs.every((r) => r.status === 'success'),
			JSON.stringify(runs),
		);
		assert.equal(hubspot.requests.length, 0, JSON.stringify(hubspot.requests));

		// HubSpot refuses: Daktela still gets 200 (the delivery was accepted), the run is an error.
		hubspot.failCreate({ type: 'calls', match: () => true, message: 'Sandbox: calls are refused' });
		const refused = await deliver('call_close', 'activities_rt_refused');
		assert.equal(refused.status, 200, refused.text);
		runs = await finished(rest, id, 4);
		assert.equal(runs.filter((r) => r.status === 'error').length, 1, JSON.stringify(runs));
		assert.equal(hubspot.store.all('calls').length, 1);
		ctx.log(`call ${calls[0].id} and note ${notes[0].id} on contact ${jana.id}`);
	},
};
