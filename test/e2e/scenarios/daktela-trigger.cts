/**
 * The Daktela Trigger in a real n8n, in the real-time Daktela -> CRM template: publish, start,
 * POST deliveries the way a Daktela automation does, and check what n8n answered and which
 * executions it started.
 *
 *  1. no secret -> 401, wrong secret -> 403, neither echoes a secret; no execution;
 *  2. a known event for a sandbox record -> 200 {received}; one execution, successful, whose
 *     trigger output is the re-fetched record (name, _event.refetched);
 *  3. the same delivery again -> 200 {duplicate: true}; no new execution;
 *  4. unknown event -> 400 and unselected event -> 200 {ignored}; no execution;
 *  5. Daktela down (every GET fails) -> 503 with Retry-After after the retries; no execution;
 *     Daktela back -> the redelivery starts an execution (the failed one left no dedup key);
 *  6. n8n restarted -> a redelivery of (2) is still a duplicate (the key is in static data).
 *
 * The template is the workflows-templates/*.json that contains a Daktela Trigger; its trigger gets
 * a secret (templates ship none, and activation refuses an empty one) and the sandbox credentials.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Scenario, ScenarioContext } from '../context.cjs';
import { callWebhook, PACKAGE_NAME, type NodeRun } from '../n8n.cjs';
import {
	getExecution,
	listExecutions,
	ownerClient,
	waitForPublication,
	type RestClient,
} from '../rest.cjs';
import { bindCredentials, TEMPLATES_DIR, type Workflow, type WorkflowNode } from '../workflow.cjs';

const TRIGGER_TYPE = `${PACKAGE_NAME}.daktelaTrigger`;
const SECRET = 'e2e-trigger-shared-value-0123456789';

/**
 * The template that uses the trigger (the real-time one); the Odoo variant first, the one whose
 * CRM side runs against the sandbox. A placeholder name until it exists.
 */
function findTemplate(): string {
	if (fs.existsSync(TEMPLATES_DIR)) {
		const files = fs.readdirSync(TEMPLATES_DIR).sort();
		const odooFirst = [...files.filter((f) => f.startsWith('odoo-')), ...files];
		for (const file of odooFirst) {
			if (!file.endsWith('.json')) continue;
			const text = fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8');
			if (text.includes(`"${TRIGGER_TYPE}"`)) return file;
		}
	}
	return 'daktela-to-crm-realtime.json';
}

