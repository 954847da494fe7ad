/**
 * Every transformer and multi_value strategy: the SDK's own unit-test cases (same params, same
 * results), the extras, and each one in both directions of a mapping.
 */
import { DateTime } from 'luxon';

import {
	compileMapping,
	FieldMappingError,
	loadMapping,
	type Direction,
} from '../nodes/FieldMapper/mapping';
import { multiValueFn } from '../nodes/FieldMapper/mapping/multiValue';
import { TRANSFORMERS, type TransformerContext } from '../nodes/FieldMapper/mapping/transformers';
import { ValueError } from '../nodes/FieldMapper/mapping/errors';
import type { MultiValueStrategy } from '../nodes/FieldMapper/mapping/types';

const NOW = DateTime.fromISO('2026-03-10T08:09:10.123', { zone: 'Europe/Prague' });
const ctx: TransformerContext = { timeZone: 'Europe/Prague', now: () => NOW };

/** One transformer applied to one value, params validated like the YAML loader does. */
function t(
	name: string,
	value: unknown,
	params: Record<string, unknown> = {},
	context = ctx,
): unknown {
	const def = TRANSFORMERS[name];
	return def.create(def.params.parse(params) as never, context)(value);
}

const mv = (strategy: MultiValueStrategy, value: unknown, separator = ',') =>
	multiValueFn({ strategy, separator })(value);

