/**
 * Create or Update (upsert) of contacts and accounts, in batches.
 *
 * For N input items: relations are resolved in bulk, existing records are looked up with `in`
 * filters of up to ~250 keys per request (chunked to keep URLs short), each record is compared
 * with what Daktela holds after normalisation, and only new or changed records are written, with
 * bounded concurrency. So a batch costs ceil(N / chunk) lookups + one write per changed record,
 * where the SDK spends a lookup per record plus a write per changed record.
 *
 * Items with the same key are merged (later items win field by field, custom fields key by key)
 * and written once; every such item reports the same record and action. A key that finds several
 * Daktela records, and different keys that find the same one, fail their items: nothing is guessed.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES, type EntityDef } from '../../../shared/core/entities';
import { locatorReader, syncItem, type Session } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import { LOOKUP_KEY } from '../../../shared/core/items';
import { type DaktelaRecord } from '../../../shared/core/normalise';
import { getPath, setPath } from '../../../shared/core/paths';
import { isPlainObject } from '../../../shared/core/objects';
import { runPool } from '../../../shared/core/pool';
import {
	chunkValues,
	decide,
	DEFAULT_CHUNK,
	groupByKey,
	indexByKey,
	lookupValues,
	matchedName,
	sharedMatches,
	type Decision,
	type KeyGroup,
	type UpsertInput,
} from '../../../shared/core/upsert';
import { cond } from '../../../shared/transport/query';
import {
	concurrencyOption,
	dataModeProperty,
	fieldsCollection,
	isoTimesOption,
	locator,
	optionsCollection,
	relationOptions,
} from '../common.descriptions';
import { autoContactOptions, autoCreateContacts } from './autoContact';
import { autoContactProperties } from './autoContact.description';
import { startRecordWrite, type Batch } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		{
			displayName: 'Match On',
			name: 'matchOn',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Another Field',
					value: 'field',
					description:
						'Match on a field such as customFields.email or customFields.number (phone numbers: same format as stored in Daktela, E.164 recommended)',
				},
				{
					name: 'External ID (Name)',
					value: 'name',
					description: `Match on the ${def.noun} name, the CRM ID with a prefix`,
				},
				{
					name: 'Mapping Lookup Field',
					value: 'auto',
					description:
						"Match on the field the Field Mapper's lookup_field names (the item's _lookup); items without one match on the external ID",
				},
			],
			default: 'auto',
			description: `How an input item finds its existing Daktela ${def.noun}`,
		},
		{
			displayName: 'Match Field',
			name: 'matchField',
			type: 'string',
			default: 'customFields.email',
			placeholder: 'e.g. customFields.email',
			description: `Field of the ${def.noun} to match on. Two Daktela ${def.nouns} with the same value make the item fail rather than update a random one. Values are compared as stored (text ignoring case): a phone number must be in the same format as in Daktela, or the record is missed and a duplicate created. Keep phone numbers in E.164 (+420601123456) on both sides, as the Field Mapper's phone_normalize gives them.`,
			displayOptions: { show: { matchOn: ['field'] } },
		},
		locator('database', {
			description: `Database for ${def.nouns} that get created. An input item's own database wins.`,
		}),
		dataModeProperty,
		fieldsCollection(entity, true),
		optionsCollection([
			...(entity === 'contact' ? relationOptions('account') : []),
			isoTimesOption,
			{
				displayName: 'Lookup Batch Size',
				name: 'lookupBatchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: 250, // DEFAULT_CHUNK.maxKeys
				description:
					'Most keys looked up in one request; fewer when long keys would make the URL too long',
			},
			concurrencyOption,
			...(entity === 'account' ? autoContactProperties : []),
			{
				displayName: 'Write Unchanged Records',
				name: 'alwaysWrite',
				type: 'boolean',
				default: false,
				description:
					'Whether to write records even when Daktela already holds the same values (costs one request per record)',
			},
		]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['upsert'] } }, properties);
}

/** A match key as text: the first non-empty entry of a list, an object's `name`, or trimmed text. */
function keyText(value: unknown): string | undefined {
	const first = Array.isArray(value) ? value.find((v) => v !== null && v !== '') : value;
	if (first === undefined || first === null) return undefined;
	if (isPlainObject(first)) return typeof first.name === 'string' ? first.name : undefined;
	const text = String(first).trim();
	return text === '' ? undefined : text;
}

