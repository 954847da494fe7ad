import { DaktelaInputError } from '../nodes/shared/transport/errors';
import {
	assertTimeZone,
	fromDaktelaTime,
	fromDaktelaTimeOrNull,
	isDaktelaTime,
	toDaktelaTime,
	toInstant,
} from '../nodes/shared/transport/time';

const PRAGUE = 'Europe/Prague';

describe('fromDaktelaTime: Daktela wall time -> ISO 8601 with offset', () => {
	it('adds the zone offset in winter and in summer', () => {
		expect(fromDaktelaTime('2026-01-15 10:00:00', PRAGUE)).toBe('2026-01-15T10:00:00+01:00');
		expect(fromDaktelaTime('2026-07-01 10:00:00', PRAGUE)).toBe('2026-07-01T10:00:00+02:00');
		expect(fromDaktelaTime('2026-07-01 10:00:00', 'UTC')).toBe('2026-07-01T10:00:00+00:00');
		expect(fromDaktelaTime('2026-07-01 10:00:00', 'Asia/Kolkata')).toBe(
			'2026-07-01T10:00:00+05:30',
		);
		expect(fromDaktelaTime('2026-07-01 10:00:00', 'America/New_York')).toBe(
			'2026-07-01T10:00:00-04:00',
		);
	});

	it('reads a time in the spring gap with the offset before the gap (moves it forward)', () => {
		// 2026-03-29 02:00 CET -> 03:00 CEST: 02:30 never happens in Prague.
		expect(fromDaktelaTime('2026-03-29 02:30:00', PRAGUE)).toBe('2026-03-29T03:30:00+02:00');
		expect(fromDaktelaTime('2026-03-29 02:00:00', PRAGUE)).toBe('2026-03-29T03:00:00+02:00');
		expect(fromDaktelaTime('2026-03-29 01:59:59', PRAGUE)).toBe('2026-03-29T01:59:59+01:00');
		expect(fromDaktelaTime('2026-03-29 03:00:00', PRAGUE)).toBe('2026-03-29T03:00:00+02:00');
		// New York, 2026-03-08 02:00 -> 03:00
		expect(fromDaktelaTime('2026-03-08 02:15:00', 'America/New_York')).toBe(
			'2026-03-08T03:15:00-04:00',
		);
		// A half-hour gap (Lord Howe, 2026-10-04 02:00 -> 02:30)
		expect(fromDaktelaTime('2026-10-04 02:10:00', 'Australia/Lord_Howe')).toBe(
			'2026-10-04T02:40:00+11:00',
		);
	});

	it('reads a time in the autumn overlap as the earlier instant, in every zone', () => {
		// 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens at +02:00 and again at +01:00.
		expect(fromDaktelaTime('2026-10-25 02:30:00', PRAGUE)).toBe('2026-10-25T02:30:00+02:00');
		expect(fromDaktelaTime('2026-10-25 01:59:59', PRAGUE)).toBe('2026-10-25T01:59:59+02:00');
		expect(fromDaktelaTime('2026-10-25 03:00:00', PRAGUE)).toBe('2026-10-25T03:00:00+01:00');
		expect(fromDaktelaTime('2026-11-01 01:30:00', 'America/New_York')).toBe(
			'2026-11-01T01:30:00-04:00',
		);
		// Lord Howe: 2026-04-05 02:00 +11 -> 01:30 +10:30
		expect(fromDaktelaTime('2026-04-05 01:45:00', 'Australia/Lord_Howe')).toBe(
			'2026-04-05T01:45:00+11:00',
		);
	});

	it('accepts HH:MM and a date alone', () => {
		expect(fromDaktelaTime('2026-07-01 10:05', PRAGUE)).toBe('2026-07-01T10:05:00+02:00');
		expect(fromDaktelaTime('2026-07-01', PRAGUE)).toBe('2026-07-01T00:00:00+02:00');
	});

	it('refuses impossible or malformed values with a clear error', () => {
		for (const bad of [
			'2026-02-30 10:00:00',
			'2026-13-01 00:00:00',
			'2026-07-01 24:00:00',
			'yesterday',
			'',
			'01.07.2026 10:00',
		]) {
			expect(() => fromDaktelaTime(bad, PRAGUE)).toThrow(DaktelaInputError);
			expect(() => fromDaktelaTime(bad, PRAGUE)).toThrow(/expected YYYY-MM-DD HH:MM:SS/);
		}
	});

	it('maps empty and zero dates to null in the nullable variant', () => {
		expect(fromDaktelaTimeOrNull(null, PRAGUE)).toBeNull();
		expect(fromDaktelaTimeOrNull('', PRAGUE)).toBeNull();
		expect(fromDaktelaTimeOrNull('0000-00-00 00:00:00', PRAGUE)).toBeNull();
		expect(fromDaktelaTimeOrNull('2026-07-01 10:00:00', PRAGUE)).toBe('2026-07-01T10:00:00+02:00');
		expect(() => fromDaktelaTimeOrNull(5, PRAGUE)).toThrow(DaktelaInputError);
	});
});

