/**
 * YAML text -> validated MappingSpec. Every problem becomes a MappingIssue with the line and
 * column of the offending key or value, the mapping entry it belongs to, and a "did you mean"
 * for misspelt names. Problems are collected (not first-only), then thrown together once.
 *
 * yaml's own console warnings are dropped by the bundler, so doc.errors / doc.warnings are
 * reported here.
 */
import {
	isMap,
	isScalar,
	isSeq,
	LineCounter,
	parseDocument,
	visit,
	type Document,
	type ParsedNode,
} from 'yaml';
import { z, type ZodIssue } from 'zod';

import { MappingValidationError } from './errors';
import { fieldIds, isKnownField, SDK_FLATTENED } from './fields';
import { checkPath } from './paths';
import { isObjectLiteral } from '../../shared/core/objects';
import {
	ENTRY_KEYS,
	entrySchema,
	MULTI_VALUE_KEYS,
	mappingSchema,
	RELATION_KEYS,
	TOP_KEYS,
	TRANSFORMER_KEYS,
	type RawEntry,
} from './schema';
import { suggest } from './suggest';
import { checkTemplate } from './template';
import { TRANSFORMERS, TRANSFORMER_NAMES } from './transformers';
import {
	ENTITIES,
	type Direction,
	type Entity,
	type EntrySource,
	type EntrySpec,
	type MappingIssue,
	type MappingSpec,
	type MultiValueStrategy,
	type SourcePosition,
	type TransformerCall,
	type WrittenFor,
} from './types';

type PathSegment = string | number;

export interface LoadOptions {
	/** Values for `${NAME}` placeholders (the SDK reads environment variables; n8n code cannot). */
	variables?: Record<string, string>;
}

export function formatPath(path: readonly PathSegment[]): string {
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else out += out === '' ? segment : `.${segment}`;
	}
	return out;
}

/** Key names the legacy format uses for the same thing, tried when locating a key. */
const KEY_ALIASES: Record<string, string> = { cc_field: 'source', crm_field: 'target' };

class Locator {
	constructor(
		private readonly doc: Document.Parsed,
		private readonly lines: LineCounter,
	) {}

	position(offset: number): SourcePosition {
		const { line, col } = this.lines.linePos(offset);
		return { line, column: col };
	}

	/** Position of the node at `path` (its key with `at: 'key'`), or of its nearest ancestor. */
	find(path: readonly PathSegment[], at: 'key' | 'value' = 'value'): SourcePosition | undefined {
		let node: ParsedNode | null = this.doc.contents;
		let offset = node?.range?.[0];
		for (let i = 0; i < path.length && node; i++) {
			const segment = path[i];
			const last = i === path.length - 1;
			if (isMap(node)) {
				const wanted = String(segment);
				const pair =
					node.items.find((p) => isScalar(p.key) && String(p.key.value) === wanted) ??
					node.items.find((p) => isScalar(p.key) && String(p.key.value) === KEY_ALIASES[wanted]);
				if (!pair) break;
				const key = pair.key as ParsedNode;
				const value = pair.value as ParsedNode | null;
				if (last && at === 'key') {
					offset = key.range[0];
					break;
				}
				offset = value?.range?.[0] ?? key.range[0];
				node = value;
			} else if (isSeq(node) && typeof segment === 'number') {
				const item = node.items[segment] as ParsedNode | undefined;
				if (!item) break;
				offset = item.range[0];
				node = item;
			} else {
				break;
			}
		}
		return offset === undefined ? undefined : this.position(offset);
	}
}

const ENUM_LABELS: Record<string, string> = {
	strategy: 'multi_value strategy',
	type: 'type',
	direction: 'direction',
	case: 'case',
	format: 'format',
	on_invalid: 'on_invalid',
};

function describeType(received: string): string {
	if (received === 'string') return 'text';
	if (received === 'object') return 'a key/value block';
	if (received === 'array') return 'a list';
	return received === 'null' ? 'nothing (null)' : `a ${received}`;
}

