/**
 * The Daktela automation event model: `<prefix>_<action>`, e.g. `call_close`, `contact_update`.
 *
 * PURE: no n8n imports. Event names come from the Daktela CRM Sync SDK (docs/06-webhooks.md,
 * WebhookPayloadParser), not from Daktela's own manual: the prefix before the first `_` names the
 * channel or entity. `igdm` (Instagram DM) is only in a fork of the SDK but is a real channel type.
 */

import { isPlainObject } from '../shared/core/objects';

export type ActivityChannel = 'call' | 'email' | 'web' | 'sms' | 'fbm' | 'igdm' | 'wap' | 'vbr';
export type RecordEntity = 'contact' | 'account';
export type EventPrefix = ActivityChannel | RecordEntity;

export type ActivityAction = 'create' | 'answer' | 'close';
export type RecordAction = 'create' | 'update' | 'delete';

/** Activity `type` values per channel prefix (web chat is `CHAT` in the API, `web` in events). */
export const CHANNEL_TYPES: Record<ActivityChannel, string> = {
	call: 'CALL',
	email: 'EMAIL',
	web: 'CHAT',
	sms: 'SMS',
	fbm: 'FBM',
	igdm: 'IGDM',
	wap: 'WAP',
	vbr: 'VBR',
};

const CHANNEL_LABELS: Record<ActivityChannel, string> = {
	call: 'Call',
	email: 'Email',
	web: 'Chat',
	sms: 'SMS',
	fbm: 'Messenger',
	igdm: 'Instagram DM',
	wap: 'WhatsApp',
	vbr: 'Viber',
};

const ACTIVITY_ACTIONS: readonly ActivityAction[] = ['create', 'answer', 'close'];
const RECORD_ACTIONS: readonly RecordAction[] = ['create', 'update', 'delete'];

/** Actions shown in the event picker; `answer` is documented for calls only. */
const LISTED_ACTIVITY_ACTIONS: Record<ActivityChannel, readonly ActivityAction[]> = {
	call: ['create', 'answer', 'close'],
	email: ['create', 'close'],
	web: ['create', 'close'],
	sms: ['create', 'close'],
	fbm: ['create', 'close'],
	igdm: ['create', 'close'],
	wap: ['create', 'close'],
	vbr: ['create', 'close'],
};

const ACTION_LABELS: Record<string, string> = {
	create: 'Created',
	answer: 'Answered',
	close: 'Closed',
	update: 'Updated',
	delete: 'Deleted',
};

export interface DaktelaEvent {
	/** The event name as normalised: lower case, e.g. `call_close`. */
	event: string;
	prefix: EventPrefix;
	action: ActivityAction | RecordAction;
	/** What the record name identifies: an activity, a contact or an account. */
	entity: 'activity' | RecordEntity;
	/** Activity `type` for activity events (`CALL`, `CHAT`, ...). */
	channel?: string;
}

function isChannel(prefix: string): prefix is ActivityChannel {
	return Object.prototype.hasOwnProperty.call(CHANNEL_TYPES, prefix);
}

/** Parses a known event name; undefined for anything else (unknown prefix or action). */
export function parseEvent(raw: string): DaktelaEvent | undefined {
	const event = raw.trim().toLowerCase();
	const separator = event.indexOf('_');
	if (separator <= 0) return undefined;
	const prefix = event.slice(0, separator);
	const action = event.slice(separator + 1);
	if (isChannel(prefix)) {
		if (!(ACTIVITY_ACTIONS as readonly string[]).includes(action)) return undefined;
		return {
			event,
			prefix,
			action: action as ActivityAction,
			entity: 'activity',
			channel: CHANNEL_TYPES[prefix],
		};
	}
	if (prefix === 'contact' || prefix === 'account') {
		if (!(RECORD_ACTIONS as readonly string[]).includes(action)) return undefined;
		return { event, prefix, action: action as RecordAction, entity: prefix };
	}
	return undefined;
}

export interface EventOption {
	name: string;
	value: string;
	description: string;
}

/** Every event the picker offers, activities first, then contacts and accounts. */
export function eventOptions(): EventOption[] {
	const options: EventOption[] = [];
	for (const channel of Object.keys(LISTED_ACTIVITY_ACTIONS) as ActivityChannel[]) {
		for (const action of LISTED_ACTIVITY_ACTIONS[channel]) {
			options.push({
				name: `${CHANNEL_LABELS[channel]} ${ACTION_LABELS[action]}`,
				value: `${channel}_${action}`,
				description: `Daktela automation event ${channel}_${action}`,
			});
		}
	}
	for (const entity of ['contact', 'account'] as const) {
		for (const action of RECORD_ACTIONS) {
			const label = entity === 'contact' ? 'Contact' : 'Account';
			options.push({
				name: `${label} ${ACTION_LABELS[action]}`,
				value: `${entity}_${action}`,
				description: `Daktela automation event ${entity}_${action}`,
			});
		}
	}
	return options;
}

/** Value of the "every event" choice in the picker. */
export const ALL_EVENTS = '*';

export function isSelected(event: DaktelaEvent, selected: string[]): boolean {
	return selected.includes(ALL_EVENTS) || selected.includes(event.event);
}

