/**
 * The real-time Daktela -> CRM template with Odoo, published on a running n8n: what lands in Odoo.
 * (The Daktela Trigger's own contract - 401/403, duplicates, 400, outage, restart - is in
 * daktela-trigger.cts, on this same template.)
 *
 *  - a closed call of a CRM contact -> one chatter message on the Odoo partner, built from the
 *    record re-fetched from Daktela, not from the request body (which carries a fake title);
 *  - an activity of a contact that is not from the CRM -> the run ends without writing;
 *  - Odoo refuses the write -> the delivery is still acknowledged, the execution is an error
 *    (visible in n8n, retryable), nothing is written.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import type { Scenario } from '../context.cjs';
import { callWebhook, PACKAGE_NAME } from '../n8n.cjs';
import {
	listExecutions,
	ownerClient,
	waitForPublication,
	type ExecutionSummary,
	type RestClient,
} from '../rest.cjs';
import { bindCredentials } from '../workflow.cjs';
import { eventually } from './lib/helpers.cjs';

const SECRET = 'e2e-daktela-to-odoo-secret-7c41d9';

async function finished(rest: RestClient, workflowId: string, count: number) {
	return await eventually(async () => {
		const list = await listExecutions(rest, workflowId);
		const done = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return done.length >= count ? done : undefined;
	}, `${count} finished execution(s)`);
}

export const scenario: Scenario = {
	template: 'odoo-realtime-daktela-to-crm.json',
	title: 'Odoo real-time Daktela -> CRM: re-fetched activity lands in Odoo; others end quietly',
	async run(ctx) {
		const daktela = await ctx.daktela();
		const odoo = await ctx.odoo();
		for (const [name, title, lastname] of [
			['crm_person_3', 'Jana Nováková', 'Nováková'],
			['contact_walk_in', 'Walk-in Caller', 'Caller'],
		]) {
			daktela.store.put('contacts', { name, title, lastname, database: 'default' });
		}
		const call = (name: string, contact: string, title: string) =>
			daktela.store.put('activities', {
				name,
				title,
				type: 'CALL',
				action: 'CLOSE',
				contact,
				user: 'agent_novak',
				queue: '3000',
				duration: 42,
				time: '2026-03-02 09:00:00',
				time_open: '2026-03-02 09:00:05',
				time_close: '2026-03-02 09:01:00',
			});
		call('activities_rt_jana', 'crm_person_3', 'Reklamace');
		call('activities_rt_walkin', 'contact_walk_in', 'Dotaz');
		call('activities_rt_refused', 'crm_person_3', 'Druhý hovor');

		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });
		const workflow = bindCredentials(ctx.workflow, creds);
		const trigger = workflow.nodes.find((n) => n.type === `${PACKAGE_NAME}.daktelaTrigger`)!;
		trigger.webhookId = randomUUID();
		trigger.parameters = { ...trigger.parameters, secret: SECRET };
		const id = await n8n.importWorkflow(workflow);
		await n8n.publishWorkflow(id);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, id);
		const deliver = (name: string, extra: Record<string, unknown> = {}) =>
			callWebhook(server, `${trigger.webhookId}/webhook`, {
				body: { event: 'call_close', name, ...extra },
				headers: { 'x-webhook-secret': SECRET },
			});
		const messages = () => odoo.store.all('mail.message');

		// A CRM contact's call: logged on the partner, from Daktela's data.
		const accepted = await deliver('activities_rt_jana', { title: 'FAKE TITLE FROM THE BODY' });
		assert.equal(accepted.status, 200, accepted.text);
		let runs: ExecutionSummary[] = await finished(rest, id, 1);
		assert.equal(runs[0].status, 'success', JSON.stringify(runs));
		assert.equal(messages().length, 1, JSON.stringify(messages()));
		const message = messages()[0];
		assert.equal(message.model, 'res.partner');
		assert.equal(message.res_id, 3);
		assert.equal(message.subject, 'Daktela CALL: Reklamace (activities_rt_jana)');
		assert.equal(message.date, '2026-03-02 08:01:00', 'time_close in UTC');
		assert.ok(
			daktela.requests.some((r) => r.method === 'GET' && r.path.includes('activities_rt_jana')),
			'the activity was not re-fetched from Daktela',
		);

		// Not a CRM contact: acknowledged, the run ends without a write.
		odoo.resetCounters();
		const walkIn = await deliver('activities_rt_walkin');
		assert.equal(walkIn.status, 200, walkIn.text);
		runs = await finished(rest, id, 2);
		assert.ok(
			runs.every((r) => r.status === 'success'),
			JSON.stringify(runs),
		);
		assert.equal(odoo.counters.writes, 0);
		assert.equal(messages().length, 1);

		// Odoo refuses: Daktela still gets 200 (the delivery was accepted), the run is an error.
		odoo.failRecord({ model: 'mail.message' }, 'Sandbox: chatter is read-only');
		const refused = await deliver('activities_rt_refused');
		assert.equal(refused.status, 200, refused.text);
		runs = await finished(rest, id, 3);
		assert.equal(runs.filter((r) => r.status === 'error').length, 1, JSON.stringify(runs));
		assert.equal(messages().length, 1);
		ctx.log(`message: ${message.subject} on res.partner ${message.res_id}`);
	},
};
