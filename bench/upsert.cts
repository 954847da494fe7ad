/**
 * Upsert and re-sync benchmarks: the Daktela node's Contact > Create or Update on 10,000 items,
 * run as users run it (inside n8n's WorkflowExecute through the harness, n8n's HTTP helper, real
 * HTTP), against two baselines measured in the same run on the same sandbox process:
 * - the SDK's loop over the same client (bench/sdk-style.cts), one record at a time;
 * - the peer a user would pick instead: n8n's own HTTP Request node doing the same upsert (GET by
 *   name, If, POST or PUT) with its batching option (bench/http-request-peer.cts).
 *
 * Metrics:
 * - upsert_calls_per_changed_record: requests / records for 10,000 new contacts (baseline: the
 *   SDK loop's requests per record on the sample: a lookup and a POST each);
 * - upsert_records_per_second: 10,000 / wall time of the node; baseline: the SDK loop's rate on
 *   the first `sample` records (10,000 sequential records at 20 ms would take ~7 minutes);
 * - upsert_vs_http_request: the same rate against the HTTP Request workflow's on `peerSample`
 *   new contacts (same latency; items per batch = Max Parallel Requests, interval = latency);
 * - upsert_limit_ratio: records/s ÷ (parallel ÷ latency), what Daktela's latency and Max Parallel
 *   Requests allow (1 write per record), at 20 ms / 10 parallel and at 50 ms / 25 parallel;
 * - upsert_vs_bare_helper: the same rate against a node that only POSTs each record through n8n's
 *   HTTP helper at the same parallelism (bench/bare-helper.cts): the share our own code costs;
 * - limit_ratio_n8n_helper and limit_ratio_node_http (report): that bare helper's rate, and the
 *   same POSTs straight through Node's http with keep-alive (bench/node-http-floor.cts), against
 *   the same limit: what n8n's HTTP helper, and what the machine and sandbox, leave of it;
 * - upsert_cpu_ms_per_written_record: CPU time of the bench process (node, n8n, HTTP client) per
 *   record written, against the HTTP Request workflow's;
 * - resync_calls_per_unchanged_record and resync_writes: the same 10,000 again, unchanged
 *   (baseline: the SDK loop re-run on its sample).
 *
 * The sandbox's own CPU is measured too (it runs in its own process): the notes say how busy it
 * was, so a limit ratio below goal can be told apart from a sandbox that could not keep up.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../test/harness/n8n.cjs';
import { BareHelperPost } from './bare-helper.cjs';
import { loadPeerNodes, runPeerUpsert } from './http-request-peer.cjs';
import { postAll } from './node-http-floor.cjs';
import { daktelaNode } from './nodes.cjs';
import { ratioOf, round, withGoal, type Row } from './report.cjs';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.cjs';
import { SdkStyleUpsert, sdkStats } from './sdk-style.cjs';

export interface UpsertBenchOptions {
	records: number;
	sample: number;
	/** New contacts the HTTP Request workflow upserts (it is slow: a sample, like the SDK's). */
	peerSample: number;
	latencyMs: number;
	log: (line: string) => void;
}

/** The node's default Max Parallel Requests, and the second point of the limit ratio. */
const PARALLEL = 10;
const HIGH = { latencyMs: 50, parallel: 25 };

export function person(n: number): IDataObject {
	return {
		name: `crm_person_${n}`,
		title: `Person ${n}`,
		firstname: 'Person',
		lastname: `No. ${n}`,
		database: 'default',
		customFields: {
			email: [`person.${n}@example.cz`],
			number: [`+420777${String(n).padStart(6, '0')}`],
		},
	};
}

export function credentials(sandbox: Pick<SandboxProcess, 'url' | 'token'>) {
	return {
		daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
	};
}

interface Measured {
	seconds: number;
	requests: number;
	writes: number;
	/** CPU of this process (user + system) during the run. */
	cpuMs: number;
	/** CPU of the sandbox process during the run. */
	sandboxCpuMs: number;
	outputs: IDataObject[];
}

async function measure(
	sandbox: SandboxProcess,
	run: () => Promise<{ error?: Error; outputs: Array<Array<{ json: IDataObject }>> }>,
): Promise<Measured> {
	await sandbox.resetCounters();
	const sandboxCpu = await sandbox.cpuMs();
	const cpu = process.cpuUsage();
	const start = performance.now();
	const result = await run();
	const seconds = (performance.now() - start) / 1000;
	const used = process.cpuUsage(cpu);
	const sandboxCpuMs = (await sandbox.cpuMs()) - sandboxCpu;
	if (result.error) throw result.error;
	const [requests, posts, puts] = await Promise.all([
		sandbox.count(),
		sandbox.count('POST'),
		sandbox.count('PUT'),
	]);
	return {
		seconds,
		requests,
		writes: posts + puts,
		cpuMs: (used.user + used.system) / 1000,
		sandboxCpuMs,
		outputs: (result.outputs[0] ?? []).map((i) => i.json),
	};
}