function allowedKeys(path: readonly PathSegment[], rawEntries: unknown[]): readonly string[] {
	if (path.length === 0) return TOP_KEYS;
	if (path[0] === 'mappings' && path.length === 2) return ENTRY_KEYS;
	const last = path[path.length - 1];
	if (
		typeof last === 'number' &&
		(path[2] === 'transformers' || path[2] === 'reverse_transformers')
	)
		return TRANSFORMER_KEYS;
	if (last === 'multi_value') return MULTI_VALUE_KEYS;
	if (last === 'relation') return RELATION_KEYS;
	if (last === 'params' && path[0] === 'mappings') {
		const entry = rawEntries[path[1] as number];
		const chain = isObjectLiteral(entry) ? entry[path[2] as string] : undefined;
		const call = Array.isArray(chain) ? (chain[path[3] as number] as unknown) : undefined;
		const name = isObjectLiteral(call) ? call.name : undefined;
		const def = typeof name === 'string' ? TRANSFORMERS[name] : undefined;
		return def ? paramNames(def.params) : [];
	}
	return [];
}

/**
 * The declared param names of a transformer's zod schema, through refinements (zod 3 wraps a
 * refined object in ZodEffects, whose public innerType() is the object; zod 4 keeps the object).
 */
function paramNames(schema: unknown): string[] {
	let current = schema;
	for (let i = 0; i < 5; i++) {
		if (current instanceof z.ZodObject) return Object.keys(current.shape as object);
		const inner = (current as { innerType?: () => unknown } | null)?.innerType;
		if (typeof inner !== 'function') return [];
		current = inner.call(current);
	}
	return [];
}

class IssueCollector {
	readonly errors: MappingIssue[] = [];
	readonly warnings: MappingIssue[] = [];

	constructor(
		private readonly locator: Locator | undefined,
		private readonly rawEntries: unknown[],
	) {}

	private entryInfo(path: readonly PathSegment[]): Pick<MappingIssue, 'entry' | 'entryField'> {
		if (path[0] !== 'mappings' || typeof path[1] !== 'number') return {};
		const raw = this.rawEntries[path[1]];
		const field = isObjectLiteral(raw) ? (raw.cc_field ?? raw.source) : undefined;
		return { entry: path[1], entryField: typeof field === 'string' ? field : undefined };
	}

	add(
		severity: 'error' | 'warning',
		path: readonly PathSegment[],
		message: string,
		options: { suggestion?: string; at?: 'key' | 'value'; pos?: SourcePosition } = {},
	): void {
		const pos = options.pos ?? this.locator?.find(path, options.at);
		const issue: MappingIssue = {
			severity,
			message,
			path: formatPath(path),
			...(pos ? { line: pos.line, column: pos.column } : {}),
			...this.entryInfo(path),
			...(options.suggestion ? { suggestion: options.suggestion } : {}),
		};
		(severity === 'error' ? this.errors : this.warnings).push(issue);
	}

	zod(issue: ZodIssue, base: readonly PathSegment[]): void {
		const path = [...base, ...issue.path];
		const last = path[path.length - 1];
		const name = typeof last === 'string' ? `"${last}"` : 'this item';
		switch (issue.code) {
			case 'unrecognized_keys': {
				const allowed = allowedKeys(path, this.rawEntries);
				for (const key of issue.keys) {
					const suggestion = suggest(key, allowed);
					const list = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
					this.add('error', [...path, key], `unknown key "${key}"${suggestion ? '' : list}`, {
						suggestion,
						at: 'key',
					});
				}
				return;
			}
			case 'invalid_type': {
				if (issue.received === 'undefined') {
					this.add('error', path, `${name} is required`, { at: 'key' });
				} else if (
					typeof last === 'number' &&
					(path.includes('transformers') || path.includes('reverse_transformers'))
				) {
					this.add(
						'error',
						path,
						`a transformer must be a name or {name, params}, got ${describeType(issue.received)}`,
					);
				} else {
					this.add(
						'error',
						path,
						`${name} must be ${describeType(issue.expected)}, got ${describeType(issue.received)}`,
					);
				}
				return;
			}
			case 'invalid_enum_value': {
				const received = String(issue.received);
				const options = issue.options.map(String);
				const label = ENUM_LABELS[String(last)] ?? String(last);
				this.add(
					'error',
					path,
					`"${received}" is not a valid ${label} (use one of: ${options.map((o) => o || '""').join(', ')})`,
					{ suggestion: suggest(received, options) },
				);
				return;
			}
			case 'too_small': {
				if (issue.type === 'array') {
					this.add(
						'error',
						path,
						last === 'mappings' ? 'mappings needs at least one entry' : `${name} must not be empty`,
					);
				} else {
					this.add('error', path, `${name} must not be empty`);
				}
				return;
			}
			case 'invalid_union': {
				// transformer call: report the object branch (the name/params form) when it is an object
				const objectBranch = issue.unionErrors.find((e) =>
					e.issues.some((i) => i.code !== 'invalid_type' || i.path.length > 0),
				);
				if (objectBranch) {
					for (const inner of objectBranch.issues) this.zod(inner, base);
				} else {
					this.add('error', path, 'a transformer must be a name or {name, params}');
				}
				return;
			}
			default: {
				const params = (issue as { params?: { suggestion?: string } }).params;
				this.add('error', path, issue.message, { suggestion: params?.suggestion });
			}
		}
	}
}

