/**
 * MappingSpec -> a closure per entry, compiled once per execution and run for every item.
 *
 * Order per entry, as in the SDK's FieldMapper: read -> transformers -> relation ->
 * multi_value -> write (set, or append with multi_value deferred until all values are in).
 * Extras run after that: `type` coercion, then `required`.
 *
 * Direction: "to Daktela" reads crm_field and writes cc_field, "to CRM" the reverse. The SDK
 * applies a chain exactly as written whichever way it runs, and so does this engine for every
 * file without a `direction:` key (all SDK files). A file that says which way its chains are
 * written (`direction: crm_to_cc` / `cc_to_crm`; the node's defaults and visual mappings do) runs
 * as written that way; run the other way, each entry is undone instead: multi_value and the
 * transformers are inverted in reverse order (prefix <-> strip_prefix, wrap_array <->
 * unwrap_array, url <-> url_extract, join <-> split, date_format swaps from/to, value_map is
 * reversed; normalisers such as string_case run as written), append groups are split back by
 * position, and entries with value/template/expression, which have no source to go back to, are
 * skipped.
 */
import { DateTime } from 'luxon';

import { coerceFn } from './coerce';
import { FieldMappingError, ValueError } from './errors';
import { multiValueFn, inverseMultiValue } from './multiValue';
import {
	compileGetter,
	compileSetter,
	deletePath,
	readSegments,
	splitPath,
	writeSegments,
	type Getter,
	type Setter,
} from './paths';
import type { LookupMark, RelationMark } from '../../shared/core/items';
import { isObjectLiteral } from '../../shared/core/objects';
import { isPhpArray, phpString, phpValues } from './php';
import { compileTemplate } from './template';
import { TRANSFORMERS, type TransformerContext, type ValueFn } from './transformers';
import type {
	Direction,
	EntrySpec,
	MappingIssue,
	MappingSpec,
	MultiValueSpec,
	RelationSpec,
	TransformerCall,
} from './types';

export interface CompileOptions {
	direction: Direction;
	/** Zone for dates without an offset (default UTC; the node passes the workflow's zone). */
	timeZone?: string;
	/** ISO country for national phone numbers (enables libphonenumber in phone_normalize). */
	defaultCountry?: string;
	/** `omit` leaves out fields whose value is null, '' or [] (the SDK writes them, as `keep`). */
	emptyValues?: 'keep' | 'omit';
	/** Also report the lookup key when mapping to the CRM. */
	lookupToCrm?: boolean;
	now?: () => DateTime;
}

/** A reference the Daktela node resolves in bulk (docs/ARCHITECTURE.md). */
export type RelationRef = RelationMark;

/** A mapped record, and what goes on the item as `_lookup` / `_relations` (shared/core/items). */
export interface MapResult {
	record: Record<string, unknown>;
	lookup?: LookupMark;
	relations?: Record<string, RelationMark>;
}

export interface PreviewRow {
	target: string;
	source: string;
	sourceValue: unknown;
	value: unknown;
}

export interface ExpressionEntry {
	/** Entry index: where the value goes in `expressionValues`. */
	index: number;
	expression: string;
	/** The field it writes, and the entry's line, to name them when the expression fails. */
	target: string;
	line?: number;
}

export interface CompiledMapping {
	readonly spec: MappingSpec;
	readonly direction: Direction;
	/** True when the entries are undone (the mapping was written for the other direction). */
	readonly inverted: boolean;
	/** Load warnings plus compile warnings (skipped entries, phone numbers without a country). */
	readonly warnings: MappingIssue[];
	/** `expression:` entries; the caller evaluates them per item and passes values by entry index. */
	readonly expressions: ReadonlyArray<ExpressionEntry>;
	map(record: unknown, expressionValues?: readonly unknown[]): MapResult;
	preview(
		record: unknown,
		expressionValues?: readonly unknown[],
	): { result: MapResult; rows: PreviewRow[] };
}

interface RunState {
	relations: Record<string, RelationRef> | undefined;
	deferred: Map<string, Deferred> | undefined;
}

interface Deferred {
	multiValue?: ValueFn;
	coerce?: ValueFn;
	required?: EntrySpec;
	setter: Setter;
	getter: Getter;
}

type Read = (record: unknown, expressionValues: readonly unknown[] | undefined) => unknown;
type Run = (
	record: unknown,
	ext: readonly unknown[] | undefined,
	out: Record<string, unknown>,
	state: RunState,
) => void;

