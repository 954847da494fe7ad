/**
 * The one table of Daktela entities: each resource's endpoint, nouns and fields (daktela-api.md
 * section 4) with what the package needs to know about them: which are relations (written as a
 * name, read back as an object), read-only, mandatory on create, usable as a match key. The
 * Daktela node and the Field Mapper (field list, warnings) read it; test/sandbox.test.ts checks
 * that the sandbox Daktela's model (test/sandbox/daktela-model.cts) agrees with it.
 *
 * PURE: no n8n imports.
 */

export type EntityKey = 'contact' | 'account' | 'activity';

export interface DaktelaField {
	id: string;
	displayName: string;
	type: 'string' | 'number' | 'boolean' | 'options' | 'dateTime';
	/** Mandatory when a record is created. */
	required?: boolean;
	/** Computed by Daktela: never written, never compared; To CRM only in the Field Mapper. */
	readOnly?: boolean;
	/** Can identify a record (lookup field). */
	canMatch?: boolean;
	/** Holds another record's name on write and that record as an object on read. */
	relation?: boolean;
	/** Not offered in the Field Mapper (Daktela's bookkeeping, not a record field to map). */
	internal?: boolean;
	options?: readonly string[];
}

export interface EntityDef {
	key: EntityKey;
	endpoint: 'contacts' | 'accounts' | 'activities';
	/** Singular and plural nouns for messages and labels. */
	noun: string;
	nouns: string;
	fields: readonly DaktelaField[];
	/** Fields that hold another record's name on write and that record as an object on read. */
	relations: readonly string[];
	/** Fields Daktela computes: never written, never compared. */
	readOnly: readonly string[];
	/** Field that moves whenever the record changes (activities have none, see activity getMany). */
	modifiedField?: string;
}

/** Activity channel types (`type`), in the order Daktela documents them. */
export const ACTIVITY_TYPES = [
	'CALL',
	'EMAIL',
	'CHAT',
	'SMS',
	'FBM',
	'IGDM',
	'WAP',
	'VBR',
	'CUSTOM',
] as const;

export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Every value of an activity's `type`: '' (a comment), the channels, then the comment kinds. */
export const ACTIVITY_TYPE_VALUES = [
	'',
	...ACTIVITY_TYPES,
	'FBCOMMENT',
	'IGCOMMENT',
	'COMMENT',
] as const;

/** Every value of an activity's `action`. */
export const ACTIVITY_ACTIONS = ['', 'WAIT', 'OPEN', 'POSTPONE', 'CLOSE'] as const;

const CUSTOM_FIELDS: DaktelaField[] = [
	{ id: 'customFields.email', displayName: 'Email (custom field)', type: 'string', canMatch: true },
	{
		id: 'customFields.number',
		displayName: 'Phone Number (custom field)',
		type: 'string',
		canMatch: true,
	},
];

const NAME: DaktelaField = {
	id: 'name',
	displayName: 'Name (unique ID)',
	type: 'string',
	canMatch: true,
};
const TITLE: DaktelaField = {
	id: 'title',
	displayName: 'Title (display name)',
	type: 'string',
	required: true,
	canMatch: true,
};
const DATABASE: DaktelaField = {
	id: 'database',
	displayName: 'CRM Database',
	type: 'string',
	required: true,
	relation: true,
};
const STAMPS: DaktelaField[] = [
	{ id: 'created', displayName: 'Created', type: 'dateTime', readOnly: true },
	{ id: 'edited', displayName: 'Edited', type: 'dateTime', readOnly: true },
];

const CONTACT_FIELDS: DaktelaField[] = [
	NAME,
	TITLE,
	{ id: 'firstname', displayName: 'First Name', type: 'string' },
	{ id: 'lastname', displayName: 'Last Name', type: 'string', required: true },
	DATABASE,
	{ id: 'account', displayName: 'Account (name)', type: 'string', relation: true },
	{ id: 'user', displayName: 'Owner (user login)', type: 'string', relation: true },
	{ id: 'description', displayName: 'Description', type: 'string' },
	...CUSTOM_FIELDS,
	{ id: 'nps_score', displayName: 'NPS Score', type: 'number', readOnly: true },
	...STAMPS,
	{
		id: 'duplicateContacts',
		displayName: 'Duplicate Contacts',
		type: 'string',
		readOnly: true,
		internal: true,
	},
	{
		id: 'notDuplicateContacts',
		displayName: 'Not Duplicate Contacts',
		type: 'string',
		readOnly: true,
		internal: true,
	},
];

