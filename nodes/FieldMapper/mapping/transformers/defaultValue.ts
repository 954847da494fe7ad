import { z } from 'zod';

import type { TransformerDef } from './types';

const params = z.object({ value: z.unknown().optional() }).strict();
type Params = z.infer<typeof params>;

/** SDK `default_value`: `value` replaces null (a missing field reads as null); '' is kept. */
export const defaultValue: TransformerDef<Params> = {
	name: 'default_value',
	origin: 'sdk',
	summary: '`value`: used when the input is null or missing (empty strings are kept)',
	params,
	create(p) {
		const fallback = p.value ?? null;
		return (value) => (value === null || value === undefined ? fallback : value);
	},
	inverse: () => 'same',
};