interface Step {
	/** Entry to blame when this step fails (for append groups: updated while running). */
	entries: EntrySpec[];
	targets: string[];
	source: string;
	read: Read;
	run: Run;
}

function compose(fns: ValueFn[]): ValueFn | undefined {
	if (fns.length === 0) return undefined;
	if (fns.length === 1) return fns[0];
	if (fns.length === 2) {
		const [a, b] = fns;
		return (value) => b(a(value));
	}
	return (value) => {
		let v = value;
		for (const fn of fns) v = fn(v);
		return v;
	};
}

function isEmpty(value: unknown): boolean {
	return (
		value === null ||
		value === undefined ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Daktela returns relations as objects ({name, title, ...}); reading them, keep `resolve_to`. */
function relationReducer(relation: RelationSpec | undefined): ValueFn | undefined {
	const key = relation?.resolveTo ?? 'name';
	const reduce = (v: unknown): unknown => {
		if (!isObjectLiteral(v)) return v;
		if (v[key] !== undefined && v[key] !== null) return v[key];
		return v.name !== undefined ? v.name : v;
	};
	return (value) => (Array.isArray(value) ? value.map(reduce) : reduce(value));
}

/** SDK appendNestedValue: merge lists, wrap scalars, skip null and ''. */
function appendValue(existing: unknown, value: unknown): unknown[] {
	const before = Array.isArray(existing)
		? existing
		: existing === null || existing === undefined
			? []
			: [existing];
	if (Array.isArray(value)) return before.concat(value);
	if (value === null || value === undefined || value === '') return before.slice();
	return before.concat([value]);
}

function cloneStatic(value: unknown): unknown {
	return value !== null && typeof value === 'object'
		? (JSON.parse(JSON.stringify(value)) as unknown)
		: value;
}

/**
 * The record's own `id` is text, as the SDK's entities cast it (`(string) $data['id']`): a numeric
 * CRM id 123 maps to "123" wherever the mapping writes it (a custom field, a lookup key, a name
 * without a prefix), so the SDK's mapping files give the SDK's output.
 */
const idAsText: ValueFn = (value) =>
	typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;

function describeSource(entry: EntrySpec, readPath: string): string {
	switch (entry.source.kind) {
		case 'value':
			return `value: ${JSON.stringify(entry.source.value)}`;
		case 'template':
			return `template: ${entry.source.template}`;
		case 'expression':
			return `expression: ${entry.source.expression}`;
		default:
			return readPath;
	}
}

function missingReason(entry: EntrySpec, readPath: string): string {
	if (entry.source.kind === 'field') {
		const side = readPath === entry.crmField ? 'crm_field' : 'cc_field';
		return `required value is missing (${side} "${readPath}" is empty)`;
	}
	return `required value is missing (${entry.source.kind} gave no value)`;
}

/**
 * Every active entry writes its target on every item (null included, as in the SDK), so the
 * record's keys are known up front. Creating it from a skeleton (same key order as the writes)
 * gives every output record one hidden class: writes then update fields instead of adding them,
 * which is most of the difference to a hand-written object literal.
 */
function recordFactory(targets: string[]): () => Record<string, unknown> {
	interface Node {
		keys: Map<string, Node | null>;
	}
	const root: Node = { keys: new Map() };
	for (const target of targets) {
		let node = root;
		const segments = target.split('.');
		segments.forEach((segment, i) => {
			const last = i === segments.length - 1;
			const existing = node.keys.get(segment);
			if (last) {
				if (existing === undefined) node.keys.set(segment, null);
			} else {
				const child = existing ?? { keys: new Map() };
				node.keys.set(segment, child);
				node = child;
			}
		});
	}
	const build = (node: Node): (() => Record<string, unknown>) => {
		const skeleton: Record<string, unknown> = {};
		const childKeys: string[] = [];
		const makers: Array<() => Record<string, unknown>> = [];
		for (const [key, child] of node.keys) {
			skeleton[key] = undefined;
			if (child) {
				childKeys.push(key);
				makers.push(build(child));
			}
		}
		if (makers.length === 0) return () => ({ ...skeleton });
		return () => {
			const out: Record<string, unknown> = { ...skeleton };
			for (let i = 0; i < makers.length; i++) out[childKeys[i]] = makers[i]();
			return out;
		};
	};
	return build(root);
}

/** What every phase of compileMapping shares: the direction, the warnings and the steps so far. */
interface Compilation {
	readonly spec: MappingSpec;
	readonly options: CompileOptions;
	readonly direction: Direction;
	/** The mapping was written for the other direction: its entries are undone. */
	readonly inverted: boolean;
	readonly zone: string;
	readonly ctx: TransformerContext;
	readonly warnings: MappingIssue[];
	readonly steps: Step[];
	readonly targets: Set<string>;
}

function warn(c: Compilation, entry: EntrySpec | undefined, message: string): void {
	c.warnings.push({
		severity: 'warning',
		message,
		path: entry ? `mappings[${entry.index}]` : '',
		...(entry?.pos ? { line: entry.pos.line, column: entry.pos.column } : {}),
		...(entry ? { entry: entry.index, entryField: entry.ccField } : {}),
	});
}

function transformer(c: Compilation, call: TransformerCall, entry: EntrySpec): ValueFn {
	const def = TRANSFORMERS[call.name];
	if (!c.inverted) {
		for (const message of def.warnings?.(call.params as never, c.ctx) ?? []) {
			warn(c, entry, message);
		}
	}
	return def.create(call.params as never, c.ctx);
}

function invertChain(entry: EntrySpec): TransformerCall[] {
	return (
		entry.reverseTransformers ??
		[...entry.transformers].reverse().map((call) => {
			const inverse = TRANSFORMERS[call.name].inverse(call.params as never);
			return inverse === 'same' ? call : inverse;
		})
	);
}

function readPathOf(c: Compilation, entry: EntrySpec): string {
	return c.inverted
		? c.direction === 'toCrm'
			? entry.ccField
			: entry.crmField
		: c.direction === 'toDaktela'
			? entry.crmField
			: entry.ccField;
}

function writePathOf(c: Compilation, entry: EntrySpec): string {
	return c.direction === 'toDaktela' ? entry.ccField : entry.crmField;
}

function readerOf(entry: EntrySpec, readPath: string): Read {
	switch (entry.source.kind) {
		case 'value': {
			const value = entry.source.value;
			return value !== null && typeof value === 'object' ? () => cloneStatic(value) : () => value;
		}
		case 'template': {
			const render = compileTemplate(entry.source.template);
			return (record) => render(record);
		}
		case 'expression': {
			const index = entry.index;
			return (_record, ext) => {
				const v = ext?.[index];
				return v === undefined ? null : v;
			};
		}
		default:
			// A getter ignores the second argument: no wrapper on the hot path.
			return compileGetter(readPath);
	}
}

/** Entries that take part in this direction. */
function activeEntries(c: Compilation): EntrySpec[] {
	const active: EntrySpec[] = [];
	let skippedOneWay = 0;
	for (const entry of c.spec.entries) {
		if (entry.only && entry.only !== c.direction) continue;
		if (c.inverted && entry.source.kind !== 'field') {
			skippedOneWay++;
			continue;
		}
		if (writePathOf(c, entry) === '') {
			warn(
				c,
				entry,
				`skipped: the entry has no crm_field, so it writes nothing when mapping to the CRM`,
			);
			continue;
		}
		active.push(entry);
	}
	if (skippedOneWay > 0) {
		c.warnings.push({
			severity: 'warning',
			message: `${skippedOneWay} entr${skippedOneWay === 1 ? 'y' : 'ies'} with value, template or expression only work ${c.spec.writtenFor === 'toDaktela' ? 'to Daktela' : 'to the CRM'} and are skipped in this direction`,
			path: 'mappings',
		});
	}
	return active;
}

function emitRelation(entry: EntrySpec, target: string) {
	const relation = entry.relation!;
	return (value: unknown, state: RunState) => {
		if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
			state.relations ??= {};
			state.relations[target] = {
				entity: relation.entity,
				resolveFrom: relation.resolveFrom,
				resolveTo: relation.resolveTo,
				value: phpString(value),
			};
		}
	};
}

/** An append entry: adds its value to the target; type, multi-value and required are deferred. */
function appendRun(
	entry: EntrySpec,
	target: string,
	read: Read,
	fns: { before?: ValueFn; relate?: ReturnType<typeof emitRelation>; after?: ValueFn },
	coerce: ValueFn | undefined,
	deferredMv: ValueFn | undefined,
): Run {
	const { before, relate, after } = fns;
	const set = compileSetter(target);
	const get = compileGetter(target);
	return (record, ext, out, state) => {
		let v = read(record, ext);
		if (before) v = before(v);
		if (relate) relate(v, state);
		if (after) v = after(v);
		set(out, appendValue(get(out), v));
		if (deferredMv || coerce || entry.required) {
			state.deferred ??= new Map();
			const d = state.deferred.get(target) ?? { setter: set, getter: get };
			if (deferredMv) d.multiValue = deferredMv;
			if (coerce) d.coerce = coerce;
			if (entry.required) d.required = entry;
			state.deferred.set(target, d);
		}
	};
}

/**
 * The common entry (read a field, maybe transform, write a field) as one closure that calls plain
 * functions: the fastest shape without generating code.
 */
function fieldRun(
	readPath: string,
	target: string,
	pre: ValueFn[],
	before: ValueFn | undefined,
): Run {
	const from = splitPath(readPath);
	const to = splitPath(target);
	const [f0, f1] = pre;
	if (pre.length === 0) {
		return (record, _ext, out) => writeSegments(out, to, readSegments(record, from));
	} else if (pre.length === 1) {
		return (record, _ext, out) => writeSegments(out, to, f0(readSegments(record, from)));
	} else if (pre.length === 2) {
		return (record, _ext, out) => writeSegments(out, to, f1(f0(readSegments(record, from))));
	}
	return (record, _ext, out) => writeSegments(out, to, before!(readSegments(record, from)));
}

/** One entry, set or append; `chain` runs before the relation step, `post` after it. */
function addStep(
	c: Compilation,
	entry: EntrySpec,
	chain: ValueFn[],
	emit: boolean,
	post: ValueFn[],
	coerce: ValueFn | undefined,
	deferredMv: ValueFn | undefined,
): void {
	const readPath = readPathOf(c, entry);
	const pre = entry.source.kind === 'field' && readPath === 'id' ? [idAsText, ...chain] : chain;
	const target = writePathOf(c, entry);
	c.targets.add(target);
	const read = readerOf(entry, readPath);
	const before = compose(pre);
	const after = compose(post);
	const relate = emit && entry.relation ? emitRelation(entry, target) : undefined;
	let run: Run;
	if (entry.append) {
		run = appendRun(entry, target, read, { before, relate, after }, coerce, deferredMv);
	} else if (entry.source.kind === 'field' && !relate && !after && !entry.required) {
		run = fieldRun(readPath, target, pre, before);
	} else if (!before && !relate && !after && !entry.required) {
		const set = compileSetter(target);
		run = (record, ext, out) => set(out, read(record, ext));
	} else {
		const set = compileSetter(target);
		const required = entry.required;
		const reason = missingReason(entry, readPath);
		run = (record, ext, out, state) => {
			let v = read(record, ext);
			if (before) v = before(v);
			if (relate) relate(v, state);
			if (after) v = after(v);
			if (required && isEmpty(v)) throw new ValueError(reason);
			set(out, v);
		};
	}
	c.steps.push({
		entries: [entry],
		targets: [target],
		source: describeSource(entry, readPath),
		read,
		run,
	});
}

/** The mapping's own direction: transformers, then multi-value and type (deferred for append). */
function addForwardSteps(c: Compilation, active: EntrySpec[]): void {
	for (const entry of active) {
		const chain = entry.transformers.map((call) => transformer(c, call, entry));
		const mv = entry.multiValue ? multiValueFn(entry.multiValue) : undefined;
		const coerce = entry.type ? coerceFn(entry.type, c.zone) : undefined;
		const post = [!entry.append && mv, !entry.append && coerce].filter(Boolean) as ValueFn[];
		const appendCoerce = entry.append ? coerce : undefined;
		const appendMv = entry.append ? mv : undefined;
		if (c.direction === 'toDaktela') {
			addStep(c, entry, chain, true, post, appendCoerce, appendMv);
		} else {
			const reduce = entry.relation ? relationReducer(entry.relation) : undefined;
			const pre = [reduce, ...chain].filter(Boolean) as ValueFn[];
			addStep(c, entry, pre, false, post, appendCoerce, appendMv);
		}
	}
}

/** The other direction: each entry undone; append entries undone as a group per source field. */
function addInverseSteps(c: Compilation, active: EntrySpec[]): void {
	// Group append entries by the field they were collected into (now the field we read).
	const groups = new Map<string, EntrySpec[]>();
	for (const entry of active) {
		if (!entry.append) continue;
		const key = readPathOf(c, entry);
		groups.set(key, [...(groups.get(key) ?? []), entry]);
	}
	const done = new Set<string>();
	for (const entry of active) {
		const undo = invertChain(entry).map((call) => transformer(c, call, entry));
		const reduce =
			c.direction === 'toCrm' && entry.relation ? relationReducer(entry.relation) : undefined;
		if (!entry.append) {
			const mv = entry.multiValue ? multiValueFn(inverseMultiValue(entry.multiValue)) : undefined;
			const pre = [reduce, mv, ...undo].filter(Boolean) as ValueFn[];
			addStep(
				c,
				{ ...entry, append: false },
				pre,
				c.direction === 'toDaktela',
				[],
				undefined,
				undefined,
			);
			continue;
		}
		const key = readPathOf(c, entry);
		if (done.has(key)) continue;
		done.add(key);
		addAppendGroupInverse(c, groups.get(key)!, key);
	}
}

function addAppendGroupInverse(c: Compilation, group: EntrySpec[], readPath: string): void {
	const { direction } = c;
	const withMv = [...group].reverse().find((e) => e.multiValue);
	const mvSpec: MultiValueSpec | undefined = withMv?.multiValue
		? inverseMultiValue(withMv.multiValue)
		: undefined;
	const splitFn = mvSpec ? multiValueFn(mvSpec) : undefined;
	const joinBack =
		withMv?.multiValue?.strategy === 'join' ? withMv.multiValue.separator : undefined;
	const get = compileGetter(readPath);
	const members = group.map((entry) => {
		const target = writePathOf(c, entry);
		c.targets.add(target);
		const undo = compose(
			[
				direction === 'toCrm' && entry.relation ? relationReducer(entry.relation) : undefined,
				...invertChain(entry).map((call) => transformer(c, call, entry)),
			].filter(Boolean) as ValueFn[],
		);
		return {
			entry,
			set: compileSetter(target),
			undo,
			relate: direction === 'toDaktela' && entry.relation ? emitRelation(entry, target) : undefined,
			reason: missingReason(entry, readPath),
		};
	});
	const step: Step = {
		entries: [group[0]],
		targets: group.map((entry) => writePathOf(c, entry)),
		source: readPath,
		read: (record) => get(record),
		run: (record, _ext, out, state) => {
			let whole = get(record);
			if (splitFn) whole = splitFn(whole);
			const list = isPhpArray(whole) ? phpValues(whole) : isEmpty(whole) ? [] : [whole];
			members.forEach((m, k) => {
				step.entries[0] = m.entry;
				let v: unknown;
				if (k < members.length - 1 || list.length <= members.length) {
					v = k < list.length ? list[k] : null;
				} else {
					const rest = list.slice(k);
					v = joinBack !== undefined ? rest.map(phpString).join(joinBack) : rest;
				}
				if (m.undo) v = m.undo(v);
				if (m.relate) m.relate(v, state);
				if (m.entry.required && isEmpty(v)) throw new ValueError(m.reason);
				m.set(out, v);
			});
			step.entries[0] = group[0];
		},
	};
	c.steps.push(step);
}

type Lookup = (out: Record<string, unknown>) => { field: string; value: unknown };

/** The lookup key reported with each mapped record, if the mapping has one in this direction. */
function lookupOf(c: Compilation, active: EntrySpec[]): Lookup | undefined {
	const lookupField = c.spec.lookupField;
	const firstOf = (v: unknown) => (Array.isArray(v) ? (v.length > 0 ? v[0] : null) : (v ?? null));
	if (c.direction === 'toDaktela' && lookupField) {
		const get = compileGetter(lookupField);
		return (out) => ({ field: lookupField, value: firstOf(get(out)) });
	}
	if (c.direction === 'toCrm' && c.options.lookupToCrm && lookupField) {
		const entry = active.find((e) => e.ccField === lookupField && e.crmField !== '');
		if (entry) {
			const get = compileGetter(entry.crmField);
			return (out) => ({ field: entry.crmField, value: firstOf(get(out)) });
		}
	}
	return undefined;
}

function fieldError(c: Compilation, error: unknown, step: Step | undefined): FieldMappingError {
	const entry = step?.entries[0] ?? c.spec.entries[0];
	const target = writePathOf(c, entry) || (step?.targets[0] ?? '');
	const reason =
		error instanceof ValueError
			? error.message
			: `unexpected error: ${(error as Error)?.message ?? String(error)}`;
	return new FieldMappingError(target, entry.index, entry.pos?.line, reason);
}

/** An appended target, once every step ran: multi-value, type and required applied to the whole. */
function settleDeferred(d: Deferred, out: Record<string, unknown>): void {
	let v = d.getter(out);
	if (d.multiValue && v !== null && v !== undefined) v = d.multiValue(v);
	if (d.coerce) v = d.coerce(v);
	if (d.required && isEmpty(v)) {
		throw new ValueError('required value is missing (all appended values are empty)');
	}
	d.setter(out, v);
}

/** The per-record mapping function over the compiled steps. */
function mapperOf(c: Compilation, lookup: Lookup | undefined): CompiledMapping['map'] {
	const { steps } = c;
	const targetGetters = [...c.targets].map((t) => ({ path: t, get: compileGetter(t) }));
	const newRecord = recordFactory([...c.targets]);
	const omitEmpty = c.options.emptyValues === 'omit';
	// One state object per compiled mapping, reset per item (map() never re-enters itself).
	const state: RunState = { relations: undefined, deferred: undefined };
	return (record, ext) => {
		const out = newRecord();
		state.relations = undefined;
		state.deferred = undefined;
		let i = 0;
		let failure: unknown;
		try {
			for (; i < steps.length; i++) steps[i].run(record, ext, out, state);
			// (read back through a widened type: the steps above fill it)
			const deferred = state.deferred as RunState['deferred'];
			if (deferred) {
				for (const [target, d] of deferred) {
					i = steps.findIndex((s) => s.targets.includes(target));
					settleDeferred(d, out);
				}
			}
		} catch (error) {
			failure = error;
		}
		// Thrown outside the catch: the node turns it into a NodeOperationError for this item.
		if (failure !== undefined) throw fieldError(c, failure, steps[Math.max(0, i)]);
		if (omitEmpty) {
			for (const t of targetGetters) if (isEmpty(t.get(out))) deletePath(out, t.path);
		}
		const result: MapResult = { record: out };
		if (lookup) result.lookup = lookup(out);
		const relations = state.relations as RunState['relations'];
		if (relations) result.relations = relations;
		return result;
	};
}

/** Each step's source value and each target's mapped value, for the node's preview. */
function previewOf(steps: Step[], map: CompiledMapping['map']): CompiledMapping['preview'] {
	return (record, ext) => {
		const result = map(record, ext);
		const rows: PreviewRow[] = [];
		for (const step of steps) {
			let sourceValue: unknown;
			try {
				sourceValue = step.read(record, ext);
			} catch {
				sourceValue = null;
			}
			for (const target of step.targets) {
				rows.push({
					target,
					source: step.source,
					sourceValue: sourceValue === undefined ? null : sourceValue,
					value: (() => {
						const v = compileGetter(target)(result.record);
						return v === undefined ? null : v;
					})(),
				});
			}
		}
		return { result, rows };
	};
}

export function compileMapping(spec: MappingSpec, options: CompileOptions): CompiledMapping {
	const direction = options.direction;
	const inverted = spec.writtenFor !== 'both' && spec.writtenFor !== direction;
	const zone = options.timeZone ?? 'UTC';
	const ctx: TransformerContext = {
		timeZone: zone,
		defaultCountry: options.defaultCountry,
		now: options.now ?? (() => DateTime.now()),
	};
	const c: Compilation = {
		spec,
		options,
		direction,
		inverted,
		zone,
		ctx,
		warnings: [...spec.warnings],
		steps: [],
		targets: new Set<string>(),
	};

	const active = activeEntries(c);
	if (!inverted) addForwardSteps(c, active);
	else addInverseSteps(c, active);
	const map = mapperOf(c, lookupOf(c, active));

	const { warnings } = c;
	warnings.sort(
		(a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
	);
	const expressions = active
		.filter((e) => e.source.kind === 'expression')
		.map((e) => ({
			index: e.index,
			expression: (e.source as { expression: string }).expression,
			target: writePathOf(c, e),
			line: e.pos?.line,
		}));

	return {
		spec,
		direction,
		inverted,
		warnings,
		expressions,
		map,
		preview: previewOf(c.steps, map),
	};
}
