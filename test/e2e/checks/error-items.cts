/**
 * Failed items under "On Error: Continue" must stay ordinary items for the nodes after them. In
 * n8n 2.41 an item that carries an item-level `error` makes every later expression that touches it
 * (`$input.all()`, `$('Field Mapper').all()`) evaluate to null, which the harness does not
 * reproduce, so this runs in the real n8n: Set -> Split Out -> Field Mapper (one item fails a
 * required field) -> Set that counts items through both expressions.
 */
import assert from 'node:assert/strict';

import type { E2EContext } from '../context.cjs';
import { PACKAGE_NAME, nodeOutput } from '../n8n.cjs';
import { chain } from '../workflow.cjs';

const MAPPING = [
	'entity: contact',
	'lookup_field: name',
	'mappings:',
	'  - { cc_field: name, crm_field: id }',
	'  - { cc_field: lastname, crm_field: last, required: true }',
].join('\n');

export async function checkErrorItems(ctx: E2EContext): Promise<string> {
	const n8n = await ctx.n8n();
	const workflow = chain('e2e: Field Mapper error items downstream', [
		{
			name: 'Records',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'raw',
				jsonOutput: '{"list": [{"id": 1, "last": "A"}, {"id": 2}, {"id": 3, "last": "C"}]}',
			},
		},
		{
			name: 'Split',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'list' },
		},
		{
			name: 'Field Mapper',
			type: `${PACKAGE_NAME}.fieldMapper`,
			typeVersion: 1,
			onError: 'continueRegularOutput',
			parameters: { entity: 'contact', direction: 'toDaktela', mapping: MAPPING },
		},
		{
			name: 'Count',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			executeOnce: true,
			parameters: {
				mode: 'raw',
				jsonOutput:
					'={{ JSON.stringify({ input: $input.all().length, mapper: $("Field Mapper").all().length, failed: $input.all().filter(i => i.json.error).length }) }}',
			},
		},
	]);
	const id = await n8n.importWorkflow(workflow);
	const result = await n8n.execute(id);
	assert.ok(result.run, `no execution JSON (exit ${result.code}): ${result.stderr.slice(-2000)}`);
	const mapped = nodeOutput(result.run, 'Field Mapper');
	assert.equal(mapped.length, 3, `Field Mapper output: ${JSON.stringify(mapped)}`);
	const count = nodeOutput(result.run, 'Count')[0];
	assert.deepEqual(
		count,
		{ input: 3, mapper: 3, failed: 1 },
		`downstream expressions saw ${JSON.stringify(count)}`,
	);
	return 'a failed Field Mapper item leaves $input.all() and $("Field Mapper").all() intact';
}
