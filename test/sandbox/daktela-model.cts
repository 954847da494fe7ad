/**
 * The entities of the sandbox Daktela V6: which endpoints exist, which fields they read and write,
 * which fields are relations, and the messages of validation errors.
 *
 * Field lists follow the OAS export and the real response fixtures cited in
 * /work/shared/reference/daktela-api.md. Read order puts `name` (or `id_call`) and `_sys` last, as
 * the real API does. What the package itself knows about contacts, accounts and activities (the
 * activity types and channels, mandatory fields, enum values) is in its entity table,
 * nodes/shared/core/entities.ts; test/sandbox.test.ts checks that this model agrees with it. The
 * model cannot import it: the sandbox also runs from tsx entry points (e2e, queue, `npm run
 * sandbox`) whose ESM loader does not transform a .ts file required from a .cts one.
 */

export type Lang = 'default' | 'en' | 'cs';

export interface Messages {
	required: string;
	foreignKey: string;
	email: string;
	unique: string;
	maxLength: (n: number) => string;
	invalid: string;
	notArray: string;
	badActivityType: (type: string) => string;
	accountHasContacts: (n: number) => string;
}

/**
 * `default` (no Accept-Language) reproduces the strings of the real fixtures, which mix English
 * ("Item is mandatory") and Czech ("Chyba cizího klíče", "E-mail není ve správném formátu").
 */
export const MESSAGES: Record<Lang, Messages> = {
	default: {
		required: 'Item is mandatory',
		foreignKey: 'Chyba cizího klíče',
		email: 'E-mail není ve správném formátu',
		unique: 'Item with this name already exists',
		maxLength: (n) => `Maximum length is ${n} characters`,
		invalid: 'Invalid value',
		notArray: 'Value must be a list',
		badActivityType: (t) => `Unsupported activity type "${t}"`,
		accountHasContacts: (n) => `Account cannot be deleted, ${n} contact(s) still belong to it`,
	},
	en: {
		required: 'Item is mandatory',
		foreignKey: 'Foreign key error',
		email: 'E-mail is not in a valid format',
		unique: 'Item with this name already exists',
		maxLength: (n) => `Maximum length is ${n} characters`,
		invalid: 'Invalid value',
		notArray: 'Value must be a list',
		badActivityType: (t) => `Unsupported activity type "${t}"`,
		accountHasContacts: (n) => `Account cannot be deleted, ${n} contact(s) still belong to it`,
	},
	cs: {
		required: 'Vstup je povinný',
		foreignKey: 'Chyba cizího klíče',
		email: 'E-mail není ve správném formátu',
		unique: 'Záznam s tímto jménem již existuje',
		maxLength: (n) => `Maximální délka je ${n} znaků`,
		invalid: 'Neplatná hodnota',
		notArray: 'Hodnota musí být seznam',
		badActivityType: (t) => `Nepodporovaný typ aktivity "${t}"`,
		accountHasContacts: (n) => `Účet nelze smazat, patří k němu ${n} kontakt(ů)`,
	},
};

export function langOf(acceptLanguage: string | undefined): Lang {
	const first = (acceptLanguage ?? '').trim().toLowerCase().slice(0, 2);
	return first === 'cs' ? 'cs' : first === 'en' ? 'en' : 'default';
}

export type FieldKind = 'text' | 'relation' | 'customFields' | 'bool' | 'int' | 'json' | 'list';

export interface CfSchemeEntry {
	type: string;
	title: string;
	hidden: boolean;
	readonly: boolean;
}

export interface EntityDef {
	endpoint: string;
	/** The identifying field that goes in the URL. */
	key: 'name' | 'id_call';
	/** Prefix of server-generated names (`contact_674eda46162a8403430453`). */
	prefix: string;
	/** Read shape, in order, without the key and `_sys`. */
	fields: string[];
	relations: Record<string, string>;
	kinds: Record<string, FieldKind>;
	/** Writable on POST (absent = POST is 405). Includes the key when the client may choose it. */
	create?: string[];
	/** Writable on PUT (absent = PUT is 405). */
	update?: string[];
	remove?: boolean;
	required?: string[];
	/** Required fields for which '' is a legal value (an activity of type '' is a comment). */
	emptyAllowed?: string[];
	maxLength?: Record<string, number>;
	enums?: Record<string, string[]>;
	/** Maintains `created` + `edited` (contacts, accounts). Activities have neither. */
	stamped?: boolean;
	/** Fields the `q` full-text search looks at (dot paths). */
	search: string[];
	cfScheme?: Record<string, CfSchemeEntry>;
	/** Defaults other than null. */
	defaults?: Record<string, unknown>;
}

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
];

