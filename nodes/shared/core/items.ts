/**
 * The item contracts between the nodes: the keys one node puts on an item's json for another
 * (docs/ARCHITECTURE.md). PURE. The Daktela node never writes a key starting with `_`.
 */

/** Field Mapper -> Daktela Create or Update: the field the mapping's lookup_field names. */
export const LOOKUP_KEY = '_lookup';
export interface LookupMark {
	field: string;
	value: unknown;
}

/** Field Mapper -> Daktela writes: relation fields to resolve to a Daktela record's name. */
export const RELATIONS_KEY = '_relations';
export interface RelationMark {
	entity: string;
	resolveFrom: string;
	resolveTo: string;
	value: string;
}

/**
 * Any node -> Daktela account Create or Update with Auto-Create Contact: fields for the account's
 * contact (e.g. a Field Mapper output with the SDK's account-contact mapping).
 */
export const CONTACT_KEY = '_contact';

/** Sync Checkpoint Skip Processed -> Commit: which sync, entity and record an item is. */
export const CHECKPOINT_KEY = '_checkpoint';
export interface CheckpointMark {
	syncName: string;
	entity: string;
	id: string | null;
	cursor: string | null;
	error?: string;
}

/** Daktela writes -> Sync Checkpoint Commit: what happened to the record (`json.sync`). */
export const SYNC_KEY = 'sync';
export type SyncAction = 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed';
/** Account Create or Update with Auto-Create Contact: what happened to the account's contact. */
export const CONTACT_ACTIONS = ['created', 'updated', 'unchanged', 'skipped'] as const;
export type ContactAction = (typeof CONTACT_ACTIONS)[number];
export interface SyncResult {
	action: SyncAction;
	name: string;
	error?: string;
	contact?: { action: ContactAction; name: string; reason?: string };
}