describe('toDaktelaTime: anything time-like -> Daktela wall time', () => {
	it('converts instants with any offset into the instance zone', () => {
		expect(toDaktelaTime('2026-07-01T08:00:00Z', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01T10:00:00+02:00', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01T04:00:00-04:00', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01T08:00:00.999Z', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01 08:00:00+00:00', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime(new Date('2026-01-15T09:00:00Z'), PRAGUE)).toBe('2026-01-15 10:00:00');
		expect(toDaktelaTime(Date.UTC(2026, 0, 15, 9), PRAGUE)).toBe('2026-01-15 10:00:00');
	});

	it('gives the two instants of an overlap the same wall time (the format has no offset)', () => {
		expect(toDaktelaTime('2026-10-25T00:30:00Z', PRAGUE)).toBe('2026-10-25 02:30:00');
		expect(toDaktelaTime('2026-10-25T01:30:00Z', PRAGUE)).toBe('2026-10-25 02:30:00');
	});

	it('reads times without an offset as wall time in the instance zone', () => {
		expect(toDaktelaTime('2026-07-01 10:00:00', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01T10:00:00', PRAGUE)).toBe('2026-07-01 10:00:00');
		expect(toDaktelaTime('2026-07-01', PRAGUE)).toBe('2026-07-01 00:00:00');
		// A wall time in the spring gap comes back moved forward, as fromDaktelaTime reads it.
		expect(toDaktelaTime('2026-03-29 02:30:00', PRAGUE)).toBe('2026-03-29 03:30:00');
	});

	it('refuses invalid input and unknown zones with a clear error', () => {
		expect(() => toDaktelaTime('not a date', PRAGUE)).toThrow(/Invalid date: "not a date"/);
		expect(() => toDaktelaTime('2026-07-01T25:00:00Z', PRAGUE)).toThrow(DaktelaInputError);
		expect(() => toDaktelaTime(new Date(Number.NaN), PRAGUE)).toThrow(/invalid Date/);
		expect(() => toDaktelaTime('2026-07-01 10:00:00', 'Mars/Olympus')).toThrow(
			/Unknown time zone "Mars\/Olympus"/,
		);
		expect(() => assertTimeZone('')).toThrow(DaktelaInputError);
	});

	it('checks each zone name once but answers the same on every call', () => {
		// Zone validity is cached per name: an unknown zone must keep failing, a known one keep working.
		for (let i = 0; i < 3; i++) {
			expect(() => fromDaktelaTime('2026-07-01 10:00:00', 'Mars/Olympus')).toThrow(
				/Unknown time zone "Mars\/Olympus"/,
			);
			expect(fromDaktelaTime('2026-07-01 10:00:00', ` ${PRAGUE} `)).toBe(
				'2026-07-01T10:00:00+02:00',
			);
			expect(fromDaktelaTime('2026-07-01 10:00:00', PRAGUE)).toBe('2026-07-01T10:00:00+02:00');
		}
		expect(() => assertTimeZone(undefined as unknown as string)).toThrow(DaktelaInputError);
	});
});

describe('round trips', () => {
	it('Daktela -> ISO -> Daktela is the identity for every hour of a DST year, except gap hours', () => {
		let checked = 0;
		for (
			let ms = Date.UTC(2026, 0, 1);
			ms < Date.UTC(2027, 0, 1);
			ms += 3_600_000 * 7 + 60_000 * 13
		) {
			const wall = toDaktelaTime(ms, PRAGUE);
			expect(toDaktelaTime(fromDaktelaTime(wall, PRAGUE), PRAGUE)).toBe(wall);
			checked++;
		}
		expect(checked).toBeGreaterThan(1000);
	});

	it('ISO -> Daktela -> ISO keeps the instant outside the overlap hour', () => {
		for (const iso of [
			'2026-03-29T01:59:59+01:00',
			'2026-03-29T03:00:00+02:00',
			'2026-10-25T02:30:00+02:00',
			'2026-12-31T23:59:59+01:00',
		]) {
			expect(toInstant(fromDaktelaTime(toDaktelaTime(iso, PRAGUE), PRAGUE), PRAGUE)).toBe(
				toInstant(iso, PRAGUE),
			);
		}
	});

	it('recognises Daktela-format strings', () => {
		expect(isDaktelaTime('2026-07-01 10:00:00')).toBe(true);
		expect(isDaktelaTime('2026-07-01T10:00:00')).toBe(false);
		expect(isDaktelaTime('2026-02-30 10:00:00')).toBe(false);
		expect(isDaktelaTime(null)).toBe(false);
	});
});
