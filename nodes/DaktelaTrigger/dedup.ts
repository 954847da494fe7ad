/**
 * Deduplication of deliveries: the same event for the same record (and, by default, the same
 * record content) within a window is handled once.
 *
 * PURE: no n8n imports. Two layers, because neither is enough alone (see the README, "Daktela
 * Trigger node"):
 *  - the persistent store lives in the node's workflow static data (key -> expiry, epoch seconds).
 *    webhook() reads it (n8n loads static data from the database for every request), but what
 *    webhook() writes there is lost once it starts an execution: n8n wraps the same static data
 *    object for the execution, which clears its change flag (seen in n8n 2.41.1). So the key rides
 *    on the item (`_event.dedupKey`) and the trigger's execute() - the first step of the execution -
 *    writes it into the execution's static data, saved when the execution ends. Concurrent
 *    executions overwrite each other's copy (last writer wins), and editor test runs never save;
 *  - the process memory (below) holds the keys for the lifetime of the n8n process, written by
 *    webhook() before it answers, so keys lost to a concurrent overwrite are still known, and a
 *    per-key lock makes two concurrent deliveries of one event run one after the other, so the
 *    second sees the first's key.
 * Neither is shared between n8n processes (queue mode with several webhook processes): there a
 * duplicate within seconds can start a second execution.
 */

import { sha256Hex } from './security/digest';

/** Key -> expiry in epoch seconds, as stored in static data. */
export type DedupStore = Record<string, number>;

export const DEFAULT_WINDOW_SECONDS = 600;

/** Entries kept in static data (it is written back as one JSON column on every delivery). */
export const MAX_STORED_ENTRIES = 2000;

/** Entries kept in process memory per trigger node. */
export const MAX_MEMORY_ENTRIES = 20000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function stable(value: unknown): Json {
	if (value === null || value === undefined) return null;
	if (Array.isArray(value)) return value.map(stable);
	if (typeof value === 'object') {
		const out: { [key: string]: Json } = {};
		for (const key of Object.keys(value as object).sort()) {
			const entry = (value as Record<string, unknown>)[key];
			if (entry !== undefined) out[key] = stable(entry);
		}
		return out;
	}
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
		return value;
	}
	return String(value);
}

/** A short content fingerprint: key order does not matter, any value change does. */
export function fingerprint(value: unknown): string {
	return sha256Hex(JSON.stringify(stable(value))).slice(0, 16);
}

/**
 * The dedup key of a delivery. With a content fingerprint, a second `contact_update` after a real
 * change is new work (its record differs), while a redelivery of the same state is a duplicate.
 */
export function dedupKey(event: string, name: string, content?: string): string {
	return content === undefined ? `${event}|${name}` : `${event}|${name}|${content}`;
}

/** The valid, unexpired entries of whatever static data holds (it may be missing or damaged). */
export function activeEntries(stored: unknown, nowSeconds: number): DedupStore {
	const out: DedupStore = {};
	if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return out;
	for (const [key, expiry] of Object.entries(stored as Record<string, unknown>)) {
		if (typeof expiry === 'number' && expiry > nowSeconds) out[key] = expiry;
	}
	return out;
}

/** A copy of the store with the key added; over the cap, the entries closest to expiry go. */
export function withEntry(
	store: DedupStore,
	key: string,
	expiresAt: number,
	maxEntries = MAX_STORED_ENTRIES,
): DedupStore {
	const next: DedupStore = { ...store, [key]: expiresAt };
	const keys = Object.keys(next);
	if (keys.length <= maxEntries) return next;
	keys.sort((a, b) => next[a] - next[b]);
	for (const old of keys.slice(0, keys.length - maxEntries)) delete next[old];
	return next;
}

/** Keys seen by this n8n process, per trigger node (scope = workflow id + node id). */
export class DedupMemory {
	private readonly scopes = new Map<string, Map<string, number>>();

	has(scope: string, key: string, nowSeconds: number): boolean {
		const expiry = this.scopes.get(scope)?.get(key);
		return expiry !== undefined && expiry > nowSeconds;
	}

	add(
		scope: string,
		key: string,
		expiresAt: number,
		nowSeconds: number,
		maxEntries = MAX_MEMORY_ENTRIES,
	): void {
		let entries = this.scopes.get(scope);
		if (!entries) {
			entries = new Map();
			this.scopes.set(scope, entries);
		}
		entries.delete(key);
		entries.set(key, expiresAt);
		if (entries.size <= maxEntries) return;
		for (const [old, expiry] of entries) {
			if (expiry <= nowSeconds) entries.delete(old);
		}
		// Still over the cap: insertion order is expiry order (one window per node), drop the oldest.
		for (const old of entries.keys()) {
			if (entries.size <= maxEntries) break;
			entries.delete(old);
		}
	}

	/** Forgets a node's keys (the node's dedup store was cleared). */
	clearScope(scope: string): void {
		this.scopes.delete(scope);
	}

	/** Forgets everything (tests). */
	clear(): void {
		this.scopes.clear();
	}
}

/** The one process-wide memory: module state lives as long as n8n keeps the node type loaded. */
export const processMemory = new DedupMemory();

const locks = new Map<string, Promise<void>>();

/**
 * Runs `work` when no other work holds the same lock key in this process. Deliveries of one
 * event for one record queue up; different records run in parallel.
 */
export async function withKeyLock<T>(lockKey: string, work: () => Promise<T>): Promise<T> {
	const previous = locks.get(lockKey) ?? Promise.resolve();
	let release: () => void = () => undefined;
	const current = new Promise<void>((resolve) => {
		release = resolve;
	});
	const tail = previous.then(() => current);
	locks.set(lockKey, tail);
	await previous;
	try {
		return await work();
	} finally {
		release();
		if (locks.get(lockKey) === tail) locks.delete(lockKey);
	}
}

/** How many lock keys are held or queued (tests: nothing leaks). */
export function heldLocks(): number {
	return locks.size;
}
