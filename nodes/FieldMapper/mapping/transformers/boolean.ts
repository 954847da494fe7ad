import { phpBool } from '../php';
import { noParams } from './params';
import type { TransformerDef } from './types';

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

/** SDK `boolean`: strings are true only for 1/true/yes/on (any case); other values PHP `(bool)`. */
export const boolean: TransformerDef<Record<string, never>> = {
	name: 'boolean',
	origin: 'sdk',
	summary:
		'no params; strings `true`/`yes`/`1`/`on` (any case) are true, other strings false; other values PHP truthiness',
	params: noParams,
	create: () => (value) =>
		typeof value === 'string' ? TRUTHY.has(value.toLowerCase()) : phpBool(value),
	inverse: () => 'same',
};
