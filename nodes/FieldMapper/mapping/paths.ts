/**
 * Dot paths on both sides of a mapping (`customFields.email`, `contact_info.email`, `phones.0`),
 * with the SDK's semantics: a missing step reads as null, writing creates the objects on the way.
 * Getters and setters are compiled once per mapping into small closures.
 */
import { isPlainObject } from './php';

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

export function compileGetter(path: string): Getter {
	const segments = splitPath(path);
	if (segments.length === 1) {
		const [a] = segments;
		return (record) => step(record, a);
	}
	if (segments.length === 2) {
		const [a, b] = segments;
		return (record) => step(step(record, a), b);
	}
	return (record) => {
		let current: unknown = record;
		for (const segment of segments) {
			current = step(current, segment);
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
	const parents = segments.slice(0, -1);
	return (target, value) => {
		let current: Record<string, unknown> = target;
		for (const segment of parents) {
			const next = current[segment];
			if (isPlainObject(next)) {
				current = next;
			} else {
				const created: Record<string, unknown> = {};
				current[segment] = created;
				current = created;
			}
		}
		current[last] = value;
	};
}

export function getPath(record: unknown, path: string): unknown {
	return compileGetter(path)(record);
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	compileSetter(path)(target, value);
}

/** Removes `path` from `target` (used to omit empty values); prunes emptied parent objects. */
export function deletePath(target: Record<string, unknown>, path: string): void {
	const segments = splitPath(path);
	const chain: Array<Record<string, unknown>> = [target];
	let current: Record<string, unknown> = target;
	for (const segment of segments.slice(0, -1)) {
		const next = current[segment];
		if (!isPlainObject(next)) return;
		chain.push(next);
		current = next;
	}
	delete current[segments[segments.length - 1]];
	for (let i = chain.length - 1; i > 0; i--) {
		if (Object.keys(chain[i]).length > 0) break;
		delete chain[i - 1][segments[i - 1]];
	}
}
