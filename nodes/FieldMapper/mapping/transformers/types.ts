import type { DateTime } from 'luxon';
import type { z } from 'zod';

import type { TransformerCall } from '../types';

/** What a transformer may depend on besides its params; fixed for one compilation. */
export interface TransformerContext {
	/** IANA zone for dates without an offset (the SDK uses PHP's default zone). */
	timeZone: string;
	/** ISO 3166 alpha-2 country for phone numbers written without an international prefix. */
	defaultCountry?: string;
	/** Clock for PHP's "fields the format does not mention come from now" rule. */
	now: () => DateTime;
}

/** A compiled transformer: one value in, one value out. Throws ValueError for a bad value. */
export type ValueFn = (value: unknown) => unknown;

/**
 * How a transformer runs when a mapping is used against the direction it was written for:
 * `same` = apply as written (normalisers), or the call that undoes it.
 */
export type Inverse = 'same' | TransformerCall;

export interface TransformerDef<P = Record<string, unknown>> {
	name: string;
	/** `sdk` = a built-in of the Daktela CRM Sync SDK (same params, same results). */
	origin: 'sdk' | 'extra';
	/** One line for the reference table. */
	summary: string;
	/** zod schema of `params` (strict: unknown params are errors with a suggestion). */
	params: z.ZodType<P, z.ZodTypeDef, unknown>;
	create(params: P, ctx: TransformerContext): ValueFn;
	inverse(params: P): Inverse;
	/** Warnings for valid but suspicious params, checked once when the mapping is compiled. */
	warnings?(params: P, ctx: Pick<TransformerContext, 'defaultCountry'>): string[];
}

/** Applies `fn` to each element of a list (the SDK would cast the list to the string "Array"). */
export function eachValue(fn: ValueFn): ValueFn {
	return (value) => (Array.isArray(value) ? value.map(fn) : fn(value));
}
