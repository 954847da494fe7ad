/**
 * The batch every write operation works on: one entry per input item, each either a record ready
 * to write or a failure. Reading the record (auto-map or Define Below), resolving relations in
 * bulk and assembling the outputs (in input order, with pairedItem) are shared by Create, Update
 * and Upsert of contacts and accounts and by Update of activities.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ENTITIES, type EntityDef } from '../../../shared/core/entities';
import {
	failedItem,
	locatorValue,
	openSession,
	syncItem,
	type Session,
} from '../../../shared/n8n/session';
import { toNodeError } from '../../../shared/n8n/errors';
import { RecordError } from '../../../shared/core/errors';
import {
	matchKeys,
	normaliseCustomFields,
	toWritable,
	type DaktelaRecord,
} from '../../../shared/core/normalise';
import { isPlainObject } from '../../../shared/core/objects';
import {
	collectRelations,
	lookupsNeeded,
	relationKey,
	resolveRelation,
	type RelationEntity,
	type RelationRequest,
	type RelationStrategies,
	type RelationStrategy,
} from '../../../shared/core/relations';
import { runPool } from '../../../shared/core/pool';
import { chunkValues, indexByKey } from '../../../shared/core/upsert';
import { cond } from '../../../shared/transport/query';
import { RELATION_FIELDS, type RecordEntity } from './common';

export interface Entry {
	index: number;
	input: INodeExecutionData;
	/** The record to write (writable: `_` keys dropped, relations as names, custom fields as lists). */
	record: DaktelaRecord;
	/** Name reported in `sync.name` (the external id, when known). */
	name: string;
}

export class Batch {
	readonly entries = new Map<number, Entry>();

	readonly failures = new Map<number, { error: unknown; name: string }>();

	readonly outputs = new Map<number, INodeExecutionData>();

	/** `withSync`: failed items carry `sync` (writes) or only `error` (reads). */
	constructor(
		private readonly ctx: IExecuteFunctions,
		readonly items: INodeExecutionData[],
		private readonly withSync = true,
	) {}

	/** Continue On Fail (either output) is on: failures become items instead of stopping the node. */
	get continues(): boolean {
		return this.ctx.continueOnFail();
	}

	/** True once a failure must stop the node: start no more requests. */
	get stopped(): boolean {
		return !this.continues && this.failures.size > 0;
	}

	add(entry: Entry): void {
		this.entries.set(entry.index, entry);
	}

	fail(index: number, error: unknown, name?: string): void {
		const entry = this.entries.get(index);
		this.entries.delete(index);
		this.failures.set(index, { error, name: name ?? entry?.name ?? '' });
	}

	succeed(index: number, item: INodeExecutionData): void {
		this.entries.delete(index);
		this.outputs.set(index, item);
	}

	/** Throws the first failure when the node must stop (Continue On Fail off). */
	throwIfStopped(): void {
		if (!this.stopped) return;
		const [index, failure] = [...this.failures.entries()].sort((a, b) => a[0] - b[0])[0];
		throw toNodeError(this.ctx.getNode(), failure.error, index, { markItem: true });
	}

	/** One output item per input item, in input order. */
	result(): INodeExecutionData[] {
		this.throwIfStopped();
		const out: INodeExecutionData[] = [];
		for (let index = 0; index < this.items.length; index++) {
			const output = this.outputs.get(index);
			if (output) {
				out.push(output);
				continue;
			}
			const failure = this.failures.get(index) ?? {
				error: new RecordError('the record was not processed'),
				name: this.entries.get(index)?.name ?? '',
			};
			out.push(
				failedItem(this.ctx, index, this.items[index], failure.name, failure.error, this.withSync),
			);
		}
		return out;
	}
}

/** "Define Below" fields -> a raw record (resource locators reduced to their values). */
export function recordFromFields(fields: IDataObject): DaktelaRecord {
	const record: DaktelaRecord = {};
	for (const [key, value] of Object.entries(fields)) {
		if (key === 'customFieldsUi') {
			const rows = (
				isPlainObject(value) && Array.isArray(value.values) ? value.values : []
			) as IDataObject[];
			const customFields: Record<string, string[]> = {};
			for (const row of rows) {
				const field = String(row.field ?? '')
					.trim()
					.replace(/^customFields\./, '');
				if (!field) continue;
				customFields[field] = customFields[field] ?? [];
				const text = row.value === undefined || row.value === null ? '' : String(row.value);
				if (text !== '') customFields[field].push(text);
			}
			record.customFields = customFields;
			continue;
		}
		const plain = isPlainObject(value) && '__rl' in value ? locatorValue(value) : value;
		if (plain === '' || plain === undefined) continue;
		record[key] = plain;
	}
	return record;
}

