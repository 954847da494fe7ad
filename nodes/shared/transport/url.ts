/**
 * Instance URL normalisation and API paths.
 *
 * PURE: imports nothing from n8n. The credential accepts the instance URL however users paste it:
 * `https://x.daktela.com`, with a trailing slash, with `/api/v6` (and a slash after it), with
 * surrounding spaces, or without a scheme (`x.daktela.com`, read as https). Everything ends up as
 * `https://x.daktela.com`, and the API base is that plus `/api/v6/`.
 *
 * Anything that would put a secret or ambiguity into every request URL is refused: user:password@,
 * a query string (`?accessToken=` is the legacy way to send the token, and URLs end up in logs) and
 * a fragment.
 */
import { DaktelaInputError } from './errors';

/**
 * The WHATWG URL class: a global in Node, where n8n runs the node. The node build's TypeScript lib
 * (es2019, no DOM, no @types/node) has no type for it, so the part used here is declared.
 */
declare const URL: new (input: string) => {
	readonly href: string;
	readonly protocol: string;
	readonly username: string;
	readonly password: string;
	readonly host: string;
	readonly hostname: string;
	readonly pathname: string;
};
type ParsedUrl = InstanceType<typeof URL>;

const API_SUFFIX_RE = /\/api\/v6\/?$/i;
const DNS_NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const IPV6_RE = /^\[[0-9a-f:.]+\]$/;

/** `https://x.daktela.com/api/v6/` -> `https://x.daktela.com` (no trailing slash). */
export function normaliseInstanceUrl(input: string): string {
	if (typeof input !== 'string' || !input.trim()) {
		throw new DaktelaInputError(
			'The Daktela instance URL is empty: enter it like https://yourcompany.daktela.com',
		);
	}
	const typed = input.trim();
	const value = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `https://${typed}`;
	// URL drops tabs and newlines, encodes spaces and control characters and reads a backslash as a
	// slash: refuse them instead.
	if (/[\s\\]/.test(value) || Array.from(value).some((c) => c < ' ' || c === '\u007f')) {
		throw invalidUrl(typed);
	}
	let url: ParsedUrl;
	try {
		url = new URL(value);
	} catch {
		throw invalidUrl(typed);
	}
	assertNoSecretOrAmbiguity(url);
	assertHostAsTyped(url, value, typed);
	const path = url.pathname.replace(/\/+$/, '').replace(API_SUFFIX_RE, '').replace(/\/+$/, '');
	return `${url.protocol}//${url.host}${path}`;
}

/** The error for a URL that does not parse; it echoes the input only when no secret can be in it. */
function invalidUrl(typed: string): DaktelaInputError {
	const what = /[@?#]/.test(typed)
		? 'The Daktela instance URL is not a valid URL'
		: `"${typed}" is not a valid Daktela instance URL`;
	return new DaktelaInputError(`${what}: enter it like https://yourcompany.daktela.com`);
}

/** http(s) only; no user:password@, no query string (even an empty `?`), no fragment (even `#`). */
function assertNoSecretOrAmbiguity(url: ParsedUrl): void {
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new DaktelaInputError(
			`The Daktela instance URL must start with https:// (got ${url.protocol}//)`,
		);
	}
	if (url.username || url.password) {
		throw new DaktelaInputError(
			'The Daktela instance URL must not contain a user name or password: put the access token in the Access Token field',
		);
	}
	// In URL's serialisation the first `#` starts the fragment and a `?` before it starts the query.
	const hashAt = url.href.indexOf('#');
	if (url.href.slice(0, hashAt < 0 ? undefined : hashAt).includes('?')) {
		throw new DaktelaInputError(
			'The Daktela instance URL must not contain a query string (?...): the access token goes in the Access Token field, never in the URL',
		);
	}
	if (hashAt >= 0) {
		throw new DaktelaInputError('The Daktela instance URL must not contain a #fragment');
	}
}

/**
 * The host is a DNS name or an [IPv6] literal, exactly as typed (URL would silently turn an empty
 * `@`, `https:///x`, `%78`, a unicode or a numeric IPv4 host into another one), then an optional
 * port with digits, then the path.
 */
function assertHostAsTyped(url: ParsedUrl, value: string, typed: string): void {
	const origin = `${url.protocol}//${url.hostname}`;
	const rest = value.slice(origin.length);
	if (
		!(DNS_NAME_RE.test(url.hostname) || IPV6_RE.test(url.hostname)) ||
		!value.toLowerCase().startsWith(origin) ||
		!/^(?::\d{1,5})?(?:\/|$)/.test(rest)
	) {
		throw invalidUrl(typed);
	}
}

/** The API base every request path is appended to: `https://x.daktela.com/api/v6/`. */
export function apiBaseUrl(instanceUrl: string): string {
	return `${normaliseInstanceUrl(instanceUrl)}/api/v6/`;
}

function assertEndpoint(endpoint: string): void {
	if (
		typeof endpoint !== 'string' ||
		!/^[A-Za-z][A-Za-z0-9_]*(\/[A-Za-z0-9_%.-]+)*$/.test(endpoint)
	) {
		throw new DaktelaInputError(
			`Invalid Daktela endpoint "${String(endpoint)}": expected a name such as contacts or activitiesCall`,
		);
	}
}

/**
 * Encodes a record name for a path segment. Dots become %2E so that a name such as
 * `crm.person.1` is not mistaken for a format suffix: Daktela strips only the final `.json`.
 */
export function encodeRecordName(name: string): string {
	if (typeof name !== 'string' || !name.length) {
		throw new DaktelaInputError(
			'A Daktela record name (the external id) must be a non-empty string',
		);
	}
	return encodeURIComponent(name).replace(/\./g, '%2E');
}

/** `contacts` -> `contacts.json` (relative to the API base). */
export function listPath(endpoint: string): string {
	assertEndpoint(endpoint);
	return `${endpoint}.json`;
}

/** `contacts`, `crm_person_1` -> `contacts/crm_person_1.json`. */
export function recordPath(endpoint: string, name: string): string {
	assertEndpoint(endpoint);
	return `${endpoint}/${encodeRecordName(name)}.json`;
}
