/**
 * The Field Mapper node inside n8n's real WorkflowExecute (test/harness/n8n.cts): parameters and
 * defaults, the mapping compiled once, invalid mappings, per-item failures with Continue On Fail
 * and the error output, preview, Export as YAML, Variables, the visual mapper with expressions.
 */
import {
	NodeConnectionTypes,
	NodeHelpers,
	type INodeParameters,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type ResourceMapperField,
} from 'n8n-workflow';

import { FieldMapper } from '../nodes/FieldMapper/FieldMapper.node';
import { getDaktelaFields } from '../nodes/FieldMapper/methods';
import { DEFAULT_MAPPINGS, loadMapping } from '../nodes/FieldMapper/mapping';
import { readMapping } from './fixtures/mappings/read.cjs';
import { runNode, runWorkflow } from './harness/n8n.cjs';

const people = [
	{
		id: 1,
		first_name: 'Jana',
		last_name: 'Nováková',
		email: 'Jana@Example.cz',
		phone: '601 123 456',
		company_id: 7,
	},
	{ id: 2, first_name: 'Petr', last_name: '', email: 'petr@example.cz', phone: '+421 905 123 456' },
	{ id: 3, first_name: 'Eva', last_name: 'Svobodová', phone: '777 000 111' },
];

const json = (items: INodeExecutionData[]) => items.map((i) => i.json);

