/**
 * The Sync Checkpoint node inside n8n's real WorkflowExecute with real workflow static data
 * (saved after non-manual runs, also failed ones; never after manual runs), in the cases
 * incremental-sync engines are judged by: two sequential runs, resume after a failed run, a cursor
 * in the future, records sharing the boundary timestamp at a page edge, a record modified during a
 * run, the retry list draining, force full sync and reset - plus manual runs and overlapping runs.
 *
 * The workflow: Schedule -> Get Cursor -> Source (a fake CRM: `>= since`, `limit`, retry ids by id)
 * -> Skip Processed -> Write (a fake Daktela upsert with the sync result contract) -> Commit.
 */
import type {
	IConnections,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { SyncCheckpoint } from '../nodes/SyncCheckpoint/SyncCheckpoint.node';
import { processedData, runNode, runWorkflow } from './harness/n8n.cjs';

const TYPE = 'n8n-nodes-daktela.syncCheckpoint';

// ---------------------------------------------------------------------------------------------
// The world the fake nodes act on
// ---------------------------------------------------------------------------------------------

interface SourceRecord {
	id: string;
	updatedAt: string;
	version: number;
}

const world = {
	records: new Map<string, SourceRecord>(),
	/** Source order: by updatedAt (ties by id DESCENDING, so nothing relies on id order) or none. */
	sorted: true,
	failIds: new Set<string>(),
	/** Write throws (crashes the execution) at this id. */
	crashAt: undefined as string | undefined,
	/** Called (and awaited) after each successful write. */
	afterWrite: undefined as ((id: string) => void | Promise<void>) | undefined,
	writes: [] as string[],
};

function resetWorld(records: Array<[string, string]>) {
	world.records = new Map(records.map(([id, updatedAt]) => [id, { id, updatedAt, version: 1 }]));
	world.sorted = true;
	world.failIds = new Set();
	world.crashAt = undefined;
	world.afterWrite = undefined;
	world.writes = [];
}

function edit(id: string, updatedAt: string) {
	const version = (world.records.get(id)?.version ?? 0) + 1;
	world.records.set(id, { id, updatedAt, version });
}

/** Successful writes in order, as `id@version`. */
function written(): string[] {
	return world.writes;
}

function describeNode(name: string): INodeTypeDescription {
	return {
		displayName: name,
		name: name.toLowerCase(),
		group: ['transform'],
		version: 1,
		description: `Test node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
}

/** A CRM list call: records `updatedAt >= since`, at most `limit`, plus the retry ids by id. */
class Source implements INodeType {
	description = describeNode('Source');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { since, limit, retry } = this.getInputData()[0].json as {
			since: string | null;
			limit: number | null;
			retry: string[];
		};
		// ISO, or Daktela's wall time (read in Europe/Prague, +02:00 in June).
		const sinceMs =
			since === null
				? -Infinity
				: Date.parse(
						/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(since)
							? `${since.replace(' ', 'T')}+02:00`
							: since,
					);
		let rows = [...world.records.values()].filter((r) => Date.parse(r.updatedAt) >= sinceMs);
		if (world.sorted) {
			rows.sort(
				(a, b) =>
					Date.parse(a.updatedAt) - Date.parse(b.updatedAt) ||
					(a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
			);
		} else rows.reverse();
		if (limit !== null) rows = rows.slice(0, limit);
		for (const id of retry) {
			const record = world.records.get(id);
			if (record && !rows.includes(record)) rows.push(record);
		}
		return [rows.map((r) => ({ json: { ...r }, pairedItem: { item: 0 } }))];
	}
}

/** A Daktela upsert: one output per input with `sync: {action, name, error?}`. */
class Write implements INodeType {
	description = describeNode('Write');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const { id, version } = item.json as unknown as SourceRecord;
			const name = `crm_${id}`;
			if (world.crashAt === id) throw new NodeOperationError(this.getNode(), `Crash at ${id}`);
			if (world.failIds.has(id)) {
				const error = 'lastname: Item is mandatory';
				out.push({
					json: { error, sync: { action: 'failed', name, error } },
					pairedItem: { item: i },
				});
				continue;
			}
			const action = world.writes.some((w) => w.startsWith(`${id}@`)) ? 'updated' : 'created';
			world.writes.push(`${id}@${version}`);
			await world.afterWrite?.(id);
			out.push({ json: { name, sync: { action, name } }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** A CRM write that reports failures as n8n's Continue On Fail does: `json.error`. */
class CrmWrite implements INodeType {
	description = describeNode('CrmWrite');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => {
				const { id, version } = item.json as unknown as SourceRecord;
				if (world.failIds.has(id)) return { json: { error: 'Bad phone' }, pairedItem: { item: i } };
				world.writes.push(`${id}@${version}`);
				return { json: { crmId: 900 + i }, pairedItem: { item: i } };
			}),
		];
	}
}

/**
 * n8n's Data Table node as the scaled template uses it, on an in-memory table: Get Row(s) with
 * "Always Output Data" (all rows, or one empty item), and Upsert filtered on syncName, entity and
 * version = expectedVersion (update every matching row, else insert one), as n8n applies it.
 */
const table = { rows: [] as IDataObject[], nextId: 1 };

class ReadState implements INodeType {
	description = describeNode('ReadState');

	async execute(): Promise<INodeExecutionData[][]> {
		const rows = table.rows.map((row) => ({ json: { ...row }, pairedItem: { item: 0 } }));
		return [rows.length ? rows : [{ json: {}, pairedItem: { item: 0 } }]];
	}
}

class SaveState implements INodeType {
	description = describeNode('SaveState');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const save = item.json.save as IDataObject;
			const data = {
				syncName: save.syncName,
				entity: save.entity,
				version: save.version,
				state: save.state,
			};
			let matching = table.rows.filter(
				(row) =>
					row.syncName === save.syncName &&
					row.entity === save.entity &&
					row.version === save.expectedVersion,
			);
			if (matching.length) for (const row of matching) Object.assign(row, data);
			else {
				const row = { id: table.nextId++, ...data };
				table.rows.push(row);
				matching = [row];
			}
			for (const row of matching) out.push({ json: { ...row }, pairedItem: { item: i } });
		}
		return [out];
	}
}

// ---------------------------------------------------------------------------------------------
// Workflow and runs
// ---------------------------------------------------------------------------------------------

interface Setup {
	/** Keep the state in the Data Table (Read State -> Get ... Commit -> Save State). */
	table?: boolean;
	get?: INodeParameters;
	commit?: INodeParameters;
	skip?: INodeParameters | false;
	writer?: 'daktela' | 'crm';
}

function node(name: string, type: string, x: number, parameters: INodeParameters = {}): INode {
	return { id: name, name, type, typeVersion: 1, position: [x, 0], parameters };
}

function workflow(setup: Setup = {}) {
	const chain = [
		node('Schedule', 'n8n-nodes-base.scheduleTrigger', 0),
		...(setup.table ? [node('Read State', 'test.readState', 100)] : []),
		node('Get Cursor', TYPE, 200, {
			operation: 'get',
			...(setup.table ? { stateFrom: 'inputRows' } : {}),
			...setup.get,
		}),
		node('Source', 'test.source', 400),
		...(setup.skip === false
			? []
			: [node('Skip Processed', TYPE, 600, { operation: 'skipProcessed', ...setup.skip })]),
		node('Write', setup.writer === 'crm' ? 'test.crmWrite' : 'test.write', 800),
		node('Commit', TYPE, 1000, { operation: 'commit', ...setup.commit }),
		...(setup.table ? [node('Save State', 'test.saveState', 1200)] : []),
	];
	const connections: IConnections = {};
	for (let i = 0; i < chain.length - 1; i++) {
		connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { nodes: chain, connections };
}

async function run(
	staticData: IDataObject,
	setup: Setup = {},
	extra: { mode?: 'trigger' | 'manual'; triggerItems?: IDataObject[] } = {},
) {
	const result = await runWorkflow({
		...workflow(setup),
		nodeTypes: {
			[TYPE]: SyncCheckpoint,
			'test.source': Source,
			'test.write': Write,
			'test.crmWrite': CrmWrite,
			'test.readState': ReadState,
			'test.saveState': SaveState,
		},
		staticData,
		mode: extra.mode ?? 'trigger',
		triggerItems: extra.triggerItems,
	});
	const one = (name: string) => result.outputOf(name)[0]?.json as IDataObject | undefined;
	return {
		result,
		get: one('Get Cursor') as IDataObject,
		passed: result.outputOf('Skip Processed').map((i) => (i.json as unknown as SourceRecord).id),
		summary: one('Commit'),
	};
}

function stored(staticData: IDataObject, entity = 'contacts', sync = 'crm-daktela') {
	const global = staticData.global as IDataObject | undefined;
	const root = global?.syncCheckpoint as
		| { syncs: Record<string, Record<string, IDataObject>> }
		| undefined;
	return root?.syncs[sync]?.[entity];
}

const T = (s: string) => `2026-06-01T10:${s}.000Z`;

// ---------------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------------

describe('Sync Checkpoint node in real n8n executions', () => {
	it('two sequential runs: the second finds nothing new', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
			['c', T('00:02')],
		]);
		const staticData: IDataObject = {};

		const first = await run(staticData);
		expect(first.result.status).toBe('success');
		expect(first.get).toMatchObject({
			syncName: 'crm-daktela',
			entity: 'contacts',
			since: null,
			cursor: null,
			batchSize: 100,
			limit: 100,
			fullSync: true,
			fullSyncReason: 'noCursor',
			retry: [],
			persisted: true,
		});
		expect(first.result.outputOf('Skip Processed')[2].json._checkpoint).toEqual({
			syncName: 'crm-daktela',
			entity: 'contacts',
			id: 'c',
			cursor: T('00:02'),
		});
		expect(first.summary).toMatchObject({
			committed: true,
			reason: 'committed',
			total: 3,
			created: 3,
			failed: 0,
			failedRecords: [],
			cursorBefore: null,
			cursorAfter: { time: T('00:02'), ids: ['c'] },
			batch: { sourceCount: 3, limit: 100, exhausted: false, fullSync: true },
			persisted: true,
		});
		expect(first.result.outputOf('Commit')[0].pairedItem).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(stored(staticData)).toMatchObject({ cursor: T('00:02'), commits: 1 });

		const second = await run(staticData);
		expect(second.get).toMatchObject({
			since: '2026-06-01T09:59:02.000Z',
			cursor: { time: T('00:02'), ids: ['c'] },
			limit: 103,
			fullSync: false,
		});
		expect(second.passed).toEqual([]);
		expect(second.summary).toBeUndefined();
		expect(written()).toEqual(['a@1', 'b@1', 'c@1']);
	});

	it('resumes after a crashed run: the cursor stays, the run is reported, nothing is lost', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
			['c', T('00:02')],
		]);
		const staticData: IDataObject = {};
		world.crashAt = 'b';
		const crashed = await run(staticData);
		expect(crashed.result.status).toBe('error');
		expect(stored(staticData)?.cursor).toBeUndefined();
		expect(stored(staticData)?.run).toMatchObject({ id: crashed.get.runId, sourceCount: 3 });
		expect((stored(staticData)?.run as IDataObject).closedAt).toBeUndefined();

		world.crashAt = undefined;
		const resumed = await run(staticData);
		expect(resumed.get.previousRun).toMatchObject({ id: crashed.get.runId });
		expect((resumed.get.warnings as string[]).join()).toMatch(/did not reach Commit/);
		expect(resumed.summary).toMatchObject({ committed: true, cursorAfter: { time: T('00:02') } });
		expect(written()).toEqual(['a@1', 'a@1', 'b@1', 'c@1']);
	});

	it('"Fail Execution on Record Failure" fails the run after saving; the next run sends only the failed record', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
			['c', T('00:02')],
		]);
		const staticData: IDataObject = {};
		world.failIds.add('b');
		const failing = await run(staticData, { commit: { failOnFailure: true } });
		expect(failing.result.status).toBe('error');
		expect(failing.result.errorNode).toBe('Commit');
		expect(failing.result.error?.message).toBe(
			'1 of 3 record(s) failed in sync "crm-daktela", entity "contacts"',
		);
		expect(stored(staticData)?.last).toMatchObject({
			committed: false,
			reason: 'heldFailures',
			failed: 1,
		});
		expect(stored(staticData)?.cursor).toBeUndefined();

		world.failIds.clear();
		const fixed = await run(staticData, { commit: { failOnFailure: true } });
		expect(fixed.passed).toEqual(['b']);
		expect(fixed.summary).toMatchObject({
			committed: true,
			total: 1,
			cursorAfter: { time: T('00:02') },
		});
		expect(written()).toEqual(['a@1', 'c@1', 'b@1']);
	});

	it('a cursor in the future returns nothing and is reported; a future record cannot push it there', async () => {
		resetWorld([['a', T('00:00')]]);
		const staticData: IDataObject = {
			global: {
				syncCheckpoint: {
					v: 1,
					syncs: { 'crm-daktela': { contacts: { cursor: '2099-01-01T00:00:00.000Z' } } },
				},
			},
		};
		const future = await run(staticData);
		expect(future.get).toMatchObject({ since: '2098-12-31T23:59:00.000Z', fullSync: false });
		expect((future.get.warnings as string[]).join()).toMatch(
			/cursor 2099-01-01T00:00:00.000Z is in the future/,
		);
		expect(future.passed).toEqual([]);
		expect(written()).toEqual([]);

		resetWorld([
			['a', T('00:00')],
			['typo', '2099-05-05T00:00:00.000Z'],
		]);
		const fresh: IDataObject = {};
		const before = Date.now();
		const first = await run(fresh);
		const cursor = Date.parse((first.summary?.cursorAfter as IDataObject).time as string);
		expect(cursor).toBeGreaterThanOrEqual(before - 1000);
		expect(cursor).toBeLessThanOrEqual(Date.now());
		expect((first.summary?.warnings as string[]).join()).toMatch(
			/more than an hour in the future \(typo\)/,
		);
		edit('a', new Date(cursor + 5000).toISOString());
		const second = await run(fresh);
		expect(second.passed).toEqual(['a']);
	});

	it('records sharing the boundary timestamp at a page edge: each sent once (sorted source)', async () => {
		resetWorld(['a', 'b', 'c', 'd', 'e'].map((id) => [id, T('00:00')]));
		const staticData: IDataObject = {};
		const setup = { get: { batchSize: 2 }, commit: { sortedSource: true } };

		const one = await run(staticData, setup);
		expect(one.passed).toEqual(['e', 'd']);
		expect(one.summary).toMatchObject({
			committed: true,
			reason: 'committedBatch',
			cursorAfter: { time: T('00:00'), ids: ['d', 'e'] },
		});
		const two = await run(staticData, setup);
		expect(two.get).toMatchObject({ limit: 4, cursor: { ids: ['d', 'e'] } });
		expect(two.passed).toEqual(['c', 'b']);
		expect(two.summary).toMatchObject({
			reason: 'committedBatch',
			batch: { sourceCount: 4, limit: 4, exhausted: true },
		});
		const three = await run(staticData, setup);
		expect(three.passed).toEqual(['a']);
		expect(three.summary).toMatchObject({
			reason: 'committed',
			cursorAfter: { ids: ['a', 'b', 'c', 'd', 'e'] },
		});
		const four = await run(staticData, setup);
		expect(four.passed).toEqual([]);
		expect([...written()].sort()).toEqual(['a@1', 'b@1', 'c@1', 'd@1', 'e@1']);
	});

	it('the same page edge from an unsorted source (the SDK rule): held, then each sent once', async () => {
		resetWorld(['a', 'b', 'c', 'd', 'e'].map((id) => [id, T('00:00')]));
		world.sorted = false;
		const staticData: IDataObject = {};
		const setup = { get: { batchSize: 2 } };
		const reasons: unknown[] = [];
		for (let i = 0; i < 4; i++) reasons.push((await run(staticData, setup)).summary?.reason);
		expect(reasons).toEqual(['heldExhausted', 'heldExhausted', 'committed', undefined]);
		expect([...written()].sort()).toEqual(['a@1', 'b@1', 'c@1', 'd@1', 'e@1']);
	});

	it('a record modified during a run is read again: the cursor comes from records, not the clock', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		world.afterWrite = (id) => {
			if (id === 'a') edit('b', T('05:00'));
		};
		const staticData: IDataObject = {};
		const first = await run(staticData);
		world.afterWrite = undefined;
		expect(first.summary?.cursorAfter).toEqual({ time: T('00:01'), ids: ['b'] });
		const second = await run(staticData);
		expect(second.passed).toEqual(['b']);
		expect(written()).toEqual(['a@1', 'b@1', 'b@2']);
	});

	it('the retry list drains: failed records are fetched by id until they succeed', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('01:00')],
			['c', T('10:00')],
		]);
		const staticData: IDataObject = {};
		const setup = { get: { lookbackSeconds: 0 }, commit: { onFailure: 'advance', maxAttempts: 3 } };
		world.failIds.add('b');

		const one = await run(staticData, setup);
		expect(one.summary).toMatchObject({
			committed: true,
			reason: 'committedPastFailures',
			failed: 1,
			failedRecords: [{ id: 'b', error: 'lastname: Item is mandatory' }],
			cursorAfter: { time: T('10:00') },
			retry: { added: ['b'], pending: 1 },
		});
		const two = await run(staticData, setup);
		expect(two.get).toMatchObject({ since: T('10:00'), retry: ['b'] });
		expect(two.passed).toEqual(['b']);
		expect(stored(staticData)?.retry).toEqual([expect.objectContaining({ id: 'b', attempts: 2 })]);

		world.failIds.clear();
		const three = await run(staticData, setup);
		expect(three.summary).toMatchObject({
			retry: { resolved: ['b'], pending: 0 },
			cursorAfter: { time: T('10:00') },
		});
		const four = await run(staticData, setup);
		expect(four.get.retry).toEqual([]);
		expect(four.passed).toEqual([]);
	});

	it('a record failing Max Attempts times becomes a reported dead letter and is not retried', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('01:00')],
		]);
		const staticData: IDataObject = {};
		const setup = { get: { lookbackSeconds: 0 }, commit: { onFailure: 'advance', maxAttempts: 2 } };
		world.failIds.add('b');
		await run(staticData, setup);
		const two = await run(staticData, setup);
		expect(two.summary).toMatchObject({
			deadLetters: { added: ['b'], total: 1 },
			retry: { pending: 0 },
		});
		expect((two.summary?.warnings as string[]).join()).toMatch(/dead letters: b/);
		const three = await run(staticData, setup);
		expect(three.get).toMatchObject({ retry: [], deadLetters: 1 });
	});

	it('force full sync (an expression) re-sends everything; Reset starts afresh', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		const staticData: IDataObject = {};
		const setup = { get: { forceFullSync: '={{ $json.full === true }}' } };
		await run(staticData, setup, { triggerItems: [{ full: false }] });
		const full = await run(staticData, setup, { triggerItems: [{ full: true }] });
		expect(full.get).toMatchObject({ since: null, fullSync: true, fullSyncReason: 'forced' });
		expect(full.passed).toEqual(['a', 'b']);
		expect(full.summary).toMatchObject({ committed: true, cursorAfter: { time: T('00:01') } });

		const manualReset = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'reset', syncName: 'crm-daktela', entity: 'contacts' },
			staticData,
			mode: 'manual',
		});
		expect(manualReset.outputs[0][0].json).toMatchObject({ reset: ['contacts'], persisted: false });
		expect(stored(staticData)).toBeDefined();

		const reset = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'reset', syncName: 'crm-daktela', entity: '' },
			staticData,
		});
		expect(reset.outputs[0][0].json).toMatchObject({
			syncName: 'crm-daktela',
			entity: null,
			reset: ['contacts'],
			persisted: true,
		});
		expect(stored(staticData)).toBeUndefined();
		const after = await run(staticData, setup, { triggerItems: [{ full: false }] });
		expect(after.get).toMatchObject({ since: null, fullSyncReason: 'noCursor' });
		expect(written()).toEqual(['a@1', 'b@1', 'a@1', 'b@1', 'a@1', 'b@1']);
	});

	it('a manual editor run decides but does not persist, and says so', async () => {
		resetWorld([['a', T('00:00')]]);
		const staticData: IDataObject = {};
		const manual = await run(staticData, {}, { mode: 'manual' });
		expect(manual.summary).toMatchObject({
			committed: true,
			persisted: false,
			persistedReason: expect.stringMatching(
				/n8n does not save workflow static data for manual runs/,
			),
		});
		expect(manual.get.persisted).toBe(false);
		expect((manual.result.runStaticData.global as IDataObject).syncCheckpoint).toBeDefined();
		expect(staticData).toEqual({});
		const production = await run(staticData);
		expect(production.get.fullSyncReason).toBe('noCursor');
	});

	it('overlapping runs: the last one to finish wins; records are sent twice, none lost', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		const staticData: IDataObject = {};
		const [x, y] = await Promise.all([run(staticData), run(staticData)]);
		expect(x.summary?.committed && y.summary?.committed).toBe(true);
		expect([...written()].sort()).toEqual(['a@1', 'a@1', 'b@1', 'b@1']);
		edit('c', T('00:05'));
		const next = await run(staticData);
		expect(next.passed).toEqual(['c']);
	});

	it('expressions mode reads ids and Daktela wall times through the item link; json.error counts as failed', async () => {
		resetWorld([
			['a', '2026-06-01 12:00:00'],
			['b', '2026-06-01 12:00:05'],
		]);
		// The fake source compares ISO; give it instants and keep wall times in a field of their own.
		for (const r of world.records.values()) {
			(r as SourceRecord & { edited: string }).edited = r.updatedAt;
			r.updatedAt = new Date(Date.parse(`${r.updatedAt.replace(' ', 'T')}+02:00`)).toISOString();
		}
		world.failIds.add('b');
		const staticData: IDataObject = {};
		const setup: Setup = {
			skip: false,
			writer: 'crm',
			get: { getOptions: { sinceFormat: 'daktela', timeZone: 'Europe/Prague' } },
			commit: {
				recordSource: 'expressions',
				recordId: "={{ $('Source').item.json.id }}",
				cursorValue: "={{ $('Source').item.json.edited }}",
				commitOptions: { timeZone: 'Europe/Prague' },
			},
		};
		const one = await run(staticData, setup);
		expect(one.summary).toMatchObject({
			committed: false,
			reason: 'heldFailures',
			other: 1,
			failed: 1,
			failedRecords: [{ id: 'b', error: 'Bad phone' }],
		});
		world.failIds.clear();
		const two = await run(staticData, setup);
		expect(two.summary).toMatchObject({
			committed: true,
			cursorAfter: { time: '2026-06-01T10:00:05.000Z', ids: ['b'] },
		});
		const three = await run(staticData, setup);
		expect(three.get.since).toBe('2026-06-01 11:59:05');
	});

	it('the default Record ID expression reads the Daktela sync result', async () => {
		resetWorld([['a', T('00:00')]]);
		world.failIds.add('a');
		const one = await run(
			{},
			{
				skip: false,
				commit: {
					recordSource: 'expressions',
					cursorValue: "={{ $('Source').item.json.updatedAt }}",
				},
			},
		);
		expect(one.summary?.failedRecords).toEqual([
			{ id: 'crm_a', error: 'lastname: Item is mandatory' },
		]);
	});

	it('holds, and lists the items, when the cursor value cannot be read', async () => {
		resetWorld([['a', T('00:00')]]);
		const one = await run(
			{},
			{ skip: false, commit: { recordSource: 'expressions', cursorValue: '={{ $json.nothing }}' } },
		);
		expect(one.summary).toMatchObject({
			committed: false,
			reason: 'heldInvalid',
			invalid: 1,
			failedRecords: [{ id: 'crm_a', error: 'Cursor value is empty' }],
		});
	});

	it('Commit without a Skip Processed step in its default mode says what to do', async () => {
		resetWorld([['a', T('00:00')]]);
		const one = await run({}, { skip: false });
		expect(one.result.status).toBe('error');
		expect(one.result.error?.message).toBe('No Skip Processed step of this sync before Commit');
	});

	it('Commit without Get in the execution cannot tell a full batch and holds', async () => {
		const result = await runNode({
			node: SyncCheckpoint,
			parameters: {
				operation: 'commit',
				recordSource: 'expressions',
				recordId: '={{ $json.id }}',
				cursorValue: '={{ $json.updatedAt }}',
			},
			items: [{ id: 'a', updatedAt: T('00:00'), sync: { action: 'updated', name: 'a' } }],
		});
		expect(result.outputs[0][0].json).toMatchObject({
			committed: false,
			reason: 'heldNoGet',
			run: { match: 'none' },
		});
	});

	it('Inspect shows the stored state; unreadable state is shown, not thrown', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		const staticData: IDataObject = {};
		await run(staticData);
		const inspected = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'inspect' },
			staticData,
		});
		expect(inspected.outputs[0].map((i) => i.json)).toEqual([
			expect.objectContaining({
				syncName: 'crm-daktela',
				entity: 'contacts',
				exists: true,
				cursor: { time: T('00:01'), ids: ['b'] },
				seen: 2,
				retry: [],
				deadLetters: [],
				commits: 1,
				lastCommit: expect.objectContaining({ committed: true, reason: 'committed', total: 2 }),
			}),
		]);
		expect(inspected.staticDataChanged).toBe(false);

		const broken: IDataObject = {
			global: { syncCheckpoint: { v: 1, syncs: { s: { e: { cursor: 42 } } } } },
		};
		const shown = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'inspect', syncName: 's' },
			staticData: broken,
		});
		expect(shown.outputs[0][0].json).toMatchObject({
			exists: true,
			unreadable: expect.stringMatching(/Reset/),
		});
	});
});

describe('Sync Checkpoint with the Data Table store (queue mode, n8n Cloud)', () => {
	beforeEach(() => {
		table.rows = [];
		table.nextId = 1;
	});

	const rowState = (row: IDataObject) => JSON.parse(row.state as string) as IDataObject;

	it('keeps the state in the table, not in static data, also in manual runs', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		const staticData: IDataObject = {};
		const first = await run(staticData, { table: true }, { mode: 'manual' });
		expect(first.result.status).toBe('success');
		expect(first.get).toMatchObject({
			since: null,
			fullSync: true,
			persisted: true,
			state: { from: 'dataTable', version: 0, rowId: null, rows: 0, superseded: [] },
		});
		expect(first.get.persistedReason).toBeUndefined();
		expect(first.summary).toMatchObject({
			committed: true,
			persisted: true,
			cursorAfter: { time: T('00:01') },
			save: {
				syncName: 'crm-daktela',
				entity: 'contacts',
				version: 1,
				expectedVersion: 0,
				cursor: T('00:01'),
			},
		});
		expect(table.rows).toHaveLength(1);
		expect(table.rows[0]).toMatchObject({ id: 1, syncName: 'crm-daktela', version: 1 });
		expect(rowState(table.rows[0])).toMatchObject({ v: 1, cursor: T('00:01'), commits: 1 });
		expect(staticData).toEqual({});
		expect((first.result.runStaticData.global as IDataObject).syncCheckpoint).toBeUndefined();

		// A later run on "another worker": static data is empty, the row carries the cursor.
		edit('c', T('00:05'));
		const second = await run({}, { table: true });
		expect(second.get).toMatchObject({
			since: '2026-06-01T09:59:01.000Z',
			cursor: { time: T('00:01'), ids: ['b'] },
			fullSync: false,
			state: { from: 'dataTable', version: 1, rowId: 1, rows: 1 },
		});
		expect(second.passed).toEqual(['c']);
		expect(second.summary?.save).toMatchObject({ version: 2, expectedVersion: 1 });
		expect(table.rows).toHaveLength(1);
		expect(rowState(table.rows[0])).toMatchObject({ cursor: T('00:05'), commits: 2 });
		expect(written()).toEqual(['a@1', 'b@1', 'c@1']);
	});

	it('overlapping runs: the first save wins, the other is reported superseded; the cursor never moves back and nothing is skipped', async () => {
		resetWorld([
			['a', T('00:00')],
			['b', T('00:01')],
		]);
		// Run A reads the empty table; while it writes, run B runs start to finish.
		let inner: Awaited<ReturnType<typeof run>> | undefined;
		world.afterWrite = async (id) => {
			if (id !== 'a') return;
			world.afterWrite = undefined;
			edit('c', T('00:05'));
			inner = await run({}, { table: true });
		};
		const outer = await run({}, { table: true });
		expect(inner?.summary).toMatchObject({ committed: true, cursorAfter: { time: T('00:05') } });
		expect(outer.summary).toMatchObject({ committed: true, save: { expectedVersion: 0 } });
		// B saved first; A's save found no row at version 0 and was added as a second version-1 row.
		expect(table.rows.map((row) => [row.id, row.version])).toEqual([
			[1, 1],
			[2, 1],
		]);

		// The next run reads B's cursor (not A's older one) and says A was superseded.
		edit('d', T('00:06'));
		const next = await run({}, { table: true });
		expect(next.get).toMatchObject({
			cursor: { time: T('00:05'), ids: ['c'] },
			state: {
				version: 1,
				rowId: 1,
				rows: 2,
				superseded: [{ rowId: 2, version: 1, runId: outer.get.runId, cursor: T('00:01') }],
			},
		});
		expect((next.get.warnings as string[]).join()).toMatch(/superseded/);
		expect(next.result.run.data.resultData.runData['Get Cursor'][0].hints).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ message: expect.stringMatching(/superseded/) }),
			]),
		);
		expect(next.passed).toEqual(['d']);
		// Its save updates both version-1 rows: the duplicate is gone.
		expect(table.rows.map((row) => [row.id, row.version])).toEqual([
			[1, 2],
			[2, 2],
		]);
		expect(rowState(table.rows[1])).toEqual(rowState(table.rows[0]));
		const after = await run({}, { table: true });
		expect(after.get.state).toMatchObject({ superseded: [], version: 2 });
		expect(after.get.cursor).toEqual({ time: T('00:06'), ids: ['d'] });
		// Every version of every record reached the target.
		for (const id of ['a', 'b', 'c', 'd']) expect(written()).toContain(`${id}@1`);
	});

	it('Inspect over the rows read back after the save says whether this run was saved or superseded', async () => {
		resetWorld([['a', T('00:00')]]);
		await run({}, { table: true });
		table.rows.push({
			...table.rows[0],
			id: 2,
			state: JSON.stringify({ ...rowState(table.rows[0]), last: { runId: '999' } }),
		});
		const inspected = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'inspect', stateFrom: 'inputRows' },
			items: table.rows.map((row) => ({ ...row })),
		});
		expect(inspected.outputs[0].map((i) => i.json)).toEqual([
			expect.objectContaining({
				syncName: 'crm-daktela',
				entity: 'contacts',
				exists: true,
				cursor: { time: T('00:00'), ids: ['a'] },
				state: expect.objectContaining({ version: 1, rowId: 1, rows: 2 }),
				thisRun: 'notSaved',
			}),
		]);
	});

	it('an unreadable state row fails Get with the row named', async () => {
		resetWorld([['a', T('00:00')]]);
		table.rows.push({
			id: 7,
			syncName: 'crm-daktela',
			entity: 'contacts',
			version: 3,
			state: '{"v":1,',
		});
		const broken = await run({}, { table: true });
		expect(broken.result.status).toBe('error');
		expect(broken.result.errorNode).toBe('Get Cursor');
		expect(broken.result.error?.message).toMatch(/row 7\).*not JSON/);
	});
});

describe('Sync Checkpoint notices static data that n8n did not keep', () => {
	beforeEach(() => processedData.clear());

	it('a run whose static data came back empty after a commit says so and names the remedy', async () => {
		resetWorld([['a', T('00:00')]]);
		const first = await run({});
		expect(first.get.state).toEqual({ from: 'staticData', lost: false });
		expect((first.get.warnings as string[]).join()).toMatch(/No stored cursor: a full sync/);

		// As on a queue-mode worker: the next execution starts with empty static data.
		const lost = await run({});
		expect(lost.get).toMatchObject({ fullSync: true, state: { from: 'staticData', lost: true } });
		const warning = (lost.get.warnings as string[]).join();
		expect(warning).toMatch(/static data came back without it/);
		expect(warning).toMatch(/Data Table Rows in Input/);
		expect(lost.result.run.data.resultData.runData['Get Cursor'][0].hints).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ type: 'warning', message: expect.stringMatching(/Scaling out/) }),
			]),
		);

		const stopped = await run({}, { get: { getOptions: { stopOnLostState: true } } });
		expect(stopped.result.status).toBe('error');
		expect(stopped.result.error?.message).toBe('The stored sync state was lost');
	});

	it('kept static data, manual runs and Reset raise no alarm', async () => {
		resetWorld([['a', T('00:00')]]);
		await run({}, {}, { mode: 'manual' });
		expect((await run({})).get.state).toEqual({ from: 'staticData', lost: false });

		const staticData: IDataObject = {};
		await run(staticData);
		edit('a', T('00:09'));
		expect((await run(staticData)).get.state).toEqual({ from: 'staticData', lost: false });

		const reset = await runNode({
			node: SyncCheckpoint,
			parameters: { operation: 'reset', syncName: 'crm-daktela', entity: 'contacts' },
			staticData,
			mode: 'trigger',
		});
		expect(reset.outputs[0][0].json).toMatchObject({ reset: ['contacts'], persisted: true });
		expect((await run({})).get.state).toEqual({ from: 'staticData', lost: false });
	});
});

describe('Sync Checkpoint as an AI agent tool', () => {
	/** The Operation choices n8n shows for a node type, and the operation it runs by default. */
	function operations(typeName: string) {
		const description = { ...new SyncCheckpoint().description, name: typeName };
		const node = {
			id: '1',
			name: 'Sync Checkpoint',
			type: typeName,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const values = NodeHelpers.getNodeParameters(
			description.properties,
			{},
			true,
			false,
			node,
			description,
		);
		const shown = description.properties.filter(
			(p) =>
				p.name === 'operation' && NodeHelpers.displayParameter(values ?? {}, p, node, description),
		);
		return {
			operation: values?.operation,
			choices: shown.flatMap((p) => (p.options ?? []).map((o) => ('value' in o ? o.value : ''))),
		};
	}

	test('the workflow node offers every operation, Get Cursor first by default', () => {
		expect(operations('syncCheckpoint')).toEqual({
			operation: 'get',
			choices: ['commit', 'get', 'inspect', 'reset', 'skipProcessed'],
		});
	});

	test('the tool variant only inspects: an agent cannot commit, reset or record a run', () => {
		expect(operations('syncCheckpointTool')).toEqual({
			operation: 'inspect',
			choices: ['inspect'],
		});
	});
});
