import { z } from 'zod';

import { createFromFormat, formatPhpDate, isValidZone, parseAnyDate } from '../dates';
import { phpString } from '../php';
import { phpStringParam } from './params';
import { eachValue, type TransformerDef } from './types';

const params = z
	.object({
		from: phpStringParam.optional(),
		to: phpStringParam.optional(),
		timezone: z
			.string()
			.refine(isValidZone, { message: 'not a known time zone (use e.g. Europe/Prague or UTC)' })
			.optional(),
	})
	.strict();

type Params = z.infer<typeof params>;

/** SDK `date_format`: parse with the PHP format `from` (default `Y-m-d H:i:s`), falling back to
 * generic parsing, then format with `to` (default `Y-m-d`). Unparseable values pass unchanged. */
export const dateFormat: TransformerDef<Params> = {
	name: 'date_format',
	origin: 'sdk',
	summary:
		'`from`, `to` (PHP date formats, defaults `Y-m-d H:i:s` -> `Y-m-d`); extra `timezone`. Falls back to generic parsing; unparseable values pass unchanged',
	params,
	create(p, ctx) {
		const from = p.from ?? 'Y-m-d H:i:s';
		const to = p.to ?? 'Y-m-d';
		const zone = p.timezone ?? ctx.timeZone;
		return eachValue((value) => {
			if (value === null || value === undefined || value === '') return value;
			const text = phpString(value);
			const now = ctx.now();
			const date = createFromFormat(from, text, zone, now) ?? parseAnyDate(text, zone, now);
			return date ? formatPhpDate(date, to) : value;
		});
	},
	inverse: (p) => ({
		name: 'date_format',
		params: {
			from: p.to ?? 'Y-m-d',
			to: p.from ?? 'Y-m-d H:i:s',
			...(p.timezone ? { timezone: p.timezone } : {}),
		},
	}),
};