/** Which field and value an entry is matched on; records without a key fail, naming the field. */
function matchOf(
	input: IDataObject,
	record: DaktelaRecord,
	matchOn: string,
	matchField: string,
): { field: string; value: string } {
	const lookup = input[LOOKUP_KEY];
	if (
		matchOn === 'auto' &&
		isPlainObject(lookup) &&
		typeof lookup.field === 'string' &&
		lookup.field
	) {
		const value = keyText(lookup.value);
		if (value === undefined) {
			throw new RecordError(
				'the mapping gave no value to match on (_lookup.value is empty)',
				lookup.field,
			);
		}
		// A record created now must carry its key, or the next run would not find it again.
		if (keyText(getPath(record, lookup.field)) === undefined) {
			setPath(record, lookup.field, lookup.field.startsWith('customFields.') ? [value] : value);
		}
		return { field: lookup.field, value };
	}
	const field = matchOn === 'field' ? matchField : 'name';
	if (!field) throw new RecordError('"Match Field" is empty: name the field to match on');
	const value = keyText(getPath(record, field));
	if (value === undefined) {
		throw new RecordError(
			field === 'name'
				? 'the record has no external ID to match on; set name, or match on another field'
				: 'the record has no value to match on',
			field,
		);
	}
	return { field, value };
}

