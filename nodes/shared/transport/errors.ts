/**
 * Daktela error envelopes -> one typed error.
 *
 * PURE: imports nothing from n8n. The node layer turns a DaktelaApiError into a NodeApiError
 * (see shared/n8n/errors.ts), and a DaktelaInputError into a NodeOperationError.
 *
 * Daktela reports errors in several shapes (all seen in real responses, see
 * docs/ARCHITECTURE.md and the API reference):
 *   "Object not exist"                              plain string
 *   ["Object not exist"]                            array of strings
 *   {primary: ["..."]}                              messages not tied to a field
 *   {form: {lastname: "Item is mandatory"}}         field messages
 *   {form: {customFields: {email: ["..."]}}}        nested field messages
 *   {primary: [...], form: {...}}                   both
 *   {errors: ...}                                   plural key (Python / .NET connectors accept it)
 *   {violations: [{propertyPath, message}]}         422 ConstraintViolation (top level of the body)
 *   HTML or empty body                              proxies, gateways, crashes
 * They all become one message that names the field (`customFields.email: ...`).
 */

export type DaktelaErrorKind =
	| 'notFound'
	| 'validation'
	| 'auth'
	| 'rateLimit'
	| 'server'
	| 'network'
	| 'unknown';

/** One normalised problem: `field` is a dot path (`customFields.email`) when the API named one. */
export interface DaktelaErrorItem {
	field?: string;
	message: string;
}

export interface DaktelaApiErrorOptions {
	kind: DaktelaErrorKind;
	httpCode?: number;
	field?: string;
	details?: unknown;
	items?: DaktelaErrorItem[];
	method?: string;
	path?: string;
	attempts?: number;
	retryAfterMs?: number;
	/** Network error code (ECONNRESET, ...) for kind 'network'. */
	code?: string;
}

/** An error Daktela answered with (or a network failure talking to it). Never holds the token. */
export class DaktelaApiError extends Error {
	readonly kind: DaktelaErrorKind;

	readonly httpCode?: number;

	/** The first field the API complained about, as a dot path. */
	readonly field?: string;

	/** The API's `error` value (scrubbed of secrets); for 422 the `violations`. */
	readonly details?: unknown;

	/** Every problem, in the order the API listed them. */
	readonly items: DaktelaErrorItem[];

	readonly method?: string;

	/** Path relative to /api/v6/ (never contains the query string, so never a secret). */
	readonly path?: string;

	/** How many HTTP attempts were made before giving up. */
	readonly attempts?: number;

	readonly retryAfterMs?: number;

	readonly code?: string;

	constructor(message: string, options: DaktelaApiErrorOptions) {
		super(message);
		this.name = 'DaktelaApiError';
		this.kind = options.kind;
		this.httpCode = options.httpCode;
		this.field = options.field;
		this.details = options.details;
		this.items = options.items ?? [{ field: options.field, message }];
		this.method = options.method;
		this.path = options.path;
		this.attempts = options.attempts;
		this.retryAfterMs = options.retryAfterMs;
		this.code = options.code;
	}

	/** A one-line explanation for humans: what was called and what kind of failure it was. */
	get description(): string {
		const call = this.method && this.path ? `${this.method} ${this.path}` : 'the request';
		const status =
			this.httpCode !== undefined ? `HTTP ${this.httpCode}` : (this.code ?? 'no response');
		const tries = this.attempts && this.attempts > 1 ? ` after ${this.attempts} attempts` : '';
		return `Daktela ${KIND_LABEL[this.kind]} (${status}) on ${call}${tries}.`;
	}
}

const KIND_LABEL: Record<DaktelaErrorKind, string> = {
	notFound: 'record not found',
	validation: 'rejected the data',
	auth: 'refused the access token',
	rateLimit: 'rate limit',
	server: 'server error',
	network: 'could not be reached',
	unknown: 'error',
};

/** Bad input from our side (URL, time, filter): never sent to Daktela. */
export class DaktelaInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DaktelaInputError';
	}
}

/**
 * A request that got no HTTP response. HttpSend implementations reject with this (or with any
 * error carrying a Node/undici network `code`; see networkFailure()).
 */
export class DaktelaNetworkError extends Error {
	readonly code: string;

	constructor(code: string, message: string) {
		super(message);
		this.name = 'DaktelaNetworkError';
		this.code = code;
	}
}

/** Failures during connection set-up: the request never reached the server, so nothing landed. */
const NOTHING_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** Failures after the request may have been written: the server may have acted on it. */
const AMBIGUOUS_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'EPROTO',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Not worth retrying: a wrong host name does not fix itself in a few seconds. */
const PERMANENT_CODES = new Set(['ENOTFOUND']);

