/**
 * The Daktela fields of each entity (daktela-api.md section 4), for the visual mapper's field
 * list and for "is this a Daktela field?" warnings. Custom fields (`customFields.<key>`) depend on
 * the instance, so any key is accepted.
 */
import type { Entity } from './types';

export interface DaktelaField {
	id: string;
	displayName: string;
	type: 'string' | 'number' | 'boolean' | 'options' | 'dateTime';
	/** Mandatory when a record is created. */
	required?: boolean;
	/** Read-only in Daktela: shown for the To CRM direction only. */
	readOnly?: boolean;
	/** Can identify a record (lookup field). */
	canMatch?: boolean;
	options?: string[];
	/** Transformers the visual mapper adds when writing the field to Daktela. */
	write?: Array<{ name: string; params?: Record<string, unknown> }>;
}

const ARRAY_FIELD = [{ name: 'wrap_array' }];
const PHONE_FIELD = [
	{ name: 'phone_normalize', params: { format: 'e164' } },
	{ name: 'wrap_array' },
];

const COMMON_CUSTOM: DaktelaField[] = [
	{
		id: 'customFields.email',
		displayName: 'Email (custom field)',
		type: 'string',
		canMatch: true,
		write: ARRAY_FIELD,
	},
	{
		id: 'customFields.number',
		displayName: 'Phone Number (custom field)',
		type: 'string',
		canMatch: true,
		write: PHONE_FIELD,
	},
];

export const DAKTELA_FIELDS: Record<Entity, DaktelaField[]> = {
	contact: [
		{ id: 'name', displayName: 'Name (unique ID)', type: 'string', canMatch: true },
		{
			id: 'title',
			displayName: 'Title (display name)',
			type: 'string',
			required: true,
			canMatch: true,
		},
		{ id: 'firstname', displayName: 'First Name', type: 'string' },
		{ id: 'lastname', displayName: 'Last Name', type: 'string', required: true },
		{ id: 'database', displayName: 'CRM Database', type: 'string', required: true },
		{ id: 'account', displayName: 'Account (name)', type: 'string' },
		{ id: 'user', displayName: 'Owner (user login)', type: 'string' },
		{ id: 'description', displayName: 'Description', type: 'string' },
		...COMMON_CUSTOM,
		{ id: 'nps_score', displayName: 'NPS Score', type: 'number', readOnly: true },
		{ id: 'created', displayName: 'Created', type: 'dateTime', readOnly: true },
		{ id: 'edited', displayName: 'Edited', type: 'dateTime', readOnly: true },
	],
	account: [
		{ id: 'name', displayName: 'Name (unique ID)', type: 'string', canMatch: true },
		{
			id: 'title',
			displayName: 'Title (display name)',
			type: 'string',
			required: true,
			canMatch: true,
		},
		{ id: 'database', displayName: 'CRM Database', type: 'string', required: true },
		{ id: 'sla', displayName: 'SLA (name)', type: 'string' },
		{ id: 'user', displayName: 'Owner (user login)', type: 'string' },
		{ id: 'description', displayName: 'Description', type: 'string' },
		...COMMON_CUSTOM,
		{ id: 'created', displayName: 'Created', type: 'dateTime', readOnly: true },
		{ id: 'edited', displayName: 'Edited', type: 'dateTime', readOnly: true },
	],
	activity: [
		{ id: 'name', displayName: 'Name (unique ID)', type: 'string', canMatch: true },
		{ id: 'title', displayName: 'Title', type: 'string' },
		{
			id: 'type',
			displayName: 'Type',
			type: 'options',
			options: [
				'',
				'CALL',
				'EMAIL',
				'CHAT',
				'SMS',
				'FBM',
				'IGDM',
				'WAP',
				'VBR',
				'CUSTOM',
				'FBCOMMENT',
				'IGCOMMENT',
				'COMMENT',
			],
		},
		{
			id: 'action',
			displayName: 'Action',
			type: 'options',
			options: ['', 'WAIT', 'OPEN', 'POSTPONE', 'CLOSE'],
		},
		{ id: 'ticket', displayName: 'Ticket', type: 'string' },
		{ id: 'important', displayName: 'Important', type: 'boolean' },
		{ id: 'queue', displayName: 'Queue (name)', type: 'string' },
		{ id: 'user', displayName: 'User (login)', type: 'string' },
		{ id: 'contact', displayName: 'Contact (name)', type: 'string' },
		{ id: 'survey', displayName: 'Survey', type: 'string' },
		{ id: 'record', displayName: 'Campaign Record', type: 'string' },
		{ id: 'priority', displayName: 'Priority', type: 'number' },
		{ id: 'description', displayName: 'Description (HTML)', type: 'string' },
		{ id: 'statuses', displayName: 'Statuses', type: 'string' },
		{ id: 'time', displayName: 'Created Time', type: 'dateTime', readOnly: true },
		{ id: 'time_wait', displayName: 'Wait Time', type: 'dateTime', readOnly: true },
		{ id: 'time_open', displayName: 'Open Time', type: 'dateTime', readOnly: true },
		{ id: 'time_close', displayName: 'Close Time', type: 'dateTime', readOnly: true },
		{ id: 'duration', displayName: 'Duration (seconds)', type: 'number', readOnly: true },
		{ id: 'ringing_time', displayName: 'Ringing Time (seconds)', type: 'number', readOnly: true },
		{ id: 'baw', displayName: 'Before-Answer Wait (seconds)', type: 'number', readOnly: true },
		{ id: 'aaw', displayName: 'After-Answer Wait (seconds)', type: 'number', readOnly: true },
		{ id: 'focus_time', displayName: 'Focus Time (seconds)', type: 'number', readOnly: true },
		{ id: 'created_by', displayName: 'Created By', type: 'string', readOnly: true },
		{ id: 'item', displayName: 'Channel Item', type: 'string', readOnly: true },
	],
};

/** Sub-fields of relation objects Daktela returns ({name, title, ...}), readable with dot paths. */
const RELATION_FIELDS = new Set([
	'account',
	'user',
	'contact',
	'queue',
	'sla',
	'ticket',
	'record',
	'item',
	'created_by',
	'survey',
	'statuses',
	'options',
	'_sys',
]);

/** Fields the SDK's Daktela adapter flattens for activities, and their dot paths here. */
export const SDK_FLATTENED: Record<string, string> = {
	id: 'name',
	user_login: 'user.name',
	user_title: 'user.title',
	user_email: 'user.email',
	contact_name: 'contact.name',
};

/** True when `path` names a known Daktela field of `entity` (or a custom/relation sub-field). */
export function isKnownField(entity: Entity, path: string): boolean {
	const [head] = path.split('.');
	if (head === 'customFields') return true;
	if (path.includes('.') && RELATION_FIELDS.has(head)) return true;
	return DAKTELA_FIELDS[entity].some((f) => f.id === path);
}

export function fieldIds(entity: Entity): string[] {
	return DAKTELA_FIELDS[entity].map((f) => f.id);
}