describe('date_format (PHP formats)', () => {
	it('SDK cases: explicit formats, ISO output, null and empty, generic-parsing fallback', () => {
		expect(t('date_format', '2025-01-15 14:30:00', { from: 'Y-m-d H:i:s', to: 'Y-m-d' })).toBe(
			'2025-01-15',
		);
		expect(t('date_format', '2025-06-01 10:00:00', { from: 'Y-m-d H:i:s', to: 'c' })).toContain(
			'2025-06-01',
		);
		expect(t('date_format', null)).toBeNull();
		expect(t('date_format', '')).toBe('');
		expect(t('date_format', 'January 15, 2025', { from: 'Y/m/d', to: 'Y-m-d' })).toBe('2025-01-15');
	});

	it('defaults to from "Y-m-d H:i:s", to "Y-m-d"', () => {
		expect(t('date_format', '2025-01-15 23:30:00')).toBe('2025-01-15');
	});

	it('writes ISO 8601 with the offset of the time zone (DST aware)', () => {
		expect(t('date_format', '2025-06-01 10:00:00', { to: 'c' })).toBe('2025-06-01T10:00:00+02:00');
		expect(t('date_format', '2025-01-15 10:00:00', { to: 'c' })).toBe('2025-01-15T10:00:00+01:00');
		expect(t('date_format', '2025-01-15 10:00:00', { to: 'c', timezone: 'UTC' })).toBe(
			'2025-01-15T10:00:00+00:00',
		);
	});

	it('keeps the offset written in the value', () => {
		expect(t('date_format', '2025-06-01T10:00:00Z', { from: 'c', to: 'Y-m-d H:i:s P' })).toBe(
			'2025-06-01 10:00:00 +00:00',
		);
		expect(t('date_format', '15/01/2025 10:00 +05:30', { from: 'd/m/Y H:i P', to: 'c' })).toBe(
			'2025-01-15T10:00:00+05:30',
		);
	});

	it('follows createFromFormat for fields the format does not mention', () => {
		// date only: the time comes from "now"; with ! or | it is midnight
		expect(t('date_format', '2025-01-15', { from: 'Y-m-d', to: 'Y-m-d H:i:s' })).toBe(
			'2025-01-15 08:09:10',
		);
		expect(t('date_format', '2025-01-15', { from: '!Y-m-d', to: 'Y-m-d H:i:s' })).toBe(
			'2025-01-15 00:00:00',
		);
		expect(t('date_format', '2025-01-15', { from: 'Y-m-d|', to: 'Y-m-d H:i:s' })).toBe(
			'2025-01-15 00:00:00',
		);
		// one time field parsed: the others are zero
		expect(t('date_format', '2025-01-15 10:30', { from: 'Y-m-d H:i', to: 'Y-m-d H:i:s' })).toBe(
			'2025-01-15 10:30:00',
		);
		// overflowing days roll over, as in PHP
		expect(t('date_format', '2025-02-30', { from: '!Y-m-d', to: 'Y-m-d' })).toBe('2025-03-02');
		// trailing data fails the format, then generic parsing takes it
		expect(t('date_format', '2025-01-15 10:00:00', { from: 'Y-m-d', to: 'Y-m-d' })).toBe(
			'2025-01-15',
		);
	});

	it('parses names, 12-hour clocks, unix time and escaped letters', () => {
		expect(
			t('date_format', 'Wed, 15 Jan 2025 1:05 pm', { from: 'D, d M Y g:i a', to: 'H:i' }),
		).toBe('13:05');
		expect(t('date_format', '1700000000', { from: 'U', to: 'c' })).toBe(
			'2023-11-14T22:13:20+00:00',
		);
		expect(t('date_format', '15 March 2025', { from: 'j F Y', to: 'Y-m-d' })).toBe('2025-03-15');
		expect(t('date_format', 'D2025', { from: '\\DY', to: 'Y' })).toBe('2025');
	});

	it('formats every PHP format character', () => {
		const v = '2024-02-29 13:05:09';
		const f = (to: string) => t('date_format', v, { to });
		expect(f('d D j l N S w z')).toBe('29 Thu 29 Thursday 4 th 4 59');
		expect(f('W F m M n t L o Y y')).toBe('09 February 02 Feb 2 29 1 2024 2024 24');
		expect(f('a A g G h H i s u v')).toBe('pm PM 1 13 01 13 05 09 000000 000');
		expect(f('e I O P p T Z U')).toBe('Europe/Prague 0 +0100 +01:00 +01:00 CET 3600 1709208309');
		expect(f('B')).toBe('545'); // Swatch beats: 13:05:09 in UTC+1 = 47109 s / 86.4
		expect(f('r')).toBe('Thu, 29 Feb 2024 13:05:09 +0100');
		expect(f('\\Y\\m\\d: Y')).toBe('Ymd: 2024');
		expect(f('jS')).toBe('29th');
		expect(t('date_format', '2024-03-01 00:00:00', { to: 'jS' })).toBe('1st');
	});

	it('generic parsing understands the formats CRMs send', () => {
		const d = (text: string) => t('date_format', text, { from: 'Y-m-d H:i:s', to: 'Y-m-d H:i' });
		expect(d('2025-01-15T14:30:00+01:00')).toBe('2025-01-15 14:30');
		expect(d('2025-01-15T14:30:00.123Z')).toBe('2025-01-15 14:30');
		expect(d('2025-01-15')).toBe('2025-01-15 00:00');
		expect(d('Tue, 14 Jan 2025 14:30:00 +0100')).toBe('2025-01-14 14:30');
		expect(d('15.01.2025 14:30')).toBe('2025-01-15 14:30');
		expect(d('01/15/2025')).toBe('2025-01-15 00:00');
		expect(d('15 January 2025 2:30 pm')).toBe('2025-01-15 14:30');
		expect(d('@86400')).toBe('1970-01-02 00:00');
		expect(d('tomorrow')).toBe('2026-03-11 00:00');
	});

	it('leaves values it cannot read unchanged (SDK), and maps lists element by element', () => {
		expect(t('date_format', 'not a date', { to: 'c' })).toBe('not a date');
		expect(t('date_format', ['2025-01-15 10:00:00', null], { to: 'Y' })).toEqual(['2025', null]);
	});
});