async function lookUp(
	ctx: IExecuteFunctions,
	batch: Batch,
	session: Session,
	def: EntityDef,
	groups: KeyGroup[],
	chunkSize: number,
): Promise<Map<string, Map<string, DaktelaRecord[]>>> {
	const found = new Map<string, Map<string, DaktelaRecord[]>>();
	const jobs: Array<{ field: string; values: string[] }> = [];
	for (const [field, values] of lookupValues(groups)) {
		for (const chunk of chunkValues(values, { ...DEFAULT_CHUNK, maxKeys: chunkSize })) {
			jobs.push({ field, values: chunk });
		}
	}
	const records = new Map<string, DaktelaRecord[]>();
	let done = 0;
	await runPool(
		jobs,
		async (job) => {
			try {
				const page = await session.client.listAllRecords(def.endpoint, {
					filter: { ...cond(job.field, 'in', job.values), ignoreCase: job.field !== 'name' },
				});
				records.set(job.field, [...(records.get(job.field) ?? []), ...page]);
			} catch (error) {
				const keys = new Set(job.values);
				for (const group of groups) {
					if (group.matchField !== job.field || !keys.has(group.matchValue)) continue;
					for (const index of group.indices) batch.fail(index, error, group.matchValue);
				}
			}
			done++;
			ctx.logger.debug(
				`Daktela upsert ${def.nouns}: lookup ${done}/${jobs.length} (${job.values.length} keys on ${job.field})`,
			);
		},
		{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
	);
	for (const [field, list] of records) found.set(field, indexByKey(list, field));
	return found;
}

type Write = Extract<Decision, { kind: 'create' | 'update' }>;

/** `a`, `a and b`, `a, b and c`. */
function listed(values: string[]): string {
	return values.length < 2
		? values.join('')
		: `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

/** What one Create or Update run works with, once its records are read and related. */
type Run = Awaited<ReturnType<typeof startRecordWrite>> & { ctx: IExecuteFunctions };

export function execute(entity: RecordEntity) {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const run: Run = { ...(await startRecordWrite(this, items, entity)), ctx: this };
		await writeAll(run, await planWrites(run));
		if (entity === 'account' && run.options.autoContact === true) {
			await autoCreateContacts(run.session, run.batch, autoContactOptions(run.options));
		}
		return finish(run);
	};
}

function chunkSizeOf({ options }: Run): number {
	return Math.max(1, Math.min(1000, Number(options.lookupBatchSize) || DEFAULT_CHUNK.maxKeys));
}

/** Phase 1: each record's match key, and its Database (an expression may differ per item). */
function readKeys(run: Run): { inputs: UpsertInput[]; databases: Map<number, string> } {
	const { ctx, batch } = run;
	const matchOn = ctx.getNodeParameter('matchOn', 0, 'auto') as string;
	const matchField = (ctx.getNodeParameter('matchField', 0, 'name') as string).trim();
	const inputs: UpsertInput[] = [];
	// The Database parameter per item, as Create reads it.
	const databases = new Map<number, string>();
	const readDatabase = locatorReader(ctx, 'database');
	for (const entry of [...batch.entries.values()]) {
		try {
			const database = readDatabase(entry.index);
			if (database) databases.set(entry.index, database);
			const match = matchOf(entry.input.json, entry.record, matchOn, matchField);
			entry.name = entry.name || (match.field === 'name' ? match.value : '');
			inputs.push({
				index: entry.index,
				record: entry.record,
				matchField: match.field,
				matchValue: match.value,
			});
		} catch (error) {
			batch.fail(entry.index, error);
		}
	}
	return { inputs, databases };
}

type Decided = Array<{ group: KeyGroup; decision: Decision }>;
/** Groups whose Daktela record another group matched too, with those groups (sharedMatches). */
type Shared = ReturnType<typeof sharedMatches>;

/** Phase 2: what to do with each key group, from what Daktela holds for its key. */
function decideGroups(
	{ batch, options, session }: Run,
	groups: KeyGroup[],
	found: Map<string, Map<string, DaktelaRecord[]>>,
	databases: Map<number, string>,
): Decided {
	const decided: Decided = [];
	for (const group of groups) {
		if (!group.indices.every((i) => batch.entries.has(i))) continue;
		// Items merged into one record: the later item's Database wins, as its fields do.
		const database = group.indices.reduce<string | undefined>(
			(last, index) => databases.get(index) ?? last,
			undefined,
		);
		const decision = decide(group, found.get(group.matchField)?.get(group.key), {
			createDefaults: database ? { database } : {},
			alwaysWrite: options.alwaysWrite === true,
			toDaktelaTime: session.toDaktelaTime,
		});
		decided.push({ group, decision });
	}
	return decided;
}

/** `2 to create, 1 to update, 5 unchanged, 0 ambiguous` (a key shared with another counts as ambiguous). */
function countsOf(decided: Decided, shared: Shared): string {
	const counts = { create: 0, update: 0, unchanged: 0, ambiguous: 0 };
	for (const { group, decision } of decided) {
		counts[shared.has(group) ? 'ambiguous' : decision.kind]++;
	}
	return `${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged, ${counts.ambiguous} ambiguous`;
}

/**
 * Phase 3: fail the ambiguous groups (several records for one key, or one record for several
 * keys), answer the unchanged ones, and return the writes.
 */
function settleDecided(
	{ batch, def, session, isoTimes }: Run,
	decided: Decided,
	shared: Shared,
): Array<{ group: KeyGroup; decision: Write }> {
	const writes: Array<{ group: KeyGroup; decision: Write }> = [];
	for (const { group, decision } of decided) {
		const sharing = shared.get(group);
		if (sharing) {
			const name = matchedName(decision) ?? '';
			const keys = listed(sharing.map((g) => `"${g.matchValue}"`));
			const indices = sharing.flatMap((g) => g.indices).sort((a, b) => a - b);
			const error = new RecordError(
				`the Daktela ${def.noun} ${name} matches ${keys} (items ${listed(indices.map(String))}); none was changed, because it cannot be both`,
				group.matchField,
			);
			for (const index of group.indices) batch.fail(index, error, name);
		} else if (decision.kind === 'ambiguous') {
			const error = new RecordError(
				`${decision.names.length} Daktela ${def.nouns} match "${group.matchValue}" (${decision.names.join(', ')}); none was changed, because picking one would be a guess`,
				group.matchField,
			);
			for (const index of group.indices) batch.fail(index, error, group.matchValue);
		} else if (decision.kind === 'unchanged') {
			const name = String(decision.existing.name ?? group.matchValue);
			for (const index of group.indices) {
				batch.succeed(
					index,
					syncItem(decision.existing, 'unchanged', name, index, session, isoTimes),
				);
			}
		} else {
			writes.push({ group, decision });
		}
	}
	return writes;
}

/**
 * Phases 1-3: the keys, the lookups and the decisions; only the writes are returned, so the rest of
 * the plan (every key group, every decision) is garbage once the writes are known.
 */
async function planWrites(run: Run): Promise<Array<{ group: KeyGroup; decision: Write }>> {
	const { ctx, batch } = run;
	const { inputs, databases } = readKeys(run);
	batch.throwIfStopped();

	const groups = groupByKey(inputs);
	const found = await lookUp(ctx, batch, run.session, run.def, groups, chunkSizeOf(run));
	batch.throwIfStopped();

	const decided = decideGroups(run, groups, found, databases);
	const shared = sharedMatches(decided);
	const writes = settleDecided(run, decided, shared);
	ctx.logger.debug(
		`Daktela upsert ${run.def.nouns}: ${inputs.length} records in ${groups.length} keys: ${countsOf(decided, shared)}`,
	);
	batch.throwIfStopped();
	return writes;
}

/**
 * Phase 4: the writes, in parallel up to Max Parallel Requests. Progress of a long write every
 * 10% (at least 500 writes), in the log and, for a run started in the editor, in the browser
 * console (n8n shows a node nothing more while it runs).
 */
async function writeAll(
	{ ctx, batch, def, session, isoTimes }: Run,
	writes: Array<{ group: KeyGroup; decision: Write } | undefined>,
): Promise<void> {
	const step = Math.max(500, Math.ceil(writes.length / 10));
	let finished = 0;
	const progress = () => {
		finished++;
		if (finished % step !== 0 || finished === writes.length) return;
		const line = `Daktela upsert ${def.nouns}: ${finished} of ${writes.length} writes done`;
		ctx.logger.info(line);
		if (ctx.getMode() === 'manual') ctx.sendMessageToUI(line);
	};
	await runPool(
		writes,
		async (write, position) => {
			// Once written, a record's body and key group are dropped: only its output item stays.
			const { group, decision } = write!;
			writes[position] = undefined;
			const name = decision.kind === 'update' ? decision.name : String(decision.body.name ?? '');
			try {
				const record =
					decision.kind === 'create'
						? await session.client.create(def.endpoint, decision.body)
						: await session.client.update(def.endpoint, decision.name, decision.body);
				const action = decision.kind === 'create' ? 'created' : 'updated';
				const written = String(record.name ?? name);
				for (const index of group.indices) {
					batch.succeed(index, syncItem(record, action, written, index, session, isoTimes));
				}
			} catch (error) {
				for (const index of group.indices) batch.fail(index, error, name || group.matchValue);
			}
			progress();
		},
		{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
	);
}

/** Phase 5: the output items, with the counts above the node's output and in the console. */
function finish({ ctx, batch, def }: Run): INodeExecutionData[] {
	const result = batch.result();
	const summary = summarise(result);
	ctx.logger.debug(`Daktela upsert ${def.nouns}: ${summary}`);
	ctx.addExecutionHints({ message: summary, type: 'info', location: 'outputPane' });
	if (ctx.getMode() === 'manual') ctx.sendMessageToUI(`Daktela upsert ${def.nouns}: ${summary}`);
	return result;
}

/** `2500 records: 12 created, 3 updated, 2485 unchanged, 0 failed`. */
function summarise(items: INodeExecutionData[]): string {
	const counts: Record<string, number> = { created: 0, updated: 0, unchanged: 0, failed: 0 };
	for (const item of items) {
		const sync = item.json.sync as IDataObject | undefined;
		const action = typeof sync?.action === 'string' ? sync.action : 'failed';
		counts[action] = (counts[action] ?? 0) + 1;
	}
	const contacts: Record<string, number> = {};
	for (const item of items) {
		const contact = (item.json.sync as IDataObject | undefined)?.contact as IDataObject | undefined;
		if (typeof contact?.action === 'string') {
			contacts[contact.action] = (contacts[contact.action] ?? 0) + 1;
		}
	}
	const list = (c: Record<string, number>) =>
		Object.entries(c)
			.map(([action, n]) => `${n} ${action}`)
			.join(', ');
	const made = Object.keys(contacts).length ? `; auto-created contacts: ${list(contacts)}` : '';
	return `${items.length} records: ${list(counts)}${made}`;
}
