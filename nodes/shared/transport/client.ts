/**
 * DaktelaClient: every call our nodes make to Daktela V6 goes through here.
 *
 * PURE of n8n: HTTP goes through an injected `HttpSend` (shared/n8n/client.ts builds one on n8n's authenticated
 * request helper; tests use fetch), waiting goes through an injected `sleep` (timers are banned in
 * node code). What it adds on top of plain requests:
 *
 * Retries (bounded, exponential backoff with full jitter):
 *   - 429: always (the server refused before acting); Retry-After (seconds or HTTP date) is honoured,
 *     capped at maxDelayMs; without it, the backoff schedule.
 *   - 5xx (not 501/505) and network failures: GET, PUT and DELETE (idempotent). A DELETE that gets
 *     404 after an earlier ambiguous attempt has done its job and resolves.
 *   - POST with a client-supplied `name`: after a failure that may have landed (5xx, connection lost
 *     after sending) the client first GETs that name; if the record is there and matches what was
 *     sent, the create is reported as done (no duplicate), otherwise it POSTs again.
 *   - POST without `name`: only after 429 or a connection that was never established (nothing can
 *     have landed); after an ambiguous failure it fails rather than risk a duplicate.
 *   - never on other 4xx.
 *   delay(retry n, from 0) = random() * min(maxDelayMs, baseDelayMs * 2^n); with the defaults
 *   (5 retries, 300 ms, 30 s) a request gives up after at most ~9.3 s of backoff.
 *
 * Paging (listAll): pages of up to 1000, ordered by the caller's sort plus `name` as the final,
 * unique key, so the order is total. Each next page is requested with a keyset filter on the last
 * record seen - `(k1 > v1) OR (k1 = v1 AND name > n)` - instead of an offset, so records inserted
 * or deleted between pages cannot shift the window: every record that exists throughout is
 * returned exactly once. When the last record's sort values cannot be expressed as a filter (null,
 * an expanded relation object, an array) or the caller asks for `paging: 'offset'`, that page
 * boundary falls back to skip/take counted from the last keyset anchor, with de-duplication by
 * name (no repeats; a record deleted during that stretch can shift one record out of view).
 *
 * Concurrency: one p-limit limiter per client wraps every HTTP attempt (not the sleeps), so at most
 * `concurrency` requests are in flight however many calls run in parallel.
 */
import pLimit from 'p-limit';

import {
	DaktelaApiError,
	errorFromResponse,
	networkFailure,
	parseBody,
	scrubSecrets,
	type NetworkFailure,
} from './errors';
import {
	andFilters,
	buildListQuery,
	cond,
	MAX_TAKE,
	type Filter,
	type ListQuery,
	type SortSpec,
} from './query';
import { getPath } from '../core/paths';
import { assertTimeZone } from './time';
import { listPath, recordPath } from './url';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Relative to `<instance>/api/v6/`, e.g. `contacts.json` or `contacts/crm_person_1.json`. */
	path: string;
	qs?: Record<string, string>;
	body?: object;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Resolves with any HTTP status; rejects only when no response arrived (network failure). */
export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

export type DaktelaRecord = Record<string, unknown>;

export interface RetryEvent {
	method: HttpMethod;
	path: string;
	/** The attempt that failed (1-based). */
	attempt: number;
	delayMs: number;
	status?: number;
	code?: string;
	reason: 'rateLimit' | 'server' | 'network';
}

export interface DaktelaClientOptions {
	/** IANA zone of the instance; Date filter values are sent as wall time in it. */
	timeZone: string;
	/** Retries after the first attempt (default 5, so at most 6 attempts). */
	maxRetries?: number;
	/** First backoff step (default 300 ms). */
	baseDelayMs?: number;
	/** Largest single wait, also the cap on Retry-After (default 30 000 ms). */
	maxDelayMs?: number;
	/** Requests in flight at once, across all calls on this client (default 5). */
	concurrency?: number;
	/**
	 * How to wait between attempts. Node code cannot use timers: shared/n8n/client.ts passes n8n-workflow's
	 * `sleep`. Without it the client retries without waiting.
	 */
	sleep?: (ms: number) => Promise<void>;
	/** [0, 1) source for the jitter (default Math.random). */
	random?: () => number;
	/** Clock for HTTP-date Retry-After values (default Date.now). */
	now?: () => number;
	/** Strings that must never appear in an error (the access token). */
	secrets?: string[];
	/** Default page size of listAll (default and maximum 1000). */
	pageSize?: number;
	onRetry?: (event: RetryEvent) => void;
}

