/**
 * Record normalisation: what the node writes to Daktela, and when two values mean the same thing.
 *
 * PURE: no n8n imports. Time conversion comes in as a function so this file needs no time zone.
 *
 * Daktela reads back differently from what it was sent: relations come back as objects
 * (`account: {name, title, ...}`), custom fields as arrays of strings (`email: ["a@b.cz"]`), empty
 * custom fields sometimes as `[]` instead of `{}`, times as "YYYY-MM-DD HH:MM:SS" in the instance
 * zone. A naive comparison would see a change on every record and write all of them again, which
 * is exactly the cost the upsert engine is here to avoid.
 */

import type { EntityDef } from './entities';
import { isPlainObject } from './objects';

/** A Daktela record (or an input item's json): plain JSON values. */
export type DaktelaRecord = Record<string, unknown>;

/** Converts an ISO 8601 date-time to Daktela's "YYYY-MM-DD HH:MM:SS" (instance zone). */
export type ToDaktelaTime = (iso: string) => string | undefined;

/** Keys of the node's own output that must never travel back to Daktela. */
const OUTPUT_ONLY_KEYS = new Set(['sync']);

/** ISO 8601 date-time with a `T` (the shape n8n, luxon and most CRMs emit). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Daktela relation read back as an object: reduce it to the name that is written. */
export function relationName(value: unknown): unknown {
	if (isPlainObject(value) && typeof value.name === 'string') return value.name;
	return value;
}

function customFieldValues(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = Array.isArray(value) ? value : [value];
	const out: string[] = [];
	for (const entry of list) {
		if (entry === undefined || entry === null || entry === '') continue;
		out.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
	}
	return out;
}

/** `customFields` as Daktela stores them: every value an array of strings; `[]` means none. */
export function normaliseCustomFields(value: unknown): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	if (!isPlainObject(value)) return out;
	for (const [key, entry] of Object.entries(value)) out[key] = customFieldValues(entry);
	return out;
}

export interface WritableOptions {
	toDaktelaTime?: ToDaktelaTime;
}

/**
 * The record as it is sent to Daktela:
 * - drops every top-level key starting with `_` (`_lookup`, `_relations`: Field Mapper metadata),
 *   the node's own `sync` output key, and the entity's read-only fields;
 * - relation objects become names (so a record read from Daktela can be written back);
 * - custom field values become arrays of strings (`"a@b.cz"` -> `["a@b.cz"]`);
 * - ISO 8601 date-times become Daktela times in the instance zone.
 */
export function toWritable(
	input: DaktelaRecord,
	entity: EntityDef,
	options: WritableOptions = {},
): DaktelaRecord {
	const out: DaktelaRecord = {};
	for (const [key, value] of Object.entries(input)) {
		if (value === undefined || key.startsWith('_') || OUTPUT_ONLY_KEYS.has(key)) continue;
		if (entity.readOnly.includes(key)) continue;
		if (key === 'customFields') {
			out.customFields = normaliseCustomFields(value);
		} else if (entity.relations.includes(key)) {
			out[key] = relationName(value);
		} else if (typeof value === 'string' && options.toDaktelaTime && ISO_DATE_TIME.test(value)) {
			out[key] = options.toDaktelaTime(value) ?? value;
		} else {
			out[key] = value;
		}
	}
	return out;
}

// ------------------------------------------------------------------------------------------
// Comparison
// ------------------------------------------------------------------------------------------

const LETTER = /\p{L}/u;

/**
 * One value in a canonical form for comparison (the same rules as the SDK's `normalizeValue`,
 * plus relations, booleans and time formats):
 * - null, undefined, '' and [] are all "empty";
 * - a relation object is its name; a one-element list is its element;
 * - strings without letters (phones, codes) lose all whitespace; text is trimmed and its
 *   whitespace collapsed;
 * - ISO date-times become Daktela times, so "2026-01-02T10:00:00+01:00" equals
 *   "2026-01-02 10:00:00" in Europe/Prague;
 * - booleans become '1' / '0' and numbers strings, as Daktela stores them.
 */
export function canonical(value: unknown, toDaktelaTime?: ToDaktelaTime): unknown {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'boolean') return value ? '1' : '0';
	if (typeof value === 'number') return String(value);
	if (typeof value === 'string') {
		let text = value;
		if (toDaktelaTime && ISO_DATE_TIME.test(text.trim())) text = toDaktelaTime(text.trim()) ?? text;
		return LETTER.test(text) ? text.trim().replace(/\s+/g, ' ') : text.replace(/\s+/g, '');
	}
	if (Array.isArray(value)) {
		const list = value.map((v) => canonical(v, toDaktelaTime)).filter((v) => v !== null);
		if (list.length === 0) return null;
		return list.length === 1 ? list[0] : list;
	}
	if (isPlainObject(value)) {
		if (typeof value.name === 'string') return canonical(value.name, toDaktelaTime);
		const keys = Object.keys(value).sort();
		const out: Record<string, unknown> = {};
		for (const key of keys) {
			const v = canonical(value[key], toDaktelaTime);
			if (v !== null) out[key] = v;
		}
		return Object.keys(out).length ? out : null;
	}
	return String(value);
}

export function sameValue(a: unknown, b: unknown, toDaktelaTime?: ToDaktelaTime): boolean {
	return (
		JSON.stringify(canonical(a, toDaktelaTime)) === JSON.stringify(canonical(b, toDaktelaTime))
	);
}

/**
 * The fields of `desired` whose value differs from `existing`, as dot paths (custom fields are
 * compared key by key, so `customFields.email`). Fields absent from `desired` are not compared:
 * an upsert only owns the fields it sends. `name` is the match key, never a change.
 */
export function changedFields(
	desired: DaktelaRecord,
	existing: DaktelaRecord,
	toDaktelaTime?: ToDaktelaTime,
): string[] {
	const changed: string[] = [];
	for (const [key, value] of Object.entries(desired)) {
		if (key === 'name' || value === undefined) continue;
		if (key === 'customFields') {
			const mine = normaliseCustomFields(value);
			const theirs = normaliseCustomFields(existing.customFields);
			for (const [field, values] of Object.entries(mine)) {
				if (!sameValue(values, theirs[field], toDaktelaTime)) changed.push(`customFields.${field}`);
			}
			continue;
		}
		if (!sameValue(value, existing[key], toDaktelaTime)) changed.push(key);
	}
	return changed;
}

/**
 * The match key of a value, for pairing input items with Daktela records: canonical, then case
 * folded (Daktela's `eq`/`in` filters compare case-insensitively, so two keys differing only in
 * case find the same record). Lists give one key per element.
 */
export function matchKeys(value: unknown): string[] {
	const list = Array.isArray(value) ? value : [value];
	const keys: string[] = [];
	for (const entry of list) {
		const c = canonical(relationName(entry));
		if (c === null || typeof c === 'object') continue;
		keys.push(String(c).toLowerCase());
	}
	return keys;
}
