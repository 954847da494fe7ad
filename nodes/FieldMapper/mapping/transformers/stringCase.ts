import { z } from 'zod';

import { eachValue, type TransformerDef } from './types';

const params = z.object({ case: z.enum(['lower', 'upper', 'title']).optional() }).strict();
type Params = z.infer<typeof params>;

/** mb_convert_case(MB_CASE_TITLE): lower-case, then upper-case the first letter of each word. */
export function titleCase(value: string): string {
	return value
		.toLowerCase()
		.replace(
			/(^|[^\p{L}\p{M}\p{N}'’])(\p{L})/gu,
			(_m, before: string, letter: string) => before + letter.toUpperCase(),
		);
}

/** SDK `string_case`: `case` lower (default) / upper / title; non-strings pass unchanged. */
export const stringCase: TransformerDef<Params> = {
	name: 'string_case',
	origin: 'sdk',
	summary: '`case`: `lower` (default), `upper`, `title`; non-strings unchanged',
	params,
	create(p) {
		const c = p.case ?? 'lower';
		const fn =
			c === 'upper'
				? (s: string) => s.toUpperCase()
				: c === 'title'
					? titleCase
					: (s: string) => s.toLowerCase();
		return eachValue((value) => (typeof value === 'string' ? fn(value) : value));
	},
	inverse: () => 'same',
};
