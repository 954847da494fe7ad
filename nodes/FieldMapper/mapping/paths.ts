/**
 * Dot paths on both sides of a mapping (`customFields.email`, `contact_info.email`, `phones.0`),
 * with the SDK's semantics: a missing step reads as null, writing creates the objects on the way.
 * Getters and setters are compiled once per mapping into small closures.
 */
import { isObjectLiteral } from '../../shared/core/objects';

export type Getter = (record: unknown) => unknown;
export type Setter = (target: Record<string, unknown>, value: unknown) => void;

/** Segments that would reach the prototype chain; rejected when the mapping is loaded. */
export const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export function splitPath(path: string): string[] {
	return path.split('.');
}

/** Returns a problem with the path, or undefined when it is usable. */
export function checkPath(path: string): string | undefined {
	if (path === '') return 'the field path is empty';
	const segments = splitPath(path);
	if (segments.some((s) => s === '')) return `"${path}" has an empty segment (check the dots)`;
	const bad = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
	if (bad) return `"${bad}" cannot be used in a field path`;
	return undefined;
}

function step(current: unknown, key: string): unknown {
	if (current === null || typeof current !== 'object') return null;
	if (Array.isArray(current)) {
		const index = Number(key);
		if (!Number.isInteger(index) || index < 0 || index >= current.length) return null;
		const v = current[index] as unknown;
		return v === undefined ? null : v;
	}
	const v = (current as Record<string, unknown>)[key];
	// Inherited members (toString, hasOwnProperty...) are not record fields.
	if (v === undefined || typeof v === 'function') return null;
	return v;
}

const isIndex = (segment: string) => /^\d+$/.test(segment);

/** One step for a segment that is not a list index: a plain own-field read. */
function fieldStep(key: string): Getter {
	return (current) => {
		if (current === null || typeof current !== 'object') return null;
		const v = (current as Record<string, unknown>)[key];
		// Inherited members (toString, hasOwnProperty...) are not record fields.
		return v === undefined || typeof v === 'function' ? null : v;
	};
}

export function compileGetter(path: string): Getter {
	const segments = splitPath(path);
	// Specialised closures: the hot path of every mapping entry.
	const steps = segments.map((s) => (isIndex(s) ? (r: unknown) => step(r, s) : fieldStep(s)));
	if (steps.length === 1) return steps[0];
	if (steps.length === 2) {
		const [a, b] = steps;
		return (record) => b(a(record));
	}
	return (record) => {
		let current: unknown = record;
		for (const s of steps) {
			current = s(current);
			if (current === null) return null;
		}
		return current;
	};
}

export function compileSetter(path: string): Setter {
	const segments = splitPath(path);
	const last = segments[segments.length - 1];
	if (segments.length === 1) {
		return (target, value) => {
			target[last] = value;
		};
	}
	// `target` is an object this engine built, so a plain object check is enough here.
	const child = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
		const next = parent[key];
		if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
			return next as Record<string, unknown>;
		}
		const created: Record<string, unknown> = {};
		parent[key] = created;
		return created;
	};
	if (segments.length === 2) {
		const first = segments[0];
		return (target, value) => {
			child(target, first)[last] = value;
		};
	}
	const parents = segments.slice(0, -1);
	return (target, value) => {
		let current: Record<string, unknown> = target;
		for (const segment of parents) current = child(current, segment);
		current[last] = value;
	};
}

/**
 * Reads `segments` from `record` (the getter logic as one plain function). Compiled entries call
 * it directly with their segments, so V8 inlines it into each entry's closure instead of paying a
 * closure call per path step.
 */
export function readSegments(record: unknown, segments: readonly string[]): unknown {
	let current = record;
	for (let i = 0; i < segments.length; i++) {
		if (current === null || typeof current !== 'object') return null;
		const v = (current as Record<string, unknown>)[segments[i]];
		// Inherited members (toString, hasOwnProperty...) are not record fields.
		if (v === undefined || typeof v === 'function') return null;
		current = v;
	}
	return current;
}

/** Writes `value` at `segments` in an object this engine built (see readSegments). */
export function writeSegments(
	target: Record<string, unknown>,
	segments: readonly string[],
	value: unknown,
): void {
	let current = target;
	const last = segments.length - 1;
	for (let i = 0; i < last; i++) {
		const next = current[segments[i]];
		if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
			current = next as Record<string, unknown>;
		} else {
			const created: Record<string, unknown> = {};
			current[segments[i]] = created;
			current = created;
		}
	}
	current[segments[last]] = value;
}

/** Removes `path` from `target` (used to omit empty values); prunes emptied parent objects. */
export function deletePath(target: Record<string, unknown>, path: string): void {
	const segments = splitPath(path);
	const chain: Array<Record<string, unknown>> = [target];
	let current: Record<string, unknown> = target;
	for (const segment of segments.slice(0, -1)) {
		const next = current[segment];
		if (!isObjectLiteral(next)) return;
		chain.push(next);
		current = next;
	}
	delete current[segments[segments.length - 1]];
	for (let i = chain.length - 1; i > 0; i--) {
		if (Object.keys(chain[i]).length > 0) break;
		delete chain[i - 1][segments[i - 1]];
	}
}
