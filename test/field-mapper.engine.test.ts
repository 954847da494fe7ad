/**
 * The engine beyond the SDK: required, type coercion, templates, expressions, empty values,
 * lookup and relations, running a mapping against the direction it was written for, preview,
 * the default mappings, the visual mapper and Export as YAML.
 */
import { DateTime } from 'luxon';

import {
	compileMapping,
	DEFAULT_MAPPINGS,
	FieldMappingError,
	loadMapping,
	mappingToYaml,
	MappingValidationError,
	visualToSpec,
	type CompileOptions,
	type Direction,
	type MappingSpec,
} from '../nodes/FieldMapper/mapping';
import { classifyExpression, jsonPathOf } from '../nodes/FieldMapper/mapping/visual';

const NOW = DateTime.fromISO('2026-03-10T08:09:10', { zone: 'Europe/Prague' });

function mapper(yaml: string, direction: Direction, options: Partial<CompileOptions> = {}) {
	return compileMapping(loadMapping(yaml), {
		direction,
		timeZone: 'Europe/Prague',
		now: () => NOW,
		...options,
	});
}

const doc = (entries: string[], head: string[] = []) =>
	[
		'entity: contact',
		'lookup_field: name',
		...head,
		'mappings:',
		...entries.map((e) => `  ${e}`),
	].join('\n');

function failure(run: () => unknown): FieldMappingError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(FieldMappingError);
		return error as FieldMappingError;
	}
	throw new Error('expected the item to fail');
}

/** Strips positions so specs from different sources compare by meaning. */
const meaning = (spec: MappingSpec) =>
	spec.entries.map((entry) => {
		const rest: Partial<typeof entry> = { ...entry };
		delete rest.pos;
		delete rest.index;
		return {
			...rest,
			transformers: entry.transformers.map(({ name, params }) => ({ name, params })),
		};
	});

describe('required', () => {
	const m = mapper(
		doc([
			'- {cc_field: name, crm_field: id}',
			'- cc_field: lastname',
			'  crm_field: last_name',
			'  required: true',
		]),
		'toDaktela',
	);

	it('fails the item when the value is missing, null, empty or an empty list, naming field, entry, line and source', () => {
		for (const value of [undefined, null, '', []]) {
			const error = failure(() => m.map({ id: 1, last_name: value }));
			expect(error.field).toBe('lastname');
			expect(error.entry).toBe(1);
			expect(error.line).toBe(5);
			expect(error.message).toBe(
				'Field "lastname" (mapping entry 2, line 5): required value is missing (crm_field "last_name" is empty)',
			);
		}
	});

	it('passes values such as 0 and false', () => {
		expect(m.map({ last_name: 0 }).record.lastname).toBe(0);
		expect(m.map({ last_name: false }).record.lastname).toBe(false);
	});

	it('checks the whole accumulated value of append fields', () => {
		const a = mapper(
			doc([
				'- {cc_field: title, crm_field: a, append: true, required: true}',
				'- {cc_field: title, crm_field: b, append: true, multi_value: {strategy: join, separator: " "}}',
			]),
			'toDaktela',
		);
		expect(a.map({ b: 'x' }).record.title).toBe('x');
		expect(failure(() => a.map({})).message).toContain(
			'Field "title" (mapping entry 1, line 4): required value is missing',
		);
	});
});

describe('type coercion', () => {
	const typed = (type: string, value: unknown) =>
		mapper(doc([`- {cc_field: x, crm_field: y, type: ${type}}`]), 'toDaktela').map({ y: value })
			.record.x;

	it('converts what can be converted', () => {
		expect(typed('number', '12.5')).toBe(12.5);
		expect(typed('number', ' 12,5 ')).toBe(12.5);
		expect(typed('number', true)).toBe(1);
		expect(typed('integer', '42')).toBe(42);
		expect(typed('boolean', 'Yes')).toBe(true);
		expect(typed('boolean', '0')).toBe(false);
		expect(typed('boolean', 1)).toBe(true);
		expect(typed('string', 42)).toBe('42');
		expect(typed('string', false)).toBe('false');
		expect(typed('array', 'a')).toEqual(['a']);
		expect(typed('array', { a: 1 })).toEqual([1]);
		expect(typed('date', '15.01.2025')).toBe('2025-01-15');
		expect(typed('datetime', '2025-06-01 10:00:00')).toBe('2025-06-01T10:00:00+02:00');
		expect(typed('number', ['1', '2'])).toEqual([1, 2]);
		expect(typed('number', null)).toBeNull();
	});

	it('fails the item, naming the field and the value, when it cannot', () => {
		const fails = (type: string, value: unknown) =>
			failure(() =>
				mapper(doc([`- {cc_field: x, crm_field: y, type: ${type}}`]), 'toDaktela').map({
					y: value,
				}),
			).reason;
		expect(fails('number', 'abc')).toBe('cannot convert "abc" to a number');
		expect(fails('number', '1,200')).toBe('cannot convert "1,200" to a number');
		expect(fails('integer', '1.5')).toBe('"1.5" is not a whole number');
		expect(fails('boolean', 'maybe')).toBe('cannot convert "maybe" to true/false');
		expect(fails('string', { a: 1 })).toBe('cannot convert {"a":1} to text');
		expect(fails('date', 'someday')).toBe('cannot read "someday" as a date');
	});
});

