/**
 * PHP date formats for `date_format`, on luxon: `format()` is PHP's `DateTimeInterface::format`,
 * `createFromFormat()` is `DateTimeImmutable::createFromFormat` (with its rules for fields the
 * format does not mention), and `parseAnyDate()` is the subset of `new DateTimeImmutable($text)`
 * that CRMs send (ISO 8601, SQL, RFC 2822, "January 15, 2025", 15.01.2025, 01/15/2025, @unix,
 * now/today/tomorrow/yesterday).
 */
import { DateTime, IANAZone } from 'luxon';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December',
];

const pad = (n: number, width: number) => {
	const s = String(Math.abs(Math.trunc(n))).padStart(width, '0');
	return n < 0 ? `-${s}` : s;
};

function offsetString(minutes: number, colon: boolean): string {
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	return `${sign}${pad(Math.floor(abs / 60), 2)}${colon ? ':' : ''}${pad(abs % 60, 2)}`;
}

function zoneIdentifier(dt: DateTime): string {
	if (dt.zone.type === 'iana') return dt.zoneName ?? 'UTC';
	if (dt.offset === 0 && dt.zoneName === 'UTC') return 'UTC';
	return offsetString(dt.offset, true);
}

function zoneAbbreviation(dt: DateTime): string {
	if (dt.zone.type !== 'iana') return dt.offset === 0 ? 'UTC' : offsetString(dt.offset, true);
	for (const locale of ['en-US', 'en-GB']) {
		const name = dt.setLocale(locale).offsetNameShort ?? '';
		if (name && !/^GMT[+-]/.test(name))
			return name === 'GMT' && dt.zoneName === 'UTC' ? 'UTC' : name;
	}
	return offsetString(dt.offset, true);
}