/** Activity `type` -> the endpoint whose record the activity embeds as `item`. */
export const CHANNEL_BY_TYPE: Record<string, string> = {
	CALL: 'activitiesCall',
	EMAIL: 'activitiesEmail',
	CHAT: 'activitiesWeb',
	SMS: 'activitiesSms',
	FBM: 'activitiesFbm',
	IGDM: 'activitiesIgdm',
	WAP: 'activitiesWap',
	VBR: 'activitiesVbr',
};

const cf = (type: string, title: string): CfSchemeEntry => ({
	type,
	title,
	hidden: false,
	readonly: false,
});

const CONTACT_CF: Record<string, CfSchemeEntry> = {
	number: cf('PHONE', 'Telefon'),
	email: cf('EMAIL', 'Email'),
	address: cf('ADDRESS', 'Adresa'),
	note: cf('TEXTAREA', 'Poznámka'),
};

const ACCOUNT_CF: Record<string, CfSchemeEntry> = {
	ico: cf('TEXT', 'IČO'),
	web: cf('URL', 'Web'),
	email: cf('EMAIL', 'Email'),
	number: cf('PHONE', 'Telefon'),
};

const messaging = (endpoint: string, prefix: string): EntityDef => ({
	endpoint,
	key: 'name',
	prefix,
	fields: [
		'title',
		'sender',
		'direction',
		'state',
		'user',
		'queue',
		'contact',
		'answered',
		'duration',
		'wait_time',
		'time',
		'missed',
		'disconnection',
	],
	relations: { user: 'users', queue: 'queues', contact: 'contacts' },
	kinds: { answered: 'bool', duration: 'int', wait_time: 'int' },
	create: ['name', 'title', 'sender', 'direction', 'state', 'user', 'queue', 'contact'],
	update: ['contact', 'user'],
	enums: { direction: ['IN', 'OUT'] },
	search: ['title', 'name', 'sender'],
	defaults: { answered: false, duration: 0 },
});

