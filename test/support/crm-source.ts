/**
 * An in-memory CRM and a tiny n8n node that reads it the way a CRM node's "get many modified
 * since" does, for the convergence spec and the benchmarks.
 *
 * The CRM has tables of records `{ id, updatedAt, ...fields }`. Every insert or update is stamped
 * with its clock (default: the wall clock, which a spec may fake) cut to whole seconds, as most
 * CRMs do, so records written in the same second share a timestamp. `insertAt` stamps a record
 * with a given time, e.g. one that becomes visible late (replication lag).
 *
 * The node (`crmSourceNode(crm)`) takes `table`, `since` (ISO, empty = everything) and `limit`
 * (0 = no limit) per input item and returns the records with `updatedAt >= since`, sorted
 * ascending by (updatedAt, id), at most `limit` of them: what the Sync Checkpoint's Get Cursor
 * hands a sorted source. `onRead` lets a spec change the CRM while a run is under way.
 * `crmWriterNode(crm)` is the other direction: a "create or update by id" that logs each write.
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

export interface CrmRecord {
	id: string;
	/** ISO 8601 UTC, whole seconds. */
	updatedAt: string;
	[field: string]: unknown;
}

function stamp(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

export class InMemoryCrm {
	readonly tables = new Map<string, Map<string, CrmRecord>>();

	/** Called after each read with the table and the records returned (may mutate the CRM). */
	onRead?: (table: string, records: CrmRecord[]) => void;

	/** Every write through crmWriterNode, in order. */
	readonly writes: Array<{ table: string; id: string; action: 'created' | 'updated' }> = [];

	/** Every read: table, since, limit, how many records came back. */
	readonly reads: Array<{ table: string; since: string; limit: number; returned: number }> = [];

	constructor(private readonly clock: () => number = () => Date.now()) {}

	/** The CRM clock as ISO, in whole seconds. */
	now(): string {
		return stamp(this.clock());
	}

	private table(name: string): Map<string, CrmRecord> {
		let table = this.tables.get(name);
		if (!table) {
			table = new Map();
			this.tables.set(name, table);
		}
		return table;
	}

	insert(table: string, record: Omit<CrmRecord, 'updatedAt'>): CrmRecord {
		const stored: CrmRecord = { ...record, id: String(record.id), updatedAt: this.now() };
		this.table(table).set(stored.id, stored);
		return stored;
	}

	/** Inserts (or replaces) a record stamped with `atMs` instead of the clock. */
	insertAt(table: string, atMs: number, record: Omit<CrmRecord, 'updatedAt'>): CrmRecord {
		const stored: CrmRecord = { ...record, id: String(record.id), updatedAt: stamp(atMs) };
		this.table(table).set(stored.id, stored);
		return stored;
	}

	update(table: string, id: string, patch: Record<string, unknown>): CrmRecord {
		const current = this.table(table).get(id);
		if (!current) throw new Error(`CRM: no ${table} record ${id}`);
		const stored: CrmRecord = { ...current, ...patch, id, updatedAt: this.now() };
		this.table(table).set(id, stored);
		return stored;
	}

	get(table: string, id: string): CrmRecord | undefined {
		return this.table(table).get(id);
	}

	all(table: string): CrmRecord[] {
		return [...this.table(table).values()];
	}

	/** `updatedAt >= since`, ascending by (updatedAt, id), at most `limit` (0 = all). */
	read(table: string, since: string, limit: number): CrmRecord[] {
		const sinceMs = since ? Date.parse(since) : -Infinity;
		if (Number.isNaN(sinceMs)) throw new Error(`CRM: since "${since}" is not a date`);
		const rows = this.all(table)
			.filter((r) => Date.parse(r.updatedAt) >= sinceMs)
			.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
		const out = limit > 0 ? rows.slice(0, limit) : rows;
		const copies = out.map((r) => ({ ...r }));
		this.reads.push({ table, since, limit, returned: copies.length });
		this.onRead?.(table, copies);
		return copies;
	}
}

/** A node type reading `crm` like a CRM node's "get many modified since". */
export function crmSourceNode(crm: InMemoryCrm): INodeType {
	return {
		description: {
			displayName: 'In-Memory CRM',
			name: 'inMemoryCrm',
			group: ['input'],
			version: 1,
			description: 'Reads records of an in-memory CRM modified since a time',
			defaults: { name: 'In-Memory CRM' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{
					displayName: 'Table',
					name: 'table',
					type: 'string',
					default: '',
					description: 'CRM table to read',
				},
				{
					displayName: 'Modified Since',
					name: 'since',
					type: 'string',
					default: '',
					description: 'ISO time; empty reads everything',
				},
				{
					displayName: 'Limit',
					name: 'limit',
					type: 'number',
					default: 0,
					description: 'Max number of results to return; 0 for all',
				},
			],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			const items = this.getInputData();
			for (let i = 0; i < items.length; i++) {
				const table = String(this.getNodeParameter('table', i));
				const since = this.getNodeParameter('since', i, '') as string | null;
				const limit = Number(this.getNodeParameter('limit', i, 0) ?? 0);
				for (const record of crm.read(table, since ?? '', limit)) {
					out.push({ json: record as IDataObject, pairedItem: { item: i } });
				}
			}
			return [out];
		},
	};
}

/**
 * A node type writing each input item into `crm` (insert or update by the `id` field), as a CRM
 * node's "create or update" would. Every write is logged in `crm.writes`, so a spec can count
 * what reached the CRM. Items without an id fail (Continue On Fail gives `json.error`).
 */
export function crmWriterNode(crm: InMemoryCrm): INodeType {
	return {
		description: {
			displayName: 'In-Memory CRM Write',
			name: 'inMemoryCrmWrite',
			group: ['output'],
			version: 1,
			description: 'Creates or updates records of an in-memory CRM by ID',
			defaults: { name: 'In-Memory CRM Write' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{
					displayName: 'Table',
					name: 'table',
					type: 'string',
					default: '',
					description: 'CRM table to write',
				},
			],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			const items = this.getInputData();
			for (let i = 0; i < items.length; i++) {
				const table = String(this.getNodeParameter('table', i));
				const fields = { ...items[i].json };
				const id = fields.id === undefined || fields.id === null ? '' : String(fields.id);
				if (!id) {
					out.push({ json: { ...fields, error: 'id is empty' }, pairedItem: { item: i } });
					continue;
				}
				delete fields.updatedAt;
				const exists = crm.get(table, id) !== undefined;
				const record = exists
					? crm.update(table, id, fields)
					: crm.insert(table, { ...fields, id });
				crm.writes.push({ table, id, action: exists ? 'updated' : 'created' });
				out.push({ json: record as IDataObject, pairedItem: { item: i } });
			}
			return [out];
		},
	};
}
