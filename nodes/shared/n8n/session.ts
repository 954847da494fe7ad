/**
 * n8n glue shared by the operations: the client for this execution, output items with the sync
 * result, failures under Continue On Fail, resource locator values, times in and out.
 *
 * Not pure (it speaks n8n); the decisions live in the pure helpers next to it.
 */
import { type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { DateTime } from 'luxon';

import type { DaktelaClient } from '../transport/client';
import { DaktelaApiError } from '../transport/errors';
import { createDaktelaClient } from './client';
import { errorMessage, RecordError } from '../core/errors';
import type { SyncAction } from '../core/items';
import { fromDaktelaTime, isDaktelaTime, toDaktelaTime } from '../transport/time';
import { type DaktelaRecord, type ToDaktelaTime } from '../core/normalise';
import { isPlainObject } from '../core/objects';

/** The client for this execution plus what the operations need to know about the instance. */
export interface Session {
	client: DaktelaClient;
	/** IANA zone of the Daktela instance (the credential's time zone). */
	timeZone: string;
	/**
	 * Requests in flight at most: the client's limit, which the operations' record pools use too,
	 * so one number ("Max Parallel Requests") governs both and a stopped batch has nothing queued.
	 */
	concurrency: number;
	toDaktelaTime: ToDaktelaTime;
	/** Daktela time -> ISO 8601 with offset (memoised: a batch repeats the same times a lot). */
	toIso: (daktelaTime: string) => string;
}

/**
 * More patient than the client's default (5 retries): a batch of thousands of records meets a
 * rate limit far more often than a single call, and one record given up after a short storm of
 * 429s would fail that item for nothing. Retry-After is still honoured, waits stay capped.
 */
const BATCH_MAX_RETRIES = 10;

/** "Max Parallel Requests": its default and bounds. */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 50;

/** The "Max Parallel Requests" option (`options.concurrency`) as a whole number in 1..50. */
export function concurrencyOf(options: IDataObject): number {
	const value = Math.floor(Number(options.concurrency ?? DEFAULT_CONCURRENCY));
	if (!Number.isFinite(value)) return DEFAULT_CONCURRENCY;
	return Math.min(MAX_CONCURRENCY, Math.max(1, value));
}

/**
 * The session around a client: the Daktela node's operations and the Daktela Trigger's re-fetch
 * both use it, so a record comes out the same whichever of them loaded it. The time zone is the
 * client's (the credential's), so the two can never disagree.
 */
export function createSession(client: DaktelaClient): Session {
	const timeZone = client.instanceTimeZone;
	// A conversion costs tens of microseconds in luxon (zone offsets, formatting) and outputs repeat
	// the same times a lot (one output per item of an upsert key group, relations embedded in each
	// record), so conversions are remembered per session: 10,000 conversions of 3,334 distinct
	// times take about a third of the time.
	const isoCache = new Map<string, string>();
	return {
		client,
		timeZone,
		concurrency: client.concurrency,
		toIso: (value: string) => {
			let iso = isoCache.get(value);
			if (iso === undefined) {
				iso = fromDaktelaTime(value, timeZone);
				if (isoCache.size < 100_000) isoCache.set(value, iso);
			}
			return iso;
		},
		toDaktelaTime: (iso: string) => {
			try {
				return toDaktelaTime(iso, timeZone);
			} catch {
				// Not a time after all (a custom field that only looks like one): keep it as it is.
				return undefined;
			}
		},
	};
}

/**
 * The session of a Daktela node run, on the node's credential. Its concurrency is the operation's
 * "Max Parallel Requests" option (read once, from the first item: one client serves the batch);
 * operations without the option run at the default.
 */
export async function openSession(ctx: IExecuteFunctions): Promise<Session> {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return createSession(
		await createDaktelaClient(ctx, {
			maxRetries: BATCH_MAX_RETRIES,
			concurrency: concurrencyOf(isPlainObject(options) ? options : {}),
		}),
	);
}

/**
 * The output item of a record that failed under Continue On Fail.
 * - Regular output: the input item's fields, plus `error` (n8n's convention) and
 *   `sync: {action: 'failed', name, error}` (what the Sync Checkpoint counts). Reads (`withSync`
 *   false) have no sync result, only `error`.
 * - "Continue (using error output)": `{error, details}` only. n8n routes exactly such items to the
 *   error output and merges the paired input item into them, so the branch sees the input record
 *   plus `error` (which the Sync Checkpoint also counts as failed). An item carrying a NodeApiError
 *   would be routed too, but n8n then replaces its json with `{error}`, losing the input.
 */
export function failedItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	input: INodeExecutionData | undefined,
	name: string,
	error: unknown,
	withSync = true,
): INodeExecutionData {
	const message = errorMessage(error);
	if (ctx.getNode().onError === 'continueErrorOutput') {
		const details: IDataObject = { name, itemIndex };
		if (error instanceof DaktelaApiError) {
			details.kind = error.kind;
			if (error.field) details.field = error.field;
			if (error.httpCode !== undefined) details.httpCode = error.httpCode;
		} else if (error instanceof RecordError && error.field) {
			details.field = error.field;
		}
		return { json: { error: message, details }, pairedItem: { item: itemIndex } };
	}
	return {
		json: withSync
			? { ...(input?.json ?? {}), error: message, sync: { action: 'failed', name, error: message } }
			: { error: message },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Daktela times in a record -> ISO 8601 with the instance offset, at any depth (relations and
 * channel records carry times too). Strings that are not valid Daktela times stay as they are.
 */
export function convertTimes(value: unknown, toIso: (daktelaTime: string) => string): unknown {
	if (typeof value === 'string') return isDaktelaTime(value) ? toIso(value) : value;
	if (Array.isArray(value)) return value.map((v) => convertTimes(v, toIso));
	if (isPlainObject(value)) {
		const out: DaktelaRecord = {};
		for (const [k, v] of Object.entries(value)) out[k] = convertTimes(v, toIso);
		return out;
	}
	return value;
}

export function outputRecord(
	record: DaktelaRecord,
	session: Session,
	isoTimes: boolean,
): IDataObject {
	return (isoTimes ? convertTimes(record, session.toIso) : record) as IDataObject;
}

/** The output item of a written (or deliberately unwritten) record. */
export function syncItem(
	record: DaktelaRecord,
	action: SyncAction,
	name: string,
	itemIndex: number,
	session: Session,
	isoTimes: boolean,
): INodeExecutionData {
	// convertTimes already returns a fresh object: one copy per output item, not two.
	const converted = isoTimes ? convertTimes(record, session.toIso) : undefined;
	const json = (
		isPlainObject(converted) && converted !== record ? converted : { ...record }
	) as IDataObject;
	json.sync = { action, name };
	return { json, pairedItem: { item: itemIndex } };
}

/** A resource locator's value inside a collection (`{__rl: true, mode, value}`) or a plain value. */
export function locatorValue(value: unknown): string {
	if (isPlainObject(value) && '__rl' in value) return locatorValue(value.value);
	if (value === undefined || value === null) return '';
	return String(value).trim();
}

/** A top-level resource locator parameter of item `i`. */
export function readLocator(ctx: IExecuteFunctions, name: string, i: number): string {
	return locatorValue(ctx.getNodeParameter(name, i, '', { extractValue: true }));
}

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (isPlainObject(value)) return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * readLocator for many items: a parameter without an expression has the same value for every
 * item, so it is read once (n8n resolves and copies a parameter on every read, which a batch of
 * 10,000 items pays 10,000 times); one with an expression is read per item.
 */
export function locatorReader(ctx: IExecuteFunctions, name: string): (i: number) => string {
	if (holdsExpression(ctx.getNode().parameters[name])) return (i) => readLocator(ctx, name, i);
	let value: string | undefined;
	return (i) => (value ??= readLocator(ctx, name, i));
}

/**
 * A user-given point in time -> Daktela time in the instance zone. ISO with an offset is an
 * instant; an ISO value without offset (what n8n's date picker gives) or a date alone is read in
 * the workflow's time zone; a Daktela-style "YYYY-MM-DD HH:MM:SS" is read as instance time.
 */
export function userTimeToDaktela(
	value: unknown,
	workflowTimeZone: string,
	session: Session,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return toDaktelaTime(value, session.timeZone);
	if (DateTime.isDateTime(value)) return toDaktelaTime(value.toJSDate(), session.timeZone);
	const text = String(value).trim();
	if (isDaktelaTime(text)) return text;
	const hasOffset = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(text) && /T\d{2}:\d{2}/.test(text);
	// A date alone is ISO without offset too: midnight in the workflow's time zone.
	if (!hasOffset && /^\d{4}-\d{2}-\d{2}(?:T|$)/.test(text)) {
		const local = DateTime.fromISO(text, { zone: workflowTimeZone });
		if (local.isValid) return toDaktelaTime(local.toMillis(), session.timeZone);
	}
	return toDaktelaTime(text, session.timeZone);
}