export interface ListPage<T = DaktelaRecord> {
	data: T[];
	total: number;
}

export interface PageProgress {
	/** 1-based number of the list request just answered. */
	page: number;
	/** Records in this response. */
	received: number;
	/** Records handed out so far (after de-duplication and the limit). */
	yielded: number;
	/** Records matching the caller's query, from the first page. */
	total: number;
	/** How this page was requested. */
	mode: 'keyset' | 'offset';
}

export interface ListAllOptions {
	/** Stop after this many records. */
	limit?: number;
	/** Records per request (default 1000, at most 1000). */
	pageSize?: number;
	/** Unique key appended as the final sort key (default `name`). */
	keyField?: string;
	/** `keyset` (default) or `offset` (plain skip/take with de-duplication). */
	paging?: 'keyset' | 'offset';
	onPage?: (progress: PageProgress) => void;
}

export interface CreateOutcome<T = DaktelaRecord> {
	record: T;
	/** True when a retried create found its own earlier attempt had landed. */
	recovered: boolean;
	attempts: number;
}

export interface WhoIm {
	user: DaktelaRecord | null;
	version?: string;
	[key: string]: unknown;
}

type RetryMode = 'idempotent' | 'postNamed' | 'postUnnamed';

interface ExecuteOptions {
	mode: RetryMode;
	/** DELETE: a 404 after an ambiguous failure means an earlier attempt did the job. */
	notFoundIsDoneAfterAmbiguity?: boolean;
	/** POST with name: look the record up after an ambiguous failure. */
	verify?: () => Promise<DaktelaRecord | undefined>;
}

interface ExecuteResult {
	body: unknown;
	status: number;
	attempts: number;
	recovered?: DaktelaRecord;
}

const DEFAULTS = {
	maxRetries: 5,
	baseDelayMs: 300,
	maxDelayMs: 30_000,
	concurrency: 5,
};

function headerValue(
	headers: HttpResponse['headers'] | undefined,
	name: string,
): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined) continue;
		return Array.isArray(value) ? value[0] : String(value);
	}
	return undefined;
}

/** Retry-After in ms: delta-seconds (decimals tolerated) or an HTTP date; undefined if absent/bad. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (!trimmed) return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

function isRetryableStatus(status: number): boolean {
	return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Comparable scalar for a keyset filter, or undefined when the value cannot be filtered on. */
function keyValue(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * The filter selecting every record after `last` in `sort` order:
 * OR over i of (k1 = v1 AND ... AND k(i-1) = v(i-1) AND ki >/< vi).
 */
export function keysetFilter(last: DaktelaRecord, sort: SortSpec[]): Filter | undefined {
	const values: string[] = [];
	for (const s of sort) {
		const v = keyValue(getPath(last, s.field));
		if (v === undefined) return undefined;
		values.push(v);
	}
	const branches: Filter[] = sort.map((s, i) => {
		const after = cond(s.field, s.dir === 'desc' ? 'lt' : 'gt', values[i]);
		if (i === 0) return after;
		const equal = sort.slice(0, i).map((p, j) => cond(p.field, 'eq', values[j]));
		return { logic: 'and', filters: [...equal, after] };
	});
	return branches.length === 1 ? branches[0] : { logic: 'or', filters: branches };
}

/** Same record as sent? Compares what was sent with what came back (relations by name). */
function matchesSent(sent: DaktelaRecord, got: DaktelaRecord): boolean {
	const same = (a: unknown, b: unknown, depth: number): boolean => {
		if (b === undefined) return true; // not echoed: nothing to compare
		if (a === null || a === undefined) return b === null || b === '' || b === undefined;
		if (typeof a !== 'object') {
			if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
				return String(a) === String((b as DaktelaRecord).name); // expanded relation
			}
			return String(a).trim() === String(b ?? '').trim();
		}
		if (depth > 3) return true;
		if (Array.isArray(a)) {
			if (!Array.isArray(b)) return a.length === 1 && same(a[0], b, depth + 1);
			return a.length === b.length && a.every((v, i) => same(v, b[i], depth + 1));
		}
		if (b === null || typeof b !== 'object') return false;
		return Object.entries(a as DaktelaRecord).every(([k, v]) =>
			same(v, (b as DaktelaRecord)[k], depth + 1),
		);
	};
	return Object.entries(sent).every(([k, v]) => same(v, got[k], 0));
}

