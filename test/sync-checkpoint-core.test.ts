/**
 * The Sync Checkpoint's pure core: cursor values, the stored layout, and the Get / Skip Processed /
 * Commit policies - ending with a simulation that drives the policies against a changing source
 * and checks the guarantee (no record lost; nothing re-sent forever).
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';

import {
	compareCursorPoints,
	formatSince,
	toEpochMs,
	toRecordId,
} from '../nodes/SyncCheckpoint/checkpoint/cursor';
import { CheckpointError } from '../nodes/SyncCheckpoint/checkpoint/errors';
import type {
	CommitOptions,
	FailurePolicy,
	Outcome,
	RecordResult,
} from '../nodes/SyncCheckpoint/checkpoint/policy';
import {
	DEFAULT_COMMIT_OPTIONS,
	decideCommit,
	decideSkip,
	outcomeOf,
	planGet,
	recordSkip,
} from '../nodes/SyncCheckpoint/checkpoint/policy';
import { readStateRows, stateSave } from '../nodes/SyncCheckpoint/checkpoint/rows';
import type { EntityState } from '../nodes/SyncCheckpoint/checkpoint/state';
import {
	CheckpointStore,
	STATE_KEY,
	checkName,
	emptyEntityState,
} from '../nodes/SyncCheckpoint/checkpoint/state';
import {
	commitSummary,
	failureText,
	persistenceOf,
} from '../nodes/SyncCheckpoint/checkpoint/summary';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const SEC = 1000;
const MIN = 60 * SEC;

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function stateWith(
	partial: Partial<Omit<EntityState, 'seen'>> & { seen?: Array<[string, number]> },
): EntityState {
	const state = emptyEntityState();
	if (partial.cursor !== undefined) state.cursor = partial.cursor;
	for (const [id, time] of partial.seen ?? []) state.seen.set(id, time);
	if (partial.retry) state.retry = partial.retry;
	if (partial.dead) state.dead = partial.dead;
	if (partial.run) state.run = partial.run;
	return state;
}

/** A state after Get ran in execution `runId`. */
function afterGet(state: EntityState, runId: string, batchSize = 3, lookbackMs = 0): EntityState {
	return planGet({
		state,
		runId,
		nowMs: T0 + 10 * MIN,
		batchSize,
		lookbackMs,
		forceFullSync: false,
	}).next;
}

function ok(index: number, id: string, time: number, outcome: Outcome = 'updated'): RecordResult {
	return { index, id, time, outcome };
}

function failed(index: number, id: string, time: number, error = 'boom'): RecordResult {
	return { index, id, time, outcome: 'failed', error };
}

function commit(
	state: EntityState,
	records: RecordResult[],
	options: Partial<CommitOptions> = {},
	extra: { runId?: string; sourceCount?: number; nowMs?: number } = {},
) {
	return decideCommit({
		state,
		runId: extra.runId ?? 'run-1',
		records,
		sourceCount: extra.sourceCount,
		nowMs: extra.nowMs ?? T0 + 10 * MIN,
		options: { ...DEFAULT_COMMIT_OPTIONS, ...options },
	});
}

