/**
 * Peak memory of the Daktela node's upsert: 10,000 and 100,000 new contacts, each size in a child
 * process of its own (a fresh heap, so one size's garbage cannot count towards the other's peak),
 * each against its own sandbox process (whose memory is not counted).
 *
 * In the child: load everything and warm up with a 50-record upsert, note the resident memory
 * (`base`), build the N input items, run the upsert, keep its output, read the peak resident set
 * size the OS reports (`process.resourceUsage().maxRSS`). So `peak - base` is what holding the
 * inputs and outputs plus running the upsert on them cost. `held` = heap in use with inputs and
 * outputs alive, after a full GC, minus the heap before the inputs existed: what the items
 * themselves take.
 *
 * Metrics: upsert_peak_rss_mb_<n>k per size (report), and upsert_rss_growth: how much faster
 * memory grew than the records between the two sizes ((peak - base) ratio ÷ record ratio; goal
 * <= 1: no copies per record beyond the items themselves, nothing quadratic). And
 * upsert_live_heap_vs_items: a third child (the smaller size) forces a full GC every 200 ms while
 * the upsert runs and keeps the most heap in use, against the heap its inputs and outputs take
 * after it (goal <= 1.25: what the upsert holds while it runs is its items, not copies of them).
 *
 * Latency is 0 here (memory does not depend on it: in-flight work is bounded by Max Parallel
 * Requests), so 100,000 records take minutes, not ten.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import * as v8 from 'node:v8';

import type { Row } from './report.cjs';
import { ratioOf, round, withGoal } from './report.cjs';

interface ChildResult {
	records: number;
	baseMb: number;
	peakMb: number;
	heldMb: number;
	/** With `live`: the most heap in use during the upsert (full GC every 200 ms), above before. */
	liveMb?: number;
	seconds: number;
}

const MB = 1024 * 1024;

async function runChild(records: number, live: boolean): Promise<void> {
	// Loaded here only: the parent process needs none of it.
	const load = createRequire(__filename);
	const { runNode } = load('../test/harness/n8n.cjs') as typeof import('../test/harness/n8n.cjs');
	const { daktelaNode } = load('./nodes.cjs') as typeof import('./nodes.cjs');
	const { startSandboxProcess } = load(
		'./sandbox-process.cjs',
	) as typeof import('./sandbox-process.cjs');
	const { person, credentials } = load('./upsert.cjs') as typeof import('./upsert.cjs');
	const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

	const sandbox = await startSandboxProcess({ latencyMs: 0 });
	try {
		const Daktela = daktelaNode();
		const creds = credentials(sandbox);
		const upsert = (items: object[]) =>
			runNode({
				node: Daktela,
				parameters: { resource: 'contact', operation: 'upsert' },
				items: items as never,
				credentials: creds,
			});
		const warm = await upsert(Array.from({ length: 50 }, (_, n) => person(-1 - n)));
		if (warm.error) throw warm.error;
		await sandbox.reset();
		gc();
		const base = process.memoryUsage().rss;
		const heapBefore = v8.getHeapStatistics().used_heap_size;

		let items: object[] | undefined = Array.from({ length: records }, (_, n) => person(n));
		let liveBytes = 0;
		const sampler = live
			? setInterval(() => {
					gc();
					liveBytes = Math.max(liveBytes, v8.getHeapStatistics().used_heap_size - heapBefore);
				}, 200)
			: undefined;
		const start = performance.now();
		const result = await upsert(items);
		const seconds = (performance.now() - start) / 1000;
		clearInterval(sampler);
		if (result.error) throw result.error;
		const outputs = result.outputs[0] ?? [];
		const created = outputs.filter(
			(item) => (item.json.sync as { action?: string } | undefined)?.action === 'created',
		).length;
		if (created !== records) throw new Error(`${created} of ${records} created`);
		const peak = process.resourceUsage().maxRSS * 1024;
		gc();
		const held = v8.getHeapStatistics().used_heap_size - heapBefore;
		// Keep inputs and outputs alive up to the measurement above.
		if (items.length + outputs.length < 0) items = undefined;
		const out: ChildResult = {
			records,
			baseMb: base / MB,
			peakMb: peak / MB,
			heldMb: held / MB,
			...(live ? { liveMb: liveBytes / MB } : {}),
			seconds,
		};
		process.send?.(out);
	} finally {
		await sandbox.close();
	}
}

