/**
 * The Field Mapper's engine. PURE: plain values in, plain values or typed errors out; nothing
 * here imports n8n (docs/ARCHITECTURE.md).
 */
export { compileMapping } from './compile';
export type {
	CompileOptions,
	CompiledMapping,
	ExpressionEntry,
	MapResult,
	PreviewRow,
	RelationRef,
} from './compile';
export { DEFAULT_MAPPINGS } from './defaults';
export { FieldMappingError, MappingValidationError, formatIssue, issueLocation } from './errors';
export { DAKTELA_FIELDS } from './fields';
export { loadMapping } from './load';
export type { LoadOptions } from './load';
export { mappingToYaml } from './export';
export { visualToSpec } from './visual';
export type { VisualEntry, VisualMapping } from './visual';
export * from './types';