// ---------------------------------------------------------------------------------------------
// The delivery body
// ---------------------------------------------------------------------------------------------

export type BodyFields = Record<string, unknown>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Longest record name accepted (Daktela names are at most 255 characters). */
const MAX_NAME_LENGTH = 255;

function parseForm(text: string): BodyFields {
	const fields: BodyFields = {};
	for (const pair of text.split('&')) {
		if (pair === '') continue;
		const separator = pair.indexOf('=');
		const rawKey = separator < 0 ? pair : pair.slice(0, separator);
		const rawValue = separator < 0 ? '' : pair.slice(separator + 1);
		const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
		fields[decode(rawKey)] = decode(rawValue);
	}
	return fields;
}

/**
 * The body as fields, whatever n8n made of it: n8n parses JSON and form bodies into `body`; a body
 * it did not parse (text/plain, no or another content type) is read from the raw bytes - JSON when
 * it looks like JSON, form-encoded otherwise, as the Daktela SDK's parser does.
 */
export function readBodyFields(
	body: unknown,
	rawBody: string | undefined,
	contentType: string | undefined,
): Parsed<BodyFields> {
	if (isPlainObject(body) && Object.keys(body).length > 0) return { ok: true, value: body };
	const text = (typeof body === 'string' && body !== '' ? body : (rawBody ?? '')).trim();
	if (text === '') {
		return {
			ok: false,
			code: 'empty_body',
			message: 'The request body is empty: expected {"event": "...", "name": "..."}',
		};
	}
	const type = (contentType ?? '').toLowerCase();
	const looksJson = type.includes('json') || text.startsWith('{') || text.startsWith('[');
	if (looksJson) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			// The parser's message quotes the body; the caller only needs to know it is not JSON.
			return { ok: false, code: 'malformed_body', message: 'The request body is not valid JSON' };
		}
		if (!isPlainObject(parsed)) {
			return {
				ok: false,
				code: 'malformed_body',
				message: 'The request body must be a JSON object like {"event": "...", "name": "..."}',
			};
		}
		return { ok: true, value: parsed };
	}
	if (!text.includes('=')) {
		return {
			ok: false,
			code: 'malformed_body',
			message: 'The request body is neither JSON nor form-encoded (event=...&name=...)',
		};
	}
	try {
		return { ok: true, value: parseForm(text) };
	} catch {
		return {
			ok: false,
			code: 'malformed_body',
			message: 'The form-encoded request body has an invalid percent-encoding',
		};
	}
}

export interface Delivery {
	event: DaktelaEvent;
	/** The record name (`object_name`): activity, contact or account name. */
	name: string;
	/** Every other body field, as sent (used only when re-fetch is off). */
	payload: BodyFields;
}

/** A webhook body field as text: a trimmed string or a finite number; anything else is absent. */
function eventField(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** A placeholder Daktela did not replace means the automation's body template is wrong. */
function unreplacedTemplate(value: string): boolean {
	return value.includes('{{') || value.includes('}}');
}

function hasControlCharacter(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

/** Reads and validates `event` and `name` (or `id`, as the SDK accepts) from the body fields. */
export function readDelivery(fields: BodyFields): Parsed<Delivery> {
	const rawEvent = eventField(fields.event);
	if (rawEvent === undefined || rawEvent === '') {
		return {
			ok: false,
			code: 'missing_event',
			message:
				'The body has no "event" field: use {"event": "{{event_name}}", "name": "{{object_name}}"}',
		};
	}
	if (unreplacedTemplate(rawEvent)) {
		return {
			ok: false,
			code: 'unreplaced_placeholder',
			message: `The "event" field is a placeholder Daktela did not replace (${rawEvent.slice(0, 60)}): check the variable names your Daktela version offers`,
		};
	}
	const event = parseEvent(rawEvent);
	if (!event) {
		return {
			ok: false,
			code: 'unknown_event',
			message: `Unknown Daktela event "${rawEvent.slice(0, 60)}": expected <channel>_<create|answer|close> (call, email, web, sms, fbm, igdm, wap, vbr) or <contact|account>_<create|update|delete>`,
		};
	}
	const name = eventField(fields.name) ?? eventField(fields.id);
	if (name === undefined || name === '') {
		return {
			ok: false,
			code: 'missing_name',
			message:
				'The body has no "name" field: the automation must send the record name ({{object_name}})',
		};
	}
	if (unreplacedTemplate(name)) {
		return {
			ok: false,
			code: 'unreplaced_placeholder',
			message: `The "name" field is a placeholder Daktela did not replace (${name.slice(0, 60)}): check the variable names your Daktela version offers`,
		};
	}
	if (name.length > MAX_NAME_LENGTH || hasControlCharacter(name)) {
		return {
			ok: false,
			code: 'invalid_name',
			message: `The "name" field is not a Daktela record name (at most ${MAX_NAME_LENGTH} characters, no control characters)`,
		};
	}
	const payload: BodyFields = {};
	for (const [key, value] of Object.entries(fields)) {
		if (key !== 'event' && key !== 'name' && key !== 'id') payload[key] = value;
	}
	return { ok: true, value: { event, name, payload } };
}
