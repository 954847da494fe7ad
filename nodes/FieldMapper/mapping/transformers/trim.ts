import { noParams } from './params';
import { eachValue, type TransformerDef } from './types';

/** Removes surrounding whitespace from strings (CRM exports are full of it); others unchanged. */
export const trim: TransformerDef<Record<string, never>> = {
	name: 'trim',
	origin: 'extra',
	summary: 'no params; removes surrounding whitespace from strings',
	params: noParams,
	create: () => eachValue((value) => (typeof value === 'string' ? value.trim() : value)),
	inverse: () => 'same',
};
