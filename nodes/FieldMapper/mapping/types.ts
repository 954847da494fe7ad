/**
 * Shared types of the mapping engine. PURE: no n8n imports (see docs/ARCHITECTURE.md).
 */

/** Which way records flow through a mapping. */
export type Direction = 'toDaktela' | 'toCrm';

/** The direction the transformer chains of a mapping file were written for; `both` = run them as
 * written whichever way (the SDK's behaviour, and the default when a file has no `direction:`). */
export type WrittenFor = Direction | 'both';

export type Entity = 'contact' | 'account' | 'activity';

export const ENTITIES: readonly Entity[] = ['contact', 'account', 'activity'];

/** The natural direction of each entity, as in the SDK's sync.yaml (contacts and accounts go
 * CRM -> Daktela, activities Daktela -> CRM). */
export const NATURAL_DIRECTION: Record<Entity, Direction> = {
	contact: 'toDaktela',
	account: 'toDaktela',
	activity: 'toCrm',
};

export type MultiValueStrategy = 'as_array' | 'join' | 'split' | 'first' | 'last';

export const MULTI_VALUE_STRATEGIES: readonly MultiValueStrategy[] = [
	'as_array',
	'join',
	'split',
	'first',
	'last',
];

export type CoercionType =
	| 'string'
	| 'number'
	| 'integer'
	| 'boolean'
	| 'array'
	| 'date'
	| 'datetime';

export const COERCION_TYPES: readonly CoercionType[] = [
	'string',
	'number',
	'integer',
	'boolean',
	'array',
	'date',
	'datetime',
];

/** A position in the mapping source: 1-based line and column. */
export interface SourcePosition {
	line: number;
	column: number;
}

/** One transformer call in a chain, as written in the mapping. */
export interface TransformerCall {
	name: string;
	params: Record<string, unknown>;
	pos?: SourcePosition;
}

export interface RelationSpec {
	entity: string;
	resolveFrom: string;
	resolveTo: string;
}

export interface MultiValueSpec {
	strategy: MultiValueStrategy;
	separator: string;
}

/** Where an entry's value comes from on the source side. */
export type EntrySource =
	| { kind: 'field' } // crm_field (to Daktela) or cc_field (to CRM)
	| { kind: 'value'; value: unknown } // static `value:`
	| { kind: 'template'; template: string } // `template: "{first} {last}"`
	| { kind: 'expression'; expression: string }; // n8n expression, evaluated by the node

/** One mapping entry after validation, with its position in the YAML. */
export interface EntrySpec {
	/** 0-based index in `mappings`. */
	index: number;
	pos?: SourcePosition;
	ccField: string;
	/** '' when the entry has no crm_field (static value, template, expression). */
	crmField: string;
	source: EntrySource;
	transformers: TransformerCall[];
	/** Chain used when the mapping runs against the direction it was written for (optional). */
	reverseTransformers?: TransformerCall[];
	multiValue?: MultiValueSpec;
	relation?: RelationSpec;
	append: boolean;
	required: boolean;
	type?: CoercionType;
	/** Legacy SDK 0.x per-entry direction (`source`/`target`/`direction` files). */
	only?: Direction;
}

export type IssueSeverity = 'error' | 'warning';

/** A validation finding, always with a position when the mapping came from YAML. */
export interface MappingIssue {
	severity: IssueSeverity;
	message: string;
	/** Path in the document, e.g. `mappings[2].transformers[0].name`. */
	path: string;
	line?: number;
	column?: number;
	/** 0-based index of the mapping entry the issue belongs to. */
	entry?: number;
	/** The entry's cc_field, to name it in messages. */
	entryField?: string;
	suggestion?: string;
}

/** A whole mapping after validation. */
export interface MappingSpec {
	entity: string;
	lookupField: string;
	writtenFor: WrittenFor;
	/** True when `direction` was set in the file. */
	writtenForExplicit: boolean;
	entries: EntrySpec[];
	warnings: MappingIssue[];
}
