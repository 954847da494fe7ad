/**
 * List queries -> Daktela's PHP bracket query string.
 *
 * PURE: imports nothing from n8n. Produces a flat `Record<string, string>` that any HTTP client can
 * send as `qs` (n8n's axios helper and `URLSearchParams` both keep the bracket keys as they are):
 *
 *   filter[logic]=and
 *   filter[filters][0][field]=edited  filter[filters][0][operator]=gte  filter[filters][0][value]=...
 *   filter[filters][1][logic]=or      filter[filters][1][filters][0][field]=...       (nested group)
 *   filter[filters][2][value][0]=A    filter[filters][2][value][1]=B                  (in / notin)
 *   sort[0][field]=edited  sort[0][dir]=asc
 *   fields[0]=name  fields[1]=title
 *   skip=0  take=1000  q=text
 *
 * The structured form (`filter[logic]` + `filter[filters]`) is the one the official connectors send
 * and the only one that nests, so it is always used, even for a single condition.
 */
import { DaktelaInputError } from './errors';
import { toDaktelaTime } from './time';

export const FILTER_OPERATORS = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'notlike',
	'in',
	'notin',
	'isnull',
	'isnotnull',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type FilterScalar = string | number | boolean | Date;

export interface FilterCondition {
	field: string;
	operator: FilterOperator;
	/** A scalar for comparisons, an array for in / notin, nothing for isnull / isnotnull. */
	value?: FilterScalar | FilterScalar[] | null;
	ignoreCase?: boolean;
}

export interface FilterGroup {
	logic: 'and' | 'or';
	filters: Filter[];
}

export type Filter = FilterCondition | FilterGroup;

export interface SortSpec {
	field: string;
	dir?: 'asc' | 'desc';
}

export interface ListQuery {
	/** A condition, a group, or a list of them (ANDed). */
	filter?: Filter | Filter[];
	sort?: SortSpec[];
	/** Fields to return; Daktela returns every field when omitted. */
	fields?: string[];
	skip?: number;
	take?: number;
	/** Full-text search. */
	q?: string;
}

export interface BuildQueryOptions {
	/** Instance time zone: Date values in filters are sent as wall time in this zone. */
	timeZone?: string;
}

/** Daktela documents 1000 as the largest page. */
export const MAX_TAKE = 1000;

const OPERATORS = new Set<string>(FILTER_OPERATORS);
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

export function isFilterGroup(filter: Filter): filter is FilterGroup {
	return (
		typeof filter === 'object' && filter !== null && 'filters' in filter && !('operator' in filter)
	);
}

/** Helpers for readable call sites: `and(eq('a', 1), or(...))`. */
export const and = (...filters: Filter[]): FilterGroup => ({ logic: 'and', filters });
export const or = (...filters: Filter[]): FilterGroup => ({ logic: 'or', filters });
export const cond = (
	field: string,
	operator: FilterOperator,
	value?: FilterCondition['value'],
): FilterCondition => (value === undefined ? { field, operator } : { field, operator, value });

function assertField(field: unknown, what: string): asserts field is string {
	if (typeof field !== 'string' || !FIELD_RE.test(field)) {
		throw new DaktelaInputError(
			`Invalid ${what} field ${JSON.stringify(field)}: use a field name such as "edited" or "customFields.email"`,
		);
	}
}

function scalar(value: unknown, field: string, options: BuildQueryOptions): string {
	if (value instanceof Date) {
		if (!options.timeZone) {
			throw new DaktelaInputError(`A date filter on "${field}" needs the instance time zone`);
		}
		return toDaktelaTime(value, options.timeZone);
	}
	if (typeof value === 'boolean') return value ? '1' : '0';
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			throw new DaktelaInputError(`The filter on "${field}" has a non-finite number`);
		}
		return String(value);
	}
	if (typeof value === 'string') return value;
	throw new DaktelaInputError(
		`The filter on "${field}" has an unsupported value ${JSON.stringify(value)}: use text, a number, true/false or a date`,
	);
}

