/**
 * Fault-injection convergence: the batch sync CRM -> Daktela, as users wire it, run again and
 * again like a schedule would, against a sandbox Daktela that fails 10% of requests (429 with
 * Retry-After, 500, a connection dropped before or after the write was applied).
 *
 *   Schedule -+-> Get Cursor -> CRM companies -> Skip Processed -> Field Mapper -> Daktela upsert
 *             |   (accounts)                                           (account)  -> Commit
 *             +-> Get Cursor -> CRM people    -> Skip Processed -> Field Mapper -> Daktela upsert
 *                 (contacts)                                           (contact)  -> Commit
 *
 * Every node is ours except the CRM (test/support/crm-source.ts, a "get many modified since"
 * over an in-memory table, sorted ascending, limited to Get's limit). The Daktela node runs with
 * "On Error: Continue (regular output)", so failed records reach Commit as `sync.action: failed`.
 * Static data persists between runs ('trigger' mode), as between scheduled executions.
 *
 * Time: the schedule fires every 5 minutes. Only `Date` is faked (jest's fake timers for Date
 * alone; real timers, real sockets), so the CRM's clock, the checkpoint's clock and the sandbox's
 * clock agree as they do in production, and the default 60 s lookback means what it means there.
 *
 * After every run: the stored cursor is never past the earliest record that failed in that run,
 * and every CRM record older than the next run's `since` (so never to be read again) is in
 * Daktela exactly. At the end: Daktela's accounts and contacts are the CRM's, no more, no less.
 */