describe('templates and expressions', () => {
	it('builds one value from several fields; missing fields collapse; all missing gives null', () => {
		const m = mapper(
			doc(['- {cc_field: title, template: "{first} {middle} {last} ({company.name})"}']),
			'toDaktela',
		);
		expect(
			m.map({ first: 'Jan', middle: 'Maria', last: 'Novák', company: { name: 'ACME' } }).record
				.title,
		).toBe('Jan Maria Novák (ACME)');
		expect(m.map({ first: 'Jan', last: 'Novák' }).record.title).toBe('Jan Novák ()');
		expect(m.map({}).record.title).toBeNull();
		expect(m.map({ first: ['a', 'b'] }).record.title).toBe('a, b ()');
	});

	it('a template feeds transformers and required like any source', () => {
		const m = mapper(
			doc([
				'- cc_field: title',
				'  template: "{first} {last}"',
				'  required: true',
				'  transformers: [{name: string_case, params: {case: title}}]',
			]),
			'toDaktela',
		);
		expect(m.map({ first: 'JAN', last: 'NOVÁK' }).record.title).toBe('Jan Novák');
		expect(failure(() => m.map({})).reason).toBe(
			'required value is missing (template gave no value)',
		);
	});

	it('expression entries take the value the node evaluated, then run the chain', () => {
		const m = mapper(
			doc([
				'- {cc_field: name, crm_field: id}',
				'- cc_field: title',
				'  expression: "{{ $json.a + $json.b }}"',
				'  transformers: [trim]',
			]),
			'toDaktela',
		);
		expect(m.expressions).toEqual([
			{ index: 1, expression: '{{ $json.a + $json.b }}', target: 'title', line: 5 },
		]);
		const values: unknown[] = [];
		values[1] = ' ab ';
		expect(m.map({ id: 1 }, values).record).toEqual({ name: '1', title: 'ab' });
	});

	it('static values are copied for each item, never shared', () => {
		const m = mapper(
			doc([
				'- {cc_field: customFields.tags, value: [a]}',
				'- {cc_field: customFields.tags, crm_field: t, append: true}',
			]),
			'toDaktela',
		);
		const first = m.map({ t: 'x' }).record as { customFields: { tags: string[] } };
		first.customFields.tags.push('mutated');
		expect(m.map({ t: 'y' }).record).toEqual({ customFields: { tags: ['a', 'y'] } });
	});
});

describe('empty values', () => {
	const entries = [
		'- {cc_field: name, crm_field: id}',
		'- {cc_field: customFields.email, crm_field: email, transformers: [wrap_array]}',
		'- {cc_field: description, crm_field: notes}',
	];

	it('keep (SDK): every mapped field is written', () => {
		expect(mapper(doc(entries), 'toDaktela').map({ id: 'a' }).record).toEqual({
			name: 'a',
			customFields: { email: [] },
			description: null,
		});
	});

	it('omit: null, "" and [] are left out so an update does not clear them', () => {
		const m = mapper(doc(entries), 'toDaktela', { emptyValues: 'omit' });
		expect(m.map({ id: 'a', notes: '' }).record).toEqual({ name: 'a' });
		expect(m.map({ id: 'a', email: 'x@y.cz' }).record).toEqual({
			name: 'a',
			customFields: { email: ['x@y.cz'] },
		});
	});
});