function listResult<T>(body: unknown): ListPage<T> {
	const result =
		body && typeof body === 'object' ? (body as Record<string, unknown>).result : undefined;
	const raw =
		result && typeof result === 'object' ? (result as Record<string, unknown>).data : undefined;
	// Defensive: some Daktela versions return `data` keyed by name instead of as an array.
	const data = (
		Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : []
	) as T[];
	const totalRaw =
		result && typeof result === 'object' ? (result as Record<string, unknown>).total : undefined;
	const total = Number(totalRaw);
	return { data, total: totalRaw === undefined || Number.isNaN(total) ? Number.NaN : total };
}

function resultOf<T>(body: unknown): T {
	if (body && typeof body === 'object' && 'result' in (body as object)) {
		return (body as { result: T }).result;
	}
	return body as T;
}

/**
 * listAll's page size, limit, sort (the user's, ended by the unique key) and fields (the sort keys
 * added when a field list is given: they build the next keyset filter, and are stripped again).
 */
function pagingPlan(query: ListQuery, options: ListAllOptions, defaultPageSize: number) {
	const keyField = options.keyField ?? 'name';
	const pageSize = Math.min(MAX_TAKE, Math.max(1, Math.floor(options.pageSize ?? defaultPageSize)));
	const limit = options.limit === undefined ? undefined : Math.max(0, Math.floor(options.limit));
	const userSort = query.sort ?? [];
	const keyIndex = userSort.findIndex((s) => s.field === keyField);
	// The unique key ends the sort: keys after it never decide anything.
	const sort: SortSpec[] =
		keyIndex >= 0
			? userSort.slice(0, keyIndex + 1)
			: [...userSort, { field: keyField, dir: 'asc' }];
	// The sort keys must come back to build the next keyset filter; strip the ones we added.
	const selected = query.fields ?? [];
	const extraFields = selected.length
		? [...new Set(sort.map((s) => s.field.split('.')[0]))].filter((f) => !selected.includes(f))
		: [];
	const fields = selected.length ? [...selected, ...extraFields] : query.fields;
	return { keyField, pageSize, limit, sort, extraFields, fields };
}

/** The records of a page not handed out before (by key), without the fields listAll added. */
function freshRecords<T extends DaktelaRecord>(
	data: T[],
	keyField: string,
	seen: Set<string>,
	extraFields: string[],
): T[] {
	const fresh: T[] = [];
	for (const record of data) {
		const key = keyValue(getPath(record, keyField));
		if (key !== undefined) {
			if (seen.has(key)) continue;
			seen.add(key);
		}
		if (extraFields.length) {
			const copy = { ...record } as DaktelaRecord;
			for (const f of extraFields) delete copy[f];
			fresh.push(copy as T);
		} else {
			fresh.push(record);
		}
	}
	return fresh;
}

export class DaktelaClient {
	private readonly send: HttpSend;

	private readonly limit: ReturnType<typeof pLimit>;

	private readonly timeZone: string;

	private readonly maxRetries: number;

	private readonly baseDelayMs: number;

	private readonly maxDelayMs: number;

	private readonly pageSize: number;

	private readonly sleep: (ms: number) => Promise<void>;

	private readonly random: () => number;

	private readonly now: () => number;

	private readonly secrets: string[];

	private readonly onRetry?: (event: RetryEvent) => void;

	/** Requests in flight at most, across all calls on this client. */
	readonly concurrency: number;

