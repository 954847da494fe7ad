/**
 * Sandbox Daktela Contact Centre V6: an in-memory fake of the real REST API over `node:http` on
 * 127.0.0.1, used by every spec, the benchmarks and the demo (`npm run sandbox`).
 *
 * Faithful to /work/shared/reference/daktela-api.md: `/api/v6/<endpoint>[/<name>][.json]`, the
 * `{error, result, _time, _timezone}` envelope, 201/200/204/400/401/404/405, the error shapes the
 * real API produces, PHP bracket filters, relations written as names and read as objects.
 * Knobs for the client's tests: latency, seeded fault injection (429 with Retry-After, 500, a dropped
 * socket before or after the write), request counters and a request log.
 *
 * Error shapes, and what triggers each (so a client can be tested against all of them):
 * - `["Object not exist"]` (404)   GET of a missing record
 * - `"Object not exist"` (404)     PUT or DELETE of a missing record
 * - `{form:{field: "msg"}}` (400)  validation; nested `{form:{customFields:{email:["msg"]}}}`
 * - `{primary:["msg"]}` (400)      DELETE of an account that still has contacts
 * - `{primary, form}` (400)        POST activities with an unsupported `type`
 * - `["…"]` (400/401/405/429/500)  bad query or body, bad token, method, faults
 * On a validation 400 `result` echoes the submitted record, as the real API does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { langOf } from './daktela-model.cjs';
import { QueryError, isDict, parseBracketQuery, type Dict } from './daktela-query.cjs';
import { mulberry32, seedStore, type Rng, type SeedCounts } from './daktela-seed.cjs';
import { DaktelaStore, TOKEN_USER } from './daktela-store.cjs';

export type FaultKind = '429' | '500' | 'drop' | 'dropAfterWrite';

export interface FaultOptions {
	/** Probability 0..1 that a request (of `methods`) faults. */
	rate: number;
	/** Default ['429', '500', 'drop']. */
	kinds?: FaultKind[];
	/** Retry-After of a 429 in seconds, default 1; sent as whole seconds (floor), so 0.05 -> "0". */
	retryAfterSeconds?: number;
	/** Seed of the fault RNG (default 1): the same seed faults the same requests. */
	seed?: number;
	/** Only these HTTP methods fault (default all). */
	methods?: string[];
}

export interface DaktelaSandboxOptions {
	/** Default 0 = a random free port; always bound to 127.0.0.1. */
	port?: number;
	/** Default 'sandbox-token'. */
	token?: string;
	/** Added to every request (asynchronously). */
	latencyMs?: number;
	faults?: FaultOptions;
	seed?: SeedCounts;
	/** Default 'Europe/Prague'; created/edited/time fields are written in it. */
	timeZone?: string;
	/** Clock used for created/edited/time (tests move it). */
	now?: () => Date;
	/** Default 1000; a larger `take` is capped to this. */
	maxTake?: number;
}

export interface SandboxRequestLog {
	method: string;
	path: string;
	/** The raw request URL (path + query), e.g. to assert that the token never is in it. */
	url: string;
	/** 0 when the sandbox dropped the connection instead of answering. */
	status: number;
	endpoint: string;
	/** How the request presented a token; 'query' and 'cookie' work but are worth flagging. */
	auth: 'header' | 'query' | 'cookie' | 'none';
	/** Set when fault injection hit this request. */
	fault?: FaultKind;
}

export interface DaktelaSandbox {
	/** Instance URL 'http://127.0.0.1:<port>'; the API is at url + '/api/v6/<endpoint>.json'. */
	url: string;
	token: string;
	counters: {
		total(): number;
		get(method?: string, endpoint?: string): number;
		/** e.g. { 'GET contacts': 3, 'PUT contacts': 1 } */
		snapshot(): Record<string, number>;
		reset(): void;
	};
	/** Every request, in arrival order. */
	requests: SandboxRequestLog[];
	setLatency(ms: number): void;
	setFaults(f: FaultOptions | undefined): void;
	seed(counts: SeedCounts): void;
	/** Empties the records (databases, users and queues stay), counters and request log. */
	reset(): void;
	/** Out-of-band access for tests: not counted, not logged, not faulted, not validated. */
	store: {
		/** Records in the API's read shape (relations expanded), insertion order. */
		list(endpoint: string): Record<string, unknown>[];
		get(endpoint: string, name: string): Record<string, unknown> | undefined;
		/** Insert or replace; keeps `created`, sets `edited` to now unless the record gives them. */
		put(endpoint: string, record: Record<string, unknown>): Record<string, unknown>;
		remove(endpoint: string, name: string): void;
	};
	close(): Promise<void>;
}

