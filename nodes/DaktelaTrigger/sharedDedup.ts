/**
 * The dedup layer that every n8n process shares: n8n's processed-data store (the `processed_data`
 * table in n8n's database, behind `helpers.checkProcessedAndRecord`), which main, webhook
 * processes and queue-mode workers all read and write. The trigger's execute() - the first step of
 * every execution a delivery started, wherever it runs - checks and records the delivery's key
 * there, and drops the item when another process already handled it.
 *
 * PURE: no n8n imports. The store keeps values without an expiry, so the window is kept by time
 * buckets: a delivery records its key in the bucket of its arrival (`floor(t / window)`) and in the
 * bucket before, and is a duplicate when either was recorded already. A redelivery less than one
 * window after the first delivery always lands in the same or the next bucket, so it is caught;
 * one more than two windows later never is.
 */

/** Keys kept in the store per trigger node (one row: n8n rewrites it on every check). */
export const MAX_SHARED_ENTRIES = 5000;

/**
 * Waits before checking that a recorded key is still in the store (n8n rewrites the whole list on
 * every check, so two executions checking at the same moment can drop each other's key; the one
 * whose key went missing records it again). Two deliveries checked at the very same moment can
 * still both pass: the store has no lock.
 */
export const SHARED_VERIFY_WAITS_MS = [150, 400, 800];

/** The store's values for one delivery: [its arrival bucket, the bucket before]. */
export function sharedValues(key: string, receivedAtMs: number, windowSeconds: number): string[] {
	const bucket = Math.floor(receivedAtMs / 1000 / windowSeconds);
	return [`${key}@${bucket}`, `${key}@${bucket - 1}`];
}

/** Whether a delivery is a duplicate, given which of its `sharedValues` the store already held. */
export function isSharedDuplicate(values: string[], processed: ReadonlyArray<unknown>): boolean {
	const seen = new Set(processed.map(String));
	return values.some((value) => seen.has(value));
}