describe('phone_normalize', () => {
	it('SDK cases: keeps digits and +, prepends + for e164', () => {
		expect(t('phone_normalize', '+420 123 456 789', { format: 'e164' })).toBe('+420123456789');
		expect(t('phone_normalize', '420123456789', { format: 'e164' })).toBe('+420123456789');
		expect(t('phone_normalize', '(420) 123-456-789', { format: 'e164' })).toBe('+420123456789');
		expect(t('phone_normalize', null)).toBeNull();
		expect(t('phone_normalize', '')).toBe('');
		expect(t('phone_normalize', 'n/a')).toBe('n/a');
		expect(t('phone_normalize', 420601123456)).toBe('+420601123456');
	});

	it('digits format only strips characters', () => {
		expect(t('phone_normalize', '601 123 456', { format: 'digits', default_country: 'CZ' })).toBe(
			'601123456',
		);
	});

	it('with a default country: real E.164 through libphonenumber', () => {
		const p = (v: unknown, extra: Record<string, unknown> = {}) =>
			t('phone_normalize', v, { default_country: 'cz', ...extra });
		expect(p('601 123 456')).toBe('+420601123456');
		expect(p('00420 601 123 456')).toBe('+420601123456');
		expect(p('+44 20 7946 0958')).toBe('+442079460958');
		expect(p('601 123 456', { format: 'international' })).toBe('+420 601 123 456');
		expect(p('601123456', { format: 'national' })).toBe('601 123 456');
		expect(p('601123456', { format: 'rfc3966' })).toBe('tel:+420601123456');
		expect(p(['601 123 456', '+421 905 123 456'])).toEqual(['+420601123456', '+421905123456']);
		expect(p(null)).toBeNull();
	});

	it('invalid numbers fail the value (default), stay as the SDK makes them, or become null', () => {
		expect(() => t('phone_normalize', '123', { default_country: 'CZ' })).toThrow(ValueError);
		expect(() => t('phone_normalize', '123', { default_country: 'CZ' })).toThrow(
			'"123" is not a valid phone number (default country CZ)',
		);
		expect(t('phone_normalize', '12 3', { default_country: 'CZ', on_invalid: 'keep' })).toBe(
			'+123',
		);
		expect(t('phone_normalize', '123', { default_country: 'CZ', on_invalid: 'null' })).toBeNull();
	});

	it("takes the node's Default Phone Country when the params have none", () => {
		expect(t('phone_normalize', '601 123 456', {}, { ...ctx, defaultCountry: 'CZ' })).toBe(
			'+420601123456',
		);
		expect(
			t(
				'phone_normalize',
				'0905 123 456',
				{ default_country: 'SK' },
				{ ...ctx, defaultCountry: 'CZ' },
			),
		).toBe('+421905123456');
	});
});

describe('boolean (SDK truthy values)', () => {
	it.each([['true'], ['TRUE'], ['1'], ['yes'], ['on'], [1], [true], [['x']]])('%p is true', (v) => {
		expect(t('boolean', v)).toBe(true);
	});
	it.each([['false'], ['0'], ['no'], [''], [0], [false], [null], [[]], ['y']])(
		'%p is false',
		(v) => {
			expect(t('boolean', v)).toBe(false);
		},
	);
});

describe('string_case', () => {
	it('lower (default), upper, title; multibyte-aware like mb_convert_case', () => {
		expect(t('string_case', 'TechNology')).toBe('technology');
		expect(t('string_case', 'žluťoučký kůň', { case: 'upper' })).toBe('ŽLUŤOUČKÝ KŮŇ');
		expect(t('string_case', 'jan NOVÁK-svoboda', { case: 'title' })).toBe('Jan Novák-Svoboda');
	});
	it('leaves non-strings unchanged and maps lists', () => {
		expect(t('string_case', 42, { case: 'upper' })).toBe(42);
		expect(t('string_case', null)).toBeNull();
		expect(t('string_case', ['A', 1], { case: 'lower' })).toEqual(['a', 1]);
	});
});

describe('default_value', () => {
	it('replaces null only: empty strings, 0 and false are values', () => {
		expect(t('default_value', null, { value: 'N/A' })).toBe('N/A');
		expect(t('default_value', '', { value: 'N/A' })).toBe('');
		expect(t('default_value', 0, { value: 'N/A' })).toBe(0);
		expect(t('default_value', false, { value: 'N/A' })).toBe(false);
		expect(t('default_value', null)).toBeNull();
		expect(t('default_value', null, { value: ['a'] })).toEqual(['a']);
	});
});