function englishSuffix(day: number): string {
	if (day % 100 >= 11 && day % 100 <= 13) return 'th';
	return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

type Formatter = (dt: DateTime) => string;

/** PHP `format()` characters. Anything else is copied; `\` escapes the next character. */
const FORMAT: Record<string, Formatter> = {
	d: (dt) => pad(dt.day, 2),
	D: (dt) => DAY_NAMES[dt.weekday - 1].slice(0, 3),
	j: (dt) => String(dt.day),
	l: (dt) => DAY_NAMES[dt.weekday - 1],
	N: (dt) => String(dt.weekday),
	S: (dt) => englishSuffix(dt.day),
	w: (dt) => String(dt.weekday % 7),
	z: (dt) => String(dt.ordinal - 1),
	W: (dt) => pad(dt.weekNumber, 2),
	F: (dt) => MONTH_NAMES[dt.month - 1],
	m: (dt) => pad(dt.month, 2),
	M: (dt) => MONTH_NAMES[dt.month - 1].slice(0, 3),
	n: (dt) => String(dt.month),
	t: (dt) => String(dt.daysInMonth),
	L: (dt) => (dt.isInLeapYear ? '1' : '0'),
	o: (dt) => String(dt.weekYear),
	X: (dt) => `${dt.year < 0 ? '-' : '+'}${pad(Math.abs(dt.year), 4)}`,
	x: (dt) =>
		dt.year >= 0 && dt.year <= 9999
			? pad(dt.year, 4)
			: `${dt.year < 0 ? '-' : '+'}${pad(Math.abs(dt.year), 4)}`,
	Y: (dt) => pad(dt.year, 4),
	y: (dt) => pad(dt.year % 100, 2),
	a: (dt) => (dt.hour < 12 ? 'am' : 'pm'),
	A: (dt) => (dt.hour < 12 ? 'AM' : 'PM'),
	B: (dt) => {
		const utc = dt.toUTC();
		const seconds = ((utc.hour + 1) % 24) * 3600 + utc.minute * 60 + utc.second;
		return pad(Math.floor(seconds / 86.4) % 1000, 3);
	},
	g: (dt) => String(dt.hour % 12 || 12),
	G: (dt) => String(dt.hour),
	h: (dt) => pad(dt.hour % 12 || 12, 2),
	H: (dt) => pad(dt.hour, 2),
	i: (dt) => pad(dt.minute, 2),
	s: (dt) => pad(dt.second, 2),
	u: (dt) => pad(dt.millisecond * 1000, 6),
	v: (dt) => pad(dt.millisecond, 3),
	e: zoneIdentifier,
	I: (dt) => (dt.isInDST ? '1' : '0'),
	O: (dt) => offsetString(dt.offset, false),
	P: (dt) => offsetString(dt.offset, true),
	p: (dt) => (dt.offset === 0 ? 'Z' : offsetString(dt.offset, true)),
	T: zoneAbbreviation,
	Z: (dt) => String(dt.offset * 60),
	U: (dt) => String(Math.floor(dt.toSeconds())),
};
FORMAT.c = (dt) => formatPhpDate(dt, 'Y-m-d\\TH:i:sP');
FORMAT.r = (dt) => formatPhpDate(dt, 'D, d M Y H:i:s O');

type CompiledFormat = Array<Formatter | string>;
const compiledFormats = new Map<string, CompiledFormat>();

function compileFormat(format: string): CompiledFormat {
	const cached = compiledFormats.get(format);
	if (cached) return cached;
	const parts: CompiledFormat = [];
	for (let i = 0; i < format.length; i++) {
		const ch = format[i];
		if (ch === '\\') {
			if (i + 1 < format.length) parts.push(format[++i]);
		} else if (FORMAT[ch]) {
			parts.push(FORMAT[ch]);
		} else {
			parts.push(ch);
		}
	}
	compiledFormats.set(format, parts);
	return parts;
}

export function formatPhpDate(dt: DateTime, format: string): string {
	let out = '';
	for (const part of compileFormat(format)) out += typeof part === 'string' ? part : part(dt);
	return out;
}

// --------------------------------------------------------------------------------------------
// Parsing

/** Abbreviations PHP knows that CRMs actually send; offsets in minutes. */
const ABBREVIATIONS: Record<string, number> = {
	UTC: 0,
	GMT: 0,
	Z: 0,
	WET: 0,
	WEST: 60,
	BST: 60,
	CET: 60,
	CEST: 120,
	EET: 120,
	EEST: 180,
	MSK: 180,
	EST: -300,
	EDT: -240,
	CST: -360,
	CDT: -300,
	MST: -420,
	MDT: -360,
	PST: -480,
	PDT: -420,
};

interface Fields {
	year?: number;
	month?: number;
	day?: number;
	dayOfYear?: number;
	hour?: number;
	minute?: number;
	second?: number;
	millisecond?: number;
	pm?: boolean;
	zone?: string | number; // IANA name or fixed offset in minutes
	unix?: number;
}

function zoneFromText(text: string): string | number | undefined {
	const upper = text.toUpperCase();
	if (upper in ABBREVIATIONS) return ABBREVIATIONS[upper];
	const offset = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
	if (offset) {
		const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
		return offset[1] === '-' ? -minutes : minutes;
	}
	if (IANAZone.isValidZone(text)) return text;
	return undefined;
}

function zoneArg(zone: string | number): string {
	if (typeof zone === 'string') return zone;
	if (zone === 0) return 'UTC';
	return `UTC${offsetString(zone, true)}`;
}

/** Wall-clock fields -> DateTime, with PHP's overflow (Feb 30 -> Mar 2, 25:00 -> next day). */
function fromWallClock(
	y: number,
	mo: number,
	d: number,
	h: number,
	mi: number,
	s: number,
	ms: number,
	zone: string,
): DateTime {
	// setUTCFullYear (unlike Date.UTC) keeps years 0-99 and rolls overflowing days like PHP.
	const n = new Date(0);
	n.setUTCFullYear(y, mo - 1, d);
	n.setUTCHours(h, mi, s, ms);
	return DateTime.fromObject(
		{
			year: n.getUTCFullYear(),
			month: n.getUTCMonth() + 1,
			day: n.getUTCDate(),
			hour: n.getUTCHours(),
			minute: n.getUTCMinutes(),
			second: n.getUTCSeconds(),
			millisecond: n.getUTCMilliseconds(),
		},
		{ zone, locale: 'en-US' },
	);
}

const SEPARATORS = ';:/.,-()';

/** Where createFromFormat is in the text, and what it has read so far. */
interface Scan {
	readonly text: string;
	pos: number;
	f: Fields;
	/** `!`: every field not parsed comes from the epoch. */
	resetAll: boolean;
	/** `|`: the same, for the fields not parsed yet. */
	resetUnparsed: boolean;
	/** `+`: trailing text is allowed. */
	allowTrailing: boolean;
}

function readNumber(scan: Scan, min: number, max: number): number | undefined {
	const m = new RegExp(`^\\d{${min},${max}}`).exec(scan.text.slice(scan.pos));
	if (!m) return undefined;
	scan.pos += m[0].length;
	return Number(m[0]);
}

function readWord(scan: Scan): string {
	const m = /^[A-Za-z]+/.exec(scan.text.slice(scan.pos));
	if (!m) return '';
	scan.pos += m[0].length;
	return m[0];
}

/** Reads a number into one field; false when there is none. */
function readField(
	scan: Scan,
	field: 'day' | 'dayOfYear' | 'month' | 'hour' | 'minute' | 'second' | 'millisecond',
	min: number,
	max: number,
): boolean {
	const v = readNumber(scan, min, max);
	if (v === undefined) return false;
	scan.f[field] = v;
	return true;
}

/** The text matches `c` here (a literal format character or an escaped one). */
function readLiteral(scan: Scan, c: string | undefined): boolean {
	if (scan.text[scan.pos] !== c) return false;
	scan.pos++;
	return true;
}

/** Date format characters (d j D l S z F M m n Y y); undefined for any other character. */
function scanDateChar(scan: Scan, ch: string): boolean | undefined {
	switch (ch) {
		case 'd':
		case 'j':
			return readField(scan, 'day', 1, 2);
		case 'D':
		case 'l': {
			const word = readWord(scan).toLowerCase();
			return DAY_NAMES.some(
				(n) => n.toLowerCase() === word || n.slice(0, 3).toLowerCase() === word,
			);
		}
		case 'S': {
			const suffix = scan.text.slice(scan.pos, scan.pos + 2).toLowerCase();
			if (!['st', 'nd', 'rd', 'th'].includes(suffix)) return false;
			scan.pos += 2;
			return true;
		}
		case 'z':
			return readField(scan, 'dayOfYear', 1, 3);
		case 'F':
		case 'M': {
			const word = readWord(scan).toLowerCase();
			const index = MONTH_NAMES.findIndex(
				(n) => n.toLowerCase() === word || n.slice(0, 3).toLowerCase() === word,
			);
			if (index < 0) return false;
			scan.f.month = index + 1;
			return true;
		}
		case 'm':
		case 'n':
			return readField(scan, 'month', 1, 2);
		case 'Y': {
			const negative = scan.text[scan.pos] === '-';
			if (negative) scan.pos++;
			const v = readNumber(scan, 1, 4);
			if (v === undefined) return false;
			scan.f.year = negative ? -v : v;
			return true;
		}
		case 'y': {
			const v = readNumber(scan, 2, 2);
			if (v === undefined) return false;
			scan.f.year = v < 70 ? 2000 + v : 1900 + v;
			return true;
		}
		default:
			return undefined;
	}
}

/** Time, zone and timestamp format characters (a A g h G H i s v u e T O P p U). */
function scanTimeChar(scan: Scan, ch: string): boolean | undefined {
	switch (ch) {
		case 'a':
		case 'A': {
			const word = scan.text.slice(scan.pos, scan.pos + 2).toLowerCase();
			if (word !== 'am' && word !== 'pm') return false;
			scan.pos += 2;
			scan.f.pm = word === 'pm';
			return true;
		}
		case 'g':
		case 'h':
		case 'G':
		case 'H':
			return readField(scan, 'hour', 1, 2);
		case 'i':
			return readField(scan, 'minute', 2, 2);
		case 's':
			return readField(scan, 'second', 2, 2);
		case 'v':
			return readField(scan, 'millisecond', 3, 3);
		case 'u': {
			const m = /^\d{1,9}/.exec(scan.text.slice(scan.pos));
			if (!m) return false;
			scan.pos += m[0].length;
			scan.f.millisecond = Math.floor(Number(`0.${m[0]}`) * 1000);
			return true;
		}
		case 'e':
		case 'T':
		case 'O':
		case 'P':
		case 'p': {
			const m = /^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*|[+-]\d{1,2}(?::?\d{2})?)/.exec(
				scan.text.slice(scan.pos),
			);
			if (!m) return false;
			const zone = zoneFromText(m[0]);
			if (zone === undefined) return false;
			scan.pos += m[0].length;
			scan.f.zone = zone;
			return true;
		}
		case 'U': {
			const m = /^-?\d+/.exec(scan.text.slice(scan.pos));
			if (!m) return false;
			scan.pos += m[0].length;
			scan.f.unix = Number(m[0]);
			return true;
		}
		default:
			return undefined;
	}
}