function resolveVariables(
	doc: Document.Parsed,
	variables: Record<string, string>,
	onUnresolved: (name: string, offset: number) => void,
): void {
	visit(doc, {
		Scalar(key, node) {
			if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
			node.value = node.value.replace(/\$\{(\w+)\}/g, (literal, name: string) => {
				const value = variables[name];
				if (value === undefined || value === '') {
					onUnresolved(name, node.range?.[0] ?? 0);
					return literal;
				}
				return value;
			});
		},
	});
}

/**
 * What the transformer chains were written for. Without `direction:` (every SDK file) they run as
 * written both ways, like the SDK's FieldMapper; with it, the other direction undoes them.
 */
function writtenForOf(direction: string | undefined): {
	writtenFor: WrittenFor;
	explicit: boolean;
} {
	switch (direction) {
		case 'crm_to_cc':
		case 'to_daktela':
			return { writtenFor: 'toDaktela', explicit: true };
		case 'cc_to_crm':
		case 'to_crm':
			return { writtenFor: 'toCrm', explicit: true };
		case 'bidirectional':
			return { writtenFor: 'both', explicit: true };
		default:
			return { writtenFor: 'both', explicit: false };
	}
}

function onlyOf(direction: string | undefined): Direction | undefined {
	if (direction === 'crm_to_cc' || direction === 'to_daktela') return 'toDaktela';
	if (direction === 'cc_to_crm' || direction === 'to_crm') return 'toCrm';
	return undefined;
}

function normaliseChain(
	chain: RawEntry['transformers'],
	path: PathSegment[],
	issues: IssueCollector,
	locator: Locator | undefined,
	/** Original positions in the list when `chain` is a filtered copy. */
	positions?: number[],
): TransformerCall[] {
	const calls: TransformerCall[] = [];
	(chain ?? []).forEach((raw, n) => {
		const i = positions?.[n] ?? n;
		const name = typeof raw === 'string' ? raw : raw.name;
		const params = typeof raw === 'string' ? {} : (raw.params ?? {});
		const at = typeof raw === 'string' ? [...path, i] : [...path, i, 'name'];
		// Own keys only: a name such as "valueOf" must not find Object.prototype's function.
		const def = Object.prototype.hasOwnProperty.call(TRANSFORMERS, name)
			? TRANSFORMERS[name]
			: undefined;
		if (!def) {
			const suggestion = suggest(name, TRANSFORMER_NAMES);
			const list = suggestion ? '' : ` (available: ${TRANSFORMER_NAMES.join(', ')})`;
			issues.add('error', at, `unknown transformer "${name}"${list}`, { suggestion });
			return;
		}
		const parsed = def.params.safeParse(params);
		if (!parsed.success) {
			const base = typeof raw === 'string' ? [...path, i] : [...path, i, 'params'];
			for (const issue of parsed.error.issues) issues.zod(issue, base);
			return;
		}
		calls.push({
			name,
			params: parsed.data as Record<string, unknown>,
			pos: locator?.find([...path, i]),
		});
	});
	return calls;
}