export const ENTITIES: EntityDef[] = [
	{
		endpoint: 'databases',
		key: 'name',
		prefix: 'databases_',
		fields: ['title', 'description', 'stage', 'deleted'],
		relations: {},
		kinds: {},
		search: ['title', 'name'],
	},
	{
		endpoint: 'users',
		key: 'name',
		prefix: 'users_',
		fields: ['title', 'alias', 'email', 'extension', 'description', 'deactivated', 'deleted'],
		relations: {},
		kinds: {},
		search: ['title', 'name', 'email'],
	},
	{
		endpoint: 'queues',
		key: 'name',
		prefix: '',
		fields: ['title', 'alias', 'type', 'direction', 'description', 'deactivated'],
		relations: {},
		kinds: {},
		search: ['title', 'name'],
	},
	{
		endpoint: 'accounts',
		key: 'name',
		prefix: 'account_',
		fields: [
			'title',
			'sla',
			'user',
			'database',
			'description',
			'customFields',
			'created',
			'edited',
		],
		relations: { user: 'users', database: 'databases' },
		kinds: { customFields: 'customFields' },
		create: ['name', 'title', 'sla', 'user', 'database', 'description', 'customFields'],
		update: ['title', 'sla', 'user', 'database', 'description', 'customFields'],
		remove: true,
		required: ['title', 'database'],
		maxLength: { title: 255, description: 512 },
		stamped: true,
		search: ['title', 'name', 'customFields.email', 'customFields.number'],
		cfScheme: ACCOUNT_CF,
		defaults: { customFields: {} },
	},
	{
		endpoint: 'contacts',
		key: 'name',
		prefix: 'contact_',
		fields: [
			'title',
			'firstname',
			'lastname',
			'account',
			'user',
			'database',
			'description',
			'nps_score',
			'customFields',
			'duplicateContacts',
			'notDuplicateContacts',
			'created',
			'edited',
		],
		relations: { account: 'accounts', user: 'users', database: 'databases' },
		kinds: { customFields: 'customFields' },
		create: [
			'name',
			'title',
			'firstname',
			'lastname',
			'account',
			'user',
			'database',
			'description',
			'customFields',
		],
		update: [
			'title',
			'firstname',
			'lastname',
			'account',
			'user',
			'database',
			'description',
			'customFields',
		],
		remove: true,
		required: ['title', 'lastname', 'database'],
		maxLength: { title: 255, firstname: 128, lastname: 128, description: 512 },
		stamped: true,
		search: ['title', 'name', 'customFields.email', 'customFields.number'],
		cfScheme: CONTACT_CF,
		defaults: { customFields: {}, nps_score: 0 },
	},
	{
		endpoint: 'activities',
		key: 'name',
		prefix: 'activities_',
		fields: [
			'ticket',
			'title',
			'action',
			'type',
			'item',
			'queue',
			'user',
			'contact',
			'survey',
			'record',
			'statuses',
			'priority',
			'options',
			'description',
			'important',
			'time',
			'time_wait',
			'time_open',
			'time_close',
			'baw',
			'aaw',
			'duration',
			'ringing_time',
			'created_by',
			'customFields',
		],
		relations: { queue: 'queues', user: 'users', contact: 'contacts', created_by: 'users' },
		kinds: {
			customFields: 'customFields',
			statuses: 'list',
			options: 'json',
			important: 'bool',
			priority: 'int',
		},
		create: [
			'name',
			'ticket',
			'title',
			'action',
			'type',
			'queue',
			'user',
			'contact',
			'statuses',
			'priority',
			'options',
			'description',
			'important',
			'customFields',
		],
		update: [
			'title',
			'action',
			'queue',
			'user',
			'contact',
			'statuses',
			'priority',
			'options',
			'description',
			'important',
			'customFields',
		],
		required: ['type', 'action'],
		emptyAllowed: ['type', 'action'],
		maxLength: { title: 128 },
		enums: {
			action: ['', 'WAIT', 'OPEN', 'POSTPONE', 'CLOSE'],
			type: ['', ...ACTIVITY_TYPES, 'FBCOMMENT', 'IGCOMMENT', 'COMMENT'],
		},
		search: ['title', 'name', 'description'],
		defaults: {
			statuses: [],
			priority: 0,
			important: false,
			customFields: {},
			baw: 0,
			aaw: 0,
			duration: 0,
			ringing_time: 0,
		},
	},
	{
		endpoint: 'activitiesCall',
		key: 'id_call',
		prefix: '',
		fields: [
			'call_time',
			'direction',
			'answered',
			'id_queue',
			'id_agent',
			'clid',
			'did',
			'waiting_time',
			'ringing_time',
			'hold_time',
			'duration',
			'disposition_cause',
			'disconnection_cause',
			'missed_call',
			'missed_call_time',
			'contact',
			'cdr',
		],
		relations: { id_queue: 'queues', id_agent: 'users', contact: 'contacts' },
		kinds: {},
		update: ['contact'],
		search: ['id_call', 'clid', 'did'],
	},
	{
		endpoint: 'activitiesEmail',
		key: 'name',
		prefix: 'emails_',
		fields: [
			'queue',
			'user',
			'contact',
			'title',
			'address',
			'direction',
			'wait_time',
			'duration',
			'answered',
			'text',
			'options',
			'time',
			'state',
			'files',
		],
		relations: { queue: 'queues', user: 'users', contact: 'contacts' },
		kinds: {},
		update: ['contact', 'user'],
		search: ['title', 'name', 'address'],
	},
	{
		endpoint: 'activitiesWeb',
		key: 'name',
		prefix: 'chats_',
		fields: [
			'title',
			'state',
			'connector',
			'user',
			'queue',
			'contact',
			'answered',
			'duration',
			'time',
			'wait_time',
			'disconnection',
			'missed',
			'email',
			'phone',
			'context',
		],
		relations: { user: 'users', queue: 'queues', contact: 'contacts' },
		kinds: { answered: 'bool', duration: 'int', wait_time: 'int', context: 'json' },
		create: ['name', 'title', 'state', 'user', 'queue', 'contact', 'email', 'phone', 'context'],
		update: ['contact', 'user'],
		search: ['title', 'name', 'email', 'phone'],
		defaults: { answered: false, duration: 0, missed: 'NO' },
	},
	messaging('activitiesSms', 'sms_'),
	messaging('activitiesFbm', 'fbm_'),
	messaging('activitiesIgdm', 'igdm_'),
	messaging('activitiesWap', 'wap_'),
	messaging('activitiesVbr', 'vbr_'),
];

export const ENTITY_BY_ENDPOINT: Map<string, EntityDef> = new Map(
	ENTITIES.map((d) => [d.endpoint, d]),
);

/** Local part without leading, trailing or doubled dots (the fixture rejects `email.@domain.fpp`). */
export const EMAIL_RE =
	/^(?!\.)(?!.*\.\.)[A-Za-z0-9._%+'-]+(?<!\.)@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

/** Custom-field keys validated as e-mail addresses, per entity scheme (unknown keys are free). */
export function emailKeys(def: EntityDef): Set<string> {
	const keys = new Set<string>();
	for (const [k, v] of Object.entries(def.cfScheme ?? {})) if (v.type === 'EMAIL') keys.add(k);
	return keys;
}