/** Separators, modifiers (! | +) and literal characters: every character not read as a field. */
function scanOtherChar(scan: Scan, ch: string): boolean {
	const { text } = scan;
	switch (ch) {
		case ' ':
			while (scan.pos < text.length && /[ \t\u00a0\u202f]/.test(text[scan.pos])) scan.pos++;
			return true;
		case '#':
			if (!SEPARATORS.includes(text[scan.pos] ?? '\0')) return false;
			scan.pos++;
			return true;
		case '?':
			if (scan.pos >= text.length) return false;
			scan.pos++;
			return true;
		case '*':
			while (scan.pos < text.length && !/[\s;:/.,\-()0-9]/.test(text[scan.pos])) scan.pos++;
			return true;
		case '!':
			scan.resetAll = true;
			scan.f = {};
			return true;
		case '|':
			scan.resetUnparsed = true;
			return true;
		case '+':
			scan.allowTrailing = true;
			return true;
		default:
			return readLiteral(scan, ch);
	}
}

/** Reads `text` by `format`; undefined where PHP stops (mismatch, missing data, trailing data). */
function scanByFormat(format: string, text: string): Scan | undefined {
	const scan: Scan = {
		text,
		pos: 0,
		f: {},
		resetAll: false,
		resetUnparsed: false,
		allowTrailing: false,
	};
	for (let i = 0; i < format.length; i++) {
		const ch = format[i];
		let ok: boolean;
		if (ch === '\\') {
			i++;
			ok = readLiteral(scan, format[i]);
		} else {
			ok = scanDateChar(scan, ch) ?? scanTimeChar(scan, ch) ?? scanOtherChar(scan, ch);
		}
		if (!ok) return undefined;
	}
	if (scan.pos < text.length && !scan.allowTrailing) return undefined; // "Trailing data"
	return scan;
}

