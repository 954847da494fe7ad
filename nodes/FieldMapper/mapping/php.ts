/**
 * The few PHP value semantics the SDK's transformers rely on, so results match the SDK.
 */

import { isObjectLiteral } from '../../shared/core/objects';

export type PlainObject = Record<string, unknown>;

/** PHP `is_array`: a list or an associative array (a JSON object). */
export function isPhpArray(value: unknown): value is unknown[] | PlainObject {
	return Array.isArray(value) || isObjectLiteral(value);
}

/** The values of a PHP array in order. */
export function phpValues(value: unknown[] | PlainObject): unknown[] {
	return Array.isArray(value) ? value : Object.values(value);
}

/**
 * PHP `(string)` / `strval`. Differences, on purpose: arrays and objects become JSON (PHP gives
 * "Array" with a warning), and non-finite numbers use JS spelling.
 */
export function phpString(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'boolean') return value ? '1' : '';
	if (typeof value === 'number') return String(value);
	if (typeof value === 'bigint') return value.toString();
	if (value instanceof Date) return value.toISOString();
	try {
		return JSON.stringify(value) ?? '';
	} catch {
		return '';
	}
}

/** PHP `(bool)`: '' '0' 0 0.0 null [] false are false. */
export function phpBool(value: unknown): boolean {
	if (value === null || value === undefined || value === false) return false;
	if (typeof value === 'string') return value !== '' && value !== '0';
	if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
	if (Array.isArray(value)) return value.length > 0;
	if (isObjectLiteral(value)) return Object.keys(value).length > 0;
	return true;
}

/** PHP `empty()`. */
export function phpEmpty(value: unknown): boolean {
	return !phpBool(value);
}
