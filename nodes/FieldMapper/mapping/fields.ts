/**
 * The Daktela fields of each entity for the visual mapper's field list and for "is this a Daktela
 * field?" warnings: the shared entity table (nodes/shared/core/entities.ts) plus the transformers
 * the visual mapper adds when writing a field. Custom fields (`customFields.<key>`) depend on the
 * instance, so any key is accepted.
 */
import { ENTITIES, type DaktelaField as EntityField } from '../../shared/core/entities';
import type { Entity } from './types';

/** A field of the shared entity table, as the visual mapper lists it. */
export type DaktelaField = Pick<
	EntityField,
	'id' | 'displayName' | 'type' | 'required' | 'readOnly' | 'canMatch'
> & {
	options?: string[];
	/** Transformers the visual mapper adds when writing the field to Daktela. */
	write?: Array<{ name: string; params?: Record<string, unknown> }>;
};

const ARRAY_FIELD = [{ name: 'wrap_array' }];
const PHONE_FIELD = [
	{ name: 'phone_normalize', params: { format: 'e164' } },
	{ name: 'wrap_array' },
];

/** Custom fields are lists of strings in Daktela; phone numbers are normalised first. */
const WRITE: Record<string, DaktelaField['write']> = {
	'customFields.email': ARRAY_FIELD,
	'customFields.number': PHONE_FIELD,
};

function mapperFields(entity: Entity): DaktelaField[] {
	return ENTITIES[entity].fields
		.filter((f) => !f.internal)
		.map(({ id, displayName, type, required, readOnly, canMatch, options }) => {
			const field: DaktelaField = { id, displayName, type };
			if (required) field.required = true;
			if (readOnly) field.readOnly = true;
			if (canMatch) field.canMatch = true;
			if (options) field.options = [...options];
			const write = WRITE[id];
			if (write) field.write = write;
			return field;
		});
}

export const DAKTELA_FIELDS: Record<Entity, DaktelaField[]> = {
	contact: mapperFields('contact'),
	account: mapperFields('account'),
	activity: mapperFields('activity'),
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
