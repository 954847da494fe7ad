/**
 * zod schema of a mapping file: the Daktela CRM Sync SDK format (docs/03-field-mapping.md) plus
 * this package's extras. Objects are strict, so a misspelt key is an error with a suggestion.
 * Transformer params are checked per transformer in load.ts (each transformer owns its schema).
 */
import { z } from 'zod';

import { phpFlagParam, phpStringParam } from './transformers/params';
import { COERCION_TYPES, MULTI_VALUE_STRATEGIES } from './types';

/** Values of `direction` (top level: what the chains were written for; entry: only this way). */
export const DIRECTION_VALUES = [
	'crm_to_cc',
	'cc_to_crm',
	'bidirectional',
	'to_daktela',
	'to_crm',
] as const;

export const TOP_KEYS = ['entity', 'lookup_field', 'mappings', 'direction'] as const;

export const ENTRY_KEYS = [
	'cc_field',
	'crm_field',
	'value',
	'template',
	'expression',
	'transformers',
	'reverse_transformers',
	'multi_value',
	'relation',
	'append',
	'required',
	'type',
	'direction',
	// SDK 0.x names (daktela-v6-crm-sync-raynet): source = cc_field, target = crm_field
	'source',
	'target',
] as const;

export const TRANSFORMER_KEYS = ['name', 'params'] as const;
export const MULTI_VALUE_KEYS = ['strategy', 'separator'] as const;
export const RELATION_KEYS = ['entity', 'resolve_from', 'resolve_to'] as const;

const fieldPath = z.string().min(1);

/** `- name: wrap_array` with optional params, or the shorthand `- wrap_array`. */
export const transformerCallSchema = z.union([
	z.string().min(1),
	z
		.object({
			name: z.string().min(1),
			params: z.record(z.unknown()).nullable().optional(),
		})
		.strict(),
]);

export const entrySchema = z
	.object({
		cc_field: fieldPath.optional(),
		crm_field: fieldPath.optional(),
		value: z.unknown().optional(),
		template: z.string().min(1).optional(),
		expression: z.string().min(1).optional(),
		transformers: z.array(transformerCallSchema).nullable().optional(),
		reverse_transformers: z.array(transformerCallSchema).nullable().optional(),
		multi_value: z
			.object({
				strategy: z.enum(MULTI_VALUE_STRATEGIES as [string, ...string[]]),
				separator: phpStringParam.optional(),
			})
			.strict()
			.optional(),
		relation: z
			.object({
				entity: z.string().min(1),
				resolve_from: z.string().min(1),
				resolve_to: z.string().min(1),
			})
			.strict()
			.optional(),
		append: phpFlagParam.optional(),
		required: z.boolean().optional(),
		type: z.enum(COERCION_TYPES as [string, ...string[]]).optional(),
		direction: z.enum(DIRECTION_VALUES).optional(),
		source: fieldPath.optional(),
		target: fieldPath.optional(),
	})
	.strict();

export type RawEntry = z.infer<typeof entrySchema>;

export const mappingSchema = z
	.object({
		entity: z.string().min(1),
		lookup_field: z.string().min(1),
		mappings: z.array(z.unknown()).min(1),
		direction: z.enum(DIRECTION_VALUES).optional(),
	})
	.strict();

export type RawMapping = z.infer<typeof mappingSchema>;
