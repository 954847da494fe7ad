/**
 * Bounded concurrency for per-record work (writes, gets, deletes).
 *
 * PURE: no n8n imports, no timers. Unlike Promise.all over a limiter, it can stop taking new work
 * when a failure must stop the node (Continue On Fail off): records already in flight finish,
 * nothing new starts, so the error is thrown with as few extra writes as possible.
 */

export interface PoolOptions {
	concurrency: number;
	/** Checked before each task starts; true = start nothing more. */
	shouldStop?: () => boolean;
}

/**
 * Runs `task` for each item with at most `concurrency` in flight. Results come back in input order;
 * items never started (because of shouldStop) are undefined. Never rejects: tasks report their
 * own failures in their result.
 */
export async function runPool<T, R>(
	items: readonly T[],
	task: (item: T, position: number) => Promise<R>,
	options: PoolOptions,
): Promise<Array<R | undefined>> {
	const results: Array<R | undefined> = new Array(items.length).fill(undefined);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			if (options.shouldStop?.()) return;
			const position = next++;
			results[position] = await task(items[position], position);
		}
	};
	const size = Math.max(1, Math.min(options.concurrency, items.length));
	await Promise.all(Array.from({ length: size }, worker));
	return results;
}
