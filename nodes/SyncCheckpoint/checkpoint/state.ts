/**
 * The checkpoint state and its place in workflow static data.
 *
 * PURE: takes the plain object n8n returns from getWorkflowStaticData('global') and reads or
 * writes one key of it. Layout (JSON, versioned, small):
 *
 *   global.syncCheckpoint = {
 *     v: 1,
 *     syncs: { [syncName]: { [entity]: {
 *       cursor?:  '2026-03-01T10:00:00.000Z'   // highest committed cursor time (ISO UTC)
 *       seen?:    [[id, epochMs], ...]         // processed versions at/after cursor - lookback
 *       retry?:   [{ id, attempts, firstFailedAt, lastFailedAt, error }]
 *       dead?:    [{ id, attempts, failedAt, error }]
 *       commits?: 12                            // commit generation
 *       run?:     { id, startedAt, since, limit, batchSize, lookbackMs, fullSync, forced,
 *                   sourceCount?, skipped?, closedAt? }   // the last Get (run marker)
 *       last?:    { at, runId, committed, reason, total, failed, cursorBefore, cursorAfter }
 *     } } }
 *   }
 *
 * Why `global` and not `node` data: n8n keys node data by node NAME (renaming orphans it) and
 * Get, Skip Processed and Commit are different nodes that share one state. Why lists rather than
 * id-keyed objects for `seen`/`retry`/`dead`: record ids come from outside and an id such as
 * `__proto__` must not be able to touch an object's prototype.
 */
import { fromIso, toIso } from './cursor';
import { CheckpointError } from './errors';

export const STATE_KEY = 'syncCheckpoint';
export const STATE_VERSION = 1;

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_NAME_LENGTH = 200;

export interface RetryEntry {
	id: string;
	attempts: number;
	firstFailedAt: string;
	lastFailedAt: string;
	error: string;
}

export interface DeadLetter {
	id: string;
	attempts: number;
	failedAt: string;
	error: string;
}

/** Written by Get (and counted into by Skip Processed); read and closed by Commit. */
export interface RunMarker {
	id: string;
	startedAt: string;
	since: string | null;
	limit: number | null;
	batchSize: number;
	lookbackMs: number;
	/** No `since` filter, or Start From: there was no cursor, or a full sync was forced. */
	fullSync: boolean;
	/** Force Full Sync: re-send everything, even records already processed. */
	forced: boolean;
	sourceCount?: number;
	skipped?: number;
	closedAt?: string;
}

export interface LastCommit {
	at: string;
	runId: string;
	committed: boolean;
	reason: string;
	total: number;
	failed: number;
	cursorBefore: string | null;
	cursorAfter: string | null;
}

/** One (sync, entity) state in memory. Maps keep insertion order (retry: first failure first). */
export interface EntityState {
	cursor: number | null;
	seen: Map<string, number>;
	retry: Map<string, RetryEntry>;
	dead: Map<string, DeadLetter>;
	commits: number;
	run?: RunMarker;
	last?: LastCommit;
}

export interface StoredEntity {
	cursor?: string;
	seen?: Array<[string, number]>;
	retry?: RetryEntry[];
	dead?: DeadLetter[];
	commits?: number;
	run?: RunMarker;
	last?: LastCommit;
}

type StoredSyncs = Record<string, Record<string, StoredEntity>>;

export function emptyEntityState(): EntityState {
	return { cursor: null, seen: new Map(), retry: new Map(), dead: new Map(), commits: 0 };
}

export function cloneEntityState(state: EntityState): EntityState {
	return {
		...state,
		seen: new Map(state.seen),
		retry: new Map(state.retry),
		dead: new Map(state.dead),
		run: state.run ? { ...state.run } : undefined,
		last: state.last ? { ...state.last } : undefined,
	};
}

/** A sync name or entity as a state key: trimmed, non-empty, not a prototype key. */
export function checkName(kind: 'Sync name' | 'Entity', value: unknown): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name) throw new CheckpointError('invalidName', `${kind} is empty`);
	if (name.length > MAX_NAME_LENGTH) {
		throw new CheckpointError(
			'invalidName',
			`${kind} is longer than ${MAX_NAME_LENGTH} characters`,
		);
	}
	if (RESERVED_NAMES.has(name)) {
		throw new CheckpointError('invalidName', `${kind} "${name}" is reserved; choose another`);
	}
	return name;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
	return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export function corrupt(where: string, what: string): CheckpointError {
	return new CheckpointError(
		'corruptState',
		`Stored sync state of ${where} is unreadable (${what}). Inspect it, then Reset it`,
	);
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function parseEntity(stored: unknown, where: string): EntityState {
	if (!isObject(stored)) throw corrupt(where, 'not an object');
	const state = emptyEntityState();
	const s = stored as StoredEntity;
	if (s.cursor !== undefined) {
		const ms = fromIso(s.cursor);
		if (ms === undefined) throw corrupt(where, 'cursor is not an ISO time');
		state.cursor = ms;
	}
	if (s.seen !== undefined) {
		if (!Array.isArray(s.seen)) throw corrupt(where, 'seen is not a list');
		for (const entry of s.seen) {
			if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
				throw corrupt(where, 'seen entry is not [id, time]');
			}
			state.seen.set(entry[0], entry[1]);
		}
	}
	for (const [key, target] of [
		['retry', state.retry],
		['dead', state.dead],
	] as const) {
		const list = s[key];
		if (list === undefined) continue;
		if (!Array.isArray(list)) throw corrupt(where, `${key} is not a list`);
		for (const entry of list as unknown[]) {
			if (!isObject(entry) || typeof entry.id !== 'string' || !isCount(entry.attempts)) {
				throw corrupt(where, `${key} entry has no id or attempts`);
			}
			(target as Map<string, unknown>).set(entry.id, { ...entry });
		}
	}
	if (s.commits !== undefined) {
		if (!isCount(s.commits)) throw corrupt(where, 'commits is not a count');
		state.commits = s.commits;
	}
	if (s.run !== undefined) {
		if (!isObject(s.run) || typeof s.run.id !== 'string') throw corrupt(where, 'run marker');
		state.run = { ...s.run };
	}
	if (s.last !== undefined) {
		if (!isObject(s.last)) throw corrupt(where, 'last commit');
		state.last = { ...s.last };
	}
	return state;
}

