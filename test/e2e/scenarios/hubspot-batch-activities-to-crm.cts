/**
 * The batch Daktela -> CRM activities template with HubSpot, in a real n8n whose api.hubapi.com is
 * the sandbox HubSpot: closed activities of CRM contacts in the sandbox Daktela become HubSpot
 * calls (calls) and notes (e-mails, chats, messages), each associated with the right contact
 * (CRM v3 calls / notes API, association types 194 / 202). Also in Daktela: an open chat, a call
 * of a contact that is not from the CRM and an SMS without a contact.
 *
 *  1. first run: exactly one call and one note, on the right contacts, with the mapped body /
 *     duration / time; each row's cursor = the latest time_close it processed;
 *  2. second run: nothing is written to HubSpot;
 *  3. the chat closes and HubSpot refuses the note of a new e-mail for Eva, while a new call
 *     for Jana goes through: the chat's note and the call land, the messages cursor holds before
 *     the refused one;
 *  4. HubSpot accepts again: the refused note is written once, nothing is duplicated.
 */
import assert from 'node:assert/strict';

import type { HubspotRecord } from '../../sandbox/hubspot.cjs';
import type { Scenario } from '../context.cjs';
import { bindCredentials } from '../workflow.cjs';
import { checkpointsOf, commitSummary, runOk } from './lib/helpers.cjs';
import { hubspotAndN8n } from './lib/hubspot.cjs';

const SYNC = 'daktela-to-hubspot';
const COMMIT = { calls: 'Commit calls cursor', messages: 'Commit messages cursor' };
const ZONE = 'Europe/Prague'; // the sandbox Daktela's and its credential's time zone

const daktelaTime = (ms: number) =>
	new Intl.DateTimeFormat('sv-SE', {
		timeZone: ZONE,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hour12: false,
	}).format(new Date(ms));
const isoSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

