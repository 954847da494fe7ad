/**
 * `npm run bench`: fewer API calls, more records per second, a cheap idle poll and a fast mapper,
 * each against its baseline measured in the same run. Prints a table (metric, value, unit,
 * baseline, ratio, goal, PASS/FAIL), notes on what was measured, then one JSON line per metric:
 * `{"metric": "...", "value": N, "unit": "...", "baseline": N, "ratio": N}` (ratio = value /
 * baseline).
 *
 *   npm run bench                    # the full run, a few minutes
 *   npm run bench -- --quick         # 2,000 records, 200-record SDK sample: a smoke run
 *   npm run bench -- --strict        # exit 1 when a goal is missed (default: report only)
 *   npm run bench -- --records 10000 --sample 500 --peer-sample 2000 --latency 20
 *   npm run bench -- --memory 10000,100000   # the two upsert sizes whose peak memory is measured
 *
 * Benchmarks: bench/mapper.cts (Field Mapper vs hand-written JS), bench/mapper-n8n.cts (the Field
 * Mapper node vs n8n's Code node running that JS, in a real n8n), bench/upsert.cts (Daktela node
 * upsert and re-sync vs the SDK loop and vs n8n's HTTP Request node; limit ratios; CPU per write),
 * bench/upsert-memory.cts (peak memory of the upsert, one child process per size), bench/poll.cts
 * (idle incremental poll). Progress goes to stderr, results to stdout.
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';

// tsx 4 runs this .cts entry through Node's ESM loader, whose require() does not transform .ts
// files (Node 20). tsx's CommonJS hook plus a plain require does: everything below is loaded so.
const load = createRequire(__filename);
(load('tsx/cjs/api') as { register(): void }).register();

type Report = typeof import('./report.cjs');
type Metric = import('./report.cjs').Metric;
type Row = import('./report.cjs').Row;

function parseArgs(argv: string[]) {
	const args = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
		const [key, inline] = arg.slice(2).split('=', 2);
		if (inline !== undefined) args.set(key, inline);
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.set(key, argv[++i]);
		else args.set(key, 'true');
	}
	const quick = args.has('quick');
	const number = (name: string, fallback: number) => {
		const raw = args.get(name);
		const n = raw === undefined ? fallback : Number(raw);
		if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
		return n;
	};
	const memory = (args.get('memory') ?? (quick ? '2000,20000' : '10000,100000'))
		.split(',')
		.map(Number);
	if (
		memory.length !== 2 ||
		!memory.every((n) => Number.isInteger(n) && n > 0) ||
		memory[0] >= memory[1]
	) {
		throw new Error('--memory must be two record counts, smaller first, e.g. 10000,100000');
	}
	return {
		records: number('records', quick ? 2000 : 10_000),
		sample: number('sample', quick ? 200 : 500),
		peerSample: number('peer-sample', quick ? 500 : 2000),
		memory: memory as [number, number],
		latencyMs: number('latency', 20),
		mapperItems: number('mapper-items', quick ? 20_000 : 100_000),
		strict: args.has('strict'),
		quick,
	};
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const log = (line: string) => process.stderr.write(`${line}\n`);
	const { render, verdict, withGoal } = load('./report.cts') as Report;
	const rows: Row[] = [];
	const notes: string[] = [];
	const started = performance.now();

	// The mapper first, while the process is small: its peak RSS is then the mapper's.
	log(`Field Mapper: ${options.mapperItems} items of 20 fields, vs hand-written JS...`);
	let mapperBench: { runMapperBench(items?: number): Promise<Metric[]> } | undefined;
	try {
		mapperBench = load('./mapper.cts') as typeof mapperBench;
	} catch (error) {
		if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
		notes.push('bench/mapper.cts (the Field Mapper bench) is missing: no mapper metrics');
	}
	for (const metric of (await mapperBench?.runMapperBench(options.mapperItems)) ?? []) {
		rows.push(
			withGoal(
				metric,
				metric.metric === 'mapper_items_per_second'
					? `compiled YAML mapping vs a hand-written function, ${options.mapperItems} items`
					: metric.metric === 'mapper_heap_per_item'
						? 'heap the mapped items take per item after a full GC, vs the hand-written outputs'
						: 'peak resident memory of the bench process while mapping (inputs and outputs held)',
			),
		);
	}

	const { runUpsertBench } = load('./upsert.cts') as typeof import('./upsert.cjs');
	const upsert = await runUpsertBench({ ...options, log });
	rows.push(...upsert.rows);
	notes.push(...upsert.notes);

	const { runUpsertMemoryBench } = load(
		'./upsert-memory.cts',
	) as typeof import('./upsert-memory.cjs');
	const memory = await runUpsertMemoryBench({ sizes: options.memory, log });
	rows.push(...memory.rows);
	notes.push(...memory.notes);

	const { runPollBench } = load('./poll.cts') as typeof import('./poll.cjs');
	const poll = await runPollBench({
		latencyMs: options.latencyMs,
		seed: { accounts: 300, contacts: 2500, activities: 3000 },
		log,
	});
	rows.push(...poll.rows);
	notes.push(...poll.notes);

	const { runMapperNodeBench } = load('./mapper-n8n.cts') as typeof import('./mapper-n8n.cjs');
	const mapperNode = await runMapperNodeBench({
		items: options.quick ? 5000 : 20_000,
		runs: options.quick ? 1 : 3,
		log,
	});
	rows.push(...mapperNode.rows);
	notes.push(...mapperNode.notes);

	// Keep the issues' order: upsert (calls, rate, vs the peer, limit, CPU, memory), re-sync, poll,
	// mapper.
	const order = [
		'upsert_calls_per_changed_record',
		'upsert_records_per_second',
		'upsert_vs_http_request',
		'upsert_vs_bare_helper',
		'upsert_limit_ratio',
		'limit_ratio_n8n_helper',
		'limit_ratio_node_http',
		'upsert_limit_ratio_50ms_25',
		'upsert_cpu_ms_per_written_record',
		...rows.map((r) => r.metric).filter((m) => m.startsWith('upsert_peak_rss_mb_')),
		'upsert_rss_growth',
		'upsert_live_heap_vs_items',
		'resync_calls_per_unchanged_record',
		'resync_writes',
		'poll_requests_per_entity',
		'mapper_items_per_second',
		'mapper_node_vs_code_node',
		'mapper_heap_per_item',
		'mapper_peak_rss_mb',
	];
	rows.sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric));
	notes.push(
		`node ${process.version}, ${cpus().length} CPU(s), ` +
			`load average ${loadavg()[0].toFixed(1)}; ` +
			`${options.quick ? 'quick run; ' : ''}total ${Math.round((performance.now() - started) / 1000)} s`,
	);
	process.stdout.write(render(rows, notes));

	const missed = rows.filter((r) => verdict(r) === 'FAIL');
	if (missed.length) {
		log(`Goal missed: ${missed.map((r) => r.metric).join(', ')}`);
		if (options.strict) process.exitCode = 1;
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