describe('callback (PHP functions by name)', () => {
	it('strval, pre-registered in the SDK', () => {
		expect(t('callback', null, { name: 'strval' })).toBe('');
		expect(t('callback', 12, { name: 'strval' })).toBe('12');
		expect(t('callback', true, { name: 'strval' })).toBe('1');
		expect(t('callback', false, { name: 'strval' })).toBe('');
	});
	it('the other PHP functions', () => {
		expect(t('callback', '12abc', { name: 'intval' })).toBe(12);
		expect(t('callback', 'abc', { name: 'intval' })).toBe(0);
		expect(t('callback', 12.9, { name: 'intval' })).toBe(12);
		expect(t('callback', '3.5kg', { name: 'floatval' })).toBe(3.5);
		expect(t('callback', '0', { name: 'boolval' })).toBe(false);
		expect(t('callback', ' \tx \n', { name: 'trim' })).toBe('x');
		expect(t('callback', '  x ', { name: 'ltrim' })).toBe('x ');
		expect(t('callback', '  x ', { name: 'rtrim' })).toBe('  x');
		expect(t('callback', 'ÁB', { name: 'strtolower' })).toBe('áb');
		expect(t('callback', 'ab', { name: 'strtoupper' })).toBe('AB');
		expect(t('callback', 'hello world', { name: 'ucwords' })).toBe('Hello World');
		expect(t('callback', 'hello', { name: 'ucfirst' })).toBe('Hello');
		expect(t('callback', 'Hello', { name: 'lcfirst' })).toBe('hello');
		expect(t('callback', '<b>bold</b> text', { name: 'strip_tags' })).toBe('bold text');
		expect(t('callback', { a: [1] }, { name: 'json_encode' })).toBe('{"a":[1]}');
		expect(t('callback', '{"a":1}', { name: 'json_decode' })).toEqual({ a: 1 });
		expect(t('callback', '{bad', { name: 'json_decode' })).toBeNull();
	});
});

describe('prefix and strip_prefix', () => {
	it('prefix: SDK cases', () => {
		expect(t('prefix', '12345', { value: 'crm_' })).toBe('crm_12345');
		expect(t('prefix', 42, { value: 'crm_' })).toBe('crm_42');
		expect(t('prefix', null, { value: 'crm_' })).toBeNull();
		expect(t('prefix', '', { value: 'crm_' })).toBe('');
		expect(t('prefix', 'x', { value: 7 })).toBe('7x');
	});
	it('strip_prefix: SDK cases, with strict', () => {
		expect(t('strip_prefix', 'crm_12345', { value: 'crm_' })).toBe('12345');
		expect(t('strip_prefix', 'other_1', { value: 'crm_' })).toBe('other_1');
		expect(t('strip_prefix', 'other_1', { value: 'crm_', strict: true })).toBeNull();
		expect(t('strip_prefix', 42, { value: 'crm_' })).toBe(42);
		expect(t('strip_prefix', '', { value: 'crm_', strict: true })).toBe('');
	});
	it('work on each element of a list', () => {
		expect(t('prefix', ['1', '2'], { value: 'p_' })).toEqual(['p_1', 'p_2']);
		expect(t('strip_prefix', ['p_1', 'x'], { value: 'p_' })).toEqual(['1', 'x']);
	});
});

describe('wrap_array and unwrap_array', () => {
	it('wrap_array: SDK cases', () => {
		expect(t('wrap_array', 'john@example.com')).toEqual(['john@example.com']);
		expect(t('wrap_array', null)).toEqual([]);
		expect(t('wrap_array', '')).toEqual([]);
		expect(t('wrap_array', ['a', 'b'])).toEqual(['a', 'b']);
		expect(t('wrap_array', 0)).toEqual([0]);
	});
	it('unwrap_array: the first element', () => {
		expect(t('unwrap_array', ['a', 'b'])).toBe('a');
		expect(t('unwrap_array', [])).toBeNull();
		expect(t('unwrap_array', 'a')).toBe('a');
	});
});