export interface NetworkFailure {
	code: string;
	/** Safe to send again whatever the method: the request cannot have reached Daktela. */
	nothingSent: boolean;
	retryable: boolean;
	message: string;
}

function causes(err: unknown): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	let current: unknown = err;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const obj = current as Record<string, unknown>;
		out.push(obj);
		if (Array.isArray(obj.errors)) {
			for (const inner of obj.errors) if (inner && typeof inner === 'object') out.push(inner);
		}
		current = obj.cause;
	}
	return out;
}

/**
 * Recognises a rejected HttpSend as a network failure (no HTTP response), whatever produced it:
 * our DaktelaNetworkError, a Node socket error (`code`), undici's `TypeError: fetch failed` with
 * the socket error as `cause`, or axios (`code`, message `socket hang up`). Anything else (a bug,
 * a cancelled execution) is not a network failure and must not be retried.
 */
export function networkFailure(err: unknown): NetworkFailure | undefined {
	let code: string | undefined;
	let message = '';
	for (const obj of causes(err)) {
		const c = obj.code;
		if (!message && typeof obj.message === 'string') message = obj.message;
		if (typeof c === 'string' && (NOTHING_SENT_CODES.has(c) || AMBIGUOUS_CODES.has(c))) {
			code = c;
			// The socket-level text ("socket hang up"), not a wrapper's paraphrase of it.
			if (typeof obj.message === 'string' && obj.message) message = obj.message;
			break;
		}
		if (typeof obj.message === 'string' && /socket hang up/i.test(obj.message)) {
			code = 'ECONNRESET';
			message = obj.message;
			break;
		}
	}
	if (!code && err instanceof DaktelaNetworkError) code = err.code;
	if (!code) return undefined;
	return {
		code,
		nothingSent: NOTHING_SENT_CODES.has(code),
		retryable: !PERMANENT_CODES.has(code),
		message: message || code,
	};
}

function isEmptyValue(value: unknown): boolean {
	if (value === undefined || value === null || value === '' || value === false) return true;
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object') return Object.keys(value as object).length === 0;
	return false;
}

function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

/** Flattens `{form: {...}}` into dot-path field messages, depth first, in key order. */
function collectForm(value: unknown, path: string[], out: DaktelaErrorItem[]): void {
	if (isEmptyValue(value)) return;
	const field = path.length ? path.join('.') : undefined;
	if (Array.isArray(value)) {
		for (const entry of value) {
			if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
				collectForm(entry, path, out);
			} else if (!isEmptyValue(entry)) {
				out.push({ field, message: text(entry) });
			}
		}
		return;
	}
	if (typeof value === 'object') {
		for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
			collectForm(inner, /^\d+$/.test(key) && path.length ? path : [...path, key], out);
		}
		return;
	}
	out.push({ field, message: text(value) });
}

/**
 * Turns any shape of Daktela's `error` value (or a whole error body) into a list of problems.
 * Returns an empty list when there is nothing to report.
 */
export function normaliseErrorValue(error: unknown): DaktelaErrorItem[] {
	if (isEmptyValue(error)) return [];
	if (typeof error === 'string' || typeof error === 'number') return [{ message: text(error) }];
	const items: DaktelaErrorItem[] = [];
	if (Array.isArray(error)) {
		for (const entry of error) items.push(...normaliseErrorValue(entry));
		return items;
	}
	if (typeof error !== 'object') return [{ message: text(error) }];
	const obj = error as Record<string, unknown>;
	let known = false;
	if ('primary' in obj) {
		known = true;
		for (const entry of Array.isArray(obj.primary) ? obj.primary : [obj.primary]) {
			items.push(...normaliseErrorValue(entry));
		}
	}
	if ('form' in obj) {
		known = true;
		collectForm(obj.form, [], items);
	}
	if (Array.isArray(obj.violations)) {
		known = true;
		for (const v of obj.violations as Array<Record<string, unknown>>) {
			if (!v || typeof v !== 'object') continue;
			const field =
				typeof v.propertyPath === 'string' && v.propertyPath
					? v.propertyPath.replace(/\[(\w+)\]/g, '.$1').replace(/^\./, '')
					: undefined;
			items.push({ field, message: text(v.message ?? v.title ?? 'is invalid') });
		}
	}
	if ('errors' in obj) {
		known = true;
		items.push(...normaliseErrorValue(obj.errors));
	}
	for (const key of ['message', 'detail', 'title']) {
		if (!known && typeof obj[key] === 'string' && obj[key]) {
			items.push({ message: text(obj[key]) });
			known = true;
		}
	}
	if (!known) {
		// An object keyed by field name without a `form` wrapper: treat it like a form.
		collectForm(obj, [], items);
	}
	return items;
}

