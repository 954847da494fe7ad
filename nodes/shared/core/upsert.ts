/**
 * Upsert planning: which input items belong to which Daktela record, how the bulk lookups are
 * chunked, and whether each record is created, updated or left alone.
 *
 * PURE: no n8n imports, no HTTP. The operation (actions/record/upsert.ts) fetches what this file
 * asks for and writes what it decides.
 *
 * API-call budget, for N input records of which C changed: ceil(N / chunk) lookups plus C writes.
 * With chunks of >= 100 keys that is <= 1.01 calls per changed record and <= 0.01 per unchanged
 * one; the SDK spends 2 (lookup + write) and 1 (lookup).
 */

import {
	changedFields,
	matchKeys,
	normaliseCustomFields,
	type DaktelaRecord,
	type ToDaktelaTime,
} from './normalise';
import { getPath } from './paths';
import { isPlainObject } from './objects';

export interface UpsertInput {
	/** Index of the n8n input item. */
	index: number;
	/** The record to write (already writable: see toWritable). */
	record: DaktelaRecord;
	/** Field the record is matched on: `name` (external id) or e.g. `customFields.email`. */
	matchField: string;
	/** The key value, as sent in the lookup filter. */
	matchValue: string;
}

/** Input items that resolve to the same Daktela record: written once. */
export interface KeyGroup {
	matchField: string;
	/** Canonical key (see matchKeys). */
	key: string;
	matchValue: string;
	/** Input item indexes, in input order. */
	indices: number[];
	/** The items' records merged in input order. */
	record: DaktelaRecord;
}

/**
 * Merges a later record into an earlier one for the same key: later values win field by field,
 * custom fields are merged key by key. So two CRM rows for one person, one with the e-mail and one
 * with the phone, end up as one Daktela contact with both, written once.
 */
export function mergeRecords(earlier: DaktelaRecord, later: DaktelaRecord): DaktelaRecord {
	const merged: DaktelaRecord = { ...earlier, ...later };
	if (isPlainObject(earlier.customFields) || isPlainObject(later.customFields)) {
		merged.customFields = {
			...normaliseCustomFields(earlier.customFields),
			...normaliseCustomFields(later.customFields),
		};
	}
	return merged;
}

/** Groups inputs by (match field, canonical key), keeping the order of first appearance. */
export function groupByKey(inputs: UpsertInput[]): KeyGroup[] {
	const groups = new Map<string, KeyGroup>();
	for (const input of inputs) {
		const key = matchKeys(input.matchValue)[0] ?? '';
		const id = `${input.matchField}\u0000${key}`;
		const group = groups.get(id);
		if (group) {
			group.indices.push(input.index);
			group.record = mergeRecords(group.record, input.record);
		} else {
			groups.set(id, {
				matchField: input.matchField,
				key,
				matchValue: input.matchValue,
				indices: [input.index],
				record: { ...input.record },
			});
		}
	}
	return [...groups.values()];
}

export interface ChunkOptions {
	/** Most keys in one `in` filter. */
	maxKeys: number;
	/** Budget for the encoded filter values in one query string, in characters. */
	maxChars: number;
}

/**
 * Defaults keep one lookup URL under ~7.8 KB, inside the 8 KB request line nginx and Apache accept
 * by default, which still fits 100+ keys of typical external ids (`raynet_person_123456`: 110), so
 * 2,500 records take 23-25 lookups. Behind a stricter proxy, lower "Lookup Batch Size".
 */
export const DEFAULT_CHUNK: ChunkOptions = { maxKeys: 250, maxChars: 7600 };

/** Encoded length one `in` value adds to a query string (worst case: brackets percent-encoded). */
export function filterValueCost(value: string, position: number): number {
	return (
		encodeURIComponent(`&filter[filters][0][value][${position}]=`).length +
		encodeURIComponent(value).length
	);
}

/** Splits values into chunks for `in` filters, by count and by encoded URL length. */
export function chunkValues(values: string[], options: ChunkOptions = DEFAULT_CHUNK): string[][] {
	const chunks: string[][] = [];
	let current: string[] = [];
	let chars = 0;
	for (const value of values) {
		const cost = filterValueCost(value, current.length);
		if (current.length && (current.length >= options.maxKeys || chars + cost > options.maxChars)) {
			chunks.push(current);
			current = [];
			chars = 0;
		}
		current.push(value);
		chars += filterValueCost(value, current.length - 1);
	}
	if (current.length) chunks.push(current);
	return chunks;
}