describe('Field Mapper node, YAML mode', () => {
	it('maps every item with the default contact mapping, adding _lookup and _relations, pairedItem set', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', options: { defaultCountry: 'CZ' } },
			items: [people[0]],
		});
		expect(r.error).toBeUndefined();
		expect(r.outputs[0]).toEqual([
			{
				json: {
					name: 'crm_person_1',
					firstname: 'Jana',
					lastname: 'Nováková',
					title: 'Jana Nováková',
					customFields: { email: ['jana@example.cz'], number: ['+420601123456'] },
					account: 'crm_account_7',
					description: null,
					database: 'default',
					_lookup: { field: 'name', value: 'crm_person_1' },
					_relations: {
						account: {
							entity: 'account',
							resolveFrom: 'id',
							resolveTo: 'name',
							value: 'crm_account_7',
						},
					},
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('reads an SDK mapping file unchanged', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping: readMapping('contacts') },
			items: [
				{
					full_name: 'John Doe',
					email: 'john@example.com',
					phone: '(420) 123-456-789',
					tags: 'a,b',
				},
			],
		});
		expect(r.outputs[0][0].json).toMatchObject({
			title: 'John Doe',
			number: '+420123456789',
			customFields: { tags: ['a', 'b'] },
			_lookup: { field: 'email', value: 'john@example.com' },
		});
	});

	it('an invalid mapping fails the node once, before any item, naming line, column and the fix', async () => {
		const mapping = DEFAULT_MAPPINGS.contact.replace('- name: wrap_array', '- name: wrap_aray');
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping },
			items: people,
		});
		expect(r.status).toBe('error');
		expect(r.error?.name).toBe('NodeOperationError');
		expect(r.error?.message).toBe(
			'Invalid mapping: line 33, column 15, mapping entry 5 cc_field "customFields.email": unknown transformer "wrap_aray". Did you mean "wrap_array"?',
		);
		expect(r.outputs).toEqual([]);
	});

	it('an invalid mapping also stops the node under Continue On Fail (no item can be mapped)', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				mapping: 'entity: contact\nlookup_field: name\nmappings: []\n',
			},
			items: people,
			continueOnFail: true,
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe(
			'Invalid mapping: line 3, column 11: mappings needs at least one entry',
		);
	});

	it('the mapping can come from an expression (e.g. a file read earlier); it is read once, from the first item', async () => {
		const yaml =
			'entity: account\nlookup_field: name\nmappings:\n  - {cc_field: name, crm_field: id}\n';
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'account', mapping: '={{ $json.mappingYaml }}' },
			items: [{ id: 'a', mappingYaml: yaml }, { id: 'b' }],
		});
		expect(json(r.outputs[0])).toEqual([
			{ name: 'a', _lookup: { field: 'name', value: 'a' } },
			{ name: 'b', _lookup: { field: 'name', value: 'b' } },
		]);
		const bad = await runNode({
			node: FieldMapper,
			parameters: { entity: 'account', mapping: '={{ { a: 1 } }}' },
			items: [{}],
		});
		expect(bad.error?.message).toBe(
			'Invalid mapping: mapping: the mapping must be YAML text, but the parameter gave object',
		);
	});

	it('one bad item fails the run with the item index and a message that names the field', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact' },
			items: people,
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe(
			'Field "lastname" (mapping entry 3, line 17): required value is missing (crm_field "last_name" is empty)',
		);
		expect((r.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);
	});

	it('Continue On Fail: the bad item becomes an error item, the others are mapped', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact' },
			items: people,
			continueOnFail: true,
		});
		expect(r.status).toBe('success');
		const out = r.outputs[0];
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.name).toBe('crm_person_1');
		expect(out[1].json).toEqual({ error: expect.stringContaining('Field "lastname"') });
		expect(out[2].json.name).toBe('crm_person_3');
	});

	it('error output: failed items go to the second output with their input data', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact' },
			items: people,
			onError: 'continueErrorOutput',
		});
		expect(json(r.outputs[0]).map((j) => j.name)).toEqual(['crm_person_1', 'crm_person_3']);
		expect(r.outputs[1]).toHaveLength(1);
		expect(r.outputs[1][0].json.error).toContain('Field "lastname"');
		expect(r.outputs[1][0].pairedItem).toEqual({ item: 1 });
	});

	it('a value that cannot be coerced fails only its item', async () => {
		const mapping =
			'entity: contact\nlookup_field: name\nmappings:\n  - {cc_field: name, crm_field: id}\n  - {cc_field: customFields.age, crm_field: age, type: integer}\n';
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping },
			items: [
				{ id: 'a', age: '41' },
				{ id: 'b', age: 'forty' },
			],
			continueOnFail: true,
		});
		expect(json(r.outputs[0])).toEqual([
			{ name: 'a', customFields: { age: 41 }, _lookup: { field: 'name', value: 'a' } },
			{
				error:
					'Field "customFields.age" (mapping entry 2, line 5): cannot convert "forty" to a number',
			},
		]);
	});

	it('preview: _preview (one readable line per target field) on the first N items only, warnings on the first', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				mapping: readMapping('contacts'),
				options: { preview: true, previewItems: 2 },
			},
			items: [{ full_name: 'A' }, { full_name: 'B' }, { full_name: 'C' }],
		});
		const out = r.outputs[0];
		// An object of strings: n8n's Table view shows it as one "field: line" row per field.
		expect((out[0].json._preview as Record<string, unknown>).title).toBe('full_name: "A" → "A"');
		expect(Object.values(out[1].json._preview as object)).toHaveLength(7);
		expect(Object.values(out[1].json._preview as object)).toEqual(
			Array(7).fill(expect.stringMatching(/^.+: .+ → .+$/)),
		);
		expect(out[2].json._preview).toBeUndefined();
		expect(out[0].json._warnings).toEqual([
			expect.stringContaining('line 7, column 15'),
			expect.stringContaining('line 10, column 5'),
			expect.stringContaining('line 10, column 15'),
		]);
		expect(out[1].json._warnings).toBeUndefined();
	});

	it('reports mapping warnings as execution hints', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping: readMapping('contacts') },
			items: [{}],
		});
		const hints = r.run.data.resultData.runData['Field Mapper'][0].hints ?? [];
		expect(hints.map((h) => h.message)).toEqual([
			expect.stringMatching(
				/^line 7, column 15, mapping entry 2 cc_field "email": .*Did you mean "customFields.email"\?$/,
			),
			expect.stringMatching(/^line 10, column 5, .*phone_normalize has no default country/),
			expect.stringMatching(/^line 10, column 15/),
		]);
	});

	it('one hint for the same warning on several entries, naming every line; preview keeps both entries', async () => {
		const mapping = [
			'entity: contact',
			'lookup_field: name',
			'mappings:',
			'  - cc_field: name',
			'    crm_field: id',
			'  - cc_field: customFields.number',
			'    crm_field: phone',
			'    transformers: [phone_normalize, wrap_array]',
			'  - cc_field: customFields.number',
			'    crm_field: mobile',
			'    append: true',
			'    transformers: [phone_normalize, wrap_array]',
		].join('\n');
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping, options: { preview: true } },
			items: [{ id: 7, phone: '+420 601 123 456', mobile: '+420 602 000 111' }],
		});
		const hints = r.run.data.resultData.runData['Field Mapper'][0].hints ?? [];
		expect(hints.map((h) => h.message)).toEqual([
			expect.stringMatching(/^line 6, line 9: phone_normalize has no default country/),
		]);
		expect(r.outputs[0][0].json._preview).toEqual({
			name: 'id: 7 → "7"',
			'customFields.number': 'phone: "+420 601 123 456" → ["+420601123456","+420602000111"]',
			'customFields.number (2)': 'mobile: "+420 602 000 111" → ["+420601123456","+420602000111"]',
		});
	});

	it('Variables fill ${NAME} placeholders, e.g. from n8n expressions', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				mapping: readMapping('raynet-contacts'),
				options: {
					variables: {
						variable: [{ name: 'RAYNET_INSTANCE_NAME', value: '={{ "acme" + "-cz" }}' }],
					},
				},
			},
			items: [{ id: 5, fullName: 'Jan' }],
		});
		expect(r.outputs[0][0].json.description).toBe(
			'https://app.raynet.cz/acme-cz/?view=DetailView&en=Person&ei=5',
		);
	});

	it('expression entries are evaluated by n8n per item; a failing one fails its item', async () => {
		const mapping =
			"entity: contact\nlookup_field: name\nmappings:\n  - {cc_field: name, crm_field: id}\n  - cc_field: title\n    expression: \"{{ $json.name ? $json.name.first + ' ' + $json.name.last.toUpperCase() : $('No Such Node').item.json.id }}\"\n";
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping },
			items: [{ id: 1, name: { first: 'Jan', last: 'Novák' } }, { id: 2 }],
			continueOnFail: true,
		});
		expect(r.outputs[0][0].json.title).toBe('Jan NOVÁK');
		expect(r.outputs[0][1].json.error).toMatch(
			/^Field "title" \(mapping entry 2, line 5\): the expression failed/,
		);
	});

	it('direction To CRM with the default activity mapping', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'activity', options: { timeZone: 'Europe/Prague' } },
			items: [
				{
					name: 'activities_1',
					type: 'EMAIL',
					time: '2025-06-01 10:00:00',
					contact: { name: 'crm_person_9' },
				},
			],
		});
		expect(r.outputs[0][0].json).toMatchObject({
			external_id: 'activities_1',
			type: 'email',
			start_time: '2025-06-01T10:00:00+02:00',
			contact_id: '9',
		});
		expect(r.outputs[0][0].json._lookup).toBeUndefined();
	});

	it('Empty Values: Omit leaves out empty fields', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'account', options: { emptyValues: 'omit' } },
			items: [{ id: 9, name: 'ACME' }],
		});
		expect(r.outputs[0][0].json).toEqual({
			name: 'crm_account_9',
			title: 'ACME',
			database: 'default',
			_lookup: { field: 'name', value: 'crm_account_9' },
		});
	});

	it('Export as YAML: one item with the mapping, paired with all input items', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'account', options: { exportYaml: true } },
			items: [{ a: 1 }, { a: 2 }],
		});
		expect(r.outputs[0]).toHaveLength(1);
		expect(r.outputs[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		const exported = r.outputs[0][0].json.mapping as string;
		expect(loadMapping(exported).entries.map((e) => e.ccField)).toEqual([
			'name',
			'title',
			'description',
			'database',
		]);
	});
});