describe('lookup key', () => {
	it('to Daktela: the lookup_field and its value (first element of a list)', () => {
		const m = mapper(
			doc(
				['- {cc_field: customFields.email, crm_field: email, transformers: [wrap_array]}'],
				[],
			).replace('lookup_field: name', 'lookup_field: customFields.email'),
			'toDaktela',
		);
		expect(m.map({ email: 'a@b.cz' }).lookup).toEqual({
			field: 'customFields.email',
			value: 'a@b.cz',
		});
		expect(m.map({}).lookup).toEqual({ field: 'customFields.email', value: null });
	});

	it('to CRM only on request: the CRM field lookup_field maps to', () => {
		const yaml = doc(['- {cc_field: name, crm_field: external_id}']);
		expect(mapper(yaml, 'toCrm').map({ name: 'n1' }).lookup).toBeUndefined();
		expect(mapper(yaml, 'toCrm', { lookupToCrm: true }).map({ name: 'n1' }).lookup).toEqual({
			field: 'external_id',
			value: 'n1',
		});
	});
});

describe('relations', () => {
	it('to Daktela: every relation with a value is listed under its Daktela field', () => {
		const m = mapper(
			doc([
				'- {cc_field: account, crm_field: company.id, relation: {entity: account, resolve_from: id, resolve_to: name}}',
				'- {cc_field: user, crm_field: owner, relation: {entity: contact, resolve_from: email, resolve_to: name}}',
			]),
			'toDaktela',
		);
		expect(m.map({ company: { id: 42 }, owner: '' }).relations).toEqual({
			account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: '42' },
		});
	});

	it('to CRM: Daktela relation objects reduce to resolve_to (name when absent), before transformers', () => {
		const m = mapper(
			doc([
				'- {cc_field: account, crm_field: company, relation: {entity: account, resolve_from: id, resolve_to: title}}',
				'- {cc_field: contact, crm_field: contact_id, relation: {entity: contact, resolve_from: id, resolve_to: name}, transformers: [{name: strip_prefix, params: {value: crm_person_}}]}',
			]),
			'toCrm',
		);
		expect(
			m.map({
				account: { name: 'acc_1', title: 'ACME' },
				contact: { name: 'crm_person_7', title: 'Jan' },
			}).record,
		).toEqual({ company: 'ACME', contact_id: '7' });
		expect(m.map({ account: { name: 'acc_1' }, contact: 'crm_person_8' }).record).toEqual({
			company: 'acc_1',
			contact_id: '8',
		});
	});
});

describe('a mapping run against the direction it was written for', () => {
	it('the default contact mapping goes to Daktela and back to the same CRM record', () => {
		const crm = {
			id: '42',
			first_name: 'Jana',
			last_name: 'Nováková',
			email: 'jana@example.cz',
			phone: '+420601123456',
			company_id: '7',
			notes: 'VIP',
		};
		const toDaktela = mapper(DEFAULT_MAPPINGS.contact, 'toDaktela', { defaultCountry: 'CZ' }).map(
			crm,
		);
		expect(toDaktela.record).toEqual({
			name: 'crm_person_42',
			firstname: 'Jana',
			lastname: 'Nováková',
			title: 'Jana Nováková',
			customFields: { email: ['jana@example.cz'], number: ['+420601123456'] },
			account: 'crm_account_7',
			description: 'VIP',
			database: 'default',
		});
		const back = mapper(DEFAULT_MAPPINGS.contact, 'toCrm');
		expect(back.inverted).toBe(true);
		expect(
			back.map({ ...toDaktela.record, account: { name: 'crm_account_7', title: 'ACME' } }).record,
		).toEqual(crm);
		expect(back.warnings.map((w) => w.message)).toContain(
			'2 entries with value, template or expression only work to Daktela and are skipped in this direction',
		);
	});

	it('append groups split back by position; the last field takes the rest', () => {
		const yaml = doc(
			[
				'- {cc_field: title, crm_field: first, append: true}',
				'- {cc_field: title, crm_field: last, append: true, multi_value: {strategy: join, separator: " "}}',
				'- {cc_field: customFields.number, crm_field: tel1, append: true}',
				'- {cc_field: customFields.number, crm_field: tel2, append: true}',
			],
			['direction: crm_to_cc'],
		);
		const back = mapper(yaml, 'toCrm');
		expect(
			back.map({ title: 'Jan van der Berg', customFields: { number: ['1', '2'] } }).record,
		).toEqual({ first: 'Jan', last: 'van der Berg', tel1: '1', tel2: '2' });
		expect(back.map({ title: 'Jan', customFields: { number: ['1'] } }).record).toEqual({
			first: 'Jan',
			last: null,
			tel1: '1',
			tel2: null,
		});
	});

	it('reverse_transformers replace the automatic inverse', () => {
		const yaml = doc(
			[
				'- cc_field: x',
				'  crm_field: y',
				'  transformers: [{name: string_case, params: {case: upper}}]',
				'  reverse_transformers: [{name: string_case, params: {case: title}}]',
			],
			['direction: to_daktela'],
		);
		expect(mapper(yaml, 'toDaktela').map({ y: 'jan novák' }).record.x).toBe('JAN NOVÁK');
		expect(mapper(yaml, 'toCrm').map({ x: 'JAN NOVÁK' }).record.y).toBe('Jan Novák');
	});

	it('entry-level direction limits an entry to one way', () => {
		const yaml = doc([
			'- {cc_field: name, crm_field: id}',
			'- {cc_field: description, crm_field: url, direction: cc_to_crm}',
		]);
		expect(mapper(yaml, 'toDaktela').map({ id: 1, url: 'u' }).record).toEqual({ name: '1' });
		expect(mapper(yaml, 'toCrm').map({ name: 1, description: 'd' }).record).toEqual({
			id: 1,
			url: 'd',
		});
	});
});