describe('cursor values', () => {
	it('reads ISO instants, Daktela wall times in the zone, epoch numbers, Dates and luxon', () => {
		expect(toEpochMs('2026-03-01T10:00:00Z', 'UTC')).toBe(T0);
		expect(toEpochMs('2026-03-01T11:00:00+01:00', 'America/New_York')).toBe(T0);
		expect(toEpochMs('2026-03-01 11:00:00', 'Europe/Prague')).toBe(T0);
		expect(toEpochMs('2026-03-01T11:00:00', 'Europe/Prague')).toBe(T0);
		expect(toEpochMs(T0 / 1000, 'UTC')).toBe(T0);
		expect(toEpochMs(T0, 'UTC')).toBe(T0);
		expect(toEpochMs(String(T0), 'UTC')).toBe(T0);
		expect(toEpochMs(new Date(T0), 'UTC')).toBe(T0);
		expect(toEpochMs(DateTime.fromMillis(T0), 'UTC')).toBe(T0);
	});

	it('reads an ambiguous autumn wall time as the earlier instant (re-read, never skip)', () => {
		expect(iso(toEpochMs('2026-10-25 02:30:00', 'Europe/Prague'))).toBe('2026-10-25T00:30:00.000Z');
	});

	it('rejects what is not a date, with a typed error', () => {
		for (const bad of [
			undefined,
			null,
			'',
			'  ',
			'yesterday',
			'2026-02-30 10:00:00',
			{},
			[],
			NaN,
		]) {
			expect(() => toEpochMs(bad, 'UTC')).toThrow(CheckpointError);
		}
	});

	it('formats since for the source, rounding down to the source precision', () => {
		const t = T0 + 999;
		expect(formatSince(t, 'iso', 'UTC')).toBe('2026-03-01T10:00:00.999Z');
		expect(formatSince(t, 'daktela', 'Europe/Prague')).toBe('2026-03-01 11:00:00');
		expect(formatSince(t, 'unixSeconds', 'UTC')).toBe(T0 / 1000);
		expect(formatSince(t, 'unixMs', 'UTC')).toBe(t);
	});

	it('orders positions by time, then record id', () => {
		const points = [
			{ time: 2, id: 'a' },
			{ time: 1, id: 'b' },
			{ time: 1, id: 'a' },
		];
		expect([...points].sort(compareCursorPoints)).toEqual([
			{ time: 1, id: 'a' },
			{ time: 1, id: 'b' },
			{ time: 2, id: 'a' },
		]);
	});

	it('takes record ids from strings and numbers only', () => {
		expect(toRecordId(' 42 ')).toBe('42');
		expect(toRecordId(42)).toBe('42');
		for (const none of ['', '   ', null, undefined, {}, [], NaN])
			expect(toRecordId(none)).toBeUndefined();
	});
});

describe('stored state', () => {
	it('round-trips one entity through the versioned layout under the sync name and entity', () => {
		const data: Record<string, unknown> = { unrelated: 1 };
		const store = CheckpointStore.read(data);
		const state = stateWith({
			cursor: T0,
			seen: [
				['b', T0],
				['a', T0 - SEC],
			],
		});
		state.retry.set('x', {
			id: 'x',
			attempts: 1,
			firstFailedAt: iso(T0),
			lastFailedAt: iso(T0),
			error: 'e',
		});
		store.set('crm', 'contacts', state);
		store.write(data);

		expect(data).toEqual({
			unrelated: 1,
			[STATE_KEY]: {
				v: 1,
				syncs: {
					crm: {
						contacts: {
							cursor: '2026-03-01T10:00:00.000Z',
							seen: [
								['a', T0 - SEC],
								['b', T0],
							],
							retry: [
								{ id: 'x', attempts: 1, firstFailedAt: iso(T0), lastFailedAt: iso(T0), error: 'e' },
							],
						},
					},
				},
			},
		});
		const again = CheckpointStore.read(JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
		const read = again.get('crm', 'contacts');
		expect(read.cursor).toBe(T0);
		expect([...read.seen]).toEqual([
			['a', T0 - SEC],
			['b', T0],
		]);
		expect(again.get('crm', 'accounts')).toEqual(emptyEntityState());
	});

	it('keeps hostile record ids as data, never as object keys', () => {
		const data: Record<string, unknown> = {};
		const store = CheckpointStore.read(data);
		store.set('s', 'e', stateWith({ cursor: T0, seen: [['__proto__', T0]] }));
		store.write(data);
		const read = CheckpointStore.read(JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
		expect(read.get('s', 'e').seen.get('__proto__')).toBe(T0);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('refuses names that cannot be keys and state it cannot read', () => {
		expect(() => checkName('Entity', '__proto__')).toThrow(/reserved/);
		expect(() => checkName('Sync name', '  ')).toThrow(/empty/);
		expect(() => CheckpointStore.read({ [STATE_KEY]: { v: 2, syncs: {} } })).toThrow(
			expect.objectContaining({ code: 'newerState' }),
		);
		expect(() => CheckpointStore.read({ [STATE_KEY]: 'x' })).toThrow(
			expect.objectContaining({ code: 'corruptState' }),
		);
		const bad = CheckpointStore.read({
			[STATE_KEY]: { v: 1, syncs: { s: { e: { cursor: 'no' } } } },
		});
		expect(() => bad.get('s', 'e')).toThrow(/Reset/);
		expect(bad.remove('s', 'e')).toEqual(['e']);
	});

	it('removes one entity or every entity of a sync', () => {
		const store = CheckpointStore.read({});
		store.set('s', 'a', emptyEntityState());
		store.set('s', 'b', emptyEntityState());
		store.set('t', 'a', emptyEntityState());
		expect(store.remove('s', 'a')).toEqual(['a']);
		expect(store.remove('s', 'a')).toEqual([]);
		expect(store.remove('t')).toEqual(['a']);
		expect(store.syncNames()).toEqual(['s']);
	});
});

describe('sync results', () => {
	it('reads the Daktela sync result, then json.error, else success', () => {
		expect(outcomeOf({ sync: { action: 'created', name: 'a' } })).toEqual({ outcome: 'created' });
		expect(
			outcomeOf({ sync: { action: 'failed', name: 'a', error: 'lastname: mandatory' } }),
		).toEqual({ outcome: 'failed', error: 'lastname: mandatory' });
		expect(outcomeOf({ error: { message: 'Bad request' } })).toEqual({
			outcome: 'failed',
			error: 'Bad request',
		});
		expect(outcomeOf({ id: 1 })).toEqual({ outcome: 'other' });
	});

	it("reads an account's auto-created contact, and counts the contacts in the commit", () => {
		expect(
			outcomeOf({
				sync: { action: 'created', name: 'a', contact: { action: 'created', name: 'c' } },
			}),
		).toEqual({ outcome: 'created', contact: 'created' });
		expect(
			outcomeOf({ sync: { action: 'unchanged', name: 'a', contact: { action: 'bogus' } } }),
		).toEqual({ outcome: 'unchanged' });
		const records: RecordResult[] = [
			{ ...ok(0, 'a', T0, 'created'), contact: 'created' },
			{ ...ok(1, 'b', T0 + MIN, 'updated'), contact: 'skipped' },
			{ ...ok(2, 'c', T0 + 2 * MIN, 'unchanged'), contact: 'created' },
			ok(3, 'd', T0 + 3 * MIN, 'unchanged'),
		];
		const d = commit(emptyEntityState(), records);
		expect(d.contacts).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 1 });
		const summary = commitSummary({ syncName: 's', entity: 'accounts', persisted: true }, d);
		expect(summary.contacts).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 1 });
		expect(summary.created).toBe(1);

		const plain = commit(emptyEntityState(), [ok(0, 'a', T0, 'created')]);
		expect(plain.contacts).toBeNull();
		expect(
			'contacts' in commitSummary({ syncName: 's', entity: 'x', persisted: true }, plain),
		).toBe(false);
	});
});