export const scenario: Scenario = {
	template: 'hubspot-batch-activities-to-crm.json',
	title:
		'HubSpot batch activities Daktela -> CRM: calls and notes land once on the right contact, failure holds',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const { hubspot, n8n } = await hubspotAndN8n(ctx);
		const base = Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000;
		const at = (minutes: number) => base + minutes * 60_000;
		const byLastname = (lastname: string) =>
			hubspot.store.all('contacts').find((c) => c.properties.lastname === lastname)!;
		const jana = byLastname('Nováková');
		const eva = byLastname('Dvořáková');

		for (const [name, title, lastname] of [
			[`crm_person_${jana.id}`, 'Jana Nováková', 'Nováková'],
			[`crm_person_${eva.id}`, 'Eva Dvořáková', 'Dvořáková'],
			['contact_not_from_crm', 'Walk-in Caller', 'Caller'],
		]) {
			daktela.store.put('contacts', { name, title, lastname, database: 'default' });
		}
		const activity = (
			name: string,
			type: string,
			contact: string | null,
			closeAt: number | null,
			title: string,
		) =>
			daktela.store.put('activities', {
				name,
				title,
				type,
				action: closeAt === null ? 'OPEN' : 'CLOSE',
				contact,
				user: 'agent_novak',
				queue: type === 'CALL' ? '3000' : '3001',
				description: '',
				duration: 125,
				time: daktelaTime((closeAt ?? at(20)) - 300_000),
				time_open: daktelaTime((closeAt ?? at(20)) - 290_000),
				time_close: closeAt === null ? null : daktelaTime(closeAt),
			});
		activity('activities_call_jana', 'CALL', `crm_person_${jana.id}`, at(1), 'Order question');
		activity('activities_mail_eva', 'EMAIL', `crm_person_${eva.id}`, at(2), 'Invoice');
		activity('activities_chat_jana', 'CHAT', `crm_person_${jana.id}`, null, 'Web chat');
		activity('activities_call_walkin', 'CALL', 'contact_not_from_crm', at(3), 'Walk-in');
		activity('activities_sms_nobody', 'SMS', null, at(4), 'Unknown sender');

		const creds = await ctx.sandboxCredentials(n8n, { daktela, hubspot });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));
		const logged = (type: 'calls' | 'notes', name: string) =>
			hubspot.store
				.all(type)
				.filter((r) =>
					String(r.properties[type === 'calls' ? 'hs_call_body' : 'hs_note_body']).includes(
						`(${name})`,
					),
				);
		const onContact = (record: HubspotRecord | undefined) => [
			...(record?.associations.contacts ?? []),
		];
		const creates = () =>
			hubspot.requests.filter((r) => r.method === 'POST' && !r.path.endsWith('/search'));

		// 1. One call and one note, on the right contacts.
		const first = await runOk(n8n, id, 'first run');
		assert.equal(hubspot.store.all('calls').length, 1, JSON.stringify(creates()));
		assert.equal(hubspot.store.all('notes').length, 1, JSON.stringify(creates()));
		const [call] = logged('calls', 'activities_call_jana');
		assert.ok(call, 'the call is in HubSpot');
		assert.deepEqual(onContact(call), [jana.id], 'the call is on Jana');
		assert.equal(call.properties.hs_call_status, 'COMPLETED');
		assert.equal(call.properties.hs_call_duration, '125000');
		assert.equal(call.properties.hs_timestamp, isoSecond(at(1)));
		assert.equal(call.properties.hs_call_title, 'Daktela call: Order question');
		assert.match(String(call.properties.hs_call_body), /Agent: Jan Novák\. Queue: Inbound line\./);
		const [note] = logged('notes', 'activities_mail_eva');
		assert.deepEqual(onContact(note), [eva.id], 'the note is on Eva');
		assert.equal(note.properties.hs_timestamp, isoSecond(at(2)));
		assert.match(String(note.properties.hs_note_body), /Daktela EMAIL: Invoice/);
		assert.equal(commitSummary(first, COMMIT.calls)?.cursorAfter?.time, isoSecond(at(1)));
		assert.equal(commitSummary(first, COMMIT.messages)?.cursorAfter?.time, isoSecond(at(2)));

		// 2. Nothing new: nothing written.
		hubspot.resetRequests();
		await runOk(n8n, id, 'second run');
		assert.equal(creates().length, 0, JSON.stringify(creates()));

		// 3. The chat closes; HubSpot refuses Eva's new note; Jana's new call goes through.
		activity('activities_chat_jana', 'CHAT', `crm_person_${jana.id}`, at(5), 'Web chat');
		activity('activities_mail_eva_2', 'EMAIL', `crm_person_${eva.id}`, at(6), 'Re: Invoice');
		activity('activities_call_jana_2', 'CALL', `crm_person_${jana.id}`, at(7), 'Follow-up');
		hubspot.failCreate({
			type: 'notes',
			match: (body) => JSON.stringify(body.associations).includes(`"${eva.id}"`),
			message: 'Sandbox: notes on this contact are refused',
		});
		const third = await runOk(n8n, id, 'third run');
		assert.deepEqual(onContact(logged('notes', 'activities_chat_jana')[0]), [jana.id]);
		assert.deepEqual(onContact(logged('calls', 'activities_call_jana_2')[0]), [jana.id]);
		assert.equal(logged('notes', 'activities_mail_eva_2').length, 0);
		const held = commitSummary(third, COMMIT.messages);
		assert.equal(held?.failed, 1, JSON.stringify(held));
		assert.match(String(held?.failedRecords[0]?.error), /bad request/i, JSON.stringify(held));
		const heldCursor = held?.cursorAfter?.time;
		assert.ok(
			heldCursor !== undefined && heldCursor < isoSecond(at(6)),
			`messages cursor ${heldCursor} moved past the refused activity (${isoSecond(at(6))})`,
		);
		assert.equal(commitSummary(third, COMMIT.calls)?.cursorAfter?.time, isoSecond(at(7)));

		// 4. HubSpot accepts again: the refused note is written once, nothing is duplicated.
		hubspot.clearFailures();
		await runOk(n8n, id, 'fourth run');
		assert.deepEqual(onContact(logged('notes', 'activities_mail_eva_2')[0]), [eva.id]);
		const bodies = [
			...hubspot.store.all('calls').map((c) => c.properties.hs_call_body),
			...hubspot.store.all('notes').map((n) => n.properties.hs_note_body),
		];
		assert.equal(new Set(bodies).size, bodies.length, `duplicates: ${bodies.join(' | ')}`);
		assert.equal(hubspot.store.all('calls').length, 2);
		assert.equal(hubspot.store.all('notes').length, 3);
		const stored = await checkpointsOf(n8n, id, SYNC);
		assert.equal(stored.calls?.cursor, isoSecond(at(7)));
		assert.equal(stored.messages?.cursor, isoSecond(at(6)));
		ctx.log(`run 3: ${held?.message}`);
	},
};
