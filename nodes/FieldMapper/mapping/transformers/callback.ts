import { z } from 'zod';

import { isPhpArray, phpBool, phpString, phpValues } from '../php';
import { suggest } from '../suggest';
import type { TransformerDef, ValueFn } from './types';

/** PHP's leading-number rule used by intval()/floatval(): "12abc" -> 12, "abc" -> 0. */
function leadingNumber(text: string): number {
	const m = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text);
	return m ? Number(m[0]) : 0;
}

function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'string') return leadingNumber(value);
	if (isPhpArray(value)) return phpValues(value).length > 0 ? 1 : 0;
	return 0;
}

const str =
	(fn: (s: string) => string): ValueFn =>
	(value) =>
		fn(phpString(value));
/** PHP trim()'s characters: space, \t, \n, \r, NUL and vertical tab. */
const PHP_WHITESPACE = ' \t\n\r\0\u000b';
const isPhpSpace = (ch: string) => PHP_WHITESPACE.includes(ch);
function phpTrim(s: string, left: boolean, right: boolean): string {
	let start = 0;
	let end = s.length;
	while (left && start < end && isPhpSpace(s[start])) start++;
	while (right && end > start && isPhpSpace(s[end - 1])) end--;
	return s.slice(start, end);
}

/**
 * The SDK's `callback` runs PHP closures registered in code, which a YAML file in n8n cannot
 * carry. What n8n offers instead: the PHP functions people register (strval is pre-registered
 * by the SDK), by name. For anything else use `value_map`, an `expression:` entry, or a Code node.
 */
export const CALLBACKS: Record<string, ValueFn> = {
	strval: (value) => phpString(value ?? ''),
	intval: (value) => Math.trunc(toNumber(value)) || 0,
	floatval: (value) => toNumber(value),
	boolval: (value) => phpBool(value),
	trim: str((s) => phpTrim(s, true, true)),
	ltrim: str((s) => phpTrim(s, true, false)),
	rtrim: str((s) => phpTrim(s, false, true)),
	strtolower: str((s) => s.toLowerCase()),
	strtoupper: str((s) => s.toUpperCase()),
	ucfirst: str((s) => s.charAt(0).toUpperCase() + s.slice(1)),
	lcfirst: str((s) => s.charAt(0).toLowerCase() + s.slice(1)),
	ucwords: str((s) =>
		s.replace(/(^|[ \t\r\n\f\v])(\S)/g, (_m, a: string, b: string) => a + b.toUpperCase()),
	),
	strip_tags: str((s) => s.replace(/<[^>]*>/g, '')),
	json_encode: (value) => JSON.stringify(value ?? null),
	json_decode: (value) => {
		try {
			return JSON.parse(phpString(value)) as unknown;
		} catch {
			return null;
		}
	},
};

export const CALLBACK_NAMES = Object.keys(CALLBACKS);

const params = z
	.object({ name: z.string() })
	.strict()
	.superRefine((p, ctx) => {
		if (CALLBACKS[p.name]) return;
		const suggestion = suggest(p.name, CALLBACK_NAMES);
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['name'],
			message: `callback "${p.name}" is a PHP closure registered in the SDK's code, which n8n cannot run. Built-in callbacks: ${CALLBACK_NAMES.join(', ')}. Otherwise use the value_map transformer, an "expression:" entry, or a Code node before this one.`,
			params: suggestion ? { suggestion } : undefined,
		});
	});

type Params = z.infer<typeof params>;

export const callback: TransformerDef<Params> = {
	name: 'callback',
	origin: 'sdk',
	summary: `\`name\`: one of the PHP functions ${CALLBACK_NAMES.join(', ')} (SDK closures cannot run in n8n: clear error)`,
	params,
	create: (p) => CALLBACKS[p.name],
	inverse: () => 'same',
};