describe('Get', () => {
	it('hands out a full sync (no since) when there is no cursor, or Start From', () => {
		const plan = planGet({
			state: emptyEntityState(),
			runId: 'r',
			nowMs: T0,
			batchSize: 100,
			lookbackMs: 0,
			forceFullSync: false,
		});
		expect(plan).toMatchObject({
			since: null,
			fullSync: true,
			fullSyncReason: 'noCursor',
			limit: 100,
		});
		const from = planGet({
			state: emptyEntityState(),
			runId: 'r',
			nowMs: T0,
			batchSize: 0,
			lookbackMs: 0,
			forceFullSync: false,
			startFromMs: T0 - MIN,
		});
		expect(from).toMatchObject({ since: T0 - MIN, limit: null });
	});

	it('hands out cursor minus lookback, the boundary ids, and a limit that covers re-reads', () => {
		const state = stateWith({
			cursor: T0,
			seen: [
				['a', T0 - 2 * MIN],
				['b', T0 - 30 * SEC],
				['c', T0],
				['d', T0],
			],
		});
		const plan = planGet({
			state,
			runId: 'r',
			nowMs: T0 + MIN,
			batchSize: 10,
			lookbackMs: MIN,
			forceFullSync: false,
		});
		expect(plan.since).toBe(T0 - MIN);
		expect(plan.cursor).toEqual({ time: iso(T0), ids: ['c', 'd'] });
		expect(plan.limit).toBe(13);
		expect(plan.next.run).toMatchObject({
			id: 'r',
			since: iso(T0 - MIN),
			limit: 13,
			lookbackMs: MIN,
		});
		expect(plan.warnings).toEqual([]);
	});

	it('forced full sync ignores the cursor; a future cursor and an unfinished run are reported', () => {
		const state = stateWith({ cursor: T0 + 365 * 24 * 60 * MIN });
		state.run = {
			id: 'old',
			startedAt: iso(T0),
			since: null,
			limit: 5,
			batchSize: 5,
			lookbackMs: 0,
			fullSync: false,
			forced: false,
		};
		const plan = planGet({
			state,
			runId: 'r',
			nowMs: T0,
			batchSize: 5,
			lookbackMs: 0,
			forceFullSync: true,
		});
		expect(plan).toMatchObject({ since: null, fullSync: true, fullSyncReason: 'forced' });
		expect(plan.previousRun?.id).toBe('old');
		expect(plan.warnings.join('\n')).toMatch(/in the future/);
		expect(plan.warnings.join('\n')).toMatch(/did not reach Commit/);
	});
});

