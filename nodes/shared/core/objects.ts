/**
 * What counts as an object, in two meanings with two names. PURE.
 */

/** A JSON-style object: not null, not an array (a record, a relation, an item's json). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An object literal: a plain object whose prototype is Object.prototype or null, so not a Date,
 * Map or class instance. The Field Mapper's PHP associative array (what the SDK's transformers see).
 */
export function isObjectLiteral(value: unknown): value is Record<string, unknown> {
	if (!isPlainObject(value)) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}