function measureInChild(records: number, live = false): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const child = fork(__filename, ['--child', String(records), ...(live ? ['--live'] : [])], {
			execArgv: ['--require', 'tsx/cjs', '--expose-gc'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let result: ChildResult | undefined;
		child.on('message', (message: ChildResult) => {
			result = message;
		});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (result) resolve(result);
			else reject(new Error(`memory bench child for ${records} records exited (${code})`));
		});
	});
}

const label = (records: number) => (records % 1000 === 0 ? `${records / 1000}k` : String(records));

export async function runUpsertMemoryBench(options: {
	sizes: [number, number];
	log: (line: string) => void;
}): Promise<{ rows: Row[]; notes: string[] }> {
	const results: ChildResult[] = [];
	for (const records of options.sizes) {
		options.log(`Daktela node upsert memory: ${records} new contacts in a child process...`);
		const result = await measureInChild(records);
		options.log(
			`  peak ${round(result.peakMb, 1)} MB (base ${round(result.baseMb, 1)} MB, items ` +
				`${round(result.heldMb, 1)} MB), ${round(result.seconds, 1)} s`,
		);
		results.push(result);
	}
	const [small, large] = results;
	const growth = (large.peakMb - large.baseMb) / Math.max(1, small.peakMb - small.baseMb);
	const recordRatio = large.records / small.records;
	const rows: Row[] = results.map((r) =>
		withGoal(
			{
				metric: `upsert_peak_rss_mb_${label(r.records)}`,
				value: round(r.peakMb, 1),
				unit: 'MB',
				baseline: null,
				ratio: null,
			},
			`${r.records} new contacts: peak resident memory of the process ${round(r.peakMb, 1)} MB, ` +
				`${round(r.baseMb, 1)} MB before the items existed; inputs and outputs take ` +
				`${round(r.heldMb, 1)} MB of heap; the upsert's own peak on top of base and items: ` +
				`${round(Math.max(0, r.peakMb - r.baseMb - r.heldMb), 1)} MB ` +
				`(${round(((r.peakMb - r.baseMb) * MB) / r.records / 1024, 2)} KB per record all in)`,
		),
	);
	options.log(
		`Daktela node upsert live heap: ${small.records} new contacts, a full GC every 200 ms...`,
	);
	const live = await measureInChild(small.records, true);
	const liveMb = live.liveMb ?? 0;
	options.log(`  at most ${round(liveMb, 1)} MB in use, items ${round(live.heldMb, 1)} MB`);
	rows.push(
		withGoal(
			{
				metric: 'upsert_live_heap_vs_items',
				value: round(liveMb, 1),
				unit: 'MB',
				baseline: round(live.heldMb, 1),
				ratio: ratioOf(liveMb, live.heldMb),
			},
			`${live.records} new contacts: the most heap in use while the upsert ran (a full GC every ` +
				`200 ms, garbage excluded) against its input and output items alone after it: what it ` +
				'holds beyond them (the plan of the records not yet written, requests in flight)',
		),
	);
	rows.push(
		withGoal(
			{
				metric: 'upsert_rss_growth',
				value: round(growth, 2),
				unit: `x (peak - base, ${label(large.records)} vs ${label(small.records)})`,
				baseline: recordRatio,
				ratio: ratioOf(growth, recordRatio),
			},
			`memory above base grew ${round(growth, 2)}x for ${recordRatio}x the records`,
		),
	);
	return {
		rows,
		notes: [
			'upsert memory: each size in its own child process against its own sandbox, 0 ms latency',
		],
	};
}

if (process.argv.includes('--child') && typeof process.send === 'function') {
	const records = Number(process.argv[process.argv.indexOf('--child') + 1]);
	runChild(records, process.argv.includes('--live'))
		.then(() => process.exit(0))
		.catch((error: Error) => {
			process.stderr.write(`memory bench child: ${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