export function serializeEntity(state: EntityState): StoredEntity {
	const stored: StoredEntity = {};
	if (state.cursor !== null) stored.cursor = toIso(state.cursor);
	if (state.seen.size) {
		stored.seen = [...state.seen.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
	}
	if (state.retry.size) stored.retry = [...state.retry.values()].map((e) => ({ ...e }));
	if (state.dead.size) stored.dead = [...state.dead.values()].map((e) => ({ ...e }));
	if (state.commits) stored.commits = state.commits;
	if (state.run) stored.run = { ...state.run };
	if (state.last) stored.last = { ...state.last };
	return stored;
}

/**
 * The checkpoint key of workflow static data, read once per node execution and written back
 * whole. Reading copies, so nothing here aliases n8n's observable static-data object.
 */
export class CheckpointStore {
	private constructor(private readonly syncs: StoredSyncs) {}

	/** Reads `staticData[STATE_KEY]`; throws CheckpointError for a newer or unreadable layout. */
	static read(staticData: Record<string, unknown>): CheckpointStore {
		const root = own(staticData, STATE_KEY);
		if (root === undefined || root === null) return new CheckpointStore({});
		if (!isObject(root)) throw corrupt('this workflow', `${STATE_KEY} is not an object`);
		const copy = JSON.parse(JSON.stringify(root)) as { v?: unknown; syncs?: unknown };
		if (typeof copy.v === 'number' && copy.v > STATE_VERSION) {
			throw new CheckpointError(
				'newerState',
				`Stored sync state has layout version ${copy.v}, written by a newer n8n-nodes-daktela; ` +
					`this version reads ${STATE_VERSION}. Update the package instead of resetting`,
			);
		}
		if (copy.v !== STATE_VERSION || !isObject(copy.syncs)) {
			throw corrupt('this workflow', 'unknown layout');
		}
		for (const [name, entities] of Object.entries(copy.syncs)) {
			if (!isObject(entities)) throw corrupt(`sync "${name}"`, 'not an object');
		}
		return new CheckpointStore(copy.syncs as StoredSyncs);
	}

	/** Writes the whole key back (assigning it is what marks n8n's static data as changed). */
	write(staticData: Record<string, unknown>): void {
		staticData[STATE_KEY] = { v: STATE_VERSION, syncs: JSON.parse(JSON.stringify(this.syncs)) };
	}

	syncNames(): string[] {
		return Object.keys(this.syncs).sort();
	}

	entityNames(syncName: string): string[] {
		const entities = own(this.syncs, syncName);
		return entities ? Object.keys(entities).sort() : [];
	}

	has(syncName: string, entity: string): boolean {
		const entities = own(this.syncs, syncName);
		return entities !== undefined && own(entities, entity) !== undefined;
	}

	/** The entity's state; an empty state when there is none yet. */
	get(syncName: string, entity: string): EntityState {
		const entities = own(this.syncs, syncName);
		const stored = entities ? own(entities, entity) : undefined;
		if (stored === undefined) return emptyEntityState();
		return parseEntity(stored, `sync "${syncName}", entity "${entity}"`);
	}

	set(syncName: string, entity: string, state: EntityState): void {
		checkName('Sync name', syncName);
		checkName('Entity', entity);
		const entities = own(this.syncs, syncName) ?? {};
		entities[entity] = serializeEntity(state);
		this.syncs[syncName] = entities;
	}

	/**
	 * Forgets one entity, or every entity of the sync when `entity` is undefined. Works on
	 * unreadable state too (nothing is parsed). Returns the entities removed.
	 */
	remove(syncName: string, entity?: string): string[] {
		const entities = own(this.syncs, syncName);
		if (!entities) return [];
		if (entity === undefined) {
			delete this.syncs[syncName];
			return Object.keys(entities).sort();
		}
		if (own(entities, entity) === undefined) return [];
		delete entities[entity];
		if (!Object.keys(entities).length) delete this.syncs[syncName];
		return [entity];
	}

	/** Approximate stored size in bytes (JSON), for Inspect. */
	sizeOf(syncName: string, entity: string): number {
		const entities = own(this.syncs, syncName);
		const stored = entities ? own(entities, entity) : undefined;
		return stored === undefined ? 0 : JSON.stringify(stored).length;
	}
}
