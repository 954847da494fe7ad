/**
 * Property-based: random input never crashes the mapper or the loader. Items either map or fail
 * with a FieldMappingError (which fails only that item); mapping text either loads or fails with a
 * MappingValidationError whose issues carry positions. Invertible entries round-trip.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DateTime } from 'luxon';

import {
	compileMapping,
	DEFAULT_MAPPINGS,
	FieldMappingError,
	loadMapping,
	MappingValidationError,
	type CompiledMapping,
	type Direction,
} from '../nodes/FieldMapper/mapping';
import { TRANSFORMER_NAMES } from '../nodes/FieldMapper/mapping/transformers';
import { readMapping, type MappingFixture } from './fixtures/mappings/read.cjs';

const RUNS = { numRuns: 300 };

const FIXTURES: MappingFixture[] = [
	'contacts',
	'accounts',
	'activities',
	'account-contact',
	'raynet-contacts',
];

const mappings: Array<{ name: string; yaml: string }> = [
	...Object.entries(DEFAULT_MAPPINGS).map(([name, yaml]) => ({ name: `default ${name}`, yaml })),
	...FIXTURES.map((name) => ({ name, yaml: readMapping(name) })),
];

/** Field names the mapping reads, so random records actually hit the entries. */
function sourceKeys(compiled: CompiledMapping): string[] {
	return compiled.spec.entries.flatMap((e) =>
		[e.ccField, e.crmField].filter(Boolean).map((p) => p.split('.')[0]),
	);
}

const tricky = fc.oneof(
	fc.jsonValue(),
	fc.string(),
	fc.constantFrom(
		'',
		' ',
		'601 123 456',
		'+420 601 123 456',
		'00',
		'2025-02-30 25:61:61',
		'January 32, 2025',
		'@-1',
		'{value}',
		'${X}',
		'null',
		'0',
		'yes',
	),
	fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 4 }),
	fc.record({ name: fc.string(), title: fc.string() }),
	// n8n items come from JSON: no Infinity or NaN
	fc.double({ noDefaultInfinity: true, noNaN: true }),
);

function recordFor(compiled: CompiledMapping) {
	const keys = [
		...new Set([...sourceKeys(compiled), 'customFields', 'extra', '__proto__', 'constructor']),
	];
	return fc.dictionary(
		fc.constantFrom(...keys),
		fc.oneof(tricky, fc.dictionary(fc.string({ maxLength: 8 }), tricky, { maxKeys: 3 })),
		{
			maxKeys: keys.length,
		},
	);
}

describe.each(mappings)('$name: random records never crash the mapper', ({ yaml }) => {
	it.each<[Direction, string | undefined]>([
		['toDaktela', undefined],
		['toDaktela', 'CZ'],
		['toCrm', undefined],
	])('%s (default country %s)', (direction, defaultCountry) => {
		const compiled = compileMapping(loadMapping(yaml), {
			direction,
			defaultCountry,
			timeZone: 'Europe/Prague',
		});
		fc.assert(
			fc.property(recordFor(compiled), (record) => {
				try {
					const result = compiled.map(record);
					// the output is plain JSON an n8n item can carry
					const json = JSON.stringify(result);
					expect(JSON.stringify(JSON.parse(json))).toBe(json);
					if (direction === 'toDaktela')
						expect(result.lookup?.field).toBe(compiled.spec.lookupField);
				} catch (error) {
					expect(error).toBeInstanceOf(FieldMappingError);
					expect((error as FieldMappingError).message).toMatch(
						/^Field ".*" \(mapping entry \d+, line \d+\): /,
					);
				}
			}),
			RUNS,
		);
	});

	it('non-object input (null, lists, scalars) maps to empty fields without crashing', () => {
		const compiled = compileMapping(loadMapping(yaml), { direction: 'toDaktela' });
		fc.assert(
			fc.property(fc.jsonValue(), (input) => {
				try {
					compiled.map(input);
				} catch (error) {
					expect(error).toBeInstanceOf(FieldMappingError);
				}
			}),
			{ numRuns: 100 },
		);
	});
});