/** Joins problems into one line: `Primary message; lastname: Item is mandatory`. */
export function formatErrorItems(items: DaktelaErrorItem[]): string {
	return items.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
}

export function kindForStatus(status: number): DaktelaErrorKind {
	if (status === 404) return 'notFound';
	if (status === 400 || status === 422) return 'validation';
	if (status === 401 || status === 403) return 'auth';
	if (status === 429) return 'rateLimit';
	if (status >= 500 && status <= 599) return 'server';
	return 'unknown';
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad request',
	401: 'The access token was not accepted',
	403: 'The access token has no permission for this',
	404: 'Record not found',
	405: 'Method not allowed',
	408: 'Request timeout',
	409: 'Conflict',
	422: 'Validation failed',
	429: 'Too many requests',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

function htmlSummary(body: string): string | undefined {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
	const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(body)?.[1];
	const picked = (title || h1 || '').replace(/\s+/g, ' ').trim();
	return picked ? picked.slice(0, 200) : undefined;
}

/** Replaces every occurrence of each secret with `***`, in strings nested anywhere. */
export function scrubSecrets<T>(value: T, secrets: readonly string[] | undefined): T {
	const list = (secrets ?? []).filter((s) => typeof s === 'string' && s.length > 0);
	if (!list.length) return value;
	const scrub = (v: unknown, depth: number): unknown => {
		if (typeof v === 'string') {
			let out = v;
			for (const s of list) out = out.split(s).join('***');
			// Also catch the token percent-encoded (as it would appear echoed from a URL).
			for (const s of list) out = out.split(encodeURIComponent(s)).join('***');
			return out;
		}
		if (depth > 20 || v === null || typeof v !== 'object') return v;
		if (Array.isArray(v)) return v.map((e) => scrub(e, depth + 1));
		const copy: Record<string, unknown> = {};
		for (const [k, e] of Object.entries(v as Record<string, unknown>))
			copy[k] = scrub(e, depth + 1);
		return copy;
	};
	return scrub(value, 0) as T;
}

/** Parses a JSON text body; returns the input when it is not JSON (HTML, plain text). */
export function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const trimmed = body.trim();
	if (!trimmed) return undefined;
	if (trimmed[0] !== '{' && trimmed[0] !== '[') return body;
	try {
		return JSON.parse(trimmed);
	} catch {
		return body;
	}
}

export interface ResponseContext {
	method?: string;
	path?: string;
	attempts?: number;
	secrets?: readonly string[];
	retryAfterMs?: number;
}

/**
 * Success is a 2xx status *and* an empty `error` (on a 400 Daktela still echoes the submitted
 * record in `result`, so the body alone proves nothing). Returns undefined on success, else the
 * error to throw.
 */
export function errorFromResponse(
	status: number,
	rawBody: unknown,
	context: ResponseContext = {},
): DaktelaApiError | undefined {
	const body = parseBody(rawBody);
	const envelope =
		body && typeof body === 'object' && !Array.isArray(body)
			? (body as Record<string, unknown>)
			: undefined;
	let errorValue: unknown = undefined;
	if (envelope) {
		if ('error' in envelope) errorValue = envelope.error;
		else if ('errors' in envelope) errorValue = envelope.errors;
		else if (Array.isArray(envelope.violations)) errorValue = { violations: envelope.violations };
		else if (status >= 400 && !('result' in envelope)) errorValue = envelope;
	} else if (Array.isArray(body)) {
		errorValue = body;
	}
	const ok = status >= 200 && status <= 299;
	if (ok && isEmptyValue(errorValue)) return undefined;

	let items = normaliseErrorValue(errorValue);
	// A 422 body may carry `detail` next to `violations`; keep the violations, they name fields.
	if (!items.length && typeof body === 'string' && body.trim()) {
		const summary = /<\/?[a-z][^>]*>/i.test(body) ? htmlSummary(body) : body.trim().slice(0, 200);
		const base = STATUS_TEXT[status] ?? `HTTP ${status}`;
		items = [{ message: summary && summary !== base ? `${base}: ${summary}` : base }];
	}
	if (!items.length) {
		items = [{ message: STATUS_TEXT[status] ?? `Daktela answered HTTP ${status}` }];
	}
	items = scrubSecrets(items, context.secrets);
	let kind = kindForStatus(status);
	if (ok) kind = items.some((i) => i.field) ? 'validation' : 'unknown';
	const field = items.find((i) => i.field)?.field;
	return new DaktelaApiError(formatErrorItems(items), {
		kind,
		httpCode: status,
		field,
		items,
		details: scrubSecrets(errorValue, context.secrets),
		method: context.method,
		path: context.path,
		attempts: context.attempts,
		retryAfterMs: context.retryAfterMs,
	});
}
