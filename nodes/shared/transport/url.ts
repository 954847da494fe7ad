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

const API_SUFFIX_RE = /\/api\/v6\/?$/i;

/** `https://x.daktela.com/api/v6/` -> `https://x.daktela.com` (no trailing slash). */
export function normaliseInstanceUrl(input: string): string {
	if (typeof input !== 'string' || !input.trim()) {
		throw new DaktelaInputError(
			'The Daktela instance URL is empty: enter it like https://yourcompany.daktela.com',
		);
	}
	let value = input.trim();
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
	// Parsed by hand: the WHATWG URL class is not part of the node build's TypeScript lib.
	const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(value);
	const invalid = () =>
		new DaktelaInputError(
			`"${input.trim()}" is not a valid Daktela instance URL: enter it like https://yourcompany.daktela.com`,
		);
	if (!m) throw invalid();
	const [, scheme, authority, rawPath, query, fragment] = m;
	const protocol = scheme.toLowerCase();
	if (protocol !== 'https' && protocol !== 'http') {
		throw new DaktelaInputError(
			`The Daktela instance URL must start with https:// (got ${scheme}://)`,
		);
	}
	if (authority.includes('@')) {
		throw new DaktelaInputError(
			'The Daktela instance URL must not contain a user name or password: put the access token in the Access Token field',
		);
	}
	if (query !== undefined) {
		throw new DaktelaInputError(
			'The Daktela instance URL must not contain a query string (?...): the access token goes in the Access Token field, never in the URL',
		);
	}
	if (fragment !== undefined) {
		throw new DaktelaInputError('The Daktela instance URL must not contain a #fragment');
	}
	if (
		!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(
			authority,
		)
	) {
		throw invalid();
	}
	if (/\s/.test(rawPath)) throw invalid();
	const path = rawPath.replace(/\/+$/, '').replace(API_SUFFIX_RE, '').replace(/\/+$/, '');
	return `${protocol}://${authority.toLowerCase()}${path}`;
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