export const SANDBOX_VERSION = '2025.2.0';
const DEFAULT_KINDS: FaultKind[] = ['429', '500', 'drop'];
const DEFAULT_SEED = 42;

interface Route {
	endpoint: string;
	name?: string;
	/** More path segments than `<endpoint>/<name>` (relation reads are not modelled). */
	deeper: boolean;
	bad: boolean;
}

function parseRoute(pathname: string): Route {
	const match = /^\/api\/v6\/(.*)$/.exec(pathname);
	if (!match) return { endpoint: '', deeper: false, bad: true };
	const segments = match[1].split('/').filter((s) => s !== '');
	if (segments.length === 0) return { endpoint: '', deeper: false, bad: true };
	const last = segments.length - 1;
	if (segments[last].endsWith('.json')) segments[last] = segments[last].slice(0, -'.json'.length);
	try {
		return {
			endpoint: decodeURIComponent(segments[0]),
			name: segments.length > 1 ? decodeURIComponent(segments[1]) : undefined,
			deeper: segments.length > 2,
			bad: false,
		};
	} catch {
		return { endpoint: segments[0], deeper: false, bad: true };
	}
}

function digest(value: string): Buffer {
	return createHash('sha256').update(value).digest();
}

/** Constant-time token comparison. */
function sameToken(given: string, expected: string): boolean {
	return timingSafeEqual(digest(given), digest(expected));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return part.slice(eq + 1).trim();
			}
		}
	}
	return undefined;
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

interface Outcome {
	status: number;
	/** undefined = no body (204). */
	body?: unknown;
	headers?: Record<string, string>;
}

