/**
 * Loading and validating mappings: SDK files load unchanged; malformed YAML, wrong types and
 * unknown names fail with the line and column, the mapping entry and a suggestion.
 */
import {
	loadMapping,
	MappingValidationError,
	type MappingIssue,
} from '../nodes/FieldMapper/mapping';
import { readMapping } from './fixtures/mappings/read.cjs';

function issuesOf(yaml: string): MappingIssue[] {
	try {
		loadMapping(yaml);
	} catch (error) {
		expect(error).toBeInstanceOf(MappingValidationError);
		return (error as MappingValidationError).issues;
	}
	throw new Error('expected the mapping to be rejected');
}

function messageOf(yaml: string): string {
	try {
		loadMapping(yaml);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected the mapping to be rejected');
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('SDK mapping files load unchanged', () => {
	it('reads the contacts example: entity, lookup field, seven entries with their options', () => {
		const spec = loadMapping(readMapping('contacts'));
		expect(spec.entity).toBe('contact');
		expect(spec.lookupField).toBe('email');
		expect(spec.entries.map((e) => [e.ccField, e.crmField])).toEqual([
			['title', 'full_name'],
			['email', 'email'],
			['number', 'phone'],
			['account', 'company_id'],
			['description', 'notes'],
			['customFields.tags', 'tags'],
			['customFields.interests', 'interests'],
		]);
		expect(spec.entries[2].transformers).toEqual([
			expect.objectContaining({ name: 'phone_normalize', params: { format: 'e164' } }),
		]);
		expect(spec.entries[3].relation).toEqual({
			entity: 'account',
			resolveFrom: 'id',
			resolveTo: 'name',
		});
		expect(spec.entries[5].multiValue).toEqual({ strategy: 'split', separator: ',' });
		expect(spec.entries[6].multiValue).toEqual({ strategy: 'join', separator: ', ' });
		// no `direction:` key: chains run as written both ways, like the SDK
		expect(spec.writtenFor).toBe('both');
	});

	it('reads the accounts, activities and account-contact examples without errors', () => {
		expect(loadMapping(readMapping('accounts')).entries).toHaveLength(5);
		expect(loadMapping(readMapping('activities')).entries).toHaveLength(7);
		expect(loadMapping(readMapping('account-contact')).entries[1].transformers[0]).toMatchObject({
			name: 'prefix',
			params: { value: 'company_' },
		});
	});

	it('records the line of every entry and transformer', () => {
		const spec = loadMapping(readMapping('contacts'));
		expect(spec.entries.map((e) => e.pos?.line)).toEqual([4, 7, 10, 19, 26, 31, 38]);
		expect(spec.entries[2].transformers[0].pos).toEqual({ line: 13, column: 9 });
	});

	it('warns, with a suggestion, that email and number are custom fields in Daktela', () => {
		const warnings = loadMapping(readMapping('contacts')).warnings;
		expect(warnings).toEqual([
			expect.objectContaining({ line: 7, column: 15, entry: 1, suggestion: 'customFields.email' }),
			expect.objectContaining({
				line: 10,
				column: 15,
				entry: 2,
				suggestion: 'customFields.number',
			}),
		]);
	});

	it('reads the SDK 0.x source/target/direction format of the Raynet adapter', () => {
		const spec = loadMapping(readMapping('raynet-contacts'));
		expect(spec.entries[1]).toMatchObject({ ccField: 'name', crmField: 'id', only: 'toDaktela' });
		expect(spec.warnings.map((w) => w.message)).toEqual(
			expect.arrayContaining([expect.stringContaining('legacy SDK keys source/target')]),
		);
	});
});

describe('${ENV} placeholders', () => {
	const yaml = lines(
		'entity: contact',
		'lookup_field: description',
		'mappings:',
		'  - cc_field: description',
		'    crm_field: id',
		'    transformers:',
		'      - name: url',
		'        params: { template: "https://crm.example.com/${CRM_INSTANCE}/${CRM_AREA}?id={value}" }',
	);

	it('are filled from Variables, inline as in the SDK', () => {
		const spec = loadMapping(yaml, { variables: { CRM_INSTANCE: 'acme', CRM_AREA: 'people' } });
		expect(spec.entries[0].transformers[0].params.template).toBe(
			'https://crm.example.com/acme/people?id={value}',
		);
		expect(spec.warnings).toEqual([]);
	});

	it('stay literal when undefined, with a warning at their line that explains n8n has no env', () => {
		const spec = loadMapping(yaml, { variables: { CRM_AREA: 'people' } });
		expect(spec.entries[0].transformers[0].params.template).toBe(
			'https://crm.example.com/${CRM_INSTANCE}/people?id={value}',
		);
		expect(spec.warnings).toEqual([
			expect.objectContaining({
				line: 8,
				message: expect.stringMatching(/\$\{CRM_INSTANCE\} is not defined.*Variables/),
			}),
		]);
	});
});

describe('malformed YAML', () => {
	it('reports the syntax error with its line and column', () => {
		const issues = issuesOf(lines('entity: contact', 'lookup_field: [name', 'mappings: []'));
		expect(issues[0]).toMatchObject({ line: 3, message: expect.stringMatching(/^YAML syntax:/) });
	});

	it('reports a bad indentation inside an entry', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: title',
				'   crm_field: x',
			),
		);
		expect(issues[0].line).toBe(5);
	});

	it('reports duplicate keys at the second key', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'entity: account',
				'mappings:',
				'  - {cc_field: a, crm_field: b}',
			),
		);
		expect(issues[0]).toMatchObject({
			line: 3,
			column: 1,
			message: expect.stringContaining('unique'),
		});
	});

	it('rejects an empty document and a document that is not a key/value block', () => {
		expect(messageOf('')).toMatch(/the mapping is empty/);
		expect(messageOf('- a\n- b\n')).toMatch(
			/must be a YAML block with entity, lookup_field and mappings/,
		);
	});
});