import type { IConnections, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import { FieldMapper } from '../nodes/FieldMapper/FieldMapper.node';
import { SyncCheckpoint } from '../nodes/SyncCheckpoint/SyncCheckpoint.node';
import { runWorkflow, type RunWorkflowResult } from './harness/n8n.cjs';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';
import { crmSourceNode, InMemoryCrm, type CrmRecord } from './support/crm-source';

const CHECKPOINT = 'n8n-nodes-daktela.syncCheckpoint';
const DAKTELA = 'n8n-nodes-daktela.daktela';
const MAPPER = 'n8n-nodes-daktela.fieldMapper';
const CRM = 'test.inMemoryCrm';

const SYNC = 'crm-daktela';
const BATCH = 15;
const LOOKBACK_SECONDS = 60;
const SCHEDULE_MS = 5 * 60_000;
const START = Date.parse('2026-03-02T08:00:00Z');

const ACCOUNT_MAPPING = `entity: account
lookup_field: name
direction: crm_to_cc
mappings:
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_account_" }
  - cc_field: title
    crm_field: name
    required: true
  - cc_field: description
    crm_field: notes
  - cc_field: database
    value: default
`;

const CONTACT_MAPPING = `entity: contact
lookup_field: name
direction: crm_to_cc
mappings:
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_person_" }
  - cc_field: firstname
    crm_field: first_name
  - cc_field: lastname
    crm_field: last_name
  - cc_field: title
    template: "{first_name} {last_name}"
  - cc_field: customFields.email
    crm_field: email
    transformers:
      - name: trim
      - name: string_case
        params: { case: lower }
      - name: wrap_array
  - cc_field: account
    crm_field: company_id
    transformers:
      - name: prefix
        params: { value: "crm_account_" }
  - cc_field: database
    value: default
`;

interface Entity {
	entity: 'accounts' | 'contacts';
	table: 'companies' | 'people';
	endpoint: 'accounts' | 'contacts';
	prefix: string;
	/** Node names, and the y of the branch (n8n v1 runs the upper branch first). */
	names: { get: string; crm: string; skip: string; map: string; upsert: string; commit: string };
	y: number;
}

const ENTITIES: Entity[] = [
	{
		entity: 'accounts',
		table: 'companies',
		endpoint: 'accounts',
		prefix: 'crm_account_',
		names: {
			get: 'Get Accounts Cursor',
			crm: 'CRM Companies',
			skip: 'Skip Processed Accounts',
			map: 'Map Accounts',
			upsert: 'Upsert Accounts',
			commit: 'Commit Accounts',
		},
		y: 0,
	},
	{
		entity: 'contacts',
		table: 'people',
		endpoint: 'contacts',
		prefix: 'crm_person_',
		names: {
			get: 'Get Contacts Cursor',
			crm: 'CRM People',
			skip: 'Skip Processed Contacts',
			map: 'Map Contacts',
			upsert: 'Upsert Contacts',
			commit: 'Commit Contacts',
		},
		y: 300,
	},
];

function node(name: string, type: string, position: [number, number], parameters = {}): INode {
	return { id: name, name, type, typeVersion: 1, position, parameters };
}

function workflow(): { nodes: INode[]; connections: IConnections } {
	const nodes: INode[] = [node('Schedule', 'n8n-nodes-base.scheduleTrigger', [0, 150])];
	const connections: IConnections = {};
	const link = (from: string, to: string) => {
		const outputs = connections[from]?.main?.[0] ?? [];
		outputs.push({ node: to, type: 'main', index: 0 });
		connections[from] = { main: [outputs] };
	};
	for (const e of ENTITIES) {
		const n = e.names;
		const chain = [
			node(n.get, CHECKPOINT, [200, e.y], {
				operation: 'get',
				syncName: SYNC,
				entity: e.entity,
				batchSize: BATCH,
				lookbackSeconds: LOOKBACK_SECONDS,
				getOptions: { sinceFormat: 'iso' },
			}),
			node(n.crm, CRM, [400, e.y], {
				table: e.table,
				since: '={{ $json.since ?? "" }}',
				limit: '={{ $json.limit ?? 0 }}',
			}),
			node(n.skip, CHECKPOINT, [600, e.y], {
				operation: 'skipProcessed',
				syncName: SYNC,
				entity: e.entity,
				recordId: '={{ $json.id }}',
				cursorValue: '={{ $json.updatedAt }}',
			}),
			node(n.map, MAPPER, [800, e.y], {
				entity: e.entity === 'accounts' ? 'account' : 'contact',
				direction: 'toDaktela',
				mappingMode: 'yaml',
				mapping: e.entity === 'accounts' ? ACCOUNT_MAPPING : CONTACT_MAPPING,
			}),
			{
				...node(n.upsert, DAKTELA, [1000, e.y], {
					resource: e.entity === 'accounts' ? 'account' : 'contact',
					operation: 'upsert',
				}),
				onError: 'continueRegularOutput' as const,
			},
			node(n.commit, CHECKPOINT, [1200, e.y], {
				operation: 'commit',
				syncName: SYNC,
				entity: e.entity,
				recordSource: 'skipStep',
				onFailure: 'hold',
				sortedSource: true,
			}),
		];
		nodes.push(...chain);
		link('Schedule', chain[0].name);
		for (let i = 0; i < chain.length - 1; i++) link(chain[i].name, chain[i + 1].name);
	}
	return { nodes, connections };
}

// ---------------------------------------------------------------------------------------------
// What Daktela should hold for a CRM record (written independently of the mapping engine)
// ---------------------------------------------------------------------------------------------

type Expected = Record<string, unknown>;

function expectedAccount(company: CrmRecord): Expected {
	return {
		name: `crm_account_${company.id}`,
		title: company.name,
		description: company.notes,
		database: 'default',
	};
}

function expectedContact(person: CrmRecord): Expected {
	return {
		name: `crm_person_${person.id}`,
		firstname: person.first_name,
		lastname: person.last_name,
		title: `${String(person.first_name)} ${String(person.last_name)}`,
		email: [String(person.email).trim().toLowerCase()],
		account: `crm_account_${String(person.company_id)}`,
		database: 'default',
	};
}

function relationName(value: unknown): unknown {
	return value && typeof value === 'object' ? (value as IDataObject).name : value;
}

/** A sandbox record in the shape of `expected*` (relations by name). */
function actual(e: Entity, record: Record<string, unknown>): Expected {
	if (e.entity === 'accounts') {
		return {
			name: record.name,
			title: record.title,
			description: record.description,
			database: relationName(record.database),
		};
	}
	return {
		name: record.name,
		firstname: record.firstname,
		lastname: record.lastname,
		title: record.title,
		email: (record.customFields as IDataObject | undefined)?.email,
		account: relationName(record.account),
		database: relationName(record.database),
	};
}

function expected(e: Entity, record: CrmRecord): Expected {
	return e.entity === 'accounts' ? expectedAccount(record) : expectedContact(record);
}

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

let sandbox: DaktelaSandbox;
let credentials: { daktelaApi: { url: string; accessToken: string; timeZone: string } };

beforeAll(async () => {
	sandbox = await startDaktelaSandbox({});
	credentials = {
		daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
	};
});

afterAll(async () => {
	jest.useRealTimers();
	await sandbox.close();
});

beforeEach(() => {
	// Fake only Date: the schedule's clock. Sockets, retries' sleeps and n8n run on real timers.
	jest.useFakeTimers({
		now: START,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
	sandbox.reset();
	sandbox.setFaults(undefined);
});

afterEach(() => {
	jest.useRealTimers();
});

/** Moves the (fake) wall clock, which the CRM, the checkpoint and the sandbox all read. */
function advance(ms: number): void {
	jest.setSystemTime(Date.now() + ms);
}

function company(crm: InMemoryCrm, id: number, name = `Company ${id}`): CrmRecord {
	return crm.insert('companies', { id: String(id), name, notes: `Notes of ${name}` });
}

function person(crm: InMemoryCrm, id: number, companyId: number, extra: IDataObject = {}) {
	return crm.insert('people', {
		id: String(id),
		first_name: `First${id}`,
		last_name: `Last${id}`,
		email: `  Person.${id}@Example.CZ `,
		company_id: String(companyId),
		...extra,
	});
}

interface RunReport {
	result: RunWorkflowResult;
	/** Writes Daktela applied in the run (failed attempts are not writes). */
	writes: number;
	failed: Record<string, string[]>;
	summaries: Record<string, IDataObject | undefined>;
}

function storedState(staticData: IDataObject, entity: string): IDataObject | undefined {
	const root = (staticData.global as IDataObject | undefined)?.syncCheckpoint as
		| { syncs?: Record<string, Record<string, IDataObject>> }
		| undefined;
	return root?.syncs?.[SYNC]?.[entity];
}

/** Writes Daktela applied (or may have: a connection dropped after the write) since `from`. */
function writesSince(from: number): number {
	return sandbox.requests
		.slice(from)
		.filter(
			(r) =>
				(r.method === 'POST' || r.method === 'PUT') &&
				((r.status >= 200 && r.status < 300) || r.fault === 'dropAfterWrite'),
		).length;
}

function daktelaRecords(e: Entity): Map<string, Expected> {
	const out = new Map<string, Expected>();
	for (const record of sandbox.store.list(e.endpoint)) {
		const shaped = actual(e, record);
		if (String(shaped.name).startsWith(e.prefix)) out.set(String(shaped.name), shaped);
	}
	return out;
}

/**
 * The per-run guarantees. For each entity:
 * - the cursor stored after the run is not past the earliest record that failed in the run (and
 *   if it sits exactly at its time, the failed record is not among the ids processed there);
 * - every CRM record older than the next `since` (cursor - lookback: never read again) is in
 *   Daktela exactly as the CRM has it now.
 */
function checkRun(crm: InMemoryCrm, staticData: IDataObject, report: RunReport): void {
	for (const e of ENTITIES) {
		const read = new Map(
			report.result.outputOf(e.names.crm).map((i) => [String(i.json.id), i.json as CrmRecord]),
		);
		const state = storedState(staticData, e.entity);
		const cursor = typeof state?.cursor === 'string' ? Date.parse(state.cursor) : undefined;
		const failedIds = report.failed[e.entity];
		if (failedIds.length) {
			const times = failedIds.map((id) => Date.parse(String(read.get(id)?.updatedAt)));
			expect(times.every((t) => Number.isFinite(t))).toBe(true);
			const earliest = Math.min(...times);
			if (cursor !== undefined) {
				expect(cursor).toBeLessThanOrEqual(earliest);
				const summary = report.summaries[e.entity];
				const after = summary?.cursorAfter as { time: string; ids: string[] } | null;
				if (after && Date.parse(after.time) === earliest) {
					for (const id of failedIds) expect(after.ids).not.toContain(id);
				}
			}
		}
		if (cursor === undefined) continue;
		const nextSince = cursor - LOOKBACK_SECONDS * 1000;
		const inDaktela = daktelaRecords(e);
		for (const record of crm.all(e.table)) {
			if (Date.parse(record.updatedAt) >= nextSince) continue;
			expect(inDaktela.get(String(expected(e, record).name))).toEqual(expected(e, record));
		}
	}
}

async function runOnce(crm: InMemoryCrm, staticData: IDataObject): Promise<RunReport> {
	const before = sandbox.requests.length;
	const result = await runWorkflow({
		...workflow(),
		nodeTypes: {
			[CHECKPOINT]: SyncCheckpoint,
			[DAKTELA]: Daktela,
			[MAPPER]: FieldMapper,
			[CRM]: crmSourceNode(crm),
		},
		credentials,
		staticData,
		mode: 'trigger',
	});
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	const failed: Record<string, string[]> = {};
	const summaries: Record<string, IDataObject | undefined> = {};
	for (const e of ENTITIES) {
		const summary = result.outputOf(e.names.commit)[0]?.json;
		summaries[e.entity] = summary;
		const upserted = result.outputOf(e.names.upsert);
		const failedItems = upserted.filter(
			(i: INodeExecutionData) => (i.json.sync as IDataObject | undefined)?.action === 'failed',
		);
		const ids = ((summary?.failedRecords as Array<{ id: string }> | undefined) ?? []).map(
			(r) => r.id,
		);
		// Commit counted exactly the records the Daktela node reported as failed.
		expect(ids).toHaveLength(failedItems.length);
		failed[e.entity] = ids;
	}
	const report = { result, writes: writesSince(before), failed, summaries };
	checkRun(crm, staticData, report);
	return report;
}

/** Daktela holds exactly the CRM's companies and people: same names, same mapped fields. */
function expectConverged(crm: InMemoryCrm): void {
	for (const e of ENTITIES) {
		const inDaktela = daktelaRecords(e);
		const wanted = new Map(crm.all(e.table).map((r) => [String(expected(e, r).name), r]));
		expect([...inDaktela.keys()].sort()).toEqual([...wanted.keys()].sort());
		for (const [name, record] of wanted) {
			expect(inDaktela.get(name)).toEqual(expected(e, record));
		}
		// No record twice under another name: every CRM person's e-mail is on one contact only.
		if (e.entity === 'contacts') {
			const emails = [...inDaktela.values()].map((r) => JSON.stringify(r.email));
			expect(new Set(emails).size).toBe(emails.length);
		}
	}
}

/** Runs the schedule until two consecutive runs write nothing (and no change is pending). */
async function runUntilQuiet(
	crm: InMemoryCrm,
	staticData: IDataObject,
	changes: Map<number, () => void>,
	maxRuns: number,
	onRun?: (run: number, report: RunReport) => void,
): Promise<RunReport[]> {
	const reports: RunReport[] = [];
	let quiet = 0;
	for (let run = 1; run <= maxRuns; run++) {
		advance(SCHEDULE_MS);
		const report = await runOnce(crm, staticData);
		reports.push(report);
		onRun?.(run, report);
		const change = changes.get(run);
		if (change) {
			advance(7_000);
			change();
			changes.delete(run);
		}
		quiet = report.writes === 0 && !change ? quiet + 1 : 0;
		if (quiet >= 2 && changes.size === 0) return reports;
	}
	throw new Error(`No convergence within ${maxRuns} runs`);
}

// ---------------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------------

describe('batch sync CRM -> Daktela converges under injected faults', () => {
	it('10% of requests fail (429, 500, dropped before/after the write): nothing lost, nothing twice', async () => {
		const crm = new InMemoryCrm();
		// 20 companies and 90 people, inserted in bursts: many share a timestamp, one burst is
		// larger than the batch size.
		for (let c = 1; c <= 20; c++) {
			company(crm, c);
			if (c % 4 === 0) advance(1000);
		}
		advance(1000);
		for (let p = 1; p <= 90; p++) {
			person(crm, p, ((p - 1) % 20) + 1);
			if (p % 7 === 0 && p < 60) advance(1000);
		}
		sandbox.setFaults({
			rate: 0.1,
			kinds: ['429', '500', 'drop', 'dropAfterWrite'],
			retryAfterSeconds: 0,
			seed: 7,
		});

		let nextId = 100;
		const changes = new Map<number, () => void>([
			[
				2,
				() => {
					// New companies and people, all on one timestamp (more than a batch).
					for (let c = 21; c <= 23; c++) company(crm, c);
					for (let i = 0; i < 20; i++) person(crm, nextId++, 21 + (i % 3));
				},
			],
			[
				4,
				() => {
					// Updates: names, e-mails, a person moving to another company.
					crm.update('companies', '3', { name: 'Company Three Ltd.' });
					crm.update('companies', '22', { notes: 'Key account' });
					advance(1000);
					crm.update('people', '5', { last_name: 'Nováková' });
					crm.update('people', '6', { email: 'NEW.six@example.cz' });
					crm.update('people', '7', { company_id: '23' });
				},
			],
			[
				5,
				() => {
					// A record edited while the next run reads (it gets the read's own timestamp), and
					// one that becomes visible 30 s late (stamped before the read, as replication lag).
					crm.onRead = (table) => {
						if (table !== 'people') return;
						crm.onRead = undefined;
						crm.update('people', '8', { first_name: 'Edited-during-run' });
						crm.insertAt('people', Date.now() - 30_000, {
							id: 'late-1',
							first_name: 'Late',
							last_name: 'Arrival',
							email: 'late@example.cz',
							company_id: '2',
						});
					};
				},
			],
			[
				7,
				() => {
					for (let i = 0; i < 4; i++) person(crm, nextId++, 1 + i);
					crm.update('people', '1', { last_name: 'Renamed' });
				},
			],
		]);

		const reports = await runUntilQuiet(crm, staticData(), changes, 40);

		expectConverged(crm);
		// The faults really happened and really hit writes, also after they were applied.
		const faulted = sandbox.requests.filter((r) => r.fault !== undefined);
		expect(faulted.length).toBeGreaterThanOrEqual(0.05 * sandbox.requests.length);
		expect(new Set(faulted.map((r) => r.fault))).toEqual(
			new Set(['429', '500', 'drop', 'dropAfterWrite']),
		);
		expect(faulted.some((r) => r.method === 'POST' && r.fault === 'dropAfterWrite')).toBe(true);
		// It took several batches (8 per run and entity) and then settled.
		expect(reports.length).toBeGreaterThan(6);
		expect(reports.slice(-2).every((r) => r.writes === 0)).toBe(true);
	}, 60_000);

	it('records that really fail (validation, retries exhausted) hold the cursor until fixed, then converge', async () => {
		const crm = new InMemoryCrm();
		for (let c = 1; c <= 5; c++) company(crm, c);
		advance(1000);
		for (let p = 1; p <= 20; p++) {
			// Person 7's last name is longer than Daktela accepts (128): a 400 on every attempt.
			person(crm, p, ((p - 1) % 5) + 1, p === 7 ? { last_name: 'X'.repeat(200) } : {});
			if (p % 3 === 0) advance(1000);
		}
		const bad = crm.get('people', '7') as CrmRecord;
		const store: IDataObject = staticData();

		// The failing record never lets the cursor pass it, yet the records after it are synced.
		let failuresSeen = 0;
		const stuck = await runUntilQuiet(crm, store, new Map(), 20, (_, report) => {
			failuresSeen += report.failed.contacts.length;
			const cursor = storedState(store, 'contacts')?.cursor;
			if (typeof cursor === 'string') {
				expect(Date.parse(cursor)).toBeLessThanOrEqual(Date.parse(bad.updatedAt));
			}
		});
		expect(failuresSeen).toBeGreaterThanOrEqual(stuck.length);
		const lastSummary = stuck
			.map((r) => r.summaries.contacts)
			.filter(Boolean)
			.pop();
		expect(lastSummary).toMatchObject({ reason: 'committedPartial', failed: 1 });
		expect((lastSummary?.failedRecords as IDataObject[])[0]).toMatchObject({ id: '7' });
		expect(String((lastSummary?.failedRecords as IDataObject[])[0].error)).toMatch(/lastname/);
		expect(sandbox.store.get('contacts', 'crm_person_7')).toBeUndefined();
		for (let p = 8; p <= 20; p++)
			expect(sandbox.store.get('contacts', `crm_person_${p}`)).toBeDefined();

		// New and changed records meet a Daktela that refuses every write (429 after every retry):
		// they fail, the cursor holds, nothing is lost.
		advance(7_000);
		person(crm, 21, 1);
		person(crm, 22, 2);
		crm.update('companies', '2', { name: 'Company Two (renamed)' });
		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 0, methods: ['POST', 'PUT'] });
		advance(SCHEDULE_MS);
		const refused = await runOnce(crm, store);
		expect(refused.failed.accounts).toEqual(['2']);
		expect(refused.failed.contacts.sort()).toEqual(['21', '22', '7']);
		expect(refused.summaries.contacts).toMatchObject({
			committed: true,
			reason: 'committedPartial',
		});
		expect(
			String(
				refused.result.outputOf('Upsert Contacts').find((i) => i.json.name === 'crm_person_21')
					?.json.error,
			),
		).toMatch(/429|rate|many/i);
		expect(sandbox.store.get('contacts', 'crm_person_21')).toBeUndefined();
		expect(sandbox.store.get('accounts', 'crm_account_2')?.title).toBe('Company 2');

		// Daktela is back and the CRM fixes person 7: everything converges.
		sandbox.setFaults(undefined);
		advance(7_000);
		crm.update('people', '7', { last_name: 'Short' });
		await runUntilQuiet(crm, store, new Map(), 20);
		expectConverged(crm);
	}, 60_000);
});

function staticData(): IDataObject {
	return {};
}