/**
 * The message of an item that already failed in an earlier node (n8n's convention: `json.error`,
 * e.g. a Field Mapper item under Continue On Fail). Such an item is not written - its fields are not
 * a record - and its failure says why, instead of "name: the record has no external ID".
 */
function upstreamError(item: INodeExecutionData): string | undefined {
	const error = item.json.error as unknown;
	if (error === undefined || error === null || error === '' || error === false) return undefined;
	if (typeof error === 'string') return error;
	if (isPlainObject(error) && typeof error.message === 'string') return error.message;
	return JSON.stringify(error);
}

/**
 * Reads every input item's record: the item itself (auto-map) or the Define Below fields. Items
 * whose parameters cannot be read fail on their own. "Data to Send" cannot be an expression, so it
 * is read once, not per item.
 */
export function readRecords(
	ctx: IExecuteFunctions,
	batch: Batch,
	entity: EntityDef,
	session: Session,
	read?: (i: number) => DaktelaRecord,
): void {
	const reader =
		read ??
		((ctx.getNodeParameter('dataMode', 0, 'autoMap') as string) === 'defineBelow'
			? (i: number) => recordFromFields(ctx.getNodeParameter('fields', i, {}) as IDataObject)
			: (i: number) => batch.items[i].json as DaktelaRecord);
	for (let index = 0; index < batch.items.length; index++) {
		const input = batch.items[index];
		const upstream = upstreamError(input);
		if (upstream !== undefined) {
			const name = input.json.name;
			batch.fail(
				index,
				new RecordError(`upstream error: ${upstream}`),
				typeof name === 'string' ? name : '',
			);
			continue;
		}
		try {
			const record = toWritable(reader(index), entity, { toDaktelaTime: session.toDaktelaTime });
			batch.add({
				index,
				input,
				record,
				name: typeof record.name === 'string' ? record.name : '',
			});
		} catch (error) {
			batch.fail(index, error);
		}
	}
}

/** The node's relation options -> one strategy per related entity. */
export function relationStrategies(
	ctx: IExecuteFunctions,
	options: IDataObject,
): RelationStrategies {
	const strategies: RelationStrategies = {};
	for (const entity of ['account', 'contact'] as RelationEntity[]) {
		const mode = options[`${entity}Resolution`];
		if (mode === 'prefix') {
			strategies[entity] = { mode: 'prefix', prefix: String(options[`${entity}Prefix`] ?? '') };
		} else if (mode === 'lookup') {
			const field = String(options[`${entity}LookupField`] ?? '').trim();
			if (!field) {
				throw new NodeOperationError(
					ctx.getNode(),
					`"${entity === 'account' ? 'Account' : 'Contact'} Lookup Field" is empty: name the Daktela ${entity} field that holds the CRM ID, e.g. customFields.crm_id`,
				);
			}
			strategies[entity] = { mode: 'lookup', field };
		}
	}
	return strategies;
}

/**
 * Resolves relation fields of the whole batch (CRM id -> Daktela name). Lookups go out as `in`
 * filters over the distinct values, one request per chunk; a value with no match or with several
 * fails its items (naming the field) instead of writing a wrong link.
 */
export async function resolveRelations(
	ctx: IExecuteFunctions,
	batch: Batch,
	session: Session,
	strategies: RelationStrategies,
	defaultFields: Partial<Record<string, RelationEntity>>,
): Promise<void> {
	const requests: RelationRequest[] = [];
	for (const entry of batch.entries.values()) {
		requests.push(
			...collectRelations(entry.index, entry.input.json, entry.record, strategies, defaultFields),
		);
	}
	if (!requests.length) return;

	const found = new Map<string, Map<string, DaktelaRecord[]>>();
	const failedValues = new Map<string, unknown>();
	for (const lookup of lookupsNeeded(requests, strategies)) {
		const endpoint = ENTITIES[lookup.entity].endpoint;
		const records: DaktelaRecord[] = [];
		const chunks = chunkValues(lookup.values);
		for (const [n, chunk] of chunks.entries()) {
			try {
				records.push(
					...(await session.client.listAllRecords(endpoint, {
						filter: { ...cond(lookup.field, 'in', chunk), ignoreCase: lookup.field !== 'name' },
					})),
				);
			} catch (error) {
				for (const value of chunk) {
					failedValues.set(`${lookup.entity}\u0000${relationKey(value)}`, error);
				}
			}
			ctx.logger.debug(
				`Daktela: resolved ${lookup.entity} relations, chunk ${n + 1}/${chunks.length} (${chunk.length} values)`,
			);
		}
		found.set(lookup.entity, indexByKey(records, lookup.field));
	}

	for (const request of requests) {
		if (!batch.entries.has(request.index)) continue;
		// By key, not spelling: lookupsNeeded sends one spelling for every item with that key.
		const lookupError = failedValues.get(`${request.entity}\u0000${relationKey(request.value)}`);
		if (lookupError) {
			batch.fail(request.index, lookupError);
			continue;
		}
		const strategy: RelationStrategy | undefined = strategies[request.entity];
		const resolution = resolveRelation(
			request,
			strategy,
			found.get(request.entity),
			ENTITIES[request.entity],
		);
		const entry = batch.entries.get(request.index);
		if (entry && resolution.ok) {
			entry.record[request.field] = resolution.value;
		} else if (!resolution.ok) {
			batch.fail(request.index, new RecordError(resolution.message, request.field));
		}
	}
}