describe('wrong types and missing keys', () => {
	it('names the key, the expected and received type, and the line', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: 42',
				'mappings:',
				'  - cc_field: title',
				'    crm_field: [a, b]',
			),
		);
		expect(issues).toEqual([
			expect.objectContaining({
				line: 2,
				column: 15,
				message: '"lookup_field" must be text, got a number',
			}),
			expect.objectContaining({
				line: 5,
				column: 16,
				entry: 0,
				entryField: 'title',
				message: '"crm_field" must be text, got a list',
			}),
		]);
	});

	it('requires entity, lookup_field and at least one mapping', () => {
		expect(issuesOf('mappings: []\n').map((i) => i.message)).toEqual([
			'"entity" is required',
			'"lookup_field" is required',
			'mappings needs at least one entry',
		]);
	});

	it('requires cc_field and a source for each entry, naming the entry', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - crm_field: a',
				'  - cc_field: title',
			),
		);
		expect(issues).toEqual([
			expect.objectContaining({
				line: 4,
				entry: 0,
				message: expect.stringContaining('cc_field is required'),
			}),
			expect.objectContaining({
				line: 5,
				entry: 1,
				message: expect.stringContaining('crm_field is required'),
			}),
		]);
	});

	it('rejects an entry that is not a key/value block, and conflicting sources', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - title',
				'  - cc_field: title',
				'    value: x',
				'    template: "{a}"',
			),
		);
		expect(issues[0]).toMatchObject({
			line: 4,
			message: expect.stringContaining('must be a key/value block'),
		});
		expect(issues[1]).toMatchObject({
			line: 7,
			message: expect.stringContaining('use only one of value, template and expression'),
		});
	});

	it('checks param types of transformers', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: x',
				'    crm_field: y',
				'    transformers:',
				'      - name: value_map',
				'        params: { map: [a, b] }',
				'      - name: date_format',
				'        params: { timezone: Mars/Base }',
			),
		);
		expect(issues).toEqual([
			expect.objectContaining({
				line: 8,
				column: 24,
				message: '"map" must be a key/value block, got a list',
			}),
			expect.objectContaining({
				line: 10,
				column: 29,
				message: expect.stringContaining('not a known time zone'),
			}),
		]);
	});

	it('rejects field paths that could reach the prototype, and empty segments', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - {cc_field: __proto__.x, crm_field: a..b}',
			),
		);
		expect(issues.map((i) => i.message)).toEqual([
			'"__proto__" cannot be used in a field path',
			'"a..b" has an empty segment (check the dots)',
		]);
	});

	it('checks template placeholders and that expressions contain {{ }}', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - {cc_field: title, template: "no placeholders"}',
				'  - {cc_field: firstname, expression: "$json.first"}',
			),
		);
		expect(issues.map((i) => [i.line, i.message])).toEqual([
			[4, 'a template needs at least one {field} placeholder'],
			[5, expect.stringContaining('an expression must contain {{ }}')],
		]);
	});
});

