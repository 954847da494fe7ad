/**
 * What the Daktela node knows about each resource: its endpoint, which fields are relations
 * (written as a name, read back as an object), which are read-only, and which field says when a
 * record last changed.
 *
 * PURE: no n8n imports.
 */

export type EntityKey = 'contact' | 'account' | 'activity';

export interface EntityDef {
	key: EntityKey;
	endpoint: 'contacts' | 'accounts' | 'activities';
	/** Singular and plural nouns for messages and labels. */
	noun: string;
	nouns: string;
	/** Fields that hold another record's name on write and that record as an object on read. */
	relations: readonly string[];
	/** Fields Daktela computes: never written, never compared. */
	readOnly: readonly string[];
	/** Field that moves whenever the record changes (activities have none, see activity getMany). */
	modifiedField?: string;
}

export const ENTITIES: Record<EntityKey, EntityDef> = {
	contact: {
		key: 'contact',
		endpoint: 'contacts',
		noun: 'contact',
		nouns: 'contacts',
		relations: ['database', 'account', 'user'],
		readOnly: ['created', 'edited', 'nps_score', 'duplicateContacts', 'notDuplicateContacts'],
		modifiedField: 'edited',
	},
	account: {
		key: 'account',
		endpoint: 'accounts',
		noun: 'account',
		nouns: 'accounts',
		relations: ['database', 'user', 'sla'],
		readOnly: ['created', 'edited'],
		modifiedField: 'edited',
	},
	activity: {
		key: 'activity',
		endpoint: 'activities',
		noun: 'activity',
		nouns: 'activities',
		relations: ['queue', 'user', 'contact', 'ticket', 'record', 'survey', 'created_by'],
		readOnly: [
			'time',
			'time_wait',
			'time_open',
			'time_close',
			'baw',
			'aaw',
			'duration',
			'ringing_time',
			'focus_time',
			'created_by',
			'item',
		],
	},
};

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