describe('Field Mapper node, visual mode', () => {
	const fieldsToDaktela = {
		mappingMode: 'defineBelow',
		matchingColumns: ['name'],
		schema: [],
		attemptToConvertTypes: false,
		convertFieldsToString: false,
		value: {
			name: '={{ $json.id }}',
			title: '={{ $json.first_name }} {{ $json.last_name }}',
			lastname: '={{ $json.last_name }}',
			'customFields.email': '={{ $json.email.toLowerCase() }}',
			'customFields.number': '={{ $json.phone }}',
			database: 'default',
		},
	};

	it('maps with the same result as the equivalent YAML (plain fields, a template, an n8n expression)', async () => {
		const items = [people[0], people[2]];
		const visual = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				mappingMode: 'visual',
				fieldsToDaktela,
				options: { defaultCountry: 'CZ' },
			},
			items,
			continueOnFail: true,
		});
		expect(json(visual.outputs[0])).toEqual([
			{
				name: '1',
				title: 'Jana Nováková',
				lastname: 'Nováková',
				customFields: { email: ['jana@example.cz'], number: ['+420601123456'] },
				database: 'default',
				_lookup: { field: 'name', value: '1' },
			},
			{
				name: '3',
				title: 'Eva Svobodová',
				lastname: 'Svobodová',
				customFields: { email: [], number: ['+420777000111'] },
				database: 'default',
				_lookup: { field: 'name', value: '3' },
			},
		]);

		const exported = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				mappingMode: 'visual',
				fieldsToDaktela,
				options: { exportYaml: true },
			},
			items,
		});
		const yaml = exported.outputs[0][0].json.mapping as string;
		expect(yaml).toContain('template: "{first_name} {last_name}"');
		expect(yaml).toContain('expression: "{{ $json.email.toLowerCase() }}"');
		const fromYaml = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mapping: yaml, options: { defaultCountry: 'CZ' } },
			items,
			continueOnFail: true,
		});
		expect(json(fromYaml.outputs[0])).toEqual(json(visual.outputs[0]));
	});

	it('To CRM: each Daktela field names the CRM field it goes to', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: {
				entity: 'contact',
				direction: 'toCrm',
				mappingMode: 'visual',
				fieldsToCrm: {
					mappingMode: 'defineBelow',
					matchingColumns: [],
					schema: [],
					attemptToConvertTypes: false,
					convertFieldsToString: false,
					value: { name: 'external_id', 'customFields.number': 'phone', title: '' },
				},
			},
			items: [{ name: 'crm_person_1', title: 'Jan', customFields: { number: ['+420601123456'] } }],
		});
		expect(r.outputs[0][0].json).toEqual({ external_id: 'crm_person_1', phone: '+420601123456' });
	});

	it('an empty visual mapping fails the node before any item', async () => {
		const r = await runNode({
			node: FieldMapper,
			parameters: { entity: 'contact', mappingMode: 'visual' },
			items: [{}],
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toContain('no field is mapped');
	});
});