/** The YAML text as a plain object: syntax errors and warnings, variables, the document read. */
function readDocument(
	text: string,
	options: LoadOptions,
): { raw: Record<string, unknown>; locator: Locator; syntax: IssueCollector } {
	const lines = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
	const locator = new Locator(doc, lines);
	const syntax = new IssueCollector(locator, []);

	for (const error of doc.errors) {
		const pos = error.linePos?.[0];
		const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
		syntax.add('error', [], `YAML syntax: ${message}`, {
			pos: pos ? { line: pos.line, column: pos.col } : undefined,
		});
	}
	if (syntax.errors.length > 0) throw new MappingValidationError(syntax.errors);
	for (const warning of doc.warnings) {
		const pos = warning.linePos?.[0];
		syntax.add('warning', [], `YAML: ${warning.message.split('\n')[0]}`, {
			pos: pos ? { line: pos.line, column: pos.col } : undefined,
		});
	}

	resolveVariables(doc, options.variables ?? {}, (name, offset) => {
		syntax.add(
			'warning',
			[],
			`\${${name}} is not defined: it stays as literal text. n8n nodes cannot read environment variables; add ${name} under Options > Variables (e.g. {{ $vars.${name} }}).`,
			{ pos: locator.position(offset) },
		);
	});

	let raw: unknown;
	try {
		raw = doc.toJS({ maxAliasCount: 100 });
	} catch (error) {
		syntax.add('error', [], `YAML: ${(error as Error).message}`);
	}
	if (syntax.errors.length > 0) throw new MappingValidationError(syntax.errors);
	if (raw === null || raw === undefined) {
		syntax.add('error', [], 'the mapping is empty: expected entity, lookup_field and mappings');
		throw new MappingValidationError(syntax.errors);
	}
	if (!isObjectLiteral(raw)) {
		syntax.add(
			'error',
			[],
			'the mapping must be a YAML block with entity, lookup_field and mappings',
		);
		throw new MappingValidationError(syntax.errors);
	}
	return { raw, locator, syntax };
}

/** What every entry of one mapping shares while it is loaded. */
interface EntryContext {
	issues: IssueCollector;
	locator: Locator;
	knownEntity: Entity | undefined;
	legacyWarned: boolean;
}

/** An entry the schema refused: its transformer names and params are still checked. */
function checkChainsOfInvalidEntry(
	rawEntry: Record<string, unknown>,
	path: PathSegment[],
	{ issues, locator }: EntryContext,
): void {
	for (const key of ['transformers', 'reverse_transformers'] as const) {
		const chain = rawEntry[key];
		if (!Array.isArray(chain)) continue;
		// Calls whose name is readable are checked even when the call itself has a bad key.
		const usable = chain.map((c: unknown) =>
			typeof c === 'string' && c !== ''
				? c
				: isObjectLiteral(c) && typeof c.name === 'string' && c.name !== ''
					? { name: c.name, params: isObjectLiteral(c.params) ? c.params : {} }
					: undefined,
		);
		normaliseChain(
			usable.filter((c) => c !== undefined) as RawEntry['transformers'],
			[...path, key],
			issues,
			locator,
			usable.flatMap((c, i) => (c === undefined ? [] : [i])),
		);
	}
}

