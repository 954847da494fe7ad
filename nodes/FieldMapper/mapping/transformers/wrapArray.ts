import { isObjectLiteral } from '../../../shared/core/objects';
import { phpValues } from '../php';
import { noParams } from './params';
import type { TransformerDef } from './types';

/** SDK `wrap_array`: scalar -> [scalar]; null and '' -> []; arrays unchanged. */
export const wrapArray: TransformerDef<Record<string, never>> = {
	name: 'wrap_array',
	origin: 'sdk',
	summary: 'no params; scalar -> `[scalar]`, null/empty -> `[]`, arrays unchanged',
	params: noParams,
	create: () => (value) => {
		if (value === null || value === undefined || value === '') return [];
		if (Array.isArray(value) || isObjectLiteral(value)) return value;
		return [value];
	},
	inverse: () => ({ name: 'unwrap_array', params: {} }),
};

/** The inverse of wrap_array: the first element of a list ([] -> null); scalars unchanged. */
export const unwrapArray: TransformerDef<Record<string, never>> = {
	name: 'unwrap_array',
	origin: 'extra',
	summary:
		'no params; first element of a list, `[]` -> null, scalars unchanged (inverse of wrap_array)',
	params: noParams,
	create: () => (value) => {
		if (Array.isArray(value) || isObjectLiteral(value)) {
			const values = phpValues(value);
			return values.length > 0 ? values[0] : null;
		}
		return value;
	},
	inverse: () => ({ name: 'wrap_array', params: {} }),
};