describe('visual mapper field list (resource mapper method)', () => {
	const fieldsFor = async (parameters: Record<string, unknown>): Promise<ResourceMapperField[]> => {
		const context = {
			getCurrentNodeParameter: (name: string) => parameters[name],
		} as unknown as ILoadOptionsFunctions;
		return (await getDaktelaFields.call(context)).fields;
	};

	it('to Daktela: writable fields of the entity with their types, custom fields added, lookup candidates', async () => {
		const fields = await fieldsFor({
			entity: 'contact',
			direction: 'toDaktela',
			customFields: 'industry, customFields.tags, bad key',
		});
		const ids = fields.map((f) => f.id);
		expect(ids).toEqual(
			expect.arrayContaining([
				'name',
				'title',
				'lastname',
				'customFields.email',
				'customFields.industry',
				'customFields.tags',
			]),
		);
		expect(ids).not.toContain('created');
		expect(ids).not.toContain('customFields.bad key');
		expect(fields.find((f) => f.id === 'name')).toMatchObject({
			defaultMatch: true,
			canBeUsedToMatch: true,
		});
		expect(fields.find((f) => f.id === 'lastname')?.displayName).toBe(
			'Last Name (Required to Create)',
		);
	});

	it('to CRM: every field, as text (the value is a CRM field name)', async () => {
		const fields = await fieldsFor({ entity: 'activity', direction: 'toCrm' });
		expect(fields.map((f) => f.id)).toContain('time_close');
		expect(new Set(fields.map((f) => f.type))).toEqual(new Set(['string']));
		expect(fields.every((f) => !f.canBeUsedToMatch)).toBe(true);
	});
});