function expectAll(outputs: IDataObject[], field: (json: IDataObject) => unknown, want: string) {
	const other = outputs.filter((json) => field(json) !== want);
	if (other.length) {
		throw new Error(`${other.length} item(s) were not ${want}: ${JSON.stringify(other[0])}`);
	}
}

/**
 * `bench process busy 27% (1.16 ms CPU per request), sandbox process busy 10% (0.41 ms ...)`: with
 * both well under 100%, a rate below the limit is waiting (latency, or the machine's other load),
 * not either process's own work.
 */
function processLoad(m: Measured): string {
	const busy = (cpuMs: number) => Math.round((100 * cpuMs) / (m.seconds * 1000));
	const perRequest = (cpuMs: number) => round(cpuMs / Math.max(1, m.requests), 2);
	return (
		`bench process busy ${busy(m.cpuMs)}% (${perRequest(m.cpuMs)} ms CPU per request), ` +
		`sandbox process busy ${busy(m.sandboxCpuMs)}% (${perRequest(m.sandboxCpuMs)} ms)`
	);
}

export async function runUpsertBench(options: UpsertBenchOptions): Promise<{
	rows: Row[];
	notes: string[];
}> {
	const { records, sample, latencyMs, log } = options;
	const items = Array.from({ length: records }, (_, n) => person(n));
	const sampleItems = items.slice(0, sample);
	const peerItems = items.slice(0, Math.min(records, options.peerSample));
	const sandbox = await startSandboxProcess({ latencyMs });
	try {
		const creds = credentials(sandbox);
		const Daktela = daktelaNode();
		const ours = (parallel: number) => () =>
			runNode({
				node: Daktela,
				parameters: {
					resource: 'contact',
					operation: 'upsert',
					...(parallel === PARALLEL ? {} : { options: { concurrency: parallel } }),
				},
				items,
				credentials: creds,
			});
		const sdk = (batch: IDataObject[]) => () =>
			runNode({ node: SdkStyleUpsert, items: batch, credentials: creds });
		const sync = (json: IDataObject) => (json.sync as IDataObject | undefined)?.action;

		log(`SDK-style loop: ${sample} new contacts, one at a time (${latencyMs} ms per request)...`);
		const sdkCreate = await measure(sandbox, sdk(sampleItems));
		expectAll(sdkCreate.outputs, (json) => json.action, 'created');
		const sdkCreateStats = { ...sdkStats };
		log(`  ${round(sdkCreate.seconds, 1)} s, ${sdkCreate.requests} requests`);

		log(`SDK-style loop: the same ${sample}, unchanged...`);
		const sdkResync = await measure(sandbox, sdk(sampleItems));
		expectAll(sdkResync.outputs, (json) => json.action, 'unchanged');
		log(`  ${round(sdkResync.seconds, 1)} s, ${sdkResync.requests} requests`);

		await sandbox.reset();
		log(`Daktela node upsert: ${records} new contacts (${latencyMs} ms, ${PARALLEL} parallel)...`);
		const create = await measure(sandbox, ours(PARALLEL));
		expectAll(create.outputs, sync, 'created');
		const stored = await sandbox.records('contacts');
		if (stored !== records) throw new Error(`sandbox holds ${stored} contacts, not ${records}`);
		log(`  ${round(create.seconds, 1)} s, ${create.requests} requests; ${processLoad(create)}`);

		log(`Daktela node upsert: the same ${records}, unchanged...`);
		const resync = await measure(sandbox, ours(PARALLEL));
		expectAll(resync.outputs, sync, 'unchanged');
		log(`  ${round(resync.seconds, 1)} s, ${resync.requests} requests`);

		await sandbox.reset();
		log(`Bare n8n helper: POST ${records} new contacts, ${PARALLEL} parallel, nothing else...`);
		const bare = await measure(sandbox, () =>
			runNode({
				node: BareHelperPost,
				parameters: { parallel: PARALLEL },
				items,
				credentials: creds,
			}),
		);
		if (bare.writes !== records) throw new Error(`bare helper wrote ${bare.writes} of ${records}`);
		log(`  ${round(bare.seconds, 1)} s, ${bare.requests} requests; ${processLoad(bare)}`);

		await sandbox.reset();
		log(`Node http, keep-alive: POST ${records} new contacts, ${PARALLEL} parallel, no n8n...`);
		let floorWritten = 0;
		const floor = await measure(sandbox, async () => {
			floorWritten = await postAll({ ...sandbox, items, parallel: PARALLEL });
			return { outputs: [] };
		});
		if (floorWritten !== records) throw new Error(`node http wrote ${floorWritten} of ${records}`);
		log(`  ${round(floor.seconds, 1)} s, ${floor.requests} requests; ${processLoad(floor)}`);

		const peerNodes = loadPeerNodes();
		let peer: (Measured & { records: number }) | undefined;
		let peerMissing: string | undefined;
		if (typeof peerNodes === 'string') {
			peerMissing = peerNodes;
			log(`HTTP Request baseline skipped: ${peerNodes}`);
		} else {
			const runPeer = (batch: IDataObject[]) => async () => {
				const run = await runPeerUpsert(peerNodes, {
					url: sandbox.url,
					token: sandbox.token,
					items: batch,
					parallel: PARALLEL,
					intervalMs: latencyMs,
				});
				if (!run.error && run.created !== batch.length) {
					throw new Error(`HTTP Request workflow created ${run.created} of ${batch.length}`);
				}
				return { error: run.error, outputs: [] };
			};
			// A first, small run loads and warms up n8n-nodes-base, as the SDK run did for ours.
			await sandbox.reset();
			await runPeer(peerItems.slice(0, 100))();
			await sandbox.reset();
			log(
				`HTTP Request workflow: ${peerItems.length} new contacts (${PARALLEL} per batch, ` +
					`${latencyMs} ms interval)...`,
			);
			peer = { ...(await measure(sandbox, runPeer(peerItems))), records: peerItems.length };
			const landed = await sandbox.records('contacts');
			if (landed !== peerItems.length) {
				throw new Error(`sandbox holds ${landed} contacts, not ${peerItems.length}`);
			}
			log(`  ${round(peer.seconds, 1)} s, ${peer.requests} requests; ${processLoad(peer)}`);
		}

		await sandbox.setLatency(HIGH.latencyMs);
		await sandbox.reset();
		log(
			`Daktela node upsert: ${records} new contacts (${HIGH.latencyMs} ms, ${HIGH.parallel} parallel)...`,
		);
		const high = await measure(sandbox, ours(HIGH.parallel));
		expectAll(high.outputs, sync, 'created');
		log(`  ${round(high.seconds, 1)} s, ${high.requests} requests; ${processLoad(high)}`);
		await sandbox.setLatency(latencyMs);

		const sdkRate = sample / sdkCreate.seconds;
		const ourRate = records / create.seconds;
		const highRate = records / high.seconds;
		const limit = PARALLEL / (latencyMs / 1000);
		const highLimit = HIGH.parallel / (HIGH.latencyMs / 1000);
		const peerRate = peer ? peer.records / peer.seconds : null;
		const bareRate = records / bare.seconds;
		const floorRate = records / floor.seconds;
		const ourCpu = create.cpuMs / create.writes;
		const peerCpu = peer ? peer.cpuMs / peer.writes : null;
		const sdkCallsPerRecord = sdkCreate.requests / sample;
		const sdkResyncCalls = sdkResync.requests / sample;
		const callsPerChanged = round(create.requests / records, 4);
		const callsPerUnchanged = round(resync.requests / records, 4);
		const rows: Row[] = [
			withGoal(
				{
					metric: 'upsert_calls_per_changed_record',
					value: callsPerChanged,
					unit: 'requests/record',
					baseline: round(sdkCallsPerRecord, 4),
					ratio: ratioOf(callsPerChanged, sdkCallsPerRecord),
				},
				`${create.requests} requests for ${records} new contacts (${create.writes} writes)`,
			),
			withGoal(
				{
					metric: 'upsert_records_per_second',
					value: round(ourRate, 1),
					unit: 'records/s',
					baseline: round(sdkRate, 1),
					ratio: ratioOf(ourRate, sdkRate),
				},
				`${records} records in ${round(create.seconds, 1)} s; baseline: SDK loop on the first ` +
					`${sample} records, ${round(sdkCreate.seconds, 1)} s ` +
					`(${sdkCreateStats.lookups} lookups + ${sdkCreateStats.creates} creates)`,
			),
			withGoal(
				{
					metric: 'upsert_vs_http_request',
					value: round(ourRate, 1),
					unit: 'records/s',
					baseline: peerRate === null ? null : round(peerRate, 1),
					ratio: peerRate === null ? null : ratioOf(ourRate, peerRate),
				},
				peer
					? `baseline: n8n's HTTP Request node (n8n-nodes-base ${'2.41.1'}) finding, then ` +
							`creating ${peer.records} new contacts in ${round(peer.seconds, 1)} s ` +
							`(${peer.requests} requests, ${PARALLEL} per batch every ${latencyMs} ms)`
					: `no baseline: ${peerMissing}`,
			),
			withGoal(
				{
					metric: 'upsert_vs_bare_helper',
					value: round(ourRate, 1),
					unit: 'records/s',
					baseline: round(bareRate, 1),
					ratio: ratioOf(ourRate, bareRate),
				},
				`baseline: a node that only POSTs the ${records} records through n8n's HTTP helper, ` +
					`${PARALLEL} parallel, in ${round(bare.seconds, 1)} s ` +
					`(${round(bare.cpuMs / bare.writes, 3)} ms CPU per write): what n8n and this machine allow`,
			),
			withGoal(
				{
					metric: 'upsert_limit_ratio',
					value: round(ourRate, 1),
					unit: 'records/s',
					baseline: round(limit, 1),
					ratio: ratioOf(ourRate, limit),
				},
				`${PARALLEL} parallel ÷ ${latencyMs} ms = ${round(limit, 1)} writes/s; ${processLoad(create)}`,
			),
			withGoal(
				{
					metric: 'limit_ratio_n8n_helper',
					value: round(bareRate, 1),
					unit: 'records/s',
					baseline: round(limit, 1),
					ratio: ratioOf(bareRate, limit),
				},
				`the bare n8n helper's ${round(bareRate, 1)} writes/s against the same limit: what n8n's ` +
					'HTTP helper (a new connection per request) leaves of it on this machine',
			),
			withGoal(
				{
					metric: 'limit_ratio_node_http',
					value: round(floorRate, 1),
					unit: 'records/s',
					baseline: round(limit, 1),
					ratio: ratioOf(floorRate, limit),
				},
				`the same POSTs through Node's http with one keep-alive agent, no n8n, in ` +
					`${round(floor.seconds, 1)} s: what the machine and the sandbox leave of the limit`,
			),
			withGoal(
				{
					metric: 'upsert_limit_ratio_50ms_25',
					value: round(highRate, 1),
					unit: 'records/s',
					baseline: round(highLimit, 1),
					ratio: ratioOf(highRate, highLimit),
				},
				`${records} records in ${round(high.seconds, 1)} s at ${HIGH.latencyMs} ms with Max ` +
					`Parallel Requests ${HIGH.parallel}: ${round(highLimit, 1)} writes/s; ${processLoad(high)}`,
			),
			withGoal(
				{
					metric: 'upsert_cpu_ms_per_written_record',
					value: round(ourCpu, 3),
					unit: 'ms/record',
					baseline: peerCpu === null ? null : round(peerCpu, 3),
					ratio: peerCpu === null ? null : ratioOf(ourCpu, peerCpu),
				},
				`CPU of the bench process (node, n8n, HTTP client; the sandbox excluded) for the ` +
					`${create.writes} writes; baseline: the HTTP Request workflow's per write`,
			),
			withGoal(
				{
					metric: 'resync_calls_per_unchanged_record',
					value: callsPerUnchanged,
					unit: 'requests/record',
					baseline: round(sdkResyncCalls, 4),
					ratio: ratioOf(callsPerUnchanged, sdkResyncCalls),
				},
				`${resync.requests} requests for ${records} unchanged contacts in ` +
					`${round(resync.seconds, 1)} s; baseline: SDK loop on ${sample}`,
			),
			withGoal({
				metric: 'resync_writes',
				value: resync.writes,
				unit: 'writes',
				baseline: sdkResync.writes,
				ratio: ratioOf(resync.writes, sdkResync.writes),
			}),
		];
		return {
			rows,
			notes: [
				`sandbox Daktela in its own process, ${latencyMs} ms added to every request ` +
					`(${HIGH.latencyMs} ms for upsert_limit_ratio_50ms_25); all paths run inside n8n ` +
					'(harness WorkflowExecute) over n8n-core 2.41.1 HTTP helpers against that one sandbox',
			],
		};
	} finally {
		await sandbox.close();
	}
}