/**
 * Update sends custom fields merged over the stored ones. The API does not say whether PUT merges
 * or replaces `customFields`; if it replaces them, sending one field would wipe the others. The
 * stored records are read in bulk (`name in [...]`, one request per chunk), only for entries that
 * send custom fields, so this costs at most ~0.01 requests per record.
 */
export async function mergeStoredCustomFields(
	ctx: IExecuteFunctions,
	batch: Batch,
	session: Session,
	endpoint: string,
): Promise<void> {
	const entries = [...batch.entries.values()].filter((e) => isPlainObject(e.record.customFields));
	if (!entries.length) return;
	const names = [...new Set(entries.map((e) => e.name))];
	const stored = new Map<string, DaktelaRecord>();
	for (const chunk of chunkValues(names)) {
		try {
			const records = await session.client.listAllRecords(endpoint, {
				filter: cond('name', 'in', chunk),
				fields: ['name', 'customFields'],
			});
			for (const [key, list] of indexByKey(records, 'name')) stored.set(key, list[0]);
		} catch (error) {
			const failed = new Set(chunk);
			for (const entry of entries) if (failed.has(entry.name)) batch.fail(entry.index, error);
		}
		ctx.logger.debug(`Daktela: read custom fields of ${chunk.length} ${endpoint} before updating`);
	}
	for (const entry of entries) {
		if (!batch.entries.has(entry.index)) continue;
		const existing = stored.get(matchKeys(entry.name)[0] ?? entry.name);
		if (!existing) continue; // the PUT answers 404 for a record that does not exist
		entry.record.customFields = {
			...normaliseCustomFields(existing.customFields),
			...normaliseCustomFields(entry.record.customFields),
		};
	}
}

/**
 * One PUT per entry still in the batch, with bounded concurrency; each output is the record as
 * Daktela stored it with sync action 'updated'. `name` is in the path, never in the body.
 */
export async function writeUpdates(
	batch: Batch,
	session: Session,
	endpoint: string,
	isoTimes: boolean,
): Promise<void> {
	await runPool(
		[...batch.entries.values()],
		async (entry) => {
			try {
				const patch = { ...entry.record };
				delete patch.name;
				const record = await session.client.update(endpoint, entry.name, patch);
				const name = String(record.name ?? entry.name);
				batch.succeed(
					entry.index,
					syncItem(record, 'updated', name, entry.index, session, isoTimes),
				);
			} catch (error) {
				batch.fail(entry.index, error);
			}
		},
		{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
	);
}

/**
 * How every contact or account write (Create, Update, Create or Update) starts: the session, the
 * input items read into records, and their relations resolved in bulk. `beforeRelations` runs on
 * the read batch first (Update settles each record's name there). Throws when a failure stopped
 * the batch (no Continue On Fail).
 */
export async function startRecordWrite(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	entity: RecordEntity,
	beforeRelations?: (batch: Batch) => void,
): Promise<{
	def: EntityDef;
	session: Session;
	batch: Batch;
	options: IDataObject;
	isoTimes: boolean;
}> {
	const def = ENTITIES[entity];
	const session = await openSession(ctx);
	const batch = new Batch(ctx, items);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	readRecords(ctx, batch, def, session);
	beforeRelations?.(batch);
	batch.throwIfStopped();
	await resolveRelations(
		ctx,
		batch,
		session,
		relationStrategies(ctx, options),
		RELATION_FIELDS[entity],
	);
	batch.throwIfStopped();
	return { def, session, batch, options, isoTimes: options.isoTimes !== false };
}