/**
 * The fields read -> a DateTime. timelib: unparsed date fields come from "now" (or the epoch after
 * ! and |); once any time field is parsed, the other time fields are zero.
 */
function dateFromFields(scan: Scan, defaultZone: string, now: DateTime): DateTime | undefined {
	const { f } = scan;
	const zone = f.zone !== undefined ? zoneArg(f.zone) : defaultZone;
	if (f.unix !== undefined) {
		const base = DateTime.fromSeconds(f.unix, { zone: f.zone !== undefined ? zone : 'UTC' });
		return base.setLocale('en-US');
	}
	const reset = scan.resetAll || scan.resetUnparsed;
	const localNow = now.setZone(zone);
	const anyTime =
		f.hour !== undefined ||
		f.minute !== undefined ||
		f.second !== undefined ||
		f.millisecond !== undefined;
	const anyField = anyTime || f.year !== undefined || f.month !== undefined || f.day !== undefined;
	const year = f.year ?? (reset ? 1970 : localNow.year);
	let month = f.month ?? (reset ? 1 : localNow.month);
	let day = f.day ?? (reset ? 1 : localNow.day);
	if (f.dayOfYear !== undefined) {
		month = 1;
		day = f.dayOfYear + 1;
	}
	const timeDefault = (value: number | undefined, fromNow: number) =>
		value ?? (reset || anyTime ? 0 : fromNow);
	let hour = timeDefault(f.hour, localNow.hour);
	if (f.pm !== undefined) hour = (hour % 12) + (f.pm ? 12 : 0);
	const minute = timeDefault(f.minute, localNow.minute);
	const second = timeDefault(f.second, localNow.second);
	const millisecond = f.millisecond ?? (reset || anyField ? 0 : localNow.millisecond);
	const dt = fromWallClock(year, month, day, hour, minute, second, millisecond, zone);
	return dt.isValid ? dt : undefined;
}

/**
 * PHP `DateTimeImmutable::createFromFormat($format, $text)` in `defaultZone`. Returns undefined
 * where PHP returns false (text does not match, trailing data, data missing).
 */
export function createFromFormat(
	format: string,
	text: string,
	defaultZone: string,
	now: DateTime = DateTime.now(),
): DateTime | undefined {
	const scan = scanByFormat(format, text);
	return scan && dateFromFields(scan, defaultZone, now);
}

const MONTH_WORD =
	'(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const TIME_PART = '(?:[ T,]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?\\s*(am|pm)?)?';
const ZONE_PART = '(?:\\s*(Z|[+-]\\d{2}(?::?\\d{2})?|[A-Z]{3,4}|[A-Za-z]+/[A-Za-z_/+-]+))?';