function writeFilter(
	filter: Filter,
	prefix: string,
	qs: Record<string, string>,
	options: BuildQueryOptions,
	depth: number,
): void {
	if (depth > 10) throw new DaktelaInputError('Filter groups are nested more than 10 levels deep');
	if (filter === null || typeof filter !== 'object') {
		throw new DaktelaInputError(`Invalid filter ${JSON.stringify(filter)}`);
	}
	if (isFilterGroup(filter)) {
		const logic = filter.logic ?? 'and';
		if (logic !== 'and' && logic !== 'or') {
			throw new DaktelaInputError(`Invalid filter logic "${String(logic)}": use "and" or "or"`);
		}
		if (!Array.isArray(filter.filters) || filter.filters.length === 0) {
			throw new DaktelaInputError(`An "${logic}" filter group needs at least one condition`);
		}
		qs[`${prefix}[logic]`] = logic;
		filter.filters.forEach((inner, i) =>
			writeFilter(inner, `${prefix}[filters][${i}]`, qs, options, depth + 1),
		);
		return;
	}
	const { field, operator, value } = filter;
	assertField(field, 'filter');
	if (!OPERATORS.has(operator)) {
		throw new DaktelaInputError(
			`Unknown filter operator "${String(operator)}" on "${field}": use one of ${FILTER_OPERATORS.join(', ')}`,
		);
	}
	qs[`${prefix}[field]`] = field;
	qs[`${prefix}[operator]`] = operator;
	if (filter.ignoreCase) qs[`${prefix}[ignoreCase]`] = 'true';
	if (operator === 'isnull' || operator === 'isnotnull') return;
	if (operator === 'in' || operator === 'notin') {
		const list = Array.isArray(value)
			? value
			: value === undefined || value === null
				? []
				: [value];
		if (!list.length) {
			throw new DaktelaInputError(
				`The "${operator}" filter on "${field}" needs at least one value`,
			);
		}
		list.forEach((v, i) => {
			qs[`${prefix}[value][${i}]`] = scalar(v, field, options);
		});
		return;
	}
	if (Array.isArray(value)) {
		throw new DaktelaInputError(
			`The "${operator}" filter on "${field}" takes one value; use "in" for a list`,
		);
	}
	if (value === undefined || value === null) {
		throw new DaktelaInputError(
			`The "${operator}" filter on "${field}" needs a value (use isnull / isnotnull to test for empty)`,
		);
	}
	qs[`${prefix}[value]`] = scalar(value, field, options);
}

/** Normalises `filter` (one, a group or a list) into one top-level group, or undefined. */
export function toFilterGroup(filter: ListQuery['filter']): FilterGroup | undefined {
	if (filter === undefined || filter === null) return undefined;
	if (Array.isArray(filter)) return filter.length ? { logic: 'and', filters: filter } : undefined;
	if (isFilterGroup(filter)) return filter;
	return { logic: 'and', filters: [filter] };
}

/** Adds `extra` to `filter` with AND, flattening when the outer group is already an AND. */
export function andFilters(filter: ListQuery['filter'], extra: Filter): FilterGroup {
	const group = toFilterGroup(filter);
	if (!group) return { logic: 'and', filters: [extra] };
	if (group.logic === 'and') return { logic: 'and', filters: [...group.filters, extra] };
	return { logic: 'and', filters: [group, extra] };
}

function assertCount(value: unknown, name: string, max?: number): void {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
		throw new DaktelaInputError(`"${name}" must be a whole number of 0 or more`);
	}
	if (max !== undefined && value > max) {
		throw new DaktelaInputError(`"${name}" can be at most ${max} (Daktela's largest page)`);
	}
}

/** Builds the bracket query string for a list request. */
export function buildListQuery(
	query: ListQuery = {},
	options: BuildQueryOptions = {},
): Record<string, string> {
	const qs: Record<string, string> = {};
	const group = toFilterGroup(query.filter);
	if (group) writeFilter(group, 'filter', qs, options, 0);
	(query.sort ?? []).forEach((s, i) => {
		assertField(s?.field, 'sort');
		const dir = s.dir ?? 'asc';
		if (dir !== 'asc' && dir !== 'desc') {
			throw new DaktelaInputError(`Invalid sort direction "${String(dir)}": use "asc" or "desc"`);
		}
		qs[`sort[${i}][field]`] = s.field;
		qs[`sort[${i}][dir]`] = dir;
	});
	(query.fields ?? []).forEach((f, i) => {
		assertField(f, 'selected');
		qs[`fields[${i}]`] = f;
	});
	if (query.skip !== undefined) {
		assertCount(query.skip, 'skip');
		qs.skip = String(query.skip);
	}
	if (query.take !== undefined) {
		assertCount(query.take, 'take', MAX_TAKE);
		qs.take = String(query.take);
	}
	if (query.q !== undefined && query.q !== '') qs.q = String(query.q);
	return qs;
}
