import { z } from 'zod';

import { phpString } from '../php';
import { phpFlagParam } from './params';
import { eachValue, type TransformerDef } from './types';

const params = z
	.object({
		map: z.record(z.unknown()).refine((m) => Object.keys(m).length > 0, {
			message: 'map needs at least one "from: to" pair',
		}),
		fallback: z.unknown().optional(),
		ignore_case: phpFlagParam.optional(),
	})
	.strict();

type Params = z.infer<typeof params>;

/**
 * "When value is / then result is / otherwise": keys are compared as text (YAML keys are text,
 * so 1 and "1" both match `1:`). Without `fallback`, unmapped values pass unchanged; with it,
 * they become the fallback (which may be null). null passes unchanged unless the map has a `~` (null) key.
 */
export const valueMap: TransformerDef<Params> = {
	name: 'value_map',
	origin: 'extra',
	summary:
		'`map` (`{from: to}`), `fallback` (for unmapped values; without it they pass unchanged), `ignore_case`',
	params,
	create(p) {
		const ignoreCase = p.ignore_case ?? false;
		// Booleans as YAML spells keys (true/false), not as PHP casts them ('1'/'').
		const text = (v: unknown) => (typeof v === 'boolean' ? String(v) : phpString(v));
		const key = (v: unknown) => (ignoreCase ? text(v).toLowerCase() : text(v));
		const table = new Map<string, unknown>();
		for (const [from, to] of Object.entries(p.map))
			table.set(ignoreCase ? from.toLowerCase() : from, to);
		const hasFallback = Object.prototype.hasOwnProperty.call(p, 'fallback');
		return eachValue((value) => {
			// YAML turns `~:` and `null:` keys into ''.
			if (value === null || value === undefined) return table.has('') ? table.get('') : value;
			const k = key(value);
			if (table.has(k)) return table.get(k);
			return hasFallback ? p.fallback : value;
		});
	},
	inverse(p) {
		const reversed: Record<string, unknown> = {};
		for (const [from, to] of Object.entries(p.map)) {
			const k = phpString(to);
			if (!(k in reversed)) reversed[k] = from;
		}
		return { name: 'value_map', params: { map: reversed, ignore_case: p.ignore_case ?? false } };
	},
};