describe('Skip Processed', () => {
	const state = stateWith({
		cursor: T0,
		seen: [
			['a', T0],
			['b', T0 - SEC],
		],
	});
	state.retry.set('r', { id: 'r', attempts: 1, firstFailedAt: '', lastFailedAt: '', error: '' });
	const run = afterGet(state, 'run-1', 3, 10 * SEC).run;

	it.each([
		['a processed boundary record', { id: 'a', time: T0 }, true, 'seen'],
		['an older version of a processed record', { id: 'b', time: T0 - 5 * SEC }, true, 'seen'],
		['a newer version of a processed record', { id: 'b', time: T0 }, false, 'new'],
		['an unseen record on the boundary', { id: 'z', time: T0 }, false, 'new'],
		['an unseen late record inside the lookback', { id: 'z', time: T0 - 5 * SEC }, false, 'new'],
		['a record older than the lookback', { id: 'z', time: T0 - 11 * SEC }, true, 'beforeWindow'],
		['a record on the retry list', { id: 'r', time: T0 - MIN }, false, 'retry'],
		['an unreadable record', { id: 'z' }, false, 'invalid'],
	])('%s', (_name, record, skip, reason) => {
		expect(decideSkip(state, run, record)).toEqual({ skip, reason });
	});

	it('passes everything during a full sync, and never skips by cursor without Get', () => {
		const full = planGet({
			state,
			runId: 'f',
			nowMs: T0,
			batchSize: 3,
			lookbackMs: 0,
			forceFullSync: true,
		});
		expect(decideSkip(full.next, full.next.run, { id: 'a', time: T0 })).toEqual({
			skip: false,
			reason: 'fullSync',
		});
		expect(decideSkip(state, undefined, { id: 'z', time: T0 - MIN })).toEqual({
			skip: false,
			reason: 'new',
		});
	});

	it('counts what the source returned into this run only', () => {
		const next = recordSkip(afterGet(state, 'run-1'), 'run-1', 5, 2);
		expect(next?.run).toMatchObject({ sourceCount: 5, skipped: 2 });
		expect(recordSkip(state, 'run-1', 5, 2)).toBeUndefined();
	});
});

