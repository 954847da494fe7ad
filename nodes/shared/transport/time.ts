/**
 * Daktela times <-> ISO 8601.
 *
 * PURE: imports nothing from n8n. Daktela sends and expects `YYYY-MM-DD HH:MM:SS` with no offset,
 * in the instance time zone (the credential's `timeZone`). n8n works with ISO 8601 instants.
 *
 * DST policy (deterministic, the same as Temporal's `disambiguation: 'compatible'` and java.time):
 * - A wall time that happens twice (autumn overlap, e.g. 2026-10-25 02:30 in Europe/Prague) is read
 *   as the EARLIER instant (the offset before the transition, +02:00). For incremental sync this
 *   errs on the side of reading a record again rather than skipping it.
 * - A wall time that never happens (spring gap, e.g. 2026-03-29 02:30 in Europe/Prague) is read with
 *   the offset in force before the gap, which moves it forward by the gap length: 03:30+02:00.
 * - An instant -> wall time is always unique, but two instants an hour apart in an overlap give the
 *   same Daktela string: Daktela's format cannot tell them apart, nothing can be done about that.
 * luxon alone is not used for the wall-time -> instant step because it picks overlap offsets
 * inconsistently between zones.
 */
import { DateTime, IANAZone } from 'luxon';

import { DaktelaInputError } from './errors';

const DAKTELA_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const ISO_FORMAT = "yyyy-MM-dd'T'HH:mm:ssZZ";
const DAKTELA_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const HAS_OFFSET_RE = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Zone name (as given) -> its luxon zone, or null for a name luxon does not know. Checking a name
 * builds an Intl.DateTimeFormat (0.1-0.2 ms), and every conversion needs the zone, so each name is
 * checked once per process. Names come from credentials, so there are few; the cap only guards
 * against a caller that passes arbitrary strings.
 */
const zones = new Map<string, IANAZone | null>();
const MAX_CACHED_ZONES = 256;

function lookUpZone(timeZone: string): IANAZone | null {
	let zone = zones.get(timeZone);
	if (zone === undefined) {
		const name = timeZone.trim();
		zone = name && IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
		if (zones.size >= MAX_CACHED_ZONES) zones.clear();
		zones.set(timeZone, zone);
	}
	return zone;
}

function zoneOf(timeZone: string): IANAZone {
	const zone = typeof timeZone === 'string' ? lookUpZone(timeZone) : null;
	if (!zone) {
		throw new DaktelaInputError(
			`Unknown time zone "${String(timeZone)}": use an IANA name such as Europe/Prague or UTC`,
		);
	}
	return zone;
}

/** Throws a DaktelaInputError unless `timeZone` is an IANA zone name luxon knows. */
export function assertTimeZone(timeZone: string): void {
	zoneOf(timeZone);
}

interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function parseWallTime(value: string): WallTime | undefined {
	const m = DAKTELA_RE.exec(value.trim());
	if (!m) return undefined;
	const wall: WallTime = {
		year: Number(m[1]),
		month: Number(m[2]),
		day: Number(m[3]),
		hour: Number(m[4] ?? 0),
		minute: Number(m[5] ?? 0),
		second: Number(m[6] ?? 0),
	};
	// Reject impossible calendar values (2026-02-30, 25:00) instead of letting them roll over.
	const probe = new Date(
		Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second),
	);
	if (
		probe.getUTCFullYear() !== wall.year ||
		probe.getUTCMonth() !== wall.month - 1 ||
		probe.getUTCDate() !== wall.day ||
		probe.getUTCHours() !== wall.hour ||
		probe.getUTCMinutes() !== wall.minute ||
		probe.getUTCSeconds() !== wall.second
	) {
		return undefined;
	}
	return wall;
}

/** Wall time in `zone` -> epoch ms, with the DST policy described at the top of this file. */
function wallTimeToInstant(wall: WallTime, zone: IANAZone): number {
	const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
	// Real zones change offset at most once within a day either side of any instant.
	const before = zone.offset(asUtc - DAY);
	const after = zone.offset(asUtc + DAY);
	const candidates = [asUtc - before * MINUTE, asUtc - after * MINUTE].filter(
		(instant, i) => zone.offset(instant) === (i === 0 ? before : after),
	);
	if (candidates.length) return Math.min(...candidates);
	// In a gap: the offset before the transition moves the time forward by the gap length.
	return asUtc - before * MINUTE;
}

