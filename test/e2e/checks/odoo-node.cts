/**
 * The sandbox CRM against n8n's own Odoo node (n8n-nodes-base 2.41.1), in a real n8n: proves the
 * sandbox speaks what the node sends, so templates built on the Odoo node can be tested on it.
 * Covers node v2 with both credentials (API key -> /json/2, username & password -> /jsonrpc) and
 * node v1 (/jsonrpc execute), the incremental filter `write_date >= <cursor>`, create / update /
 * activity create / custom-model create, and a write that the sandbox is told to fail.
 */
import assert from 'node:assert/strict';

import type { E2EContext } from '../context.cjs';
import { nodeOutput } from '../n8n.cjs';
import { bindCredentials, chain } from '../workflow.cjs';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const mapper = (value: Record<string, unknown>) => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: [],
});

export async function checkOdooNode(ctx: E2EContext): Promise<string> {
	const clock = { now: new Date('2025-01-01T10:00:00Z') };
	const odoo = await ctx.odoo({ now: () => clock.now });
	// Acme (id 1) changed long before the cursor: the incremental pull must skip it.
	odoo.store.setWriteDate('res.partner', 1, '2024-06-01 08:00:00');
	const failing = 3; // Jana
	odoo.failRecord(failing, 'Sandbox says no to Jana');
	clock.now = new Date('2025-01-01T11:00:00Z');

	const n8n = await ctx.n8n();
	const creds = await ctx.sandboxCredentials(n8n, { odoo });
	const apiKey = { odooApiKeyApi: { id: 'x', name: 'x' } };
	const rpc = { odooApi: { id: 'x', name: 'x' } };
	const workflow = bindCredentials(
		chain('e2e: sandbox CRM vs n8n Odoo node', [
			{
				name: 'Changed partners (v2, API key)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 2,
				credentials: apiKey,
				parameters: {
					authentication: 'odooApiKeyApi',
					resource: 'custom',
					operation: 'getAll',
					customResource: rl('res.partner'),
					returnAll: true,
					filters: {
						filter: [
							{
								fieldName: 'write_date',
								operator: 'greaterOrEqual',
								value: '2025-01-01T09:30:00.000Z',
							},
						],
					},
					options: { fieldsList: 'name,email,phone,is_company,parent_id,write_date' },
				},
			},
			{
				name: 'Create person (v2, password)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 2,
				executeOnce: true,
				credentials: rpc,
				parameters: {
					authentication: 'odooApi',
					resource: 'contact',
					operation: 'create',
					fieldsToSend: mapper({
						name: 'Nová Osoba',
						email: 'nova.osoba@globex.example',
						parent_id: 2,
						is_company: false,
					}),
				},
			},
			{
				name: 'Update person (v2 custom)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 2,
				credentials: apiKey,
				parameters: {
					authentication: 'odooApiKeyApi',
					resource: 'custom',
					operation: 'update',
					customResource: rl('res.partner'),
					recordId: rl('={{ $json.id }}'),
					fieldsToSend: mapper({ phone: '+420 777 000 111' }),
				},
			},
			{
				name: 'Log call (v2 activity)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 2,
				credentials: rpc,
				parameters: {
					authentication: 'odooApi',
					resource: 'activity',
					operation: 'create',
					res_model: rl('res.partner'),
					res_id: rl('={{ $json.id }}'),
					activity_type_id: rl('2'),
					additionalFields: mapper({
						summary: 'Call from Daktela',
						note: '<p>Inbound call, 5 min</p>',
						date_deadline: '2025-01-01',
					}),
				},
			},
			{
				name: 'Message (v1 custom create)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 1,
				credentials: rpc,
				parameters: {
					resource: 'custom',
					operation: 'create',
					customResource: 'mail.message',
					fieldsToCreateOrUpdate: {
						fields: [
							{ fieldName: 'model', fieldValue: 'res.partner' },
							{
								fieldName: 'res_id',
								fieldValue: "={{ $('Create person (v2, password)').item.json.id }}",
							},
							{ fieldName: 'body', fieldValue: 'Call recording attached' },
						],
					},
				},
			},
			{
				name: 'Changed partners (v1)',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 1,
				executeOnce: true,
				credentials: rpc,
				parameters: {
					resource: 'custom',
					operation: 'getAll',
					customResource: 'res.partner',
					returnAll: true,
					filterRequest: {
						filter: [
							{ fieldName: 'write_date', operator: 'greaterOrEqual', value: '2025-01-01 09:30:00' },
						],
					},
					options: { fieldsList: ['name', 'write_date'] },
				},
			},
			{
				name: 'Update failing record',
				type: 'n8n-nodes-base.odoo',
				typeVersion: 2,
				executeOnce: true,
				onError: 'continueRegularOutput',
				credentials: apiKey,
				parameters: {
					authentication: 'odooApiKeyApi',
					resource: 'contact',
					operation: 'update',
					contactId: rl(String(failing)),
					fieldsToSend: mapper({ phone: '+420 000' }),
				},
			},
		]),
		creds,
	);
	const id = await n8n.importWorkflow(workflow);
	const result = await n8n.execute(id);
	assert.ok(result.ok, `run failed: ${result.error}\n${result.stdout.slice(-2000)}`);
	const run = result.run;

	const changed = nodeOutput(run, 'Changed partners (v2, API key)');
	assert.deepEqual(
		changed.map((p) => p.name).sort(),
		['Eva Dvořáková', 'Globex a.s.', 'Jana Nováková', 'Petr Svoboda', 'Tomáš Černý'],
		'incremental pull (write_date >= cursor) over /json/2',
	);
	const jana = changed.find((p) => p.name === 'Jana Nováková')!;
	assert.deepEqual(jana.parent_id, [1, 'Acme s.r.o.'], 'many2one read as [id, name]');
	assert.equal(jana.write_date, '2025-01-01 10:00:00');

	const created = nodeOutput(run, 'Create person (v2, password)');
	assert.equal(created.length, 1);
	const personId = created[0].id as number;
	const person = odoo.store.peek('res.partner', personId)!;
	assert.equal(person.name, 'Nová Osoba');
	assert.equal(person.parent_id, 2);
	assert.equal(person.phone, '+420 777 000 111', 'v2 custom update landed');
	assert.equal(person.write_date, '2025-01-01 11:00:00');

	const activities = odoo.store.all('mail.activity');
	assert.equal(activities.length, 1);
	assert.equal(activities[0].res_id, personId);
	assert.equal(activities[0].activity_type_id, 2);
	assert.equal(activities[0].summary, 'Call from Daktela');
	const messages = odoo.store.all('mail.message');
	assert.equal(messages.length, 1);
	assert.equal(messages[0].res_id, personId);

	const v1 = nodeOutput(run, 'Changed partners (v1)');
	assert.equal(v1.length, 6, 'v1 filterRequest write_date >= cursor (5 seeded + the new person)');

	const failed = nodeOutput(run, 'Update failing record');
	assert.equal(failed.length, 1);
	assert.match(String(failed[0].error), /./, 'the failing write comes back as an error item');
	assert.notEqual(odoo.store.peek('res.partner', failing)!.phone, '+420 000');

	assert.ok((odoo.counters.calls['res.partner.search_read'] ?? 0) >= 2);
	return (
		`v2 /json/2 + /jsonrpc and v1 /jsonrpc: getAll with write_date filter, create, update, activity, ` +
		`custom create, forced failure ("${String(failed[0].error).slice(0, 80)}"); ` +
		`${odoo.counters.requests} requests, ${odoo.counters.writes} writes`
	);
}