describe('Commit', () => {
	const base = stateWith({ cursor: T0, seen: [['a', T0]] });

	it('commits the highest processed cursor when nothing failed and the batch was not full', () => {
		const d = commit(afterGet(base, 'run-1', 3), [
			ok(0, 'b', T0 + SEC, 'created'),
			ok(1, 'c', T0 + 2 * SEC),
		]);
		expect(d).toMatchObject({ committed: true, reason: 'committed', exhausted: false });
		expect(d.cursorBefore).toEqual({ time: iso(T0), ids: ['a'] });
		expect(d.cursorAfter).toEqual({ time: iso(T0 + 2 * SEC), ids: ['c'] });
		expect(d.counts).toMatchObject({ total: 2, created: 1, updated: 1, failed: 0 });
		expect(d.next.run?.closedAt).toBeDefined();
		expect(d.next.commits).toBe(1);
	});

	it('holds on any failure by default (the SDK rule) but remembers what succeeded', () => {
		const d = commit(afterGet(base, 'run-1'), [
			ok(0, 'b', T0 + SEC),
			failed(1, 'c', T0 + 2 * SEC, 'lastname: mandatory'),
		]);
		expect(d).toMatchObject({ committed: false, reason: 'heldFailures' });
		expect(d.failedRecords).toEqual([{ index: 1, id: 'c', error: 'lastname: mandatory' }]);
		expect(d.next.cursor).toBe(T0);
		expect(d.next.seen.get('b')).toBe(T0 + SEC);
		expect(d.next.retry.size).toBe(0);
	});

	it('holds a full batch from an unsorted source, and commits it from a sorted one', () => {
		const records = [ok(0, 'b', T0 + 2 * SEC), ok(1, 'c', T0 + SEC), ok(2, 'd', T0 + 3 * SEC)];
		const held = commit(afterGet(base, 'run-1', 2), records);
		expect(held).toMatchObject({
			committed: false,
			reason: 'heldExhausted',
			exhausted: true,
			limit: 3,
		});
		const notInOrder = commit(afterGet(base, 'run-1', 2), records, { sortedSource: true });
		expect(notInOrder).toMatchObject({ committed: false, reason: 'heldExhausted', sorted: false });
		expect(notInOrder.warnings.join()).toMatch(/did not arrive in ascending cursor order/);
		const inOrder = [ok(0, 'c', T0 + SEC), ok(1, 'b', T0 + 2 * SEC), ok(2, 'd', T0 + 3 * SEC)];
		const batch = commit(afterGet(base, 'run-1', 2), inOrder, { sortedSource: true });
		expect(batch).toMatchObject({ committed: true, reason: 'committedBatch' });
		expect(batch.next.cursor).toBe(T0 + 3 * SEC);
	});

	it('from a sorted source, commits up to the first failure only', () => {
		const records = [
			ok(0, 'b', T0 + SEC),
			ok(1, 'c', T0 + 2 * SEC),
			failed(2, 'd', T0 + 2 * SEC),
			ok(3, 'e', T0 + 3 * SEC),
		];
		const d = commit(afterGet(base, 'run-1', 10), records, { sortedSource: true });
		expect(d).toMatchObject({ committed: true, reason: 'committedPartial' });
		expect(d.cursorAfter).toEqual({ time: iso(T0 + 2 * SEC), ids: ['c'] });
		const next = planGet({
			state: d.next,
			runId: 'run-2',
			nowMs: T0 + 11 * MIN,
			batchSize: 10,
			lookbackMs: 0,
			forceFullSync: false,
		});
		expect(decideSkip(next.next, next.next.run, { id: 'd', time: T0 + 2 * SEC }).skip).toBe(false);
		expect(decideSkip(next.next, next.next.run, { id: 'e', time: T0 + 3 * SEC }).skip).toBe(true);
	});

	it('advances past failures into a retry list that drains, and dead-letters after max attempts', () => {
		const options = { onFailure: 'advance' as FailurePolicy, maxAttempts: 2 };
		const first = commit(
			afterGet(base, 'run-1'),
			[ok(0, 'b', T0 + SEC), failed(1, 'c', T0 + 2 * SEC, 'e1')],
			options,
		);
		expect(first).toMatchObject({ committed: true, reason: 'committedPastFailures' });
		expect(first.next.cursor).toBe(T0 + 2 * SEC);
		expect(first.retry).toEqual({ added: ['c'], resolved: [], pending: ['c'] });
		expect(first.next.retry.get('c')).toMatchObject({ attempts: 1, error: 'e1' });

		const second = commit(
			afterGet(first.next, 'run-2'),
			[failed(0, 'c', T0 + 2 * SEC, 'e2')],
			options,
			{ runId: 'run-2' },
		);
		expect(second.deadLetters).toMatchObject({ added: ['c'], total: 1 });
		expect(second.next.retry.size).toBe(0);
		expect(second.warnings.join()).toMatch(/dead letters/);

		const third = commit(afterGet(second.next, 'run-3'), [ok(0, 'c', T0 + 5 * SEC)], options, {
			runId: 'run-3',
		});
		expect(third.deadLetters).toMatchObject({ recovered: ['c'], total: 0 });
	});

	it('holds when an item has no record id or cursor value (a settings problem, not data)', () => {
		const d = commit(
			afterGet(base, 'run-1'),
			[ok(0, 'b', T0 + SEC), { index: 1, outcome: 'updated', invalid: 'Cursor value is empty' }],
			{
				onFailure: 'advance',
			},
		);
		expect(d).toMatchObject({ committed: false, reason: 'heldInvalid' });
		expect(d.next.seen.has('b')).toBe(false);
		expect(d.invalidRecords).toEqual([{ index: 1, id: null, error: 'Cursor value is empty' }]);
	});

	it("holds without this execution's Get (cannot tell a full batch), and reports another open run", () => {
		expect(commit(base, [ok(0, 'b', T0 + SEC)])).toMatchObject({
			reason: 'heldNoGet',
			run: { match: 'none' },
		});
		const other = commit(afterGet(base, 'run-9'), [ok(0, 'b', T0 + SEC)]);
		expect(other).toMatchObject({ reason: 'heldNoGet', run: { id: 'run-9', match: 'other' } });
		expect(other.warnings.join()).toMatch(/overlapping runs/);
		expect(other.next.run?.closedAt).toBeUndefined();
	});

	it('never moves the cursor back, nor past the time Get ran (a future record cannot hide edits)', () => {
		const back = commit(afterGet(base, 'run-1', 3, MIN), [ok(0, 'old', T0 - 30 * SEC)]);
		expect(back.next.cursor).toBe(T0);
		const getTime = T0 + 10 * MIN;
		const ahead = commit(
			afterGet(base, 'run-1'),
			[ok(0, 'skewed', getTime + 20 * SEC), ok(1, 'typo', Date.parse('2099-01-01T00:00:00Z'))],
			{},
			{ nowMs: getTime + MIN },
		);
		expect(ahead.next.cursor).toBe(getTime);
		// Remembered, so they do not fill every later batch; a corrected (lower) version is new.
		const next = afterGet(ahead.next, 'run-2');
		expect(
			decideSkip(next, next.run, { id: 'typo', time: Date.parse('2099-01-01T00:00:00Z') }).skip,
		).toBe(true);
		expect(decideSkip(next, next.run, { id: 'typo', time: getTime + 2 * MIN }).skip).toBe(false);
		expect(decideSkip(next, next.run, { id: 'old', time: T0 - MIN }).skip).toBe(true);
		expect(ahead.warnings.join()).toMatch(
			/1 record\(s\) have a cursor value more than an hour in the future \(typo\)/,
		);
	});

	it('a committed full sync starts the cursor and the seen records afresh', () => {
		const full = planGet({
			state: base,
			runId: 'run-1',
			nowMs: T0,
			batchSize: 2,
			lookbackMs: 0,
			forceFullSync: true,
		});
		const d = commit(full.next, [ok(0, 'x', T0 - 9 * MIN), ok(1, 'y', T0 - 8 * MIN)], {
			sortedSource: true,
		});
		expect(d).toMatchObject({ committed: true, reason: 'committedBatch', fullSync: true });
		expect(d.next.cursor).toBe(T0 - 8 * MIN);
		expect([...d.next.seen.keys()]).toEqual(['y']);
	});

	it('forgets seen records behind the lookback and beyond the size limit', () => {
		const state = afterGet(
			stateWith({
				cursor: T0,
				seen: [
					['a', T0 - 2 * MIN],
					['b', T0],
				],
			}),
			'run-1',
			10,
			MIN,
		);
		const d = commit(state, [ok(0, 'c', T0 + SEC), ok(1, 'd', T0 + 2 * SEC)], { seenLimit: 2 });
		expect([...d.next.seen.keys()].sort()).toEqual(['c', 'd']);
		expect(d.warnings.join()).toMatch(/oldest 1/);
	});

	it('summarises the decision, and says when n8n will not save it', () => {
		const d = commit(afterGet(base, 'run-1'), [failed(0, 'c', T0 + SEC, 'bad phone')]);
		const summary = commitSummary(
			{ syncName: 's', entity: 'e', ...persistenceOf('manual', 'wf1') },
			d,
		);
		expect(summary).toMatchObject({
			committed: false,
			reason: 'heldFailures',
			failed: 1,
			failedRecords: [{ id: 'c', error: 'bad phone' }],
			persisted: false,
			persistedReason: expect.stringMatching(/Manual/),
		});
		expect(failureText(summary).message).toBe('1 of 1 record(s) failed in sync "s", entity "e"');
		expect(persistenceOf('trigger', 'wf1')).toEqual({ persisted: true });
		expect(persistenceOf('trigger', 'x'.repeat(22)).persisted).toBe(false);
	});
});

