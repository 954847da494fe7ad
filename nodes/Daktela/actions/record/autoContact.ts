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
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	allEmpty,
	contactFromAccount,
	coveredBy,
	DEFAULT_AUTO_CONTACT_FIELDS,
	fieldList,
	type AutoContactOptions,
} from '../../../shared/core/autoContact';
import { RecordError } from '../../../shared/core/errors';
import { CONTACT_KEY } from '../../../shared/core/items';
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

type ContactOutcome = { action: string; name: string; reason?: string };

/** Makes the contacts of the accounts written in `batch`; returns the count per action. */
export async function autoCreateContacts(
	ctx: IExecuteFunctions,
	session: Session,
	batch: Batch,
	options: AutoContactOptions,
): Promise<Record<string, number>> {
	// One contact per written account (items merged into one account share it).
	const wanted = new Map<string, { contact: DaktelaRecord; indices: number[] }>();
	const outcome = new Map<number, ContactOutcome>();
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

	const failAll = (indices: number[], error: unknown, name: string) => {
		const message = error instanceof Error ? error.message : String(error);
		for (const index of indices) {
			batch.outputs.delete(index);
			batch.fail(
				index,
				new RecordError(`the account was written, but its contact ${name} failed: ${message}`),
				name,
			);
		}
	};

	let existing = new Map<string, DaktelaRecord[]>();
	let byAccount = new Map<string, DaktelaRecord[]>();
	try {
		existing = indexByKey(await listBy(session, 'name', [...wanted.keys()]), 'name');
		const missing = [...wanted.values()].filter(
			(w) => !existing.get(keyOf(w.contact.name))?.length,
		);
		if (options.skipIfExists.length > 0 && missing.length > 0) {
			const accounts = [...new Set(missing.map((w) => String(w.contact.account)))];
			byAccount = indexByKey(await listBy(session, 'account', accounts), 'account');
		}
	} catch (error) {
		for (const [name, slot] of wanted) failAll(slot.indices, error, name);
		wanted.clear();
	}

	const writes: Array<{ name: string; indices: number[]; decision: ReturnType<typeof decide> }> =
		[];
	for (const [name, { contact, indices }] of wanted) {
		const found = existing.get(keyOf(name));
		if (!found?.length) {
			const siblings = byAccount.get(keyOf(contact.account)) ?? [];
			if (coveredBy(contact, siblings, options.skipIfExists, options.skipIfExistsMode)) {
				for (const index of indices)
					outcome.set(index, { action: 'skipped', name, reason: 'exists' });
				continue;
			}
		}
		const decision = decide(
			{ matchField: 'name', key: keyOf(name), matchValue: name, indices, record: contact },
			found,
			{ toDaktelaTime: session.toDaktelaTime },
		);
		if (decision.kind === 'unchanged') {
			for (const index of indices) outcome.set(index, { action: 'unchanged', name });
		} else writes.push({ name, indices, decision });
	}

	await runPool(
		writes,
		async ({ name, indices, decision }) => {
			try {
				if (decision.kind === 'create') await session.client.create('contacts', decision.body);
				else if (decision.kind === 'update') {
					await session.client.update('contacts', decision.name, decision.body);
				} else throw new RecordError(`${name} matches several contacts`);
				const action = decision.kind === 'create' ? 'created' : 'updated';
				for (const index of indices) outcome.set(index, { action, name });
			} catch (error) {
				failAll(indices, error, name);
			}
		},
		{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
	);

	const counts: Record<string, number> = {};
	for (const [index, result] of outcome) {
		const item = batch.outputs.get(index);
		if (!item || !isPlainObject(item.json.sync)) continue;
		(item.json.sync as IDataObject).contact = { ...result };
		counts[result.action] = (counts[result.action] ?? 0) + 1;
	}
	ctx.logger.debug(`Daktela upsert accounts: auto-created contacts ${JSON.stringify(counts)}`);
	return counts;
}
