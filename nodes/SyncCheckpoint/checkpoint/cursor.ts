/**
 * Cursor values: normalisation of the times sources send, the (time, record id) order and the
 * formats the `since` value is handed out in.
 *
 * PURE: imports nothing from n8n. Times are epoch milliseconds inside the core and ISO 8601 UTC in
 * stored state and outputs. Values without an offset (Daktela's `YYYY-MM-DD HH:MM:SS`, ISO without
 * `Z`) are wall times in a time zone; the Daktela transport's time module owns that conversion and
 * its DST policy (an ambiguous wall time reads as the EARLIER instant, which for a cursor errs on
 * the side of reading a record again rather than skipping it).
 */
import { assertTimeZone, toDaktelaTime, toInstant } from '../../shared/transport/time';

import { CheckpointError } from './errors';

/** How Get hands out `since`: whatever the source's "modified since" filter accepts. */
export type SinceFormat = 'iso' | 'daktela' | 'unixMs' | 'unixSeconds';

export const SINCE_FORMATS: readonly SinceFormat[] = ['iso', 'daktela', 'unixMs', 'unixSeconds'];

/** A position in the source's order. Records are ordered by time, then by id. */
export interface CursorPoint {
	time: number;
	id: string;
}

/** Numbers below this are epoch seconds (up to year 5138), above it epoch milliseconds. */
const SECONDS_BELOW = 1e11;
/** JavaScript Date range; anything outside cannot be an ISO string. */
const MAX_MS = 8.64e15;

function describe(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

function checkedMs(ms: number, original: unknown): number {
	if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) {
		throw new CheckpointError('invalidTime', `Cursor value ${describe(original)} is not a date`);
	}
	return Math.trunc(ms);
}

/** Throws CheckpointError unless `timeZone` is an IANA zone name. */
export function checkTimeZone(timeZone: string): string {
	let problem: string | undefined;
	try {
		assertTimeZone(timeZone);
	} catch (error) {
		problem = (error as Error).message;
	}
	if (problem !== undefined) throw new CheckpointError('invalidOption', problem);
	return timeZone.trim();
}

/**
 * A source's cursor value -> epoch ms. Accepts ISO 8601 with an offset or Z, ISO 8601 or Daktela
 * `YYYY-MM-DD HH:MM:SS` without an offset (read in `timeZone`), a date alone (midnight in
 * `timeZone`), epoch seconds or milliseconds (numbers, or strings of 10+ digits), a Date and
 * anything with `toMillis()` (luxon DateTime, as n8n's `$now`).
 */
export function toEpochMs(value: unknown, timeZone: string): number {
	if (value === null || value === undefined || (typeof value === 'string' && !value.trim())) {
		throw new CheckpointError('invalidTime', 'Cursor value is empty');
	}
	if (typeof value === 'number') {
		return checkedMs(Math.abs(value) < SECONDS_BELOW ? value * 1000 : value, value);
	}
	if (value instanceof Date) return checkedMs(value.getTime(), value);
	if (
		typeof value === 'object' &&
		typeof (value as { toMillis?: unknown }).toMillis === 'function'
	) {
		return checkedMs((value as { toMillis(): number }).toMillis(), value);
	}
	if (typeof value !== 'string') {
		throw new CheckpointError('invalidTime', `Cursor value ${describe(value)} is not a date`);
	}
	const text = value.trim();
	if (/^\d{10,}$/.test(text)) return toEpochMs(Number(text), timeZone);
	checkTimeZone(timeZone);
	let ms: number | undefined;
	try {
		ms = toInstant(text, timeZone);
	} catch {
		ms = undefined; // reported below, with the accepted formats
	}
	if (ms === undefined) {
		throw new CheckpointError(
			'invalidTime',
			`Cursor value ${describe(value)} is not a date: use ISO 8601, YYYY-MM-DD HH:MM:SS or epoch time`,
		);
	}
	return checkedMs(ms, value);
}

/** Epoch ms -> the ISO 8601 UTC string used in state and outputs (millisecond precision). */
export function toIso(ms: number): string {
	return new Date(ms).toISOString();
}

/** ISO string from state -> epoch ms, or undefined when it is not one. */
export function fromIso(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const ms = Date.parse(value);
	return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The `since` value in the source's format. Second-precision formats round DOWN: with an
 * inclusive (>=) filter that re-reads a record rather than skipping it.
 */
export function formatSince(ms: number, format: SinceFormat, timeZone: string): string | number {
	switch (format) {
		case 'daktela':
			return toDaktelaTime(ms, timeZone);
		case 'unixMs':
			return ms;
		case 'unixSeconds':
			return Math.floor(ms / 1000);
		default:
			return toIso(ms);
	}
}

/** Orders two positions: by time, then by record id (code unit order, as sources sort strings). */
export function compareCursorPoints(a: CursorPoint, b: CursorPoint): number {
	if (a.time !== b.time) return a.time < b.time ? -1 : 1;
	if (a.id === b.id) return 0;
	return a.id < b.id ? -1 : 1;
}

/**
 * A record id from an expression result: non-empty strings (trimmed) and finite numbers; anything
 * else (empty, objects, arrays) is no id.
 */
export function toRecordId(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'string' && value.trim()) return value.trim();
	return undefined;
}
