/**
 * The query-string half of the sandbox Daktela V6: PHP bracket notation, filters, sort, field
 * selection and paging. Pure functions; the store supplies how a dotted path resolves on a record
 * (relations are followed by name, `customFields.x` yields the array of values).
 *
 * Semantics follow SQL the way a MySQL-backed API behaves, because that is what a client meets in
 * production:
 * - a NULL (missing value, null relation, empty custom-field array) never matches a comparison,
 *   including `neq`, `notlike` and `notin`; only `isnull` matches it;
 * - numbers (and booleans, as 1/0) compare numerically, everything else as strings, so datetime
 *   strings `YYYY-MM-DD HH:MM:SS` compare chronologically; a date-only value on a datetime field is
 *   read as midnight, like MySQL casting a literal;
 * - string comparisons are case-sensitive unless the condition says `ignoreCase` (assumption: the
 *   real collation may be case-insensitive; a client that needs that must say so);
 * - a multi-valued field (custom fields) matches a positive operator when ANY element matches, and
 *   a negative operator (`neq`, `notlike`, `notin`) when NO element matches the positive one.
 */

export type Dict = Record<string, unknown>;

export class QueryError extends Error {}

export function isDict(value: unknown): value is Dict {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** Parses `a[b][0][c]=x&a[b][]=y` into nested objects, as PHP builds `$_GET`. */
export function parseBracketQuery(search: string): Dict {
	const root: Dict = Object.create(null);
	for (const [rawKey, value] of new URLSearchParams(search)) {
		const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
		const segments = [match ? match[1] : rawKey];
		if (match) for (const part of match[2].matchAll(/\[([^\]]*)\]/g)) segments.push(part[1]);
		assign(root, segments, value);
	}
	return root;
}

function assign(target: Dict, segments: string[], value: string): void {
	let node = target;
	for (let i = 0; i < segments.length; i++) {
		let key = segments[i];
		if (key === '') key = String(Object.keys(node).length);
		if (i === segments.length - 1) {
			node[key] = value;
			return;
		}
		const next = node[key];
		if (!isDict(next)) node[key] = Object.create(null);
		node = node[key] as Dict;
	}
}

/** `{0: a, 1: b}` or `[a, b]` -> `[a, b]`; anything else -> `[value]`. */
export function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (isDict(value)) {
		const keys = Object.keys(value);
		if (keys.length > 0 && keys.every((k) => INDEX.test(k))) {
			return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k]);
		}
	}
	return value === undefined ? [] : [value];
}

// ---------------------------------------------------------------------------------------------
// Filters