const ACCOUNT_FIELDS: DaktelaField[] = [
	NAME,
	TITLE,
	DATABASE,
	{ id: 'sla', displayName: 'SLA (name)', type: 'string', relation: true },
	{ id: 'user', displayName: 'Owner (user login)', type: 'string', relation: true },
	{ id: 'description', displayName: 'Description', type: 'string' },
	...CUSTOM_FIELDS,
	...STAMPS,
];

const ACTIVITY_FIELDS: DaktelaField[] = [
	NAME,
	{ id: 'title', displayName: 'Title', type: 'string' },
	{ id: 'type', displayName: 'Type', type: 'options', options: ACTIVITY_TYPE_VALUES },
	{ id: 'action', displayName: 'Action', type: 'options', options: ACTIVITY_ACTIONS },
	{ id: 'ticket', displayName: 'Ticket', type: 'string', relation: true },
	{ id: 'important', displayName: 'Important', type: 'boolean' },
	{ id: 'queue', displayName: 'Queue (name)', type: 'string', relation: true },
	{ id: 'user', displayName: 'User (login)', type: 'string', relation: true },
	{ id: 'contact', displayName: 'Contact (name)', type: 'string', relation: true },
	{ id: 'survey', displayName: 'Survey', type: 'string', relation: true },
	{ id: 'record', displayName: 'Campaign Record', type: 'string', relation: true },
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
	{
		id: 'created_by',
		displayName: 'Created By',
		type: 'string',
		readOnly: true,
		relation: true,
	},
	{ id: 'item', displayName: 'Channel Item', type: 'string', readOnly: true },
];

function entity(
	key: EntityKey,
	endpoint: EntityDef['endpoint'],
	noun: string,
	nouns: string,
	fields: DaktelaField[],
	modifiedField?: string,
): EntityDef {
	return {
		key,
		endpoint,
		noun,
		nouns,
		fields,
		relations: fields.filter((f) => f.relation).map((f) => f.id),
		readOnly: fields.filter((f) => f.readOnly).map((f) => f.id),
		...(modifiedField ? { modifiedField } : {}),
	};
}

export const ENTITIES: Record<EntityKey, EntityDef> = {
	contact: entity('contact', 'contacts', 'contact', 'contacts', CONTACT_FIELDS, 'edited'),
	account: entity('account', 'accounts', 'account', 'accounts', ACCOUNT_FIELDS, 'edited'),
	activity: entity('activity', 'activities', 'activity', 'activities', ACTIVITY_FIELDS),
};

/** The fields mandatory when a record of `key` is created. */
export function requiredFields(key: EntityKey): string[] {
	return ENTITIES[key].fields.filter((f) => f.required).map((f) => f.id);
}

/**
 * Where each channel's detail record lives and what identifies it there. A call is keyed by
 * `id_call`, every other channel record by `name` (see the API reference, "Per-channel item
 * endpoints").
 */
export const CHANNEL_DETAIL: Record<ActivityType, { endpoint: string; key: string } | undefined> = {
	CALL: { endpoint: 'activitiesCall', key: 'id_call' },
	EMAIL: { endpoint: 'activitiesEmail', key: 'name' },
	CHAT: { endpoint: 'activitiesWeb', key: 'name' },
	SMS: { endpoint: 'activitiesSms', key: 'name' },
	FBM: { endpoint: 'activitiesFbm', key: 'name' },
	IGDM: { endpoint: 'activitiesIgdm', key: 'name' },
	WAP: { endpoint: 'activitiesWap', key: 'name' },
	VBR: { endpoint: 'activitiesVbr', key: 'name' },
	CUSTOM: undefined,
};

/** Time fields an activity list can be filtered on to read activities incrementally. */
export const ACTIVITY_TIME_FIELDS = ['time_close', 'time', 'time_open'] as const;