describe('url and url_extract', () => {
	it('url: SDK cases', () => {
		expect(t('url', '42', { template: 'https://crm.example.com/contact/{value}' })).toBe(
			'https://crm.example.com/contact/42',
		);
		expect(t('url', 42, { template: '{value}-{value}' })).toBe('42-42');
		expect(t('url', null, { template: 'x/{value}' })).toBeNull();
		expect(t('url', '')).toBe('');
		expect(t('url', 'a')).toBe('a');
	});
	it('url_extract: the {value} part back', () => {
		const template = 'https://crm.example.com/?id={value}&x=1';
		expect(t('url_extract', 'https://crm.example.com/?id=42&x=1', { template })).toBe('42');
		expect(t('url_extract', 'https://elsewhere/', { template })).toBe('https://elsewhere/');
	});
});

describe('join and split', () => {
	it('join: SDK cases', () => {
		expect(t('join', ['John', 'Doe'])).toBe('John Doe');
		expect(t('join', ['John', ''])).toBe('John');
		expect(t('join', [null, 'Doe'])).toBe('Doe');
		expect(t('join', 'John Doe')).toBe('John Doe');
		expect(t('join', null)).toBe('');
		expect(t('join', ['John', 'Doe'], { separator: ', ' })).toBe('John, Doe');
		expect(t('join', { a: 'x', b: 'y' })).toBe('x y');
	});
	it('split: a string into parts, trimmed, without empty parts', () => {
		expect(t('split', 'a, b,,c')).toEqual(['a', 'b', 'c']);
		expect(t('split', 'a | b', { separator: '|', trim: false })).toEqual(['a ', ' b']);
		expect(t('split', null)).toEqual([]);
		expect(t('split', ['x'])).toEqual(['x']);
	});
});

describe('value_map (extra)', () => {
	const map = { gold: 'VIP', silver: 'Regular', 1: 'One', true: 'Yes' };
	it('maps values, compares as text, passes unmapped values without a fallback', () => {
		expect(t('value_map', 'gold', { map })).toBe('VIP');
		expect(t('value_map', 1, { map })).toBe('One');
		expect(t('value_map', true, { map })).toBe('Yes');
		expect(t('value_map', 'bronze', { map })).toBe('bronze');
		expect(t('value_map', null, { map })).toBeNull();
	});
	it('uses the fallback for unmapped values (null too), ignore_case, and a ~ key for null', () => {
		expect(t('value_map', 'bronze', { map, fallback: 'Other' })).toBe('Other');
		expect(t('value_map', 'x', { map, fallback: null })).toBeNull();
		expect(t('value_map', 'GOLD', { map, ignore_case: true })).toBe('VIP');
		expect(t('value_map', null, { map: { '': 'none' } })).toBe('none');
		expect(t('value_map', ['gold', 'silver'], { map })).toEqual(['VIP', 'Regular']);
	});
});

describe('trim (extra)', () => {
	it('trims strings only', () => {
		expect(t('trim', '  a ')).toBe('a');
		expect(t('trim', 5)).toBe(5);
	});
});