function formatIso(instant: number, zone: IANAZone): string {
	return DateTime.fromMillis(instant, { zone }).toFormat(ISO_FORMAT);
}

function describe(input: unknown): string {
	if (input instanceof Date) return 'an invalid Date';
	return JSON.stringify(input) ?? String(input);
}

/**
 * Any supported input -> epoch ms. Accepted: Date, epoch milliseconds, ISO 8601 with offset or Z
 * (an absolute instant), ISO 8601 / Daktela wall time without offset, or a date alone (read as a
 * wall time in the instance zone, midnight for a date).
 */
export function toInstant(input: string | Date | number, timeZone: string): number {
	const zone = zoneOf(timeZone);
	if (input instanceof Date) {
		const ms = input.getTime();
		if (Number.isNaN(ms)) throw new DaktelaInputError('Invalid date: got an invalid Date');
		return ms;
	}
	if (typeof input === 'number') {
		if (!Number.isFinite(input)) throw new DaktelaInputError(`Invalid date: ${describe(input)}`);
		return input;
	}
	if (typeof input !== 'string' || !input.trim()) {
		throw new DaktelaInputError(
			`Invalid date: ${describe(input)}. Use ISO 8601 (2026-03-29T10:00:00+02:00) or YYYY-MM-DD HH:MM:SS`,
		);
	}
	const value = input.trim();
	if (HAS_OFFSET_RE.test(value) && /\d{2}:\d{2}/.test(value)) {
		const parsed = DateTime.fromISO(value.replace(' ', 'T'), { setZone: true });
		if (!parsed.isValid) {
			throw new DaktelaInputError(
				`Invalid date: ${describe(input)} (${parsed.invalidExplanation})`,
			);
		}
		return parsed.toMillis();
	}
	const wall = parseWallTime(value);
	if (!wall) {
		throw new DaktelaInputError(
			`Invalid date: ${describe(input)}. Use ISO 8601 (2026-03-29T10:00:00+02:00) or YYYY-MM-DD HH:MM:SS`,
		);
	}
	return wallTimeToInstant(wall, zone);
}

/**
 * Anything time-like -> `YYYY-MM-DD HH:MM:SS` in the instance zone, for request bodies and filters.
 * A Daktela-format string comes back unchanged except that a time in a DST gap is moved forward.
 */
export function toDaktelaTime(input: string | Date | number, timeZone: string): string {
	const zone = zoneOf(timeZone);
	return DateTime.fromMillis(toInstant(input, timeZone), { zone }).toFormat(DAKTELA_FORMAT);
}

/**
 * Daktela `YYYY-MM-DD HH:MM:SS` (instance zone) -> ISO 8601 with the zone's offset,
 * e.g. `2026-07-01T10:00:00+02:00`. Also accepts `YYYY-MM-DD HH:MM` and `YYYY-MM-DD`.
 */
export function fromDaktelaTime(value: string, timeZone: string): string {
	const zone = zoneOf(timeZone);
	const wall = typeof value === 'string' ? parseWallTime(value) : undefined;
	if (!wall) {
		throw new DaktelaInputError(
			`Invalid Daktela time ${describe(value)}: expected YYYY-MM-DD HH:MM:SS`,
		);
	}
	return formatIso(wallTimeToInstant(wall, zone), zone);
}

/**
 * Like fromDaktelaTime for nullable fields: null, undefined, '' and MySQL's zero date
 * (`0000-00-00 00:00:00`, which Daktela uses for "never") become null.
 */
export function fromDaktelaTimeOrNull(value: unknown, timeZone: string): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value !== 'string') {
		throw new DaktelaInputError(`Invalid Daktela time ${describe(value)}: expected a string`);
	}
	const trimmed = value.trim();
	if (!trimmed || /^0000-00-00(?: 00:00(?::00)?)?$/.test(trimmed)) return null;
	return fromDaktelaTime(trimmed, timeZone);
}

/** True for a string in Daktela's own `YYYY-MM-DD HH:MM:SS` format (valid calendar values). */
export function isDaktelaTime(value: unknown): value is string {
	return (
		typeof value === 'string' &&
		/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) &&
		parseWallTime(value) !== undefined
	);
}