// ---------------------------------------------------------------------------------------------
// Simulation: the policies against a changing source
// ---------------------------------------------------------------------------------------------

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface SimConfig {
	seed: number;
	sorted: boolean;
	onFailure: FailurePolicy;
	batchSize: number;
	lookbackMs: number;
	useSkip: boolean;
	failureRate: number;
}

/**
 * NOISY runs with edits and failures, then QUIET runs with neither. Edits: some late by up to the
 * lookback (visible after later-stamped ones), some in bulk on one second, one now and then while
 * a run writes, a rare one stamped a year ahead (a skewed clock) and corrected later; a full sync
 * is forced now and then. Returns the version each record has in the source and in the target.
 */
function simulate(config: SimConfig) {
	const NOISY = 15;
	const QUIET = 40;
	const random = prng(config.seed);
	const pick = (n: number) => Math.floor(random() * n);
	const source = new Map<string, { time: number; version: number }>();
	const target = new Map<string, number>();
	let version = 0;
	let now = T0;
	let state = emptyEntityState();
	let passedInQuietTail = 0;
	const stamp = (ms: number) => Math.floor(ms / SEC) * SEC;
	// A record's cursor value never decreases (the guarantee assumes it), except when a version
	// stamped in the future is corrected.
	const edit = (id: string, time: number) => {
		const previous = source.get(id)?.time ?? -Infinity;
		const corrected = previous > now + 60 * MIN;
		source.set(id, { time: corrected ? time : Math.max(time, previous), version: ++version });
	};
	for (let i = 0; i < 12; i++) edit(`r${i}`, stamp(T0 - pick(3) * SEC));

	for (let run = 0; run < NOISY + QUIET; run++) {
		const noisy = run < NOISY;
		if (noisy) {
			const edits = pick(6);
			const bulk = stamp(now - pick(2) * SEC);
			for (let e = 0; e < edits; e++) {
				const id = `r${pick(20)}`;
				const late = random() < 0.3 ? pick(config.lookbackMs / SEC + 1) * SEC : 0;
				edit(id, random() < 0.4 ? bulk : stamp(now - late));
			}
			if (random() < 0.1) edit(`r${pick(20)}`, now + 365 * 24 * 60 * MIN);
		}
		const runId = `run-${run}`;
		const plan = planGet({
			state,
			runId,
			nowMs: now,
			batchSize: config.batchSize,
			lookbackMs: config.lookbackMs,
			forceFullSync: noisy && random() < 0.05,
		});
		state = plan.next;

		// The source: inclusive filter, sorted by time (ties in any order) or in any order at all.
		let rows = [...source.entries()]
			.filter(([, r]) => plan.since === null || r.time >= plan.since)
			.map(([id, r]) => ({ id, ...r, key: random() }))
			.sort((a, b) => a.key - b.key);
		if (config.sorted) rows.sort((a, b) => a.time - b.time);
		if (plan.limit !== null) rows = rows.slice(0, plan.limit);
		for (const id of plan.retryIds) {
			const r = source.get(id);
			if (r !== undefined && !rows.some((row) => row.id === id)) rows.push({ id, ...r, key: 0 });
		}

		let passed = rows;
		if (config.useSkip) {
			const run = state.run;
			passed = rows.filter((r) => !decideSkip(state, run, r).skip);
			state = recordSkip(state, runId, rows.length, rows.length - passed.length) ?? state;
		}
		if (!noisy && run >= NOISY + QUIET - 5) {
			passedInQuietTail += passed.filter((r) => r.time <= now).length;
		}

		// A record modified while the run writes: stamped after everything this run read.
		if (noisy && random() < 0.5) edit(`r${pick(20)}`, stamp(now + SEC));

		const results: RecordResult[] = passed.map((r, index) => {
			if (noisy && random() < config.failureRate) return failed(index, r.id, r.time);
			target.set(r.id, r.version);
			return ok(index, r.id, r.time);
		});
		state = decideCommit({
			state,
			runId,
			records: results,
			nowMs: now + 30 * SEC,
			options: {
				...DEFAULT_COMMIT_OPTIONS,
				onFailure: config.onFailure,
				sortedSource: config.sorted,
				maxAttempts: 3,
			},
		}).next;
		now += MIN;
	}
	return { source, target, state, passedInQuietTail };
}