describe('preview', () => {
	it('shows source -> target per field, with the source value and the mapped value', () => {
		const m = mapper(DEFAULT_MAPPINGS.contact, 'toDaktela', { defaultCountry: 'CZ' });
		const { result, rows } = m.preview({
			id: 1,
			first_name: 'Jan',
			last_name: 'Novák',
			phone: '601 123 456',
		});
		expect(result.record.name).toBe('crm_person_1');
		expect(rows).toEqual(
			expect.arrayContaining([
				{ target: 'name', source: 'id', sourceValue: 1, value: 'crm_person_1' },
				{
					target: 'title',
					source: 'template: {first_name} {last_name}',
					sourceValue: 'Jan Novák',
					value: 'Jan Novák',
				},
				{
					target: 'customFields.number',
					source: 'phone',
					sourceValue: '601 123 456',
					value: ['+420601123456'],
				},
				{ target: 'customFields.email', source: 'email', sourceValue: null, value: [] },
				{
					target: 'database',
					source: 'value: "default"',
					sourceValue: 'default',
					value: 'default',
				},
			]),
		);
		expect(rows).toHaveLength(9);
	});
});

describe('default mappings', () => {
	it.each(Object.entries(DEFAULT_MAPPINGS))(
		'%s loads without warnings and compiles both ways',
		(_entity, yaml) => {
			const spec = loadMapping(yaml);
			expect(spec.warnings).toEqual([]);
			expect(spec.writtenForExplicit).toBe(true);
			for (const direction of ['toDaktela', 'toCrm'] as const) {
				expect(() => compileMapping(spec, { direction, defaultCountry: 'CZ' })).not.toThrow();
			}
		},
	);

	it('activity: a Daktela activity as read back becomes a generic CRM activity', () => {
		const m = mapper(DEFAULT_MAPPINGS.activity, 'toCrm');
		expect(
			m.map({
				name: 'activities_1',
				title: 'Call with Jan',
				type: 'CALL',
				time: '2025-06-01 10:00:00',
				time_close: '2025-06-01 10:05:00',
				duration: '300',
				contact: { name: 'crm_person_42', title: 'Jan Novák' },
				user: { name: 'agent.smith', title: 'Agent Smith' },
				queue: { name: '1000', title: 'Sales' },
				description: '<p>Notes</p>',
			}).record,
		).toEqual({
			external_id: 'activities_1',
			subject: 'Call with Jan',
			type: 'call',
			start_time: '2025-06-01T10:00:00+02:00',
			end_time: '2025-06-01T10:05:00+02:00',
			duration_seconds: 300,
			contact_id: '42',
			owner: 'agent.smith',
			queue: 'Sales',
			body: '<p>Notes</p>',
		});
		expect(m.map({ name: 'a', type: 'VBR' }).record.type).toBe('message');
		expect(m.map({ name: 'a', type: 'UNKNOWN' }).record.type).toBe('other');
	});
});

