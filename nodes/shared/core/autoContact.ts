/**
 * The Daktela CRM Sync SDK's `auto_create_contact` for accounts: every account a sync writes gets
 * one Daktela contact made from the account's own fields, so an account that has no people in the
 * CRM can still be called, matched by its number and shown on the agent's screen.
 *
 * PURE: no n8n imports, no HTTP. As in the SDK (BatchSync::autoCreateContactFromAccount):
 *  - the contact is looked up by its external ID (the account's name plus a suffix) and created or
 *    updated like any upserted contact;
 *  - skip if empty: when every listed field of the made contact is empty, none is made;
 *  - skip if exists: a contact that does not exist yet is not made when a contact of the same
 *    account already has the same values (mode "all": one contact matches every listed field;
 *    "any": one contact matches one of them), e.g. the person the CRM synced holds that email.
 * The made contact: title and lastname = the account's title, the account's email and phone
 * (customFields.email, customFields.number), its database, `account` = the account. An input
 * item's `_contact` (e.g. a Field Mapper output with the SDK's account-contact mapping) adds to or
 * overrides those fields.
 */
import { matchKeys, relationName, type DaktelaRecord } from './normalise';
import { isPlainObject } from './objects';
import { getPath } from './paths';

export interface AutoContactOptions {
	/** Appended to the account's name to give the contact's external ID. */
	suffix: string;
	skipIfEmpty: string[];
	skipIfExists: string[];
	skipIfExistsMode: 'all' | 'any';
}

export const DEFAULT_AUTO_CONTACT_FIELDS = 'customFields.email, customFields.number';

/** `a, b` -> ['a', 'b']. */
export function fieldList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter((field) => field !== '');
}

function textOf(value: unknown): string | undefined {
	const name = relationName(value);
	if (name === undefined || name === null) return undefined;
	const text = String(name).trim();
	return text === '' ? undefined : text;
}

/** The contact for a written account (Daktela's read shape) and the item's `_contact`, if any. */
export function contactFromAccount(
	account: DaktelaRecord,
	extra: unknown,
	options: AutoContactOptions,
): DaktelaRecord {
	const name = textOf(account.name) ?? '';
	const title = textOf(account.title);
	const contact: DaktelaRecord = { name: `${name}${options.suffix}`, account: name };
	if (title !== undefined) {
		contact.title = title;
		contact.lastname = title;
	}
	const database = textOf(account.database);
	if (database !== undefined) contact.database = database;
	const customFields: DaktelaRecord = {};
	for (const key of ['email', 'number']) {
		const values = getPath(account, `customFields.${key}`);
		if (Array.isArray(values) && values.length > 0) customFields[key] = [...values];
	}
	if (isPlainObject(extra)) {
		for (const [key, value] of Object.entries(extra)) {
			if (key.startsWith('_')) continue;
			if (key === 'customFields' && isPlainObject(value)) Object.assign(customFields, value);
			else contact[key] = value;
		}
	}
	if (Object.keys(customFields).length > 0) contact.customFields = customFields;
	return contact;
}

function isEmptyValue(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (Array.isArray(value)) return value.every(isEmptyValue);
	return typeof value === 'string' && value.trim() === '';
}

/** skip_if_empty: every listed field is empty (no fields listed: never). */
export function allEmpty(contact: DaktelaRecord, fields: string[]): boolean {
	return fields.length > 0 && fields.every((field) => isEmptyValue(getPath(contact, field)));
}

/** skip_if_exists: one of the account's contacts already holds the made contact's values. */
export function coveredBy(
	contact: DaktelaRecord,
	existing: DaktelaRecord[],
	fields: string[],
	mode: 'all' | 'any',
): boolean {
	if (fields.length === 0) return false;
	const wanted = fields.map((field) => ({ field, keys: matchKeys(getPath(contact, field)) }));
	// "all" cannot match when a field of the made contact is empty (as in the SDK).
	if (mode === 'all' && wanted.some((w) => w.keys.length === 0)) return false;
	const holds = (other: DaktelaRecord, w: { field: string; keys: string[] }) => {
		const have = new Set(matchKeys(getPath(other, w.field)));
		return w.keys.length > 0 && w.keys.some((key) => have.has(key));
	};
	return existing.some((other) =>
		mode === 'all' ? wanted.every((w) => holds(other, w)) : wanted.some((w) => holds(other, w)),
	);
}