	constructor(send: HttpSend, options: DaktelaClientOptions) {
		assertTimeZone(options.timeZone);
		this.send = send;
		this.timeZone = options.timeZone.trim();
		this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULTS.maxRetries));
		this.baseDelayMs = Math.max(0, options.baseDelayMs ?? DEFAULTS.baseDelayMs);
		this.maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULTS.maxDelayMs);
		this.pageSize = Math.min(MAX_TAKE, Math.max(1, Math.floor(options.pageSize ?? MAX_TAKE)));
		const concurrency = Math.floor(options.concurrency ?? DEFAULTS.concurrency);
		this.concurrency = Number.isFinite(concurrency)
			? Math.max(1, concurrency)
			: DEFAULTS.concurrency;
		this.limit = pLimit(this.concurrency);
		this.sleep = options.sleep ?? (async () => {});
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
		this.secrets = (options.secrets ?? []).filter((s) => typeof s === 'string' && s.length > 0);
		this.onRetry = options.onRetry;
	}

	/** The instance time zone this client converts Date filter values with. */
	get instanceTimeZone(): string {
		return this.timeZone;
	}

	/** One page: `{ data, total }` (total = records matching the filter, not just this page). */
	async list<T = DaktelaRecord>(endpoint: string, query: ListQuery = {}): Promise<ListPage<T>> {
		const page = await this.fetchPage<T>(endpoint, query);
		return { data: page.data, total: Number.isNaN(page.total) ? page.data.length : page.total };
	}

	/** One page with `total` NaN when Daktela did not send one. */
	private async fetchPage<T>(endpoint: string, query: ListQuery): Promise<ListPage<T>> {
		const qs = buildListQuery(query, { timeZone: this.timeZone });
		const { body } = await this.execute(
			{ method: 'GET', path: listPath(endpoint), qs },
			{ mode: 'idempotent' },
		);
		return listResult<T>(body);
	}

	/** Number of records matching `filter`, with one tiny request. */
	async count(endpoint: string, filter?: ListQuery['filter']): Promise<number> {
		return (await this.list(endpoint, { filter, fields: ['name'], take: 1 })).total;
	}

	/**
	 * Every record matching `query`, page by page, in a stable order, never dropping or repeating a
	 * record (see the paging notes at the top of this file). `query.skip` is honoured once, at the
	 * start; `query.take` is ignored in favour of `options.pageSize`.
	 */
	async *listAll<T extends DaktelaRecord = DaktelaRecord>(
		endpoint: string,
		query: ListQuery = {},
		options: ListAllOptions = {},
	): AsyncGenerator<T[], void, undefined> {
		const { keyField, pageSize, limit, sort, extraFields, fields } = pagingPlan(
			query,
			options,
			this.pageSize,
		);

		let anchor: Filter | undefined;
		let skip = query.skip ?? 0;
		const keyset = options.paging !== 'offset';
		let yielded = 0;
		let page = 0;
		let firstTotal: number | undefined;
		const seen = new Set<string>();

		while (limit === undefined || yielded < limit) {
			const take = limit === undefined ? pageSize : Math.min(pageSize, limit - yielded);
			const filter = anchor ? andFilters(query.filter, anchor) : query.filter;
			// Positioned by the keyset alone, or counted on with skip from the last anchor.
			const mode: PageProgress['mode'] = keyset && (page === 0 || skip === 0) ? 'keyset' : 'offset';
			const { data, total } = await this.fetchPage<T>(endpoint, {
				...query,
				filter,
				sort,
				fields,
				skip,
				take,
			});
			page++;
			if (firstTotal === undefined) firstTotal = Number.isNaN(total) ? data.length : total;

			const fresh = freshRecords(data, keyField, seen, extraFields);
			if (mode === 'keyset' && anchor && data.length && !fresh.length) {
				// Every record of a keyset page was seen before: the server ignored the filter.
				// Going on would loop; stopping would drop records. Say so.
				throw new DaktelaApiError(
					`Paging ${endpoint} made no progress: Daktela ignored the "${keyField} > ..." filter. Try paging: 'offset'.`,
					{ kind: 'unknown', method: 'GET', path: listPath(endpoint) },
				);
			}
			const handed = limit === undefined ? fresh : fresh.slice(0, limit - yielded);
			yielded += handed.length;
			options.onPage?.({
				page,
				received: data.length,
				yielded,
				total: firstTotal,
				mode,
			});
			if (handed.length) yield handed;

			const consumed = skip + data.length;
			// `total` counts what matches this request's filter (the keyset included), so it also
			// tells us whether the server shortened the page below `take` (a server-side cap).
			// Without a total (not seen from Daktela, but cheap to survive) a short page ends it.
			const done =
				data.length === 0 || (Number.isNaN(total) ? data.length < take : consumed >= total);
			if (done) return;
			const next = keyset ? keysetFilter(data[data.length - 1], sort) : undefined;
			if (next) {
				anchor = next;
				skip = 0;
			} else {
				// Fall back for this boundary: count on from the last anchor (or the start).
				skip = consumed;
			}
		}
	}

	/** listAll, collected into one array. */
	async listAllRecords<T extends DaktelaRecord = DaktelaRecord>(
		endpoint: string,
		query: ListQuery = {},
		options: ListAllOptions = {},
	): Promise<T[]> {
		const out: T[] = [];
		for await (const page of this.listAll<T>(endpoint, query, options)) out.push(...page);
		return out;
	}

	/** One record by name; DaktelaApiError kind 'notFound' on 404. */
	async get<T = DaktelaRecord>(endpoint: string, name: string): Promise<T> {
		const { body } = await this.execute(
			{ method: 'GET', path: recordPath(endpoint, name) },
			{ mode: 'idempotent' },
		);
		return resultOf<T>(body);
	}

	/** One record by name, or undefined when it does not exist. */
	async find<T = DaktelaRecord>(endpoint: string, name: string): Promise<T | undefined> {
		let failure: unknown;
		try {
			return await this.get<T>(endpoint, name);
		} catch (error) {
			if (error instanceof DaktelaApiError && error.kind === 'notFound') return undefined;
			failure = error;
		}
		throw failure;
	}

	/** POST a new record and return it as Daktela stored it. */
	async create<T = DaktelaRecord>(endpoint: string, record: DaktelaRecord): Promise<T> {
		return (await this.createDetailed<T>(endpoint, record)).record;
	}

	/** create(), also telling whether a retry found the first attempt had landed. */
	async createDetailed<T = DaktelaRecord>(
		endpoint: string,
		record: DaktelaRecord,
	): Promise<CreateOutcome<T>> {
		const name = typeof record.name === 'string' && record.name.length ? record.name : undefined;
		const verify = name
			? async () => {
					const existing = await this.find<DaktelaRecord>(endpoint, name);
					if (existing === undefined) return undefined;
					if (!matchesSent(record, existing)) {
						throw new DaktelaApiError(
							`name: a record named "${name}" already exists and differs from the one being created, so it was not created again`,
							{
								kind: 'validation',
								httpCode: 409,
								field: 'name',
								method: 'POST',
								path: listPath(endpoint),
							},
						);
					}
					return existing;
				}
			: undefined;
		const result = await this.execute(
			{ method: 'POST', path: listPath(endpoint), body: record },
			{ mode: name ? 'postNamed' : 'postUnnamed', verify },
		);
		if (result.recovered) {
			return { record: result.recovered as T, recovered: true, attempts: result.attempts };
		}
		return { record: resultOf<T>(result.body), recovered: false, attempts: result.attempts };
	}

	/** PUT changed fields of a record and return it as Daktela stored it. */
	async update<T = DaktelaRecord>(
		endpoint: string,
		name: string,
		patch: DaktelaRecord,
	): Promise<T> {
		const { body } = await this.execute(
			{ method: 'PUT', path: recordPath(endpoint, name), body: patch },
			{ mode: 'idempotent' },
		);
		return resultOf<T>(body);
	}

	/** DELETE a record; 'notFound' if it never existed. */
	async delete(endpoint: string, name: string): Promise<void> {
		await this.execute(
			{ method: 'DELETE', path: recordPath(endpoint, name) },
			{ mode: 'idempotent', notFoundIsDoneAfterAmbiguity: true },
		);
	}

	/**
	 * The token's user and the Daktela version. `user` is null for a missing or unknown token (Daktela
	 * answers 200 either way). The token Daktela echoes in `user._sys.accessToken` is removed.
	 */
	async whoim(): Promise<WhoIm> {
		const { body } = await this.execute(
			{ method: 'GET', path: 'whoim.json' },
			{ mode: 'idempotent' },
		);
		const result = resultOf<WhoIm | null>(body);
		// whoim echoes the caller's own token in user._sys.accessToken: never hand it out.
		const user = result?.user ? { ...result.user } : null;
		if (user && user._sys && typeof user._sys === 'object') {
			const sys = { ...(user._sys as DaktelaRecord) };
			delete sys.accessToken;
			user._sys = sys;
		}
		return scrubSecrets({ ...(result ?? {}), user }, this.secrets);
	}

	/**
	 * Escape hatch for endpoints without a helper (relations such as `contacts/x/activities.json`).
	 * Returns the envelope's `result`. POSTs follow the unnamed-create retry rules.
	 */
	async request<T = unknown>(req: HttpRequest): Promise<T> {
		const { body } = await this.execute(req, {
			mode: req.method === 'POST' ? 'postUnnamed' : 'idempotent',
		});
		return resultOf<T>(body);
	}

	private backoff(retryIndex: number): number {
		const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retryIndex);
		const r = Math.min(Math.max(this.random(), 0), 1);
		return Math.floor(r * ceiling);
	}

	private async wait(event: RetryEvent): Promise<void> {
		this.onRetry?.(event);
		await this.sleep(event.delayMs);
	}

	private networkError(
		req: HttpRequest,
		failure: NetworkFailure,
		attempts: number,
	): DaktelaApiError {
		const detail = scrubSecrets(failure.message, this.secrets);
		const message =
			detail && detail !== failure.code
				? `Could not reach Daktela (${failure.code}): ${detail}`
				: `Could not reach Daktela (${failure.code})`;
		return new DaktelaApiError(message, {
			kind: 'network',
			code: failure.code,
			method: req.method,
			path: req.path,
			attempts,
		});
	}

	/** One HTTP attempt through the concurrency limiter; a rejection comes back as a value. */
	private async attempt(
		req: HttpRequest,
	): Promise<{ response: HttpResponse } | { thrown: unknown }> {
		try {
			return { response: await this.limit(() => this.send(req)) };
		} catch (thrown) {
			return { thrown };
		}
	}

	/** The retry loop around one logical request. */
	private async execute(req: HttpRequest, options: ExecuteOptions): Promise<ExecuteResult> {
		let ambiguous = false;
		for (let attempt = 1; ; attempt++) {
			const canRetry = attempt <= this.maxRetries;
			const outcome = await this.attempt(req);
			if ('thrown' in outcome) {
				const failure = networkFailure(outcome.thrown);
				// A bug or a cancelled execution, not the network: not ours to retry or rename.
				if (!failure) throw outcome.thrown;
				const landed = !failure.nothingSent;
				if (landed && req.method === 'POST') {
					if (options.verify) {
						const found = await options.verify();
						if (found) return { body: undefined, status: 201, attempts: attempt, recovered: found };
					} else {
						// Unnamed POST: the server may have created it; retrying could duplicate.
						throw this.networkError(req, failure, attempt);
					}
				}
				if (!failure.retryable || !canRetry) throw this.networkError(req, failure, attempt);
				ambiguous = ambiguous || landed;
				await this.wait({
					method: req.method,
					path: req.path,
					attempt,
					delayMs: this.backoff(attempt - 1),
					code: failure.code,
					reason: 'network',
				});
				continue;
			}

			const { response } = outcome;
			const status = response.statusCode;
			const body = parseBody(response.body);
			const retryAfterMs =
				status === 429 || status === 503
					? parseRetryAfter(headerValue(response.headers, 'retry-after'), this.now())
					: undefined;
			const error = errorFromResponse(status, body, {
				method: req.method,
				path: req.path,
				attempts: attempt,
				secrets: this.secrets,
				retryAfterMs,
			});
			if (!error) return { body, status, attempts: attempt };

			if (error.kind === 'notFound' && ambiguous && options.notFoundIsDoneAfterAmbiguity) {
				return { body: undefined, status, attempts: attempt };
			}
			if (!isRetryableStatus(status)) throw error;
			const mayHaveLanded = status !== 429;
			if (mayHaveLanded && req.method === 'POST') {
				if (!options.verify) throw error;
				const found = await options.verify();
				if (found) return { body: undefined, status: 201, attempts: attempt, recovered: found };
			}
			if (!canRetry) throw error;
			ambiguous = ambiguous || mayHaveLanded;
			const delayMs =
				retryAfterMs !== undefined
					? Math.min(retryAfterMs, this.maxDelayMs)
					: this.backoff(attempt - 1);
			await this.wait({
				method: req.method,
				path: req.path,
				attempt,
				delayMs,
				status,
				reason: status === 429 ? 'rateLimit' : 'server',
			});
		}
	}
}
