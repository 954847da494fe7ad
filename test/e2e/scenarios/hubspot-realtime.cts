/**
 * The HubSpot real-time templates, published on a running n8n, as far as they run without
 * HubSpot (nothing here calls HubSpot; its credential is a dummy):
 *
 *  - CRM -> Daktela: no / wrong secret -> 403 and no run; bad input -> 400 with zero counts;
 *  - Daktela -> CRM: an activity of a contact that is not from HubSpot -> 200, a successful run
 *    that ends at "Not a HubSpot contact" without touching HubSpot.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import type { Scenario } from '../context.cjs';
import { callWebhook, PACKAGE_NAME, type NodeRun } from '../n8n.cjs';
import { getExecution, listExecutions, ownerClient, waitForPublication } from '../rest.cjs';
import { bindCredentials, loadTemplate } from '../workflow.cjs';
import { eventually } from './lib/helpers.cjs';

const CRM_SECRET = 'e2e-hubspot-webhook-secret-31c9';
const TRIGGER_SECRET = 'e2e-hubspot-trigger-secret-8d20ff';

export const scenario: Scenario = {
	template: 'hubspot-realtime-crm-to-daktela.json',
	title:
		'HubSpot real-time templates without HubSpot: 403 / 400, non-HubSpot activity ends quietly',
	async run(ctx) {
		const daktela = await ctx.daktela();
		daktela.store.put('contacts', {
			name: 'contact_walk_in',
			title: 'Walk-in',
			lastname: 'Walk-in',
			database: 'default',
		});
		daktela.store.put('activities', {
			name: 'activities_hs_walkin',
			title: 'Dotaz',
			type: 'CALL',
			action: 'CLOSE',
			contact: 'contact_walk_in',
			time_close: '2026-03-02 09:01:00',
		});
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, {
			daktela,
			extra: [
				{
					id: 'e2eHubspotWebhook',
					name: 'CRM webhook secret',
					type: 'httpHeaderAuth',
					data: { name: 'X-Webhook-Secret', value: CRM_SECRET },
				},
				{
					id: 'e2eHubspotDummy',
					name: 'HubSpot (dummy, never called)',
					type: 'hubspotAppToken',
					data: { appToken: 'pat-na1-not-a-real-token' },
				},
			],
		});
		const crmToDaktela = bindCredentials(ctx.workflow, creds);
		const daktelaToCrm = bindCredentials(
			loadTemplate('hubspot-realtime-daktela-to-crm.json'),
			creds,
		);
		const trigger = daktelaToCrm.nodes.find((n) => n.type === `${PACKAGE_NAME}.daktelaTrigger`)!;
		trigger.webhookId = randomUUID();
		trigger.parameters = { ...trigger.parameters, secret: TRIGGER_SECRET };
		const crmId = await n8n.importWorkflow(crmToDaktela);
		const triggerId = await n8n.importWorkflow(daktelaToCrm);
		await n8n.publishWorkflow(crmId);
		await n8n.publishWorkflow(triggerId);
		const server = await n8n.startServer();
		const rest = await ownerClient(server);
		await waitForPublication(rest, crmId);
		await waitForPublication(rest, triggerId);

		for (const headers of [{}, { 'x-webhook-secret': 'wrong' }] as Array<Record<string, string>>) {
			const refused = await callWebhook(server, 'hubspot-to-daktela', {
				body: { entity_type: 'contact', entity_id: 1 },
				headers,
			});
			assert.equal(refused.status, 403, refused.text);
		}
		const bad = await callWebhook(server, 'hubspot-to-daktela', {
			body: { entity_type: 'deal', entity_id: [1] },
			headers: { 'x-webhook-secret': CRM_SECRET },
		});
		assert.equal(bad.status, 400, bad.text);
		assert.deepEqual(
			{ ...(bad.body as Record<string, unknown>), message: undefined, received: undefined },
			{
				error: 'bad_request',
				message: undefined,
				received: undefined,
				total: 0,
				created: 0,
				updated: 0,
				unchanged: 0,
				failed: 0,
			},
		);

		const delivered = await callWebhook(server, `${trigger.webhookId}/webhook`, {
			body: { event: 'call_close', name: 'activities_hs_walkin' },
			headers: { 'x-webhook-secret': TRIGGER_SECRET },
		});
		assert.equal(delivered.status, 200, delivered.text);
		const [execution] = await eventually(async () => {
			const list = await listExecutions(rest, triggerId);
			return list.length && list[0].status !== 'running' && list[0].status !== 'new'
				? list
				: undefined;
		}, 'the trigger execution');
		assert.equal(execution.status, 'success', JSON.stringify(execution));
		const detail = (await getExecution(rest, execution.id, n8n.rt.dir)) as unknown as {
			data: { resultData: { runData: Record<string, NodeRun[]> } };
		};
		const ranNodes = Object.keys(detail.data.resultData.runData);
		assert.ok(ranNodes.includes('Not a HubSpot contact: nothing to do'), ranNodes.join(', '));
		assert.ok(!ranNodes.some((name) => name.startsWith('HubSpot')), ranNodes.join(', '));
		ctx.log(`trigger run: ${ranNodes.join(' -> ')}`);
	},
};