/** cc_field and crm_field, also under the SDK's legacy names source and target. */
function fieldsOf(
	e: RawEntry,
	path: PathSegment[],
	ctx: EntryContext,
): { ccField: string; crmField: string } | undefined {
	const { issues } = ctx;
	if ((e.source !== undefined || e.target !== undefined) && !ctx.legacyWarned) {
		ctx.legacyWarned = true;
		issues.add('warning', path, 'legacy SDK keys source/target read as cc_field/crm_field', {
			at: 'key',
		});
	}
	if (e.source !== undefined && e.cc_field !== undefined) {
		issues.add('error', [...path, 'source'], 'use either cc_field or source, not both', {
			at: 'key',
		});
	}
	if (e.target !== undefined && e.crm_field !== undefined) {
		issues.add('error', [...path, 'target'], 'use either crm_field or target, not both', {
			at: 'key',
		});
	}
	const ccField = e.cc_field ?? e.source;
	const crmField = e.crm_field ?? e.target ?? '';
	if (ccField === undefined) {
		issues.add(
			'error',
			[...path, 'cc_field'],
			'cc_field is required (the Daktela field, e.g. title or customFields.email)',
			{
				at: 'key',
			},
		);
		return undefined;
	}
	for (const [key, value] of [
		['cc_field', ccField],
		['crm_field', crmField],
	] as const) {
		const problem = value === '' ? undefined : checkPath(value);
		if (problem) issues.add('error', [...path, key], problem);
	}
	return { ccField, crmField };
}

/** Where the entry's value comes from: the CRM field, a value, a template or an expression. */
function sourceOf(
	e: RawEntry,
	rawEntry: Record<string, unknown>,
	path: PathSegment[],
	crmField: string,
	issues: IssueCollector,
): EntrySource | undefined {
	const hasValue = Object.prototype.hasOwnProperty.call(rawEntry, 'value');
	const sources = [
		hasValue && 'value',
		e.template !== undefined && 'template',
		e.expression !== undefined && 'expression',
	].filter(Boolean) as string[];
	if (sources.length > 1) {
		issues.add(
			'error',
			[...path, sources[1]],
			`use only one of value, template and expression (found ${sources.join(' and ')})`,
			{
				at: 'key',
			},
		);
		return undefined;
	}
	let source: EntrySource = { kind: 'field' };
	if (hasValue) source = { kind: 'value', value: e.value ?? null };
	else if (e.template !== undefined) {
		for (const problem of checkTemplate(e.template))
			issues.add('error', [...path, 'template'], problem);
		source = { kind: 'template', template: e.template };
	} else if (e.expression !== undefined) {
		if (!/\{\{[\s\S]*\}\}/.test(e.expression)) {
			issues.add(
				'error',
				[...path, 'expression'],
				'an expression must contain {{ }}, e.g. "{{ $json.email.toLowerCase() }}"',
			);
		}
		source = { kind: 'expression', expression: e.expression };
	} else if (crmField === '') {
		issues.add(
			'error',
			[...path, 'crm_field'],
			'crm_field is required (or give value, template or expression)',
			{
				at: 'key',
			},
		);
		return undefined;
	}
	return source;
}

/** Warnings for a cc_field the entity does not have and a relation the node cannot resolve. */
function warnUnknownTargets(
	e: RawEntry,
	ccField: string,
	path: PathSegment[],
	{ issues, knownEntity }: EntryContext,
): void {
	if (knownEntity && !isKnownField(knownEntity, ccField)) {
		const flattened = SDK_FLATTENED[ccField];
		const candidates = fieldIds(knownEntity);
		issues.add(
			'warning',
			[...path, 'cc_field'],
			flattened
				? `cc_field "${ccField}" exists only in the PHP SDK (its adapter flattens activity fields); Daktela records have ${flattened}`
				: `cc_field "${ccField}" is not a standard Daktela ${knownEntity} field (custom fields are customFields.<key>)`,
			{ suggestion: flattened ?? suggest(ccField, candidates) },
		);
	}
	if (e.relation && !['account', 'contact'].includes(e.relation.entity)) {
		issues.add(
			'warning',
			[...path, 'relation', 'entity'],
			`the Daktela node resolves relations to account or contact, not "${e.relation.entity}"`,
			{
				suggestion: suggest(e.relation.entity, ['account', 'contact']),
			},
		);
	}
}

