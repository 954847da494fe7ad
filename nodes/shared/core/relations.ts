/**
 * Relation resolution: a CRM id in a relation field (a contact's `account`, an activity's
 * `contact`) -> the Daktela record's name, for a whole batch at once.
 *
 * PURE: no n8n imports, no HTTP. The operation fetches the lookups this file plans (one request
 * per chunk of distinct values, never one per record) and hands the records back.
 *
 * Two ways to get from a CRM id to a Daktela name:
 * - prefix: the related records were created with `name = prefix + CRM id` (the SDK's and the
 *   Field Mapper's external-id convention), so the name is computed and no request is needed;
 * - lookup: the CRM id is stored in a field of the related Daktela record (e.g.
 *   `customFields.crm_id`); the records are looked up in bulk with an `in` filter.
 */

import { RELATIONS_KEY, type RelationMark } from './items';
import { matchKeys, type DaktelaRecord } from './normalise';
import { getPath } from './paths';
import { isPlainObject } from './objects';

export type RelationEntity = 'account' | 'contact';

export type RelationStrategy =
	| { mode: 'asIs' }
	| { mode: 'prefix'; prefix: string }
	| { mode: 'lookup'; field: string };

export type RelationStrategies = Partial<Record<RelationEntity, RelationStrategy>>;

/** One relation field of one input item that needs resolving. */
export interface RelationRequest {
	index: number;
	/** Field of the record being written, e.g. `account`. */
	field: string;
	entity: RelationEntity;
	/** The CRM-side value, e.g. the CRM company id. */
	value: string;
	/** Field of the related Daktela record to write, normally `name`. */
	resolveTo: string;
}

/** The Field Mapper's `_relations` entry as read from an item: checked before use. */
type FieldMapperRelation = Partial<Record<keyof RelationMark, unknown>>;

function isRelationEntity(value: unknown): value is RelationEntity {
	return value === 'account' || value === 'contact';
}

/** A relation's name: an object's `name`, a list's first entry, or the value as trimmed text. */
function relationName(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (isPlainObject(value) && typeof value.name === 'string') return value.name;
	if (Array.isArray(value)) return relationName(value[0]);
	const text = String(value).trim();
	return text === '' ? undefined : text;
}

/**
 * The relation fields of one input item that need resolving: every `_relations` entry, plus the
 * entity's default relation fields (`account` on a contact) when the node is told those hold CRM
 * ids. A field whose strategy is "as is" is left as the input has it.
 */
export function collectRelations(
	index: number,
	input: Record<string, unknown>,
	record: DaktelaRecord,
	strategies: RelationStrategies,
	defaultFields: Partial<Record<string, RelationEntity>>,
): RelationRequest[] {
	const requests: RelationRequest[] = [];
	const seen = new Set<string>();
	const relations = isPlainObject(input[RELATIONS_KEY])
		? (input[RELATIONS_KEY] as Record<string, FieldMapperRelation>)
		: {};
	for (const [field, relation] of Object.entries(relations)) {
		if (!isPlainObject(relation)) continue;
		seen.add(field);
		const entity = relation.entity;
		const value = relationName(relation.value);
		if (!isRelationEntity(entity) || value === undefined) continue;
		const strategy = strategies[entity] ?? { mode: 'asIs' };
		if (strategy.mode === 'asIs') {
			if (record[field] === undefined || record[field] === null || record[field] === '') {
				record[field] = value;
			}
			continue;
		}
		const resolveTo =
			typeof relation.resolveTo === 'string' && relation.resolveTo ? relation.resolveTo : 'name';
		requests.push({ index, field, entity, value, resolveTo });
	}
	for (const [field, entity] of Object.entries(defaultFields)) {
		if (!entity || seen.has(field)) continue;
		const strategy = strategies[entity];
		if (!strategy || strategy.mode === 'asIs') continue;
		const value = relationName(record[field]);
		if (value === undefined) continue;
		requests.push({ index, field, entity, value, resolveTo: 'name' });
	}
	return requests;
}

/** The key a relation value is looked up and found under (case and spacing do not count). */
export function relationKey(value: string): string {
	return matchKeys(value)[0] ?? value;
}

/** `prefix + id`, unless the value already carries the prefix (a mapping may have added it). */
export function prefixed(value: string, prefix: string): string {
	return value.startsWith(prefix) ? value : `${prefix}${value}`;
}

/** Distinct values to look up, per entity and lookup field. */
export function lookupsNeeded(
	requests: RelationRequest[],
	strategies: RelationStrategies,
): Array<{ entity: RelationEntity; field: string; values: string[] }> {
	const plan = new Map<
		string,
		{ entity: RelationEntity; field: string; values: string[]; keys: Set<string> }
	>();
	for (const request of requests) {
		const strategy = strategies[request.entity];
		if (!strategy || strategy.mode !== 'lookup') continue;
		const id = `${request.entity}\u0000${strategy.field}`;
		const entry = plan.get(id) ?? {
			entity: request.entity,
			field: strategy.field,
			values: [],
			keys: new Set<string>(),
		};
		const key = relationKey(request.value);
		if (!entry.keys.has(key)) {
			entry.keys.add(key);
			entry.values.push(request.value);
		}
		plan.set(id, entry);
	}
	return [...plan.values()].map(({ entity, field, values }) => ({ entity, field, values }));
}

export type Resolution = { ok: true; value: string } | { ok: false; message: string };

/**
 * The Daktela value for one request: computed from the prefix, or picked from the records the
 * lookup found (indexed by canonical key). No match and several matches are both errors: writing a
 * CRM id where a name belongs, or linking a random one of two accounts, would corrupt the record.
 */
export function resolveRelation(
	request: RelationRequest,
	strategy: RelationStrategy | undefined,
	found: Map<string, DaktelaRecord[]> | undefined,
	nouns: { noun: string; nouns: string },
): Resolution {
	if (!strategy || strategy.mode === 'asIs') return { ok: true, value: request.value };
	if (strategy.mode === 'prefix')
		return { ok: true, value: prefixed(request.value, strategy.prefix) };
	const key = relationKey(request.value);
	const matches = found?.get(key) ?? [];
	if (matches.length === 0) {
		return {
			ok: false,
			message: `${request.field}: no Daktela ${nouns.noun} has ${strategy.field} = "${request.value}"`,
		};
	}
	if (matches.length > 1) {
		const names = matches.map((m) => String(m.name)).join(', ');
		return {
			ok: false,
			message: `${request.field}: ${matches.length} Daktela ${nouns.nouns} have ${strategy.field} = "${request.value}" (${names}); cannot tell which one is meant`,
		};
	}
	const value = getPath(matches[0], request.resolveTo);
	const text = relationName(value);
	if (text === undefined) {
		return {
			ok: false,
			message: `${request.field}: the Daktela ${nouns.noun} found for "${request.value}" has no ${request.resolveTo}`,
		};
	}
	return { ok: true, value: text };
}