describe('simulation: the guarantee', () => {
	const configs = fc.record({
		seed: fc.integer(),
		sorted: fc.boolean(),
		onFailure: fc.constantFrom<FailurePolicy>('hold', 'advance'),
		batchSize: fc.integer({ min: 1, max: 6 }),
		lookbackMs: fc.constantFrom(0, 5 * SEC, 2 * MIN),
		useSkip: fc.boolean(),
		failureRate: fc.constantFrom(0, 0.2, 0.5),
	});

	it('loses no record: every record ends at its latest version in the target, or is a dead letter', () => {
		fc.assert(
			fc.property(configs, (config) => {
				const { source, target, state } = simulate(config);
				for (const [id, { time, version }] of source) {
					if (target.get(id) !== version && !state.dead.has(id)) {
						throw new Error(
							`${id} v${version}@${iso(time)} is v${target.get(id)} in the target (${JSON.stringify(config)})`,
						);
					}
				}
			}),
			{ numRuns: 150 },
		);
	});

	it('re-sends nothing forever: once the source is quiet, Skip Processed passes nothing due', () => {
		fc.assert(
			fc.property(configs, (config) => {
				const { passedInQuietTail } = simulate({ ...config, useSkip: true });
				expect(passedInQuietTail).toBe(0);
			}),
			{ numRuns: 100 },
		);
	});
});