describe('multi_value strategies (SDK MultiValueConfig cases)', () => {
	it('as_array', () => {
		expect(mv('as_array', ['a', 'b'])).toEqual(['a', 'b']);
		expect(mv('as_array', 'hello')).toEqual(['hello']);
		expect(mv('as_array', null)).toEqual([]);
		expect(mv('as_array', '')).toEqual([]);
	});
	it('join', () => {
		expect(mv('join', ['sports', 'music', 'art'], ', ')).toBe('sports, music, art');
		expect(mv('join', 'hello', ', ')).toBe('hello');
		expect(mv('join', null)).toBe('');
		expect(mv('join', [])).toBe('');
	});
	it('split', () => {
		expect(mv('split', 'web,mobile,api')).toEqual(['web', 'mobile', 'api']);
		expect(mv('split', 'web, mobile, api')).toEqual(['web', 'mobile', 'api']);
		expect(mv('split', ['a', 'b'])).toEqual(['a', 'b']);
		expect(mv('split', null)).toEqual([]);
		expect(mv('split', '')).toEqual([]);
		expect(mv('split', 'a|b|c', '|')).toEqual(['a', 'b', 'c']);
		expect(mv('split', 'a,b', '')).toEqual(['a', 'b']);
	});
	it('first and last', () => {
		expect(mv('first', ['alpha', 'beta', 'gamma'])).toBe('alpha');
		expect(mv('first', [])).toBeNull();
		expect(mv('first', 'hello')).toBe('hello');
		expect(mv('last', ['alpha', 'beta', 'gamma'])).toBe('gamma');
		expect(mv('last', [])).toBeNull();
		expect(mv('last', 'hello')).toBe('hello');
	});
});

// ---------------------------------------------------------------------------------------------
// Both directions

interface Case {
	title: string;
	/** YAML lines of the entry after cc_field/crm_field (4-space indented). */
	entry: string[];
	crm: unknown;
	daktela: unknown;
	/** What the reverse gives when it cannot restore `crm` exactly. */
	back?: unknown;
}

function mapOne(
	entry: string[],
	direction: Direction,
	value: unknown,
	writtenFor?: string,
): unknown {
	const yaml = [
		'entity: contact',
		'lookup_field: x',
		...(writtenFor ? [`direction: ${writtenFor}`] : []),
		'mappings:',
		'  - cc_field: x',
		'    crm_field: y',
		...entry.map((l) => `    ${l}`),
	].join('\n');
	const compiled = compileMapping(loadMapping(yaml), {
		direction,
		timeZone: 'Europe/Prague',
		now: () => NOW,
		defaultCountry: 'CZ',
	});
	const record = direction === 'toDaktela' ? { y: value } : { x: value };
	const out = compiled.map(record).record;
	return direction === 'toDaktela' ? out.x : out.y;
}