const TEXTUAL_MDY = new RegExp(
	`^(?:[a-z]+,?\\s+)?${MONTH_WORD}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})${TIME_PART}${ZONE_PART}$`,
	'i',
);
const TEXTUAL_DMY = new RegExp(
	`^(?:[a-z]+,?\\s+)?(\\d{1,2})(?:st|nd|rd|th)?[\\s-]+${MONTH_WORD}\\.?[\\s-]+(\\d{4})${TIME_PART}${ZONE_PART}$`,
	'i',
);
const NUMERIC_US = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})${TIME_PART}${ZONE_PART}$`, 'i');
const NUMERIC_EU = new RegExp(
	`^(\\d{1,2})[.-](\\d{1,2})[.-](\\d{4})${TIME_PART}${ZONE_PART}$`,
	'i',
);

function monthFromWord(word: string): number {
	const w = word.toLowerCase().slice(0, 3);
	return MONTH_NAMES.findIndex((n) => n.toLowerCase().startsWith(w)) + 1;
}

function build(
	y: number,
	mo: number,
	d: number,
	time: Array<string | undefined>,
	zoneText: string | undefined,
	defaultZone: string,
): DateTime | undefined {
	const [h, mi, s, frac, ampm] = time;
	let hour = h !== undefined ? Number(h) : 0;
	if (ampm) hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
	const zone = zoneText !== undefined ? zoneFromText(zoneText) : undefined;
	if (zoneText !== undefined && zone === undefined) return undefined;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || hour > 24) return undefined;
	const dt = fromWallClock(
		y,
		mo,
		d,
		hour,
		mi !== undefined ? Number(mi) : 0,
		s !== undefined ? Number(s) : 0,
		frac !== undefined ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
		zone !== undefined ? zoneArg(zone) : defaultZone,
	);
	return dt.isValid ? dt : undefined;
}

/** `new DateTimeImmutable($text)` for the formats CRMs send; undefined when not understood. */
export function parseAnyDate(
	text: string,
	defaultZone: string,
	now: DateTime = DateTime.now(),
): DateTime | undefined {
	const t = text.trim();
	if (t === '') return undefined;
	const lower = t.toLowerCase();
	const localNow = now.setZone(defaultZone).setLocale('en-US');
	if (lower === 'now') return localNow;
	if (lower === 'today' || lower === 'midnight') return localNow.startOf('day');
	if (lower === 'tomorrow') return localNow.plus({ days: 1 }).startOf('day');
	if (lower === 'yesterday') return localNow.minus({ days: 1 }).startOf('day');
	const unix = /^@(-?\d+(?:\.\d+)?)$/.exec(t);
	if (unix) return DateTime.fromSeconds(Number(unix[1]), { zone: 'UTC', locale: 'en-US' });

	if (
		/^[+-]?\d{4,6}-\d{2}(-\d{2})?([T ]\d{2}(:\d{2}(:\d{2}([.,]\d+)?)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i.test(
			t,
		)
	) {
		const iso = t.replace(' ', 'T').replace(/\s+(?=[Zz+-]\d*)/, '');
		const dt = DateTime.fromISO(iso, { zone: defaultZone, setZone: true, locale: 'en-US' });
		if (dt.isValid) return dt;
	}
	const rfc = DateTime.fromRFC2822(t, { zone: defaultZone, setZone: true, locale: 'en-US' });
	if (rfc.isValid) return rfc;
	const http = DateTime.fromHTTP(t, { zone: defaultZone, setZone: true, locale: 'en-US' });
	if (http.isValid) return http;

	let m = TEXTUAL_MDY.exec(t);
	if (m) {
		return build(Number(m[3]), monthFromWord(m[1]), Number(m[2]), m.slice(4, 9), m[9], defaultZone);
	}
	m = TEXTUAL_DMY.exec(t);
	if (m) {
		return build(Number(m[3]), monthFromWord(m[2]), Number(m[1]), m.slice(4, 9), m[9], defaultZone);
	}
	m = NUMERIC_US.exec(t);
	if (m) return build(Number(m[3]), Number(m[1]), Number(m[2]), m.slice(4, 9), m[9], defaultZone);
	m = NUMERIC_EU.exec(t);
	if (m) return build(Number(m[3]), Number(m[2]), Number(m[1]), m.slice(4, 9), m[9], defaultZone);
	return undefined;
}

export function isValidZone(zone: string): boolean {
	return IANAZone.isValidZone(zone) || /^UTC(?:[+-]\d{1,2}(?::\d{2})?)?$/.test(zone);
}