export async function startDaktelaSandbox(
	options: DaktelaSandboxOptions = {},
): Promise<DaktelaSandbox> {
	const token = options.token ?? 'sandbox-token';
	const maxTake = options.maxTake ?? 1000;
	const timeZone = options.timeZone ?? 'Europe/Prague';
	const store = new DaktelaStore({ timeZone, now: options.now ?? (() => new Date()) });
	let latencyMs = Math.max(0, options.latencyMs ?? 0);
	let faults: FaultOptions | undefined;
	let faultRng: Rng = mulberry32(1);
	let seedRng: Rng = mulberry32(DEFAULT_SEED);
	const counts = new Map<string, number>();
	const requests: SandboxRequestLog[] = [];

	const setFaults = (f: FaultOptions | undefined): void => {
		faults = f;
		faultRng = mulberry32(f?.seed ?? 1);
	};
	setFaults(options.faults);

	const envelope = (error: unknown, result: unknown): Dict => ({
		error,
		result,
		_time: store.nowString(),
		_timezone: timeZone,
	});
	const fail = (status: number, error: unknown, result: unknown = null): Outcome => ({
		status,
		body: envelope(error, result),
	});

	const pickFault = (method: string): FaultKind | undefined => {
		if (!faults || !(faults.rate > 0)) return undefined;
		if (faults.methods && !faults.methods.some((m) => m.toUpperCase() === method)) return undefined;
		if (faultRng() >= faults.rate) return undefined;
		const kinds = faults.kinds && faults.kinds.length > 0 ? faults.kinds : DEFAULT_KINDS;
		return kinds[Math.floor(faultRng() * kinds.length)];
	};

	const whoimUser = (): Dict | null => {
		const row = store.table('users')?.rows.get(TOKEN_USER);
		if (!row) return null;
		const user = store.renderRow('users', row);
		// The real whoim returns the caller's own token here; clients must not log this object.
		(user._sys as Dict).accessToken = token;
		return user;
	};

	async function processRequest(
		req: http.IncomingMessage,
		method: string,
		route: Route,
		search: string,
		rawBody: string,
		entry: SandboxRequestLog,
	): Promise<Outcome> {
		if (route.bad) return fail(404, ['Not found']);
		let query: Dict;
		try {
			query = parseBracketQuery(search);
		} catch {
			return fail(400, ['Invalid query string']);
		}

		const header = req.headers['x-auth-token'];
		const headerToken = Array.isArray(header) ? header[0] : header;
		const queryToken = typeof query.accessToken === 'string' ? query.accessToken : undefined;
		const cookieToken = cookieValue(req.headers.cookie, 'c_user');
		let given: string | undefined;
		if (headerToken !== undefined) {
			entry.auth = 'header';
			given = headerToken;
		} else if (queryToken !== undefined) {
			entry.auth = 'query';
			given = queryToken;
		} else if (cookieToken !== undefined) {
			entry.auth = 'cookie';
			given = cookieToken;
		}
		const authorized = given !== undefined && sameToken(given, token);

		if (route.endpoint === 'whoim') {
			if (route.name !== undefined) return fail(404, ['Not found']);
			if (method !== 'GET') return methodNotAllowed('GET');
			// The real gotcha: no (or a wrong) token is still a 200, with user null.
			return {
				status: 200,
				body: envelope([], { user: authorized ? whoimUser() : null, version: SANDBOX_VERSION }),
			};
		}
		if (!authorized) return fail(401, ['Unauthorized: missing or invalid access token']);

		const table = store.table(route.endpoint);
		if (!table || route.deeper) return fail(404, ['Not found']);
		const def = table.def;
		const lang = langOf(headerOf(req, 'accept-language'));

		if (route.name === undefined) {
			if (method === 'GET') {
				try {
					return { status: 200, body: envelope([], store.list(route.endpoint, query, maxTake)) };
				} catch (error) {
					if (error instanceof QueryError) return fail(400, [error.message]);
					throw error;
				}
			}
			if (method === 'POST' && def.create) {
				const parsed = parseBody(req, rawBody);
				if (!parsed.ok) return fail(400, [parsed.error]);
				const out = store.create(route.endpoint, parsed.body, lang);
				return out.ok
					? { status: out.status, body: envelope([], out.record) }
					: fail(out.status, out.error, out.result);
			}
			return methodNotAllowed(def.create ? 'GET, POST' : 'GET');
		}

		const allowed = ['GET', ...(def.update ? ['PUT'] : []), ...(def.remove ? ['DELETE'] : [])];
		if (method === 'GET') {
			const record = store.getOne(route.endpoint, route.name, query);
			return record ? { status: 200, body: envelope([], record) } : fail(404, ['Object not exist']);
		}
		if (method === 'PUT' && def.update) {
			const parsed = parseBody(req, rawBody);
			if (!parsed.ok) return fail(400, [parsed.error]);
			const out = store.update(route.endpoint, route.name, parsed.body, lang);
			return out.ok
				? { status: out.status, body: envelope([], out.record) }
				: fail(out.status, out.error, out.result);
		}
		if (method === 'DELETE' && def.remove) {
			const out = store.remove(route.endpoint, route.name, lang);
			return out.ok ? { status: 204 } : fail(out.status, out.error, out.result);
		}
		return methodNotAllowed(allowed.join(', '));
	}

	function methodNotAllowed(allow: string): Outcome {
		return { ...fail(405, ['Method not allowed']), headers: { Allow: allow } };
	}

	const server = http.createServer((req, res) => {
		void handle(req, res);
	});

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const url = req.url ?? '/';
		const q = url.indexOf('?');
		const path = q >= 0 ? url.slice(0, q) : url;
		const search = q >= 0 ? url.slice(q + 1) : '';
		const route = parseRoute(path);
		const entry: SandboxRequestLog = {
			method,
			path,
			url,
			status: 0,
			endpoint: route.endpoint,
			auth: 'none',
		};
		requests.push(entry);
		const key = `${method} ${route.endpoint}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);

		let rawBody = '';
		try {
			rawBody = await readBody(req);
		} catch {
			return;
		}
		if (latencyMs > 0) await delay(latencyMs);

		const fault = pickFault(method);
		if (fault) entry.fault = fault;
		if (fault === 'drop') {
			req.socket.destroy();
			return;
		}
		let outcome: Outcome;
		if (fault === '429') {
			const seconds = Math.max(0, Math.floor(faults?.retryAfterSeconds ?? 1));
			outcome = {
				...fail(429, ['Too Many Requests']),
				headers: { 'Retry-After': String(seconds) },
			};
		} else if (fault === '500') {
			outcome = fail(500, ['Internal Server Error']);
		} else {
			try {
				outcome = await processRequest(req, method, route, search, rawBody, entry);
			} catch (error) {
				outcome = fail(500, [`Sandbox error: ${(error as Error).message}`]);
			}
		}
		if (fault === 'dropAfterWrite') {
			// The write (if any) is applied; the client never hears about it.
			req.socket.destroy();
			return;
		}
		entry.status = outcome.status;
		const headers: Record<string, string> = { ...outcome.headers };
		if (outcome.body === undefined) {
			res.writeHead(outcome.status, headers);
			res.end();
			return;
		}
		const payload = JSON.stringify(outcome.body);
		headers['Content-Type'] = 'application/json; charset=utf-8';
		headers['Content-Length'] = String(Buffer.byteLength(payload));
		res.writeHead(outcome.status, headers);
		res.end(payload);
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;

	const seed = (c: SeedCounts): void => {
		if (c.randomSeed !== undefined) seedRng = mulberry32(c.randomSeed);
		seedStore(store, c, seedRng);
	};
	if (options.seed) seed(options.seed);

	const sandbox: DaktelaSandbox = {
		url: `http://127.0.0.1:${port}`,
		token,
		counters: {
			total: () => Array.from(counts.values()).reduce((a, b) => a + b, 0),
			get: (method?: string, endpoint?: string) => {
				let n = 0;
				for (const [k, v] of counts) {
					const space = k.indexOf(' ');
					if (method !== undefined && k.slice(0, space) !== method.toUpperCase()) continue;
					if (endpoint !== undefined && k.slice(space + 1) !== endpoint) continue;
					n += v;
				}
				return n;
			},
			snapshot: () => Object.fromEntries(counts),
			reset: () => counts.clear(),
		},
		requests,
		setLatency: (ms: number) => {
			latencyMs = Math.max(0, ms);
		},
		setFaults,
		seed,
		reset: () => {
			store.reset();
			counts.clear();
			requests.length = 0;
			seedRng = mulberry32(DEFAULT_SEED);
		},
		store: {
			list: (endpoint: string) => {
				const table = store.table(endpoint);
				if (!table) throw new Error(`Unknown sandbox endpoint: ${endpoint}`);
				return Array.from(table.rows.values(), (row) => store.renderRow(endpoint, row));
			},
			get: (endpoint: string, name: string) => {
				const table = store.table(endpoint);
				if (!table) throw new Error(`Unknown sandbox endpoint: ${endpoint}`);
				const row = table.rows.get(name);
				return row ? store.renderRow(endpoint, row) : undefined;
			},
			put: (endpoint: string, record: Record<string, unknown>) => store.put(endpoint, record),
			remove: (endpoint: string, name: string) => {
				store.table(endpoint)?.delete(name);
			},
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			}),
	};
	return sandbox;
}

function headerOf(req: http.IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

type ParsedBody = { ok: true; body: Dict } | { ok: false; error: string };

/** JSON (default) or form-encoded body -> object. An empty body is `{}`. */
function parseBody(req: http.IncomingMessage, raw: string): ParsedBody {
	const type = headerOf(req, 'content-type') ?? '';
	if (type.includes('application/x-www-form-urlencoded')) {
		return { ok: true, body: parseBracketQuery(raw) };
	}
	if (raw.trim() === '') return { ok: true, body: {} };
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return { ok: false, error: 'Invalid JSON in request body' };
	}
	return isDict(body)
		? { ok: true, body }
		: { ok: false, error: 'Request body must be a JSON object' };
}