describe('Export as YAML', () => {
	it.each(Object.entries(DEFAULT_MAPPINGS))(
		'%s: the exported YAML loads back to the same mapping',
		(_entity, yaml) => {
			const spec = loadMapping(yaml);
			const again = loadMapping(mappingToYaml(spec));
			expect(meaning(again)).toEqual(meaning(spec));
			expect(again.writtenFor).toBe(spec.writtenFor);
		},
	);

	it('SDK files export without a direction key and with params on one line', () => {
		const text = mappingToYaml(
			loadMapping(
				doc([
					'- {cc_field: number, crm_field: phone, transformers: [{name: phone_normalize, params: {format: e164}}]}',
				]),
			),
		);
		expect(text).not.toContain('direction');
		expect(text).toContain('params: { format: e164 }');
	});
});

describe('visual mapper', () => {
	it('recognises plain field expressions, templates and other expressions', () => {
		expect(jsonPathOf('$json.a.b')).toBe('a.b');
		expect(jsonPathOf(' $json["first name"][0] ')).toBe('first name.0');
		expect(jsonPathOf("$json['a.b']")).toBeUndefined();
		expect(jsonPathOf('$json.a.toUpperCase()')).toBeUndefined();
		expect(classifyExpression('{{ $json.email }}')).toEqual({ kind: 'field', path: 'email' });
		expect(classifyExpression('{{ $json.first }} {{ $json.last }}')).toEqual({
			kind: 'template',
			template: '{first} {last}',
		});
		expect(classifyExpression('{{ $json.a.trim() }}')).toEqual({
			kind: 'expression',
			expression: '{{ $json.a.trim() }}',
		});
		expect(classifyExpression('{ {{ $json.a }} }')).toEqual({
			kind: 'expression',
			expression: '{ {{ $json.a }} }',
		});
	});

	it('gives the same mapping (and result) as the equivalent YAML, which Export as YAML prints', () => {
		const visual = visualToSpec({
			entity: 'contact',
			direction: 'toDaktela',
			lookupField: 'name',
			entries: [
				{ field: 'name', value: '={{ $json.id }}' },
				{ field: 'title', value: '={{ $json.first }} {{ $json.last }}' },
				{ field: 'customFields.email', value: '={{ $json.email }}' },
				{ field: 'customFields.number', value: '={{ $json.phone }}' },
				{ field: 'database', value: 'default' },
				{ field: 'description', value: '' },
			],
		});
		const yaml = mappingToYaml(visual);
		expect(yaml).toContain('template: "{first} {last}"');
		const fromYaml = loadMapping(yaml);
		expect(meaning(fromYaml)).toEqual(meaning(visual));
		const record = {
			id: 'p1',
			first: 'Jan',
			last: 'Novák',
			email: 'jan@example.cz',
			phone: '601 123 456',
		};
		const options = { direction: 'toDaktela' as const, defaultCountry: 'CZ' };
		expect(compileMapping(visual, options).map(record)).toEqual(
			compileMapping(fromYaml, options).map(record),
		);
		expect(compileMapping(visual, options).map(record).record).toEqual({
			name: 'p1',
			title: 'Jan Novák',
			customFields: { email: ['jan@example.cz'], number: ['+420601123456'] },
			database: 'default',
		});
	});

	it('to CRM: values are CRM field names; the custom-field transformers are undone', () => {
		const visual = visualToSpec({
			entity: 'contact',
			direction: 'toCrm',
			entries: [
				{ field: 'name', value: 'external_id' },
				{ field: 'customFields.email', value: 'contact_info.email' },
			],
		});
		const m = compileMapping(visual, { direction: 'toCrm' });
		expect(m.map({ name: 'n1', customFields: { email: ['a@b.cz', 'c@d.cz'] } }).record).toEqual({
			external_id: 'n1',
			contact_info: { email: 'a@b.cz' },
		});
	});

	it('rejects expressions as CRM field names and an empty mapping', () => {
		expect(() =>
			visualToSpec({
				entity: 'contact',
				direction: 'toCrm',
				entries: [{ field: 'name', value: '={{ $json.x }}' }],
			}),
		).toThrow(MappingValidationError);
		expect(() => visualToSpec({ entity: 'contact', direction: 'toDaktela', entries: [] })).toThrow(
			'no field is mapped',
		);
	});
});