describe('Data Table state rows', () => {
	const base = { syncName: 's', entity: 'e' };
	const saved = (runId: string, cursorMs: number, version: number, id: number) => {
		const state: EntityState = {
			cursor: cursorMs,
			seen: new Map([['r1', cursorMs]]),
			retry: new Map(),
			dead: new Map(),
			commits: version,
			last: {
				at: '2026-06-01T10:00:00.000Z',
				runId,
				committed: true,
				reason: 'committed',
				total: 1,
				failed: 0,
				cursorBefore: null,
				cursorAfter: new Date(cursorMs).toISOString(),
			},
		};
		const save = stateSave('s', 'e', version - 1, state);
		return {
			id,
			syncName: save.syncName,
			entity: save.entity,
			version: save.version,
			state: save.state,
		};
	};

	it('a save round-trips: what Commit hands the table is what Get reads back', () => {
		const row = saved('7', Date.UTC(2026, 5, 1, 10), 3, 11);
		const read = readStateRows([row], 's', 'e');
		expect(read).toMatchObject({ version: 3, rowId: 11, rows: 1, superseded: [], stale: [] });
		expect(read.state.cursor).toBe(Date.UTC(2026, 5, 1, 10));
		expect([...read.state.seen]).toEqual([['r1', Date.UTC(2026, 5, 1, 10)]]);
		expect(stateSave('s', 'e', 3, read.state)).toMatchObject({ version: 4, expectedVersion: 3 });
	});

	it('no rows (or only the empty "Always Output Data" item and other syncs) is an empty state at version 0', () => {
		const other = { ...saved('1', 5, 1, 1), entity: 'other' };
		const read = readStateRows([{}, other, 'x'], 's', 'e');
		expect(read).toMatchObject({ version: 0, rowId: null, rows: 0, superseded: [] });
		expect(read.state.cursor).toBeNull();
	});

	it('the winner is the highest version, then the lowest row id; losers are reported, copies and older rows are not superseded', () => {
		const rows = [
			saved('old', 1000, 1, 1),
			saved('loser', 2000, 2, 9),
			saved('winner', 3000, 2, 4),
			{ ...saved('winner', 3000, 2, 12) },
		];
		const read = readStateRows(rows, 's', 'e');
		expect(read.version).toBe(2);
		expect(read.rowId).toBe(4);
		expect(read.state.cursor).toBe(3000);
		expect(read.superseded).toEqual([
			expect.objectContaining({ rowId: 9, runId: 'loser', cursor: new Date(2000).toISOString() }),
		]);
		expect(read.stale).toEqual([expect.objectContaining({ rowId: 1, runId: 'old' })]);
		expect(read.warnings.join()).toMatch(/superseded \(run loser\).*run winner/);
	});

	it('versions from text columns are read; a bad version, bad JSON or a newer layout name the row', () => {
		const row = saved('1', 1000, 2, 5);
		expect(readStateRows([{ ...row, version: '2' }], 's', 'e').version).toBe(2);
		expect(() => readStateRows([{ ...row, version: 'x' }], 's', 'e')).toThrow(
			/row 5\).*version column is not a whole number/,
		);
		expect(() => readStateRows([{ ...base, id: 6, version: 1, state: '{' }], 's', 'e')).toThrow(
			/row 6\).*not JSON/,
		);
		const newer = { ...base, id: 8, version: 1, state: JSON.stringify({ v: 99 }) };
		expect(() => readStateRows([newer], 's', 'e')).toThrow(CheckpointError);
		expect(() => readStateRows([newer], 's', 'e')).toThrow(/layout version 99.*Update the package/);
	});
});