/** One entry of `mappings`, checked; undefined when it cannot be used (the problems are in issues). */
function loadEntry(rawEntry: unknown, index: number, ctx: EntryContext): EntrySpec | undefined {
	const { issues, locator } = ctx;
	const path: PathSegment[] = ['mappings', index];
	if (!isObjectLiteral(rawEntry)) {
		issues.add(
			'error',
			path,
			'a mapping entry must be a key/value block with cc_field and crm_field (or value)',
		);
		return undefined;
	}
	const parsed = entrySchema.safeParse(rawEntry);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) issues.zod(issue, path);
		// Still check the transformer names and params, so one run reports every problem.
		checkChainsOfInvalidEntry(rawEntry, path, ctx);
		return undefined;
	}
	const e = parsed.data;
	const fields = fieldsOf(e, path, ctx);
	if (!fields) return undefined;
	const { ccField, crmField } = fields;
	const source = sourceOf(e, rawEntry, path, crmField, issues);
	if (!source) return undefined;

	const transformers = normaliseChain(e.transformers, [...path, 'transformers'], issues, locator);
	const reverseTransformers =
		e.reverse_transformers !== undefined && e.reverse_transformers !== null
			? normaliseChain(e.reverse_transformers, [...path, 'reverse_transformers'], issues, locator)
			: undefined;
	warnUnknownTargets(e, ccField, path, ctx);

	return {
		index,
		pos: locator.find(path),
		ccField,
		crmField,
		source,
		transformers,
		...(reverseTransformers ? { reverseTransformers } : {}),
		...(e.multi_value
			? {
					multiValue: {
						strategy: e.multi_value.strategy as MultiValueStrategy,
						separator: e.multi_value.separator ?? ',',
					},
				}
			: {}),
		...(e.relation
			? {
					relation: {
						entity: e.relation.entity,
						resolveFrom: e.relation.resolve_from,
						resolveTo: e.relation.resolve_to,
					},
				}
			: {}),
		append: e.append ?? false,
		required: e.required ?? false,
		...(e.type ? { type: e.type as EntrySpec['type'] } : {}),
		...(onlyOf(e.direction) ? { only: onlyOf(e.direction) } : {}),
	};
}

/** Parses and validates a mapping. Throws MappingValidationError listing every problem. */
export function loadMapping(text: string, options: LoadOptions = {}): MappingSpec {
	const { raw, locator, syntax } = readDocument(text, options);

	const rawEntries = Array.isArray(raw.mappings) ? (raw.mappings as unknown[]) : [];
	const issues = new IssueCollector(locator, rawEntries);
	issues.warnings.push(...syntax.warnings);

	const top = mappingSchema.safeParse(raw);
	if (!top.success) for (const issue of top.error.issues) issues.zod(issue, []);

	const entity = typeof raw.entity === 'string' ? raw.entity : '';
	const lookupField = typeof raw.lookup_field === 'string' ? raw.lookup_field : '';
	const { writtenFor, explicit } = writtenForOf(
		typeof raw.direction === 'string' ? raw.direction : undefined,
	);
	const knownEntity = (ENTITIES as readonly string[]).includes(entity)
		? (entity as Entity)
		: undefined;
	if (entity && !knownEntity) {
		issues.add('warning', ['entity'], `entity "${entity}" is not one of ${ENTITIES.join(', ')}`, {
			suggestion: suggest(entity, ENTITIES),
		});
	}

	const ctx: EntryContext = { issues, locator, knownEntity, legacyWarned: false };
	const entries: EntrySpec[] = [];
	rawEntries.forEach((rawEntry, index) => {
		const entry = loadEntry(rawEntry, index, ctx);
		if (entry) entries.push(entry);
	});

	if (lookupField && entries.length > 0 && !entries.some((e) => e.ccField === lookupField)) {
		issues.add(
			'warning',
			['lookup_field'],
			`lookup_field "${lookupField}" is not the cc_field of any mapping entry, so the lookup value will be empty`,
			{
				suggestion: suggest(
					lookupField,
					entries.map((e) => e.ccField),
				),
			},
		);
	}

	const byPosition = (a: MappingIssue, b: MappingIssue) =>
		(a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
	if (issues.errors.length > 0) throw new MappingValidationError(issues.errors.sort(byPosition));
	issues.warnings.sort(byPosition);
	return {
		entity,
		lookupField,
		writtenFor,
		writtenForExplicit: explicit,
		entries,
		warnings: issues.warnings,
	};
}
