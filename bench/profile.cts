/**
 * `npm run bench:profile`: where the CPU of a batch upsert goes. Runs the Daktela node's Contact >
 * Create or Update on new contacts inside n8n (the harness, n8n's HTTP helper, real HTTP to the
 * sandbox in its own process, 0 ms latency so the run is all work), under V8's CPU profiler, and
 * sums the self time of every sample by where its code lives:
 *
 *   our code            nodes/ and credentials/ of this package
 *   n8n's HTTP helper   @n8n/backend-network, n8n-core, n8n-workflow
 *   axios and friends   axios, follow-redirects, proxy-from-env, form-data
 *   Node.js             node: internals (net, http, streams, timers)
 *   garbage collector   V8's GC
 *   other               the rest (loaders, the harness)
 *
 *   npm run bench:profile                 # 5,000 records
 *   npm run bench:profile -- --records 20000
 *
 * Shares are of the profiled run's busy time (idle excluded). A warm-up run comes first, so
 * module loading and JIT warm-up are not counted.
 */
import { createRequire } from 'node:module';
import { Session } from 'node:inspector/promises';

const load = createRequire(__filename);
(load('tsx/cjs/api') as { register(): void }).register();

interface ProfileNode {
	id: number;
	callFrame: { url: string; functionName: string };
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const BUCKETS: Array<[string, (url: string, fn: string) => boolean]> = [
	['garbage collector', (_url, fn) => fn === '(garbage collector)'],
	['idle', (_url, fn) => fn === '(idle)'],
	['our code', (url) => /\/(nodes|credentials)\//.test(url) && !url.includes('node_modules')],
	[
		"n8n's HTTP helper",
		(url) => /node_modules\/(@n8n\/backend-network|n8n-core|n8n-workflow)\//.test(url),
	],
	[
		'axios and friends',
		(url) => /node_modules\/(axios|follow-redirects|proxy-from-env|form-data)\//.test(url),
	],
	['Node.js', (url, fn) => url.startsWith('node:') || (url === '' && fn !== '(program)')],
];

function bucketOf(node: ProfileNode): string {
	const { url, functionName } = node.callFrame;
	for (const [name, test] of BUCKETS) if (test(url, functionName)) return name;
	return 'other';
}

async function main(): Promise<void> {
	const at = process.argv.indexOf('--records');
	const records = at > 0 ? Number(process.argv[at + 1]) : 5000;
	if (!Number.isInteger(records) || records <= 0) throw new Error('--records must be a count');
	const { runNode } = load('../test/harness/n8n.cts') as typeof import('../test/harness/n8n.cjs');
	const { daktelaNode } = load('./nodes.cts') as typeof import('./nodes.cjs');
	const { startSandboxProcess } = load(
		'./sandbox-process.cts',
	) as typeof import('./sandbox-process.cjs');
	const { person, credentials } = load('./upsert.cts') as typeof import('./upsert.cjs');

	const sandbox = await startSandboxProcess({ latencyMs: 0 });
	const session = new Session();
	try {
		const Daktela = daktelaNode();
		const upsert = (items: unknown[]) =>
			runNode({
				node: Daktela,
				parameters: { resource: 'contact', operation: 'upsert' },
				items: items as never,
				credentials: credentials(sandbox),
			});
		const items = Array.from({ length: records }, (_, n) => person(n));
		process.stderr.write(`warm-up: 500 records...\n`);
		await upsert(items.slice(0, 500).map((item, n) => ({ ...item, name: `warm_${n}` })));
		await sandbox.reset();

		session.connect();
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: 200 });
		process.stderr.write(`profiling: ${records} new contacts...\n`);
		await session.post('Profiler.start');
		const started = performance.now();
		const result = await upsert(items);
		const seconds = (performance.now() - started) / 1000;
		const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
		if (result.error) throw result.error;

		const byId = new Map(profile.nodes.map((node) => [node.id, node]));
		const totals = new Map<string, number>();
		const ours = new Map<string, number>();
		profile.samples.forEach((id, i) => {
			const node = byId.get(id)!;
			const bucket = bucketOf(node);
			const us = profile.timeDeltas[i] ?? 0;
			totals.set(bucket, (totals.get(bucket) ?? 0) + us);
			if (bucket === 'our code') {
				const file = node.callFrame.url.replace(/^.*?\/(nodes|credentials)\//, '$1/');
				ours.set(file, (ours.get(file) ?? 0) + us);
			}
		});
		const busy = [...totals].filter(([name]) => name !== 'idle').reduce((s, [, us]) => s + us, 0);
		const lines = [
			`${records} new contacts in ${seconds.toFixed(1)} s ` +
				`(${(busy / 1000 / records).toFixed(3)} ms CPU per record, idle excluded)`,
			'',
			'where the CPU goes                share   ms per record',
		];
		for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1])) {
			if (name === 'idle') continue;
			lines.push(
				`${name.padEnd(32)}${`${((100 * us) / busy).toFixed(1)}%`.padStart(7)}` +
					`${(us / 1000 / records).toFixed(3).padStart(16)}`,
			);
		}
		lines.push('', 'our code by file');
		for (const [file, us] of [...ours].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
			lines.push(
				`  ${file.padEnd(50)}${`${((100 * us) / busy).toFixed(1)}%`.padStart(7)}` +
					`${(us / 1000 / records).toFixed(3).padStart(10)}`,
			);
		}
		process.stdout.write(`${lines.join('\n')}\n`);
	} finally {
		session.disconnect();
		await sandbox.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
