/**
 * Account Create or Update, option "Auto-Create Contact": after the accounts are written, each
 * written account gets its contact (shared/core/autoContact.ts has the rules), in bulk: one `in`
 * lookup per chunk of contact names, one per chunk of accounts when "skip if exists" needs the
 * account's contacts, then one write per new or changed contact.
 *
 * Each account item reports its contact in `sync.contact: { action, name, reason? }` (action
 * created / updated / unchanged / skipped). When the contact fails, the account item fails too
 * ("the account was written, its contact failed: ..."): the Sync Checkpoint then holds the cursor
 * and the next run makes the contact (the account itself is unchanged by then).
 */
import type { IDataObject } from 'n8n-workflow';

import {
	allEmpty,
	contactFromAccount,
	coveredBy,
	DEFAULT_AUTO_CONTACT_FIELDS,
	fieldList,
	type AutoContactOptions,
} from '../../../shared/core/autoContact';
import { RecordError } from '../../../shared/core/errors';
import { CONTACT_KEY, type SyncResult } from '../../../shared/core/items';
import { matchKeys, type DaktelaRecord } from '../../../shared/core/normalise';
import { isPlainObject } from '../../../shared/core/objects';
import { runPool } from '../../../shared/core/pool';
import { chunkValues, decide, indexByKey } from '../../../shared/core/upsert';
import type { Session } from '../../../shared/n8n/session';
import { cond } from '../../../shared/transport/query';
import type { Batch } from './batch';

export function autoContactOptions(options: IDataObject): AutoContactOptions {
	return {
		suffix: String(options.autoContactSuffix ?? '_contact'),
		skipIfEmpty: fieldList(options.autoContactSkipIfEmpty ?? DEFAULT_AUTO_CONTACT_FIELDS),
		skipIfExists: fieldList(options.autoContactSkipIfExists ?? DEFAULT_AUTO_CONTACT_FIELDS),
		skipIfExistsMode: options.autoContactSkipIfExistsMode === 'any' ? 'any' : 'all',
	};
}

async function listBy(session: Session, field: string, values: string[]): Promise<DaktelaRecord[]> {
	const out: DaktelaRecord[] = [];
	for (const chunk of chunkValues(values)) {
		out.push(
			...(await session.client.listAllRecords('contacts', { filter: cond(field, 'in', chunk) })),
		);
	}
	return out;
}

const keyOf = (value: unknown): string => matchKeys(value)[0] ?? '';

type ContactOutcome = NonNullable<SyncResult['contact']>;

type Wanted = Map<string, { contact: DaktelaRecord; indices: number[] }>;
type Outcomes = Map<number, ContactOutcome>;

/** 1. One contact per written account (items merged into one account share it). */
function plannedContacts(batch: Batch, options: AutoContactOptions, outcome: Outcomes): Wanted {
	const wanted: Wanted = new Map();
	for (const [index, item] of batch.outputs) {
		const sync = item.json.sync as IDataObject | undefined;
		if (!sync || sync.action === 'failed') continue;
		const extra = batch.items[index]?.json[CONTACT_KEY];
		const contact = contactFromAccount(item.json as DaktelaRecord, extra, options);
		const name = String(contact.name);
		if (allEmpty(contact, options.skipIfEmpty)) {
			outcome.set(index, { action: 'skipped', name, reason: 'empty' });
			continue;
		}
		const slot = wanted.get(name) ?? { contact, indices: [] };
		slot.indices.push(index);
		wanted.set(name, slot);
	}
	return wanted;
}

/** The account items of a failed contact fail too (the account itself was written). */
function failAccounts(batch: Batch, indices: number[], error: unknown, name: string): void {
	const message = error instanceof Error ? error.message : String(error);
	for (const index of indices) {
		batch.outputs.delete(index);
		batch.fail(
			index,
			new RecordError(`the account was written, but its contact ${name} failed: ${message}`),
			name,
		);
	}
}

/** 2. The contacts by name, and (for skip if exists) the contacts of accounts that have none. */
async function lookUpContacts(session: Session, wanted: Wanted, options: AutoContactOptions) {
	const existing = indexByKey(await listBy(session, 'name', [...wanted.keys()]), 'name');
	let byAccount = new Map<string, DaktelaRecord[]>();
	const missing = [...wanted.values()].filter((w) => !existing.get(keyOf(w.contact.name))?.length);
	if (options.skipIfExists.length > 0 && missing.length > 0) {
		const accounts = [...new Set(missing.map((w) => String(w.contact.account)))];
		byAccount = indexByKey(await listBy(session, 'account', accounts), 'account');
	}
	return { existing, byAccount };
}

type Write = { name: string; indices: number[]; decision: ReturnType<typeof decide> };

/** 3. Skip (exists), unchanged, or a write, per contact. */
function decideContacts(
	session: Session,
	wanted: Wanted,
	found: Awaited<ReturnType<typeof lookUpContacts>>,
	options: AutoContactOptions,
	outcome: Outcomes,
): Write[] {
	const writes: Write[] = [];
	for (const [name, { contact, indices }] of wanted) {
		const matches = found.existing.get(keyOf(name));
		if (!matches?.length) {
			const siblings = found.byAccount.get(keyOf(contact.account)) ?? [];
			if (coveredBy(contact, siblings, options.skipIfExists, options.skipIfExistsMode)) {
				for (const index of indices) {
					outcome.set(index, { action: 'skipped', name, reason: 'exists' });
				}
				continue;
			}
		}
		const decision = decide(
			{ matchField: 'name', key: keyOf(name), matchValue: name, indices, record: contact },
			matches,
			{ toDaktelaTime: session.toDaktelaTime },
		);
		if (decision.kind === 'unchanged') {
			for (const index of indices) outcome.set(index, { action: 'unchanged', name });
		} else writes.push({ name, indices, decision });
	}
	return writes;
}

/** 4. Writes one contact. */
async function writeContact(
	session: Session,
	batch: Batch,
	{ name, indices, decision }: Write,
	outcome: Outcomes,
): Promise<void> {
	try {
		if (decision.kind === 'create') await session.client.create('contacts', decision.body);
		else if (decision.kind === 'update') {
			await session.client.update('contacts', decision.name, decision.body);
		} else throw new RecordError(`${name} matches several contacts`);
		const action = decision.kind === 'create' ? 'created' : 'updated';
		for (const index of indices) outcome.set(index, { action, name });
	} catch (error) {
		failAccounts(batch, indices, error, name);
	}
}

/**
 * Makes the contacts of the accounts written in `batch`. The counts per action are in the node's
 * summary (upsert.ts `summarise`, read from the items' `sync.contact`).
 */
export async function autoCreateContacts(
	session: Session,
	batch: Batch,
	options: AutoContactOptions,
): Promise<void> {
	const outcome: Outcomes = new Map();
	const wanted = plannedContacts(batch, options, outcome);
	let writes: Write[] = [];
	try {
		const found = await lookUpContacts(session, wanted, options);
		writes = decideContacts(session, wanted, found, options, outcome);
	} catch (error) {
		for (const [name, slot] of wanted) failAccounts(batch, slot.indices, error, name);
	}
	await runPool(writes, async (write) => await writeContact(session, batch, write, outcome), {
		concurrency: session.concurrency,
		shouldStop: () => batch.stopped,
	});

	// 5. Each account item reports its contact.
	for (const [index, result] of outcome) {
		const item = batch.outputs.get(index);
		if (!item || !isPlainObject(item.json.sync)) continue;
		(item.json.sync as IDataObject).contact = { ...result };
	}
}