describe('unknown names get the nearest valid name', () => {
	it('unknown transformer', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: customFields.number',
				'    crm_field: phone',
				'    transformers:',
				'      - name: phone_normalise',
				'      - wrap_aray',
			),
		);
		expect(issues).toEqual([
			expect.objectContaining({ line: 7, column: 15, entry: 0, suggestion: 'phone_normalize' }),
			expect.objectContaining({ line: 8, column: 9, entry: 0, suggestion: 'wrap_array' }),
		]);
		expect(issues[0].message).toBe('unknown transformer "phone_normalise"');
	});

	it('a transformer named like an Object method is unknown, not a crash', () => {
		for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
			const [issue] = issuesOf(
				lines(
					'entity: contact',
					'lookup_field: name',
					'mappings:',
					'  - cc_field: a',
					'    crm_field: b',
					`    transformers: [${name}]`,
				),
			);
			expect(issue).toEqual(expect.objectContaining({ line: 6, entry: 0 }));
			expect(issue.message).toMatch(new RegExp(`^unknown transformer "${name}"`));
		}
	});

	it('lists the transformers when nothing is close', () => {
		const [issue] = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: a',
				'    crm_field: b',
				'    transformers: [frobnicate]',
			),
		);
		expect(issue.suggestion).toBeUndefined();
		expect(issue.message).toContain('available: date_format, phone_normalize');
	});

	it('unknown multi_value strategy, type, case and format', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: customFields.tags',
				'    crm_field: tags',
				'    multi_value: { strategy: spilt }',
				'    type: integr',
				'    transformers:',
				'      - name: string_case',
				'        params: { case: uper }',
				'      - name: phone_normalize',
				'        params: { format: E164 }',
			),
		);
		expect(issues.map((i) => [i.line, i.suggestion])).toEqual([
			[6, 'split'],
			[7, 'integer'],
			[10, 'upper'],
			[12, 'e164'],
		]);
		expect(issues[0].message).toBe(
			'"spilt" is not a valid multi_value strategy (use one of: as_array, join, split, first, last)',
		);
	});

	it('unknown keys at every level, pointing at the key', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_feild: name',
				'mappings:',
				'  - cc_field: title',
				'    crm_field: full_name',
				'    trasformers: []',
				'    relation: { entity: account, resolve_form: id, resolve_to: name }',
				'    multi_value: { strategy: join, seperator: "," }',
				'  - cc_field: x',
				'    crm_field: y',
				'    transformers:',
				'      - name: join',
				'        params: { separater: "," }',
				'        parms: {}',
			),
		);
		expect(issues.map((i) => [i.line, i.column, i.suggestion])).toEqual([
			[1, 1, undefined], // lookup_field is then missing: reported at the mapping's start
			[2, 1, 'lookup_field'],
			[6, 5, 'transformers'],
			[7, 15, undefined], // resolve_from is then missing: reported at the relation
			[7, 34, 'resolve_from'],
			[8, 36, 'separator'],
			[13, 19, 'separator'],
			[14, 9, 'params'],
		]);
		expect(issues[1].message).toBe('unknown key "lookup_feild"');
	});

	it('unknown callback: explains that SDK closures cannot run in n8n and suggests built-ins', () => {
		const [issue] = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: title',
				'    crm_field: t',
				'    transformers:',
				'      - name: callback',
				'        params: { name: strtolowr }',
				'      - name: callback',
				'        params: { name: normalize_country }',
			),
		).slice(0, 1);
		expect(issue).toMatchObject({ line: 8, suggestion: 'strtolower' });
		const all = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: title',
				'    crm_field: t',
				'    transformers:',
				'      - name: callback',
				'        params: { name: normalize_country }',
			),
		);
		expect(all[0].message).toMatch(/PHP closure.*n8n cannot run.*value_map.*expression/);
	});

	it('formats the node message: line, column, entry, field and "did you mean"', () => {
		expect(
			messageOf(
				lines(
					'entity: contact',
					'lookup_field: name',
					'mappings:',
					'  - cc_field: title',
					'    crm_field: t',
					'    transformers: [strng_case]',
				),
			),
		).toBe(
			'Invalid mapping: line 6, column 20, mapping entry 1 cc_field "title": unknown transformer "strng_case". Did you mean "string_case"?',
		);
	});

	it('reports every problem of a file at once, in line order', () => {
		const issues = issuesOf(
			lines(
				'entity: contact',
				'lookup_field: name',
				'mappings:',
				'  - cc_field: a',
				'    crm_field: b',
				'    multi_value: {strategy: joinn}',
				'    transformers: [phone_normalise]',
				'  - cc_field: c',
				'    crm_fild: d',
			),
		);
		expect(issues.map((i) => i.line)).toEqual([6, 7, 9]);
	});

	it('warns about an unknown entity, relation entity and an unmapped lookup field', () => {
		const spec = loadMapping(
			lines(
				'entity: contcat',
				'lookup_field: email',
				'mappings:',
				'  - cc_field: user',
				'    crm_field: owner',
				'    relation: { entity: acount, resolve_from: id, resolve_to: name }',
			),
		);
		expect(spec.warnings.map((w) => [w.line, w.suggestion])).toEqual([
			[1, 'contact'],
			[2, undefined],
			[6, 'account'],
		]);
	});
});
