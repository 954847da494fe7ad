/**
 * The Field Mapper node against the tool an n8n user would pick instead: n8n's own Code node
 * running the same mapping written by hand (bench/mapper.cts `handWritten`, the function the
 * engine bench compares with), both in a real n8n 2.41.1 (the e2e runtime in
 * ~/.cache/n8n-nodes-daktela, with the packed package installed), on the same items, in the same
 * executions:
 *
 *   Start -> CRM records (Code: makeRecords) -> Field Mapper (BENCH_MAPPING, YAML)
 *                                            -> Hand-written Code (Code: handWritten per item)
 *
 * Each `n8n execute` is a fresh n8n process, so both sides pay their own warm-up; the generator
 * runs first, so the Code node finds n8n's task runner already started. Per side the time is the
 * node's own `executionTime` in the run data (what the editor shows under the node), the median
 * of `runs` executions (`n8n execute`; N8n.cli reads its output through a file, so the large run
 * arrives whole). The outputs are checked to be the same before anything is reported.
 *
 * Metric: mapper_node_vs_code_node: value = Field Mapper items/s inside n8n, baseline = Code node
 * items/s, ratio = value / baseline (goal >= 1: no more cost per item than the hand-written Code
 * node). Without the runtime the row has no baseline, as upsert_vs_http_request.
 */
import { deepStrictEqual } from 'node:assert';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildAndPack, N8n, nodeOutput, type ExecutionRun } from '../test/e2e/n8n.cjs';
import { cacheRoot, ensureRuntime, N8N_VERSION } from '../test/e2e/runtime.cjs';
import { BENCH_MAPPING, handWritten, makeRecords } from './mapper.cjs';
import { round, type Row, withGoal } from './report.cjs';

export interface MapperNodeBenchOptions {
	items: number;
	runs: number;
	log: (line: string) => void;
}

const RECORDS = 'CRM records';
const MAPPER = 'Field Mapper';
const CODE = 'Hand-written Code';

/** Function source for a Code node. tsx may name functions through esbuild's `__name` helper. */
function source(fn: (...args: never[]) => unknown): string {
	return `const __name = (f) => f;\nconst ${fn.name} = ${fn.toString()};\n`;
}

function benchWorkflow(items: number) {
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		x: number,
		parameters: object,
	) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
	});
	const to = (...names: string[]) => ({
		main: [names.map((name) => ({ node: name, type: 'main', index: 0 }))],
	});
	return {
		name: 'bench: Field Mapper vs Code node',
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node(RECORDS, 'n8n-nodes-base.code', 2, 200, {
				jsCode: `${source(makeRecords)}return makeRecords(${items}).map((json) => ({ json }));`,
			}),
			node(MAPPER, 'n8n-nodes-daktela.fieldMapper', 1, 400, {
				entity: 'contact',
				direction: 'toDaktela',
				mappingMode: 'yaml',
				mapping: BENCH_MAPPING,
				options: {},
			}),
			node(CODE, 'n8n-nodes-base.code', 2, 400, {
				jsCode:
					source(handWritten) +
					'return $input.all().map((item) => {\n' +
					'  const { record, lookup, relations } = handWritten(item.json);\n' +
					'  record._lookup = lookup;\n' +
					'  if (relations) record._relations = relations;\n' +
					'  return { json: record };\n' +
					'});',
			}),
		],
		connections: { Start: to(RECORDS), [RECORDS]: to(MAPPER, CODE) },
		settings: { executionOrder: 'v1' },
	};
}

function nodeMs(run: ExecutionRun | undefined, name: string): number {
	const ms = run?.data.resultData.runData[name]?.[0]?.executionTime;
	if (typeof ms !== 'number') throw new Error(`no executionTime for ${name} in the run data`);
	return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runtimePresent(): boolean {
	return fs.existsSync(
		path.join(cacheRoot(), `n8n-${N8N_VERSION}`, 'node_modules', 'n8n', 'bin', 'n8n'),
	);
}

export async function runMapperNodeBench(
	options: MapperNodeBenchOptions,
): Promise<{ rows: Row[]; notes: string[] }> {
	const { items, runs, log } = options;
	const metric = { metric: 'mapper_node_vs_code_node', unit: 'items/s' };
	if (!runtimePresent()) {
		const why = 'no e2e runtime (install it: npx tsx test/e2e/runtime.cts)';
		log(`Field Mapper vs Code node skipped: ${why}`);
		return {
			rows: [withGoal({ ...metric, value: 0, baseline: null, ratio: null }, `no baseline: ${why}`)],
			notes: [],
		};
	}
	const rt = await ensureRuntime();
	log('Field Mapper vs Code node: packing the package for n8n...');
	const pkg = buildAndPack();
	const n8n = await N8n.create(rt, { pkg });
	try {
		const id = await n8n.importWorkflow(benchWorkflow(items));
		const mapperMs: number[] = [];
		const codeMs: number[] = [];
		for (let r = 0; r < runs; r++) {
			log(`Field Mapper vs Code node: n8n execute ${r + 1} of ${runs}, ${items} items...`);
			const result = await n8n.execute(id);
			if (!result.ok || !result.run) throw new Error(`bench workflow failed: ${result.error}`);
			const { run } = result;
			const mapped = nodeOutput(run, MAPPER);
			const coded = nodeOutput(run, CODE);
			if (mapped.length !== items || coded.length !== items) {
				throw new Error(`expected ${items} items, got ${mapped.length} and ${coded.length}`);
			}
			if (r === 0) for (let i = 0; i < items; i += 97) deepStrictEqual(mapped[i], coded[i]);
			mapperMs.push(nodeMs(run, MAPPER));
			codeMs.push(nodeMs(run, CODE));
			log(`  Field Mapper ${mapperMs[r]} ms, Code node ${codeMs[r]} ms`);
		}
		const mapperRate = items / (median(mapperMs) / 1000);
		const codeRate = items / (median(codeMs) / 1000);
		const perItem = (rate: number) => round(1e6 / rate, 1);
		return {
			rows: [
				withGoal(
					{
						...metric,
						value: Math.round(mapperRate),
						baseline: Math.round(codeRate),
						ratio: round(mapperRate / codeRate),
					},
					`in n8n ${N8N_VERSION}, ${items} items, median of ${runs} executions: Field Mapper ` +
						`${perItem(mapperRate)} µs per item, n8n's Code node running the same mapping by ` +
						`hand ${perItem(codeRate)} µs (each node's executionTime)`,
				),
			],
			notes: [],
		};
	} finally {
		await n8n.dispose();
		pkg.cleanup?.();
	}
}

if (require.main === module) {
	const log = (line: string) => process.stderr.write(`${line}\n`);
	runMapperNodeBench({ items: Number(process.argv[2] ?? 20_000), runs: 3, log }).then(
		({ rows }) => {
			for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
		},
		(error: unknown) => {
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
