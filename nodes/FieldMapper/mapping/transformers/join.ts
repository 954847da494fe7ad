import { z } from 'zod';

import { isPhpArray, phpString, phpValues } from '../php';
import { phpFlagParam, phpStringParam } from './params';
import type { TransformerDef } from './types';

const joinParams = z.object({ separator: phpStringParam.optional() }).strict();
const splitParams = z
	.object({ separator: phpStringParam.optional(), trim: phpFlagParam.optional() })
	.strict();

/** SDK `join`: drops null and '' elements, joins with `separator` (default a space), trims. */
export const join: TransformerDef<z.infer<typeof joinParams>> = {
	name: 'join',
	origin: 'sdk',
	summary:
		'`separator` (default a space); drops null/empty elements, trims; strings unchanged, null -> ""',
	params: joinParams,
	create(p) {
		const separator = p.separator ?? ' ';
		return (value) => {
			if (isPhpArray(value)) {
				return phpValues(value)
					.filter((v) => v !== null && v !== undefined && v !== '')
					.map(phpString)
					.join(separator)
					.trim();
			}
			if (typeof value === 'string') return value;
			return phpString(value);
		};
	},
	inverse: (p) => ({ name: 'split', params: { separator: p.separator ?? ' ' } }),
};

/** The inverse of join: a string cut at `separator` (default ","), parts trimmed, empty parts
 * dropped; null and '' -> []; arrays unchanged. */
export const split: TransformerDef<z.infer<typeof splitParams>> = {
	name: 'split',
	origin: 'extra',
	summary:
		'`separator` (default ","), `trim` (default true); string -> list without empty parts (inverse of join)',
	params: splitParams,
	create(p) {
		const separator = p.separator === undefined || p.separator === '' ? ',' : p.separator;
		const trim = p.trim ?? true;
		return (value) => {
			if (Array.isArray(value)) return value;
			if (value === null || value === undefined || value === '') return [];
			const parts = phpString(value).split(separator);
			return (trim ? parts.map((s) => s.trim()) : parts).filter((s) => s !== '');
		};
	},
	inverse: (p) => ({ name: 'join', params: { separator: p.separator ?? ',' } }),
};
