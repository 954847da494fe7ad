/**
 * Dot paths in Daktela records (`customFields.email`, `account.name`). PURE.
 *
 * The Field Mapper has its own compiled paths (FieldMapper/mapping/paths.ts) with the SDK's
 * semantics: list indexes, and null for a missing step.
 */
import { isPlainObject } from './objects';

/** Reads a dot path from a record; undefined when a step is missing or not an object. */
export function getPath(record: Record<string, unknown>, path: string): unknown {
	let current: unknown = record;
	for (const part of path.split('.')) {
		if (!isPlainObject(current)) return undefined;
		current = current[part];
	}
	return current;
}

/** Sets a dot path, creating objects on the way. */
export function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	let current: Record<string, unknown> = record;
	for (const part of parts.slice(0, -1)) {
		const next = current[part];
		if (!isPlainObject(next)) current[part] = {};
		current = current[part] as Record<string, unknown>;
	}
	current[parts[parts.length - 1]] = value;
}
