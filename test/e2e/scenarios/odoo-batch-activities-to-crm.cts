/**
 * The batch Daktela -> CRM activities template with Odoo, in a real n8n: activities in the sandbox
 * Daktela (closed ones of CRM contacts, plus an open one, one of a non-CRM contact and one without
 * a contact) become messages (mail.message) in the chatter of the Odoo partners.
 *
 *  1. first run: exactly the closed activities of CRM contacts land, on the right partner, with
 *     the mapped subject / body / date; the cursor = the latest time_close processed;
 *  2. second run: nothing is written to Odoo, the cursor stays;
 *  3. the open activity closes: only it is written;
 *  4. Odoo refuses one message: the other one is written, the cursor does not move past the
 *     refused one; 5. Odoo accepts it again: it is written once, nothing is duplicated.
 */
import assert from 'node:assert/strict';

import type { Scenario } from '../context.cjs';
import { bindCredentials } from '../workflow.cjs';
import { checkpointsOf, commitSummary, runOk } from './lib/helpers.cjs';

const SYNC = 'daktela-to-odoo';
const COMMIT = 'Commit activities cursor';
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
const odooTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const isoSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

export const scenario: Scenario = {
	template: 'odoo-batch-activities-to-crm.json',
	title:
		'Odoo batch activities Daktela -> CRM: closed activities of CRM contacts land once, failure holds',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo();
		const base = Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000;
		const at = (minutes: number) => base + minutes * 60_000;

		for (const [name, title, firstname, lastname] of [
			['crm_person_3', 'Jana Nováková', 'Jana', 'Nováková'],
			['crm_person_5', 'Eva Dvořáková', 'Eva', 'Dvořáková'],
			['contact_not_from_crm', 'Walk-in Caller', 'Walk-in', 'Caller'],
		]) {
			daktela.store.put('contacts', { name, title, firstname, lastname, database: 'default' });
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
		activity('activities_call_jana', 'CALL', 'crm_person_3', at(1), 'Order question');
		activity('activities_mail_eva', 'EMAIL', 'crm_person_5', at(2), 'Invoice');
		activity('activities_chat_jana', 'CHAT', 'crm_person_3', null, 'Web chat');
		activity('activities_call_walkin', 'CALL', 'contact_not_from_crm', at(3), 'Walk-in');
		activity('activities_sms_nobody', 'SMS', null, at(4), 'Unknown sender');

		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
		const id = await n8n.importWorkflow(bindCredentials(ctx.workflow, creds));
		const messages = () => odoo.store.all('mail.message');
		const bySubject = (name: string) =>
			messages().filter((m) => String(m.subject).includes(`(${name})`));
		const cursor = async () => (await checkpointsOf(n8n, id, SYNC)).activities?.cursor;

		// 1. The two closed activities of CRM contacts.
		const first = await runOk(n8n, id, 'first run');
		assert.equal(messages().length, 2, JSON.stringify(messages()));
		const call = bySubject('activities_call_jana');
		assert.equal(call.length, 1);
		assert.equal(call[0].model, 'res.partner');
		assert.equal(call[0].res_id, 3);
		assert.equal(call[0].message_type, 'comment');
		assert.equal(call[0].subject, 'Daktela CALL: Order question (activities_call_jana)');
		assert.match(String(call[0].body), /Agent: Jan Novák\. Queue: Inbound line\. Duration: 125 s/);
		assert.equal(call[0].date, odooTime(at(1)));
		assert.equal(bySubject('activities_mail_eva')[0]?.res_id, 5);
		assert.equal(commitSummary(first, COMMIT)?.total, 2);
		assert.equal(await cursor(), isoSecond(at(2)), 'cursor = latest time_close');

		// 2. Nothing new.
		odoo.resetCounters();
		await runOk(n8n, id, 'second run');
		assert.equal(odoo.counters.writes, 0, 'Odoo writes on the second run');
		assert.equal(messages().length, 2);
		assert.equal(await cursor(), isoSecond(at(2)));

		// 3. The chat closes.
		activity('activities_chat_jana', 'CHAT', 'crm_person_3', at(5), 'Web chat');
		odoo.resetCounters();
		await runOk(n8n, id, 'third run');
		assert.equal(odoo.counters.writes, 1);
		assert.equal(bySubject('activities_chat_jana')[0]?.res_id, 3);
		assert.equal(await cursor(), isoSecond(at(5)));

		// 4. Odoo refuses the message for Eva; Jana's goes through; the cursor holds.
		odoo.failRecord({ model: 'mail.message', match: (w) => w.vals?.res_id === 5 }, 'Sandbox: no');
		activity('activities_mail_eva_2', 'EMAIL', 'crm_person_5', at(6), 'Re: Invoice');
		activity('activities_call_jana_2', 'CALL', 'crm_person_3', at(7), 'Follow-up');
		const fourth = await runOk(n8n, id, 'fourth run');
		const held = commitSummary(fourth, COMMIT);
		assert.equal(held?.failed, 1, JSON.stringify(held));
		assert.equal(bySubject('activities_call_jana_2').length, 1);
		assert.equal(bySubject('activities_mail_eva_2').length, 0);
		const heldCursor = await cursor();
		assert.ok(
			heldCursor !== undefined && heldCursor < isoSecond(at(6)),
			`cursor ${heldCursor} moved past the refused activity (${isoSecond(at(6))})`,
		);

		// 5. Odoo accepts again: the refused one is written once, nothing is duplicated.
		odoo.clearFailures();
		await runOk(n8n, id, 'fifth run');
		assert.equal(bySubject('activities_mail_eva_2').length, 1);
		const subjects = messages().map((m) => m.subject);
		assert.equal(new Set(subjects).size, subjects.length, `duplicates: ${subjects.join(' | ')}`);
		assert.equal(messages().length, 5);
		assert.equal(await cursor(), isoSecond(at(7)));
		ctx.log(`run 4: ${held?.message}`);
	},
};