/** Distinct lookup values per match field, in first-appearance order. */
export function lookupValues(groups: KeyGroup[]): Map<string, string[]> {
	const byField = new Map<string, string[]>();
	const seen = new Set<string>();
	for (const group of groups) {
		const id = `${group.matchField}\u0000${group.key}`;
		if (seen.has(id)) continue;
		seen.add(id);
		const list = byField.get(group.matchField) ?? [];
		list.push(group.matchValue);
		byField.set(group.matchField, list);
	}
	return byField;
}

/**
 * Indexes Daktela records by the canonical keys of their match field. A record whose field holds
 * several values (two e-mails) is indexed under each; the same record fetched twice counts once.
 */
export function indexByKey(
	records: DaktelaRecord[],
	matchField: string,
): Map<string, DaktelaRecord[]> {
	const index = new Map<string, DaktelaRecord[]>();
	for (const record of records) {
		for (const key of new Set(matchKeys(getPath(record, matchField)))) {
			const list = index.get(key) ?? [];
			if (!list.some((r) => r.name === record.name)) list.push(record);
			index.set(key, list);
		}
	}
	return index;
}

export type Decision =
	| { kind: 'create'; body: DaktelaRecord }
	| {
			kind: 'update';
			name: string;
			body: DaktelaRecord;
			changed: string[];
			existing: DaktelaRecord;
	  }
	| { kind: 'unchanged'; existing: DaktelaRecord }
	| { kind: 'ambiguous'; names: string[] };

export interface DecideOptions {
	/** Fields a new record gets when the input has none (e.g. the node's Database parameter). */
	createDefaults?: DaktelaRecord;
	/** Write even when nothing changed. */
	alwaysWrite?: boolean;
	toDaktelaTime?: ToDaktelaTime;
}

/**
 * Create, update or leave alone. An update sends the group's fields (not only the changed ones,
 * so the record ends up as the input says even if Daktela changed it meanwhile) and, when it sends
 * custom fields, the record's other custom fields too: the API does not say whether PUT merges or
 * replaces `customFields`, and a merged object is right either way. `name` never goes in an update
 * body: it is in the path, and a record matched on another field keeps its own external id.
 */
export function decide(
	group: KeyGroup,
	matches: DaktelaRecord[] | undefined,
	options: DecideOptions = {},
): Decision {
	if (!matches || matches.length === 0) {
		const body: DaktelaRecord = { ...(options.createDefaults ?? {}), ...group.record };
		for (const [key, value] of Object.entries(options.createDefaults ?? {})) {
			if (body[key] === undefined || body[key] === null || body[key] === '') body[key] = value;
		}
		if (group.matchField === 'name' && (body.name === undefined || body.name === '')) {
			body.name = group.matchValue;
		}
		return { kind: 'create', body };
	}
	if (matches.length > 1) {
		return { kind: 'ambiguous', names: matches.map((m) => String(m.name)) };
	}
	const existing = matches[0];
	const changed = changedFields(group.record, existing, options.toDaktelaTime);
	if (changed.length === 0 && !options.alwaysWrite) return { kind: 'unchanged', existing };
	const body: DaktelaRecord = { ...group.record };
	delete body.name;
	if (isPlainObject(body.customFields)) {
		body.customFields = {
			...normaliseCustomFields(existing.customFields),
			...normaliseCustomFields(body.customFields),
		};
	}
	return { kind: 'update', name: String(existing.name), body, changed, existing };
}

/** The Daktela record a decision writes or leaves alone (none for a create or an ambiguous key). */
export function matchedName(decision: Decision): string | undefined {
	if (decision.kind === 'update') return decision.name;
	if (decision.kind === 'unchanged') return String(decision.existing.name);
	return undefined;
}

/**
 * Groups whose different keys found the same Daktela record (one contact holding two e-mails,
 * each the key of a different input record). Writing them all would leave whichever PUT landed
 * last, report every one as written, and write again on every run, so none of them is changed:
 * the result maps each such group to all the groups that share its record, in input order.
 */
export function sharedMatches(
	decided: Array<{ group: KeyGroup; decision: Decision }>,
): Map<KeyGroup, KeyGroup[]> {
	const byName = new Map<string, KeyGroup[]>();
	for (const { group, decision } of decided) {
		const name = matchedName(decision);
		if (name === undefined) continue;
		byName.set(name, [...(byName.get(name) ?? []), group]);
	}
	const shared = new Map<KeyGroup, KeyGroup[]>();
	for (const groups of byName.values()) {
		if (groups.length < 2) continue;
		for (const group of groups) shared.set(group, groups);
	}
	return shared;
}