describe('random mapping text never crashes the loader', () => {
	const expectLoadsOrRejects = (text: string) => {
		try {
			loadMapping(text);
		} catch (error) {
			expect(error).toBeInstanceOf(MappingValidationError);
			const { issues } = error as MappingValidationError;
			expect(issues.length).toBeGreaterThan(0);
			for (const issue of issues) expect(issue.line === undefined || issue.line >= 1).toBe(true);
		}
	};

	it('arbitrary text', () => {
		fc.assert(fc.property(fc.string({ maxLength: 200 }), expectLoadsOrRejects), RUNS);
	});

	it('mutilated real mappings (characters deleted, lines swapped)', () => {
		const real = mappings.map((m) => m.yaml);
		fc.assert(
			fc.property(
				fc.constantFrom(...real),
				fc.nat(),
				fc.nat(50),
				fc.nat(),
				(text, at, length, swap) => {
					const cut = text.slice(0, at % text.length) + text.slice((at % text.length) + length);
					expectLoadsOrRejects(cut);
					const lines = text.split('\n');
					const i = swap % lines.length;
					[lines[0], lines[i]] = [lines[i], lines[0]];
					expectLoadsOrRejects(lines.join('\n'));
				},
			),
			RUNS,
		);
	});

	it('structurally plausible mappings with random values: every error has a line', () => {
		const value = fc.oneof(
			fc.string({ maxLength: 12 }),
			fc.integer(),
			fc.boolean(),
			fc.constant(null),
			fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
		);
		const transformer = fc.record(
			{
				name: fc.oneof(fc.constantFrom(...TRANSFORMER_NAMES), fc.string({ maxLength: 12 })),
				params: fc.dictionary(
					fc.constantFrom(
						'value',
						'format',
						'case',
						'separator',
						'template',
						'from',
						'to',
						'map',
						'name',
						'strict',
						'x',
					),
					value,
					{ maxKeys: 3 },
				),
			},
			{ requiredKeys: ['name'] },
		);
		const entry = fc.record(
			{
				cc_field: value,
				crm_field: value,
				value,
				template: value,
				transformers: fc.array(transformer, { maxLength: 3 }),
				multi_value: fc.record(
					{
						strategy: fc.oneof(
							fc.constantFrom('as_array', 'join', 'split', 'first', 'last'),
							fc.string({ maxLength: 6 }),
						),
						separator: value,
					},
					{ requiredKeys: [] },
				),
				relation: fc.record(
					{ entity: value, resolve_from: value, resolve_to: value },
					{ requiredKeys: [] },
				),
				append: value,
				required: value,
				type: value,
				unknown_key: value,
			},
			{ requiredKeys: [] },
		);
		const mapping = fc.record(
			{
				entity: fc.oneof(fc.constantFrom('contact', 'account', 'activity'), value),
				lookup_field: value,
				mappings: fc.array(entry, { maxLength: 4 }),
				direction: value,
			},
			{ requiredKeys: [] },
		);
		fc.assert(
			fc.property(mapping, (m) => {
				const text = stringify(m);
				try {
					const spec = loadMapping(text);
					// whatever loads also compiles and maps an empty record in both directions
					for (const direction of ['toDaktela', 'toCrm'] as const) {
						try {
							compileMapping(spec, { direction }).map({});
						} catch (error) {
							expect(error).toBeInstanceOf(FieldMappingError);
						}
					}
				} catch (error) {
					expect(error).toBeInstanceOf(MappingValidationError);
					for (const issue of (error as MappingValidationError).issues)
						expect(issue.line).toBeGreaterThanOrEqual(1);
				}
			}),
			RUNS,
		);
	});
});

describe('invertible entries round-trip (written CRM -> Daktela, run back to the CRM)', () => {
	const roundTrip = (entry: string, value: fc.Arbitrary<unknown>) => {
		const yaml = `entity: contact\nlookup_field: x\ndirection: crm_to_cc\nmappings:\n  - cc_field: x\n    crm_field: y\n    ${entry}\n`;
		const spec = loadMapping(yaml);
		const there = compileMapping(spec, { direction: 'toDaktela', timeZone: 'Europe/Prague' });
		const back = compileMapping(spec, { direction: 'toCrm', timeZone: 'Europe/Prague' });
		fc.assert(
			fc.property(value, (y) => {
				expect(back.map(there.map({ y }).record).record.y).toEqual(y);
			}),
			RUNS,
		);
	};
	const word = fc.stringMatching(/^[A-Za-z0-9_.@-]{1,12}$/);

	it('prefix', () => roundTrip('transformers: [{name: prefix, params: {value: crm_}}]', word));
	it('wrap_array', () => roundTrip('transformers: [wrap_array]', word));
	it('url', () =>
		roundTrip(
			'transformers: [{name: url, params: {template: "https://crm.example.com/p/{value}?v=1"}}]',
			word,
		));
	it('join', () =>
		roundTrip(
			'transformers: [{name: join, params: {separator: ";"}}]',
			fc.array(word, { minLength: 1, maxLength: 4 }),
		));
	it('multi_value split', () =>
		roundTrip(
			'multi_value: {strategy: split, separator: "|"}',
			fc.array(word, { minLength: 1, maxLength: 4 }).map((a) => a.join('|')),
		));
	it('value_map', () =>
		roundTrip(
			'transformers: [{name: value_map, params: {map: {a: A, b: B, c: C}}}]',
			fc.constantFrom('a', 'b', 'c'),
		));
	it('date_format', () =>
		roundTrip(
			'transformers: [{name: date_format, params: {from: "Y-m-d H:i:s", to: "c"}}]',
			fc
				.date({ min: new Date('1971-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
				// A wall-clock time of the instance zone: one in the spring-forward gap
				// (2042-03-30 02:30 in Prague) does not exist there, and no mapping can return it.
				.map((d) =>
					DateTime.fromJSDate(d, { zone: 'Europe/Prague' }).toFormat('yyyy-MM-dd HH:mm:ss'),
				),
		));
	it('prefix + wrap_array chain', () =>
		roundTrip('transformers: [{name: prefix, params: {value: p_}}, wrap_array]', word));
});
