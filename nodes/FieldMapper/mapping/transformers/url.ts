import { z } from 'zod';

import { phpString } from '../php';
import { phpStringParam } from './params';
import { eachValue, type TransformerDef } from './types';

const params = z.object({ template: phpStringParam.optional() }).strict();
type Params = z.infer<typeof params>;

/** SDK `url`: every `{value}` in `template` replaced; null and '' unchanged. */
export const url: TransformerDef<Params> = {
	name: 'url',
	origin: 'sdk',
	summary: '`template` with `{value}` placeholders (default `{value}`); null and empty unchanged',
	params,
	create(p) {
		const parts = (p.template ?? '{value}').split('{value}');
		const [before, after] = parts;
		const fill =
			parts.length === 2
				? (text: string) => before + text + after
				: (text: string) => parts.join(text);
		return eachValue((value) =>
			value === null || value === undefined || value === '' ? value : fill(phpString(value)),
		);
	},
	inverse: (p) => ({ name: 'url_extract', params: { template: p.template ?? '{value}' } }),
};

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The inverse of url: the `{value}` part of a URL built from `template`; other values unchanged. */
export const urlExtract: TransformerDef<Params> = {
	name: 'url_extract',
	origin: 'extra',
	summary: '`template`: returns what stood at `{value}` when the input matches (inverse of url)',
	params,
	create(p) {
		const parts = (p.template ?? '{value}').split('{value}');
		const pattern = new RegExp(`^${parts.map(escapeRegExp).join('(.*?)')}$`, 's');
		return eachValue((value) => {
			if (typeof value !== 'string') return value;
			const m = pattern.exec(value);
			return m && m.length > 1 ? m[1] : value;
		});
	},
	inverse: (p) => ({ name: 'url', params: { template: p.template ?? '{value}' } }),
};