export const OPERATORS = [
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
export type Operator = (typeof OPERATORS)[number];

export interface FilterCondition {
	kind: 'condition';
	field: string;
	operator: Operator;
	value: string | string[];
	ignoreCase: boolean;
}
export interface FilterGroup {
	kind: 'group';
	logic: 'and' | 'or';
	filters: FilterNode[];
}
export type FilterNode = FilterCondition | FilterGroup;

/**
 * Accepts the three shapes seen in the connectors: structured `filter[logic]&filter[filters][i]`
 * (groups nest), flat `filter[i][field|operator|value]` (ANDed) and single `filter[field|...]`.
 */
export function parseFilter(raw: unknown): FilterNode | undefined {
	if (raw === undefined) return undefined;
	if (!isDict(raw)) throw new QueryError('Invalid filter');
	return parseNode(raw, 0);
}

function parseNode(raw: unknown, depth: number): FilterNode {
	if (depth > 16) throw new QueryError('Filter nested too deeply');
	if (!isDict(raw)) throw new QueryError('Invalid filter');
	if ('field' in raw) return parseCondition(raw);
	const numeric = Object.keys(raw).filter((k) => INDEX.test(k));
	if ('filters' in raw || 'logic' in raw || numeric.length > 0) {
		const logic = String(raw.logic ?? 'and').toLowerCase();
		if (logic !== 'and' && logic !== 'or') throw new QueryError(`Unknown filter logic: ${logic}`);
		const children =
			raw.filters !== undefined
				? asList(raw.filters)
				: numeric.sort((a, b) => Number(a) - Number(b)).map((k) => raw[k]);
		return {
			kind: 'group',
			logic,
			filters: children.map((child) => parseNode(child, depth + 1)),
		};
	}
	throw new QueryError('Invalid filter');
}

function parseCondition(raw: Dict): FilterCondition {
	const field = typeof raw.field === 'string' ? raw.field.trim() : '';
	if (field === '') throw new QueryError('Filter field is missing');
	const operator = String(raw.operator ?? 'eq').toLowerCase() as Operator;
	if (!OPERATORS.includes(operator)) {
		throw new QueryError(`Unknown filter operator: ${String(raw.operator)}`);
	}
	const ignoreCase = ['true', '1', 'yes'].includes(String(raw.ignoreCase ?? '').toLowerCase());
	let value: string | string[];
	if (operator === 'in' || operator === 'notin') {
		value = asList(raw.value).map((v) => {
			if (isDict(v) || Array.isArray(v)) throw new QueryError(`Invalid filter value for ${field}`);
			return String(v);
		});
	} else {
		if (isDict(raw.value) || Array.isArray(raw.value)) {
			throw new QueryError(`Invalid filter value for ${field}`);
		}
		value = raw.value === undefined ? '' : String(raw.value);
	}
	return { kind: 'condition', field, operator, value, ignoreCase };
}

export type Resolver<R> = (record: R, path: string[]) => unknown;
export type Predicate<R> = (record: R) => boolean;

export const DATETIME_FIELDS = new Set([
	'created',
	'edited',
	'time',
	'time_wait',
	'time_open',
	'time_close',
	'call_time',
]);

function normaliseDatetime(value: string): string {
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value} 00:00:00`;
	const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})$/.exec(value);
	return iso ? `${iso[1]} ${iso[2]}` : value;
}

type Scalar = string | number | boolean;

/** The comparable values of a resolved field: [] stands for SQL NULL. */
export function scalarsOf(value: unknown): Scalar[] {
	if (value === null || value === undefined) return [];
	if (Array.isArray(value)) {
		const out: Scalar[] = [];
		for (const v of value) {
			if (v === null || v === undefined) continue;
			out.push(typeof v === 'object' ? JSON.stringify(v) : (v as Scalar));
		}
		return out;
	}
	if (typeof value === 'object') return [JSON.stringify(value)];
	return [value as Scalar];
}

function toNumber(value: string): number {
	const v = value.trim().toLowerCase();
	if (v === 'true') return 1;
	if (v === 'false') return 0;
	return v === '' ? NaN : Number(v);
}

export function compareScalar(field: Scalar, value: string, ignoreCase: boolean): number {
	if (typeof field === 'number' || typeof field === 'boolean') {
		const n = toNumber(value);
		if (!Number.isNaN(n)) {
			const f = Number(field);
			return f < n ? -1 : f > n ? 1 : 0;
		}
	}
	let a = String(field);
	let b = value;
	if (ignoreCase) {
		a = a.toLowerCase();
		b = b.toLowerCase();
	}
	return a < b ? -1 : a > b ? 1 : 0;
}

/** SQL LIKE: `%` any run, `_` one character, backslash escapes. Anchored. */
export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
	let source = '';
	const chars = Array.from(pattern);
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i];
		if (ch === '\\' && i + 1 < chars.length) source += escapeRegExp(chars[++i]);
		else if (ch === '%') source += '.*';
		else if (ch === '_') source += '.';
		else source += escapeRegExp(ch);
	}
	return new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
}

function escapeRegExp(ch: string): string {
	return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

export function compileFilter<R>(node: FilterNode, resolve: Resolver<R>): Predicate<R> {
	if (node.kind === 'group') {
		const parts = node.filters.map((child) => compileFilter(child, resolve));
		if (parts.length === 0) return () => true;
		return node.logic === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
	}
	return compileCondition(node, resolve);
}

function compileCondition<R>(c: FilterCondition, resolve: Resolver<R>): Predicate<R> {
	const path = c.field.split('.');
	const isDate = DATETIME_FIELDS.has(path[path.length - 1]);
	const norm = (v: string) => (isDate ? normaliseDatetime(v) : v);
	const ci = c.ignoreCase;
	if (c.operator === 'isnull') return (r) => scalarsOf(resolve(r, path)).length === 0;
	if (c.operator === 'isnotnull') return (r) => scalarsOf(resolve(r, path)).length > 0;

	let test: (v: Scalar) => boolean;
	let negate = false;
	const one = norm(Array.isArray(c.value) ? '' : c.value);
	switch (c.operator) {
		case 'neq':
			negate = true;
			test = (v) => compareScalar(v, one, ci) === 0;
			break;
		case 'eq':
			test = (v) => compareScalar(v, one, ci) === 0;
			break;
		case 'gt':
			test = (v) => compareScalar(v, one, ci) > 0;
			break;
		case 'gte':
			test = (v) => compareScalar(v, one, ci) >= 0;
			break;
		case 'lt':
			test = (v) => compareScalar(v, one, ci) < 0;
			break;
		case 'lte':
			test = (v) => compareScalar(v, one, ci) <= 0;
			break;
		case 'notlike':
		case 'like': {
			negate = c.operator === 'notlike';
			const re = likeToRegExp(one, ci);
			test = (v) => re.test(String(v));
			break;
		}
		case 'notin':
		case 'in': {
			negate = c.operator === 'notin';
			const values = (Array.isArray(c.value) ? c.value : [c.value]).map(norm);
			const strings = new Set(values.map((v) => (ci ? v.toLowerCase() : v)));
			const numbers = new Set(values.map(toNumber).filter((n) => !Number.isNaN(n)));
			test = (v) =>
				typeof v === 'string'
					? strings.has(ci ? v.toLowerCase() : v)
					: numbers.has(Number(v)) || strings.has(String(v));
			break;
		}
		default:
			throw new QueryError(`Unknown filter operator: ${String(c.operator)}`);
	}
	return (r) => {
		const values = scalarsOf(resolve(r, path));
		if (values.length === 0) return false;
		const any = values.some(test);
		return negate ? !any : any;
	};
}

/**
 * The first case-sensitive `eq`/`in` condition at the top level of an AND (or the filter itself)
 * on a field the caller can index: the store then scans only the matching rows.
 */
export function pinnedCondition(
	node: FilterNode | undefined,
	indexable: (field: string) => boolean,
): { field: string; values: string[] } | undefined {
	if (!node) return undefined;
	if (node.kind === 'condition') {
		if (node.ignoreCase || !indexable(node.field)) return undefined;
		if (node.operator === 'eq' && typeof node.value === 'string') {
			return { field: node.field, values: [node.value] };
		}
		if (node.operator === 'in' && Array.isArray(node.value)) {
			return { field: node.field, values: node.value };
		}
		return undefined;
	}
	if (node.logic !== 'and') return undefined;
	for (const child of node.filters) {
		const pin = pinnedCondition(child, indexable);
		if (pin) return pin;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sort, fields, paging

export interface SortKey {
	field: string;
	dir: 'asc' | 'desc';
}

/** `sort[i][field|dir]`, `sort[field]&sort[dir]`, or `sort=field`. */
export function parseSort(raw: unknown): SortKey[] {
	if (raw === undefined || raw === '') return [];
	if (typeof raw === 'string') return [{ field: raw, dir: 'asc' }];
	const entries = isDict(raw) && 'field' in raw ? [raw] : asList(raw);
	const keys: SortKey[] = [];
	for (const entry of entries) {
		if (typeof entry === 'string' && entry !== '') keys.push({ field: entry, dir: 'asc' });
		else if (isDict(entry) && typeof entry.field === 'string' && entry.field !== '') {
			const dir = String(entry.dir ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
			keys.push({ field: entry.field, dir });
		} else throw new QueryError('Invalid sort');
	}
	return keys;
}

type SortValue = string | number | null;

function sortValueOf(value: unknown): SortValue {
	const first = scalarsOf(value)[0];
	if (first === undefined) return null;
	return typeof first === 'boolean' ? Number(first) : first;
}

function compareSortValues(a: SortValue, b: SortValue): number {
	if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1; // NULLs first, as MySQL
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const sa = String(a);
	const sb = String(b);
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Stable: ties keep the incoming (insertion) order, so paging with skip/take never repeats. */
export function sortRecords<R>(records: R[], keys: SortKey[], resolve: Resolver<R>): R[] {
	if (keys.length === 0) return records;
	const paths = keys.map((k) => k.field.split('.'));
	const decorated = records.map((record, index) => ({
		record,
		index,
		values: paths.map((p) => sortValueOf(resolve(record, p))),
	}));
	decorated.sort((x, y) => {
		for (let i = 0; i < keys.length; i++) {
			const c = compareSortValues(x.values[i], y.values[i]);
			if (c !== 0) return keys[i].dir === 'desc' ? -c : c;
		}
		return x.index - y.index;
	});
	return decorated.map((d) => d.record);
}

/** `fields[0]=a&fields[1]=b` or `fields=a,b`. */
export function parseFields(raw: unknown): string[] | undefined {
	if (raw === undefined) return undefined;
	const list = typeof raw === 'string' ? raw.split(',') : asList(raw).map((v) => String(v));
	const fields = list.map((f) => f.trim()).filter((f) => f !== '');
	return fields.length > 0 ? fields : undefined;
}

export function pickFields(record: Dict, fields: string[]): Dict {
	const out: Dict = {};
	for (const field of fields) {
		const path = field.split('.');
		let src: unknown = record;
		let dst = out;
		for (let i = 0; i < path.length; i++) {
			if (!isDict(src) || !(path[i] in src)) break;
			const value: unknown = src[path[i]];
			if (i === path.length - 1 || !isDict(value)) {
				dst[path[i]] = value;
				break;
			}
			if (!isDict(dst[path[i]])) dst[path[i]] = {};
			dst = dst[path[i]] as Dict;
			src = value;
		}
	}
	return out;
}

export function parsePaging(
	query: Dict,
	maxTake: number,
	defaultTake = 100,
): { skip: number; take: number } {
	const int = (v: unknown): number | undefined => {
		if (typeof v !== 'string' || !/^\s*\d+\s*$/.test(v)) return undefined;
		return Number(v);
	};
	const skip = int(query.skip) ?? 0;
	const take = Math.min(int(query.take) ?? defaultTake, maxTake);
	return { skip, take };
}