const CHANNEL_TYPES: Record<string, string> = {
	call: 'CALL',
	email: 'EMAIL',
	web: 'CHAT',
	sms: 'SMS',
	fbm: 'FBM',
	igdm: 'IGDM',
	wap: 'WAP',
	vbr: 'VBR',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function settledExecutions(rest: RestClient, workflowId: string, expected: number) {
	for (let i = 0; i < 120; i++) {
		const list = await listExecutions(rest, workflowId);
		const running = list.some((e) => ['new', 'running', 'waiting'].includes(e.status));
		if (list.length >= expected && !running) return list;
		await sleep(250);
	}
	return await listExecutions(rest, workflowId);
}

export const scenario: Scenario = {
	template: findTemplate(),
	title: 'Daktela Trigger: secret, re-fetch, dedup, outage, restart (real n8n)',
	async run(ctx: ScenarioContext) {
		const daktela = await ctx.daktela({ seed: { accounts: 3, contacts: 8, activities: 18 } });
		const odoo = await ctx.odoo();
		const n8n = await ctx.n8n();
		const creds = await ctx.sandboxCredentials(n8n, { daktela, odoo });

		const workflow: Workflow = bindCredentials(ctx.workflow, creds);
		const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE) as WorkflowNode;
		assert.ok(trigger, `${ctx.templateFile} has no ${TRIGGER_TYPE} node`);
		trigger.webhookId ??= randomUUID();
		trigger.parameters = { ...trigger.parameters, secret: SECRET };
		const selected = (trigger.parameters.events as string[] | undefined) ?? [];
		assert.ok(selected.length > 0, 'the template selects no events');

		// An event the template listens to, and a sandbox record it is about.
		const event = selected.includes('*') ? 'contact_update' : selected[0];
		const [prefix, action] = event.split('_');
		const endpoint = prefix === 'contact' || prefix === 'account' ? `${prefix}s` : 'activities';
		const [name, second] = daktela.store
			.list(endpoint)
			.filter((record) => endpoint !== 'activities' || record.type === CHANNEL_TYPES[prefix])
			.map((record) => String(record.name));
		assert.ok(name && second, `the sandbox has fewer than two ${endpoint} records for ${event}`);
		assert.notEqual(action, 'delete', 'pick a template event that re-fetches');
		const unselected = ['call_answer', 'vbr_create', 'igdm_close'].find(
			(e) => !selected.includes(e),
		);

		const id = await n8n.importWorkflow(workflow);
		await n8n.publishWorkflow(id);
		let server = await n8n.startServer();
		const webhookPath = `${trigger.webhookId}/webhook`;
		let rest = await ownerClient(server);
		// Also proves activation accepted the settings (webhookMethods.create refuses bad ones).
		await waitForPublication(rest, id);
		const auth = { 'x-webhook-secret': SECRET };
		const delivery = { event, name };

		// 1. Who may deliver.
		const missing = await callWebhook(server, webhookPath, { body: delivery });
		assert.equal(missing.status, 401, missing.text);
		const wrong = await callWebhook(server, webhookPath, {
			body: delivery,
			headers: { 'x-webhook-secret': `${SECRET}-wrong` },
		});
		assert.equal(wrong.status, 403, wrong.text);
		assert.ok(!`${missing.text}${wrong.text}`.includes(SECRET), 'a response echoed the secret');
		assert.equal((await listExecutions(rest, id)).length, 0, 'a refused delivery started a run');

		// 2. Accepted: one execution with the re-fetched record.
		const accepted = await callWebhook(server, webhookPath, { body: delivery, headers: auth });
		assert.equal(accepted.status, 200, accepted.text);
		assert.deepEqual(accepted.body, { received: true, event, name });
		let executions = await settledExecutions(rest, id, 1);
		assert.equal(executions.length, 1);
		assert.equal(executions[0].status, 'success', JSON.stringify(executions[0]));
		const detail = (await getExecution(rest, executions[0].id, n8n.rt.dir)) as unknown as {
			data: { resultData: { runData: Record<string, NodeRun[]> } };
		};
		const triggerOut = detail.data.resultData.runData[trigger.name][0].data?.main?.[0]?.[0]?.json;
		assert.ok(triggerOut, `no output of ${trigger.name} in the execution`);
		assert.equal(triggerOut.name, name);
		assert.equal((triggerOut._event as Record<string, unknown>).refetched, true);

		// 3. Duplicate.
		const duplicate = await callWebhook(server, webhookPath, { body: delivery, headers: auth });
		assert.deepEqual(duplicate.body, { received: true, duplicate: true, event, name });

		// 4. Unknown and unselected events.
		const unknown = await callWebhook(server, webhookPath, {
			body: { event: 'ticket_close', name },
			headers: auth,
		});
		assert.equal(unknown.status, 400, unknown.text);
		if (unselected && !selected.includes('*')) {
			const ignored = await callWebhook(server, webhookPath, {
				body: { event: unselected, name },
				headers: auth,
			});
			assert.equal(ignored.status, 200, ignored.text);
			assert.equal((ignored.body as Record<string, unknown>).ignored, true);
		}
		executions = await settledExecutions(rest, id, 1);
		assert.equal(executions.length, 1, 'a duplicate, unknown or ignored delivery started a run');

		// 5. Daktela down during the re-fetch: retried, then 503; back up: the redelivery runs.
		const before = daktela.counters.get('GET');
		daktela.setFaults({ rate: 1, kinds: ['500'], methods: ['GET'] });
		const down = await fetch(`${server.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...auth },
			body: JSON.stringify({ event, name: second }),
		});
		daktela.setFaults(undefined);
		const downText = await down.text();
		assert.equal(down.status, 503, downText);
		assert.equal(down.headers.get('retry-after'), '30');
		assert.match(downText, /daktela_unavailable/);
		assert.ok(daktela.counters.get('GET') - before >= 4, 'the re-fetch was not retried');
		executions = await settledExecutions(rest, id, 1);
		assert.equal(executions.length, 1, 'a failed re-fetch started a run');
		const redelivered = await callWebhook(server, webhookPath, {
			body: { event, name: second },
			headers: auth,
		});
		assert.equal(redelivered.status, 200, redelivered.text);
		assert.equal((redelivered.body as Record<string, unknown>).duplicate, undefined);
		executions = await settledExecutions(rest, id, 2);
		assert.equal(executions.length, 2);

		// 6. Restart: the dedup keys were saved with the executions.
		await server.stop();
		server = await n8n.startServer();
		rest = await ownerClient(server);
		await waitForPublication(rest, id);
		for (const record of [name, second]) {
			const again = await callWebhook(server, webhookPath, {
				body: { event, name: record },
				headers: auth,
			});
			assert.deepEqual(again.body, { received: true, duplicate: true, event, name: record });
		}
		executions = await settledExecutions(rest, id, 2);
		assert.equal(executions.length, 2, 'a redelivery after the restart started a run');
		ctx.log(`trigger ${trigger.name}: ${event} deliveries checked (${ctx.templateFile})`);
	},
};
