import { z } from 'zod';

import { phpString } from '../php';
import { phpFlagParam, phpStringParam } from './params';
import { eachValue, type TransformerDef } from './types';

const prefixParams = z.object({ value: phpStringParam.optional() }).strict();
const stripParams = z
	.object({ value: phpStringParam.optional(), strict: phpFlagParam.optional() })
	.strict();

/** SDK `prefix`: `value` + input; null and '' pass unchanged. */
export const prefix: TransformerDef<z.infer<typeof prefixParams>> = {
	name: 'prefix',
	origin: 'sdk',
	summary: '`value`: prepended; null and empty values unchanged',
	params: prefixParams,
	create(p) {
		const text = p.value ?? '';
		return eachValue((value) =>
			value === null || value === undefined || value === '' ? value : text + phpString(value),
		);
	},
	inverse: (p) => ({ name: 'strip_prefix', params: { value: p.value ?? '' } }),
};

/** SDK `strip_prefix`: removes `value` from the start; `strict` turns non-matching values into
 * null (drops references to records that did not come through this sync). */
export const stripPrefix: TransformerDef<z.infer<typeof stripParams>> = {
	name: 'strip_prefix',
	origin: 'sdk',
	summary:
		'`value`: removed from the start; `strict: true` gives null when the value lacks the prefix',
	params: stripParams,
	create(p) {
		const text = p.value ?? '';
		const strict = p.strict ?? false;
		return eachValue((value) => {
			if (typeof value !== 'string' || value === '') return value;
			if (text !== '' && value.startsWith(text)) return value.slice(text.length);
			return strict ? null : value;
		});
	},
	inverse: (p) => ({ name: 'prefix', params: { value: p.value ?? '' } }),
};