const CASES: Case[] = [
	{
		title: 'date_format',
		entry: ['transformers: [{name: date_format, params: {from: "Y-m-d H:i:s", to: "c"}}]'],
		crm: '2025-06-01 10:00:00',
		daktela: '2025-06-01T10:00:00+02:00',
	},
	{
		title: 'phone_normalize',
		entry: ['transformers: [{name: phone_normalize, params: {format: e164}}]'],
		crm: '601 123 456',
		daktela: '+420601123456',
		back: '+420601123456',
	},
	{ title: 'boolean', entry: ['transformers: [boolean]'], crm: 'yes', daktela: true, back: true },
	{
		title: 'string_case',
		entry: ['transformers: [{name: string_case, params: {case: upper}}]'],
		crm: 'Acme',
		daktela: 'ACME',
		back: 'ACME',
	},
	{
		title: 'default_value',
		entry: ['transformers: [{name: default_value, params: {value: n/a}}]'],
		crm: null,
		daktela: 'n/a',
		back: 'n/a',
	},
	{
		title: 'callback',
		entry: ['transformers: [{name: callback, params: {name: strval}}]'],
		crm: 42,
		daktela: '42',
		back: '42',
	},
	{
		title: 'prefix',
		entry: ['transformers: [{name: prefix, params: {value: crm_}}]'],
		crm: '42',
		daktela: 'crm_42',
	},
	{
		title: 'strip_prefix',
		entry: ['transformers: [{name: strip_prefix, params: {value: crm_}}]'],
		crm: 'crm_42',
		daktela: '42',
	},
	{
		title: 'wrap_array',
		entry: ['transformers: [wrap_array]'],
		crm: 'a@b.cz',
		daktela: ['a@b.cz'],
	},
	{
		title: 'url',
		entry: ['transformers: [{name: url, params: {template: "https://crm/{value}"}}]'],
		crm: '7',
		daktela: 'https://crm/7',
	},
	{
		title: 'join',
		entry: ['transformers: [{name: join, params: {separator: ", "}}]'],
		crm: ['a', 'b'],
		daktela: 'a, b',
	},
	{
		title: 'value_map',
		entry: ['transformers: [{name: value_map, params: {map: {gold: VIP}}}]'],
		crm: 'gold',
		daktela: 'VIP',
	},
	{ title: 'unwrap_array', entry: ['transformers: [unwrap_array]'], crm: ['x'], daktela: 'x' },
	{
		title: 'split',
		entry: ['transformers: [{name: split, params: {separator: ";"}}]'],
		crm: 'a;b',
		daktela: ['a', 'b'],
	},
	{
		title: 'url_extract',
		entry: ['transformers: [{name: url_extract, params: {template: "https://crm/{value}"}}]'],
		crm: 'https://crm/7',
		daktela: '7',
	},
	{ title: 'trim', entry: ['transformers: [trim]'], crm: ' a ', daktela: 'a', back: 'a' },
	{
		title: 'multi_value as_array',
		entry: ['multi_value: {strategy: as_array}'],
		crm: 'a',
		daktela: ['a'],
		back: ['a'],
	},
	{
		title: 'multi_value join',
		entry: ['multi_value: {strategy: join, separator: "|"}'],
		crm: ['a', 'b'],
		daktela: 'a|b',
	},
	{
		title: 'multi_value split',
		entry: ['multi_value: {strategy: split}'],
		crm: 'a,b',
		daktela: ['a', 'b'],
	},
	{
		title: 'multi_value first',
		entry: ['multi_value: {strategy: first}'],
		crm: ['a', 'b'],
		daktela: 'a',
		back: ['a'],
	},
	{
		title: 'multi_value last',
		entry: ['multi_value: {strategy: last}'],
		crm: ['a', 'b'],
		daktela: 'b',
		back: ['b'],
	},
	{
		title: 'chain prefix + wrap_array',
		entry: ['transformers: [{name: prefix, params: {value: p_}}, wrap_array]'],
		crm: '1',
		daktela: ['p_1'],
	},
];

describe.each(CASES)('$title in both directions', ({ entry, crm, daktela, back }) => {
	it('to Daktela: reads crm_field, writes cc_field', () => {
		expect(mapOne(entry, 'toDaktela', crm)).toEqual(daktela);
	});

	it('to CRM, written for CRM -> Daktela: undone (inverse in reverse order)', () => {
		expect(mapOne(entry, 'toCrm', daktela, 'crm_to_cc')).toEqual(back ?? crm);
	});

	it('to CRM, no direction in the file: applied as written, like the SDK', () => {
		const asWritten = mapOne(entry, 'toDaktela', daktela);
		expect(mapOne(entry, 'toCrm', daktela)).toEqual(asWritten);
	});

	it('written for Daktela -> CRM: to CRM applies it, to Daktela undoes it', () => {
		expect(mapOne(entry, 'toCrm', crm, 'cc_to_crm')).toEqual(daktela);
		expect(mapOne(entry, 'toDaktela', daktela, 'cc_to_crm')).toEqual(back ?? crm);
	});
});

describe('a value a transformer cannot handle fails the item, naming the field and entry', () => {
	it('invalid phone number with a default country', () => {
		const yaml =
			'entity: contact\nlookup_field: x\nmappings:\n  - cc_field: customFields.number\n    crm_field: phone\n    transformers: [phone_normalize]\n';
		const compiled = compileMapping(loadMapping(yaml), {
			direction: 'toDaktela',
			defaultCountry: 'CZ',
		});
		expect(() => compiled.map({ phone: '12' })).toThrow(FieldMappingError);
		expect(() => compiled.map({ phone: '12' })).toThrow(
			'Field "customFields.number" (mapping entry 1, line 4): "12" is not a valid phone number (default country CZ)',
		);
	});
});
