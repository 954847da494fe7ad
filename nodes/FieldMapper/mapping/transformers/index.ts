/**
 * The transformer registry: the SDK's built-ins (same names, params and results) plus extras.
 */
import { boolean } from './boolean';
import { callback } from './callback';
import { dateFormat } from './dateFormat';
import { defaultValue } from './defaultValue';
import { join, split } from './join';
import { phoneNormalize } from './phoneNormalize';
import { prefix, stripPrefix } from './prefix';
import { stringCase } from './stringCase';
import { trim } from './trim';
import type { TransformerDef } from './types';
import { url, urlExtract } from './url';
import { valueMap } from './valueMap';
import { unwrapArray, wrapArray } from './wrapArray';

export type { Inverse, TransformerContext, TransformerDef, ValueFn } from './types';

const ALL = [
	dateFormat,
	phoneNormalize,
	boolean,
	stringCase,
	defaultValue,
	callback,
	prefix,
	stripPrefix,
	wrapArray,
	url,
	join,
	valueMap,
	unwrapArray,
	split,
	urlExtract,
	trim,
] as unknown as TransformerDef[];

export const TRANSFORMERS: Readonly<Record<string, TransformerDef>> = Object.fromEntries(
	ALL.map((t) => [t.name, t]),
);

export const TRANSFORMER_NAMES: readonly string[] = ALL.map((t) => t.name);

export const SDK_TRANSFORMER_NAMES: readonly string[] = ALL.filter((t) => t.origin === 'sdk').map(
	(t) => t.name,
);
