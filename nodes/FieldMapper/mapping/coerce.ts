/**
 * `type:` on a mapping entry: the final value is converted, or the item fails with a message
 * naming the field. null stays null (use `required` to demand a value). Lists are converted
 * element by element unless the type is `array`.
 */
import { DateTime } from 'luxon';

import { formatPhpDate, parseAnyDate } from './dates';
import { ValueError } from './errors';
import { isObjectLiteral } from '../../shared/core/objects';
import type { CoercionType } from './types';
import type { ValueFn } from './transformers';

const describe = (value: unknown) =>
	typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', '']);

function toNumber(value: unknown): number {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'string') {
		const text = value.trim();
		// Decimal comma only when it is the sole separator ("12,5"), never thousands ("1,200").
		const normalised =
			/^[+-]?\d+,\d+$/.test(text) && !/^[+-]?\d{1,3},\d{3}$/.test(text)
				? text.replace(',', '.')
				: text;
		if (normalised !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normalised)) {
			return Number(normalised);
		}
	}
	throw new ValueError(`cannot convert ${describe(value)} to a number`);
}

function scalar(type: Exclude<CoercionType, 'array'>, zone: string): ValueFn {
	switch (type) {
		case 'string':
			return (value) => {
				if (typeof value === 'string') return value;
				if (typeof value === 'number' || typeof value === 'boolean') return String(value);
				throw new ValueError(`cannot convert ${describe(value)} to text`);
			};
		case 'number':
			return toNumber;
		case 'integer':
			return (value) => {
				const n = toNumber(value);
				if (!Number.isInteger(n)) throw new ValueError(`${describe(value)} is not a whole number`);
				return n;
			};
		case 'boolean':
			return (value) => {
				if (typeof value === 'boolean') return value;
				if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
				if (typeof value === 'string') {
					const word = value.trim().toLowerCase();
					if (TRUE_WORDS.has(word)) return true;
					if (FALSE_WORDS.has(word)) return false;
				}
				throw new ValueError(`cannot convert ${describe(value)} to true/false`);
			};
		case 'date':
		case 'datetime':
			return (value) => {
				const text = typeof value === 'number' ? `@${value}` : value;
				const date =
					typeof text === 'string' ? parseAnyDate(text, zone, DateTime.now()) : undefined;
				if (!date) throw new ValueError(`cannot read ${describe(value)} as a date`);
				return formatPhpDate(date, type === 'date' ? 'Y-m-d' : 'c');
			};
	}
}

export function coerceFn(type: CoercionType, zone: string): ValueFn {
	if (type === 'array') {
		return (value) => {
			if (value === null || value === undefined) return value;
			if (Array.isArray(value)) return value;
			if (isObjectLiteral(value)) return Object.values(value);
			return value === '' ? [] : [value];
		};
	}
	const one = scalar(type, zone);
	return (value) => {
		if (value === null || value === undefined) return value;
		if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? v : one(v)));
		return one(value);
	};
}