/** Reads the input back through expressions, once per run (like a Set node with Execute Once). */
class ReadBack implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Read Back',
		name: 'readBack',
		group: ['transform'],
		version: 1,
		description: 'Test node: evaluates expressions over earlier items',
		defaults: { name: 'Read Back' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Count', name: 'count', type: 'number', default: 0 },
			{ displayName: 'Mapped', name: 'mapped', type: 'json', default: '' },
			{ displayName: 'Matching', name: 'matching', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			[
				{
					json: {
						count: this.getNodeParameter('count', 0) as number,
						mapped: this.getNodeParameter('mapped', 0) as IDataObject,
						matching: this.getNodeParameter('matching', 0) as string,
					},
					pairedItem: { item: 0 },
				},
			],
		];
	}
}

describe('Field Mapper error items downstream (n8n WorkflowExecute)', () => {
	const mapping =
		'entity: contact\nlookup_field: name\nmappings:\n  - {cc_field: name, crm_field: id}\n  - {cc_field: lastname, crm_field: last, required: true}\n';

	async function run(onError: 'continueRegularOutput' | 'continueErrorOutput') {
		return runWorkflow({
			nodes: [
				{
					id: '1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: '2',
					name: 'Field Mapper',
					type: 'fieldMapper',
					typeVersion: 1,
					position: [200, 0],
					parameters: { entity: 'contact', mapping },
					onError,
				},
				{
					id: '3',
					name: 'Read Back',
					type: 'readBack',
					typeVersion: 1,
					position: [400, 0],
					parameters: {
						count: '={{ $input.all().length }}',
						mapped: '={{ $("Field Mapper").all().map((i) => i.json) }}',
						matching: '={{ $("Field Mapper").itemMatching(0).json.name }}',
					},
				},
			],
			connections: {
				Start: { main: [[{ node: 'Field Mapper', type: 'main', index: 0 }]] },
				'Field Mapper': { main: [[{ node: 'Read Back', type: 'main', index: 0 }]] },
			},
			nodeTypes: { fieldMapper: FieldMapper, readBack: ReadBack },
			triggerItems: [{ id: 'p1', last: 'A' }, { id: 'p2' }],
		});
	}

	it('Continue (regular output): later expressions see every item, the failed one as { error }', async () => {
		const r = await run('continueRegularOutput');
		expect(r.error).toBeUndefined();
		const out = r.outputOf('Field Mapper');
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const failed = { error: expect.stringContaining('Field "lastname"') };
		expect(r.outputOf('Read Back').map((i) => i.json)).toEqual([
			{
				count: 2,
				mapped: [{ name: 'p1', lastname: 'A', _lookup: { field: 'name', value: 'p1' } }, failed],
				matching: 'p1',
			},
		]);
		expect(out.map((i) => i.error)).toEqual([undefined, undefined]);
	});

	it('error output: the failed item is routed there with its input data, the rest go on', async () => {
		const r = await run('continueErrorOutput');
		expect(r.error).toBeUndefined();
		expect(r.outputOf('Field Mapper').map((i) => i.json.name)).toEqual(['p1']);
		const errors = r.outputOf('Field Mapper', 1);
		expect(errors).toHaveLength(1);
		expect(errors[0].error).toBeUndefined();
		expect(errors[0].json).toMatchObject({
			id: 'p2',
			error: expect.stringContaining('Field "lastname"'),
			details: { itemIndex: 1, field: 'lastname' },
		});
		expect(r.outputOf('Read Back').map((i) => i.json.count)).toEqual([1]);
	});
});

describe('Field Mapper node, switching the Mapping Mode', () => {
	// What n8n's editor does on every parameter change: keep the values of the parameters shown.
	const { description } = new FieldMapper();
	const node = { typeVersion: 1 };
	const afterChange = (values: INodeParameters) =>
		NodeHelpers.getNodeParameters(
			description.properties,
			values,
			true,
			false,
			node,
			description,
		) as INodeParameters;
	const yaml =
		'entity: contact\nlookup_field: name\nmappings:\n  - cc_field: name\n    crm_field: id\n';

	it('keeps the edited YAML through Visual mode and back', () => {
		let values = afterChange({ entity: 'contact', mappingMode: 'yaml', mapping: yaml });
		values = afterChange({ ...values, mappingMode: 'visual' });
		expect(values.mapping).toBe(yaml);
		values = afterChange({ ...values, mappingMode: 'yaml' });
		expect(values.mapping).toBe(yaml);
	});
});
