/**
 * Upsert and re-sync benchmarks: the Daktela node's Contact > Create or Update on 10,000 items,
 * run as users run it (inside n8n's WorkflowExecute through the harness, n8n's HTTP helper, real
 * HTTP), against the SDK's loop over the same client and the same sandbox, in the same run.
 *
 * Metrics:
 * - upsert_calls_per_changed_record: requests / records for 10,000 new contacts (baseline: the
 *   SDK loop's requests per record on the sample: a lookup and a POST each);
 * - upsert_records_per_second: 10,000 / wall time of the node; baseline: the SDK loop's rate on
 *   the first `sample` records (10,000 sequential records at 20 ms would take ~7 minutes);
 * - resync_calls_per_unchanged_record and resync_writes: the same 10,000 again, unchanged
 *   (baseline: the SDK loop re-run on its sample).
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../test/harness/n8n.cjs';
import { daktelaNode } from './nodes.cjs';
import { ratioOf, round, withGoal, type Row } from './report.cjs';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.cjs';
import { SdkStyleUpsert, sdkStats } from './sdk-style.cjs';

export interface UpsertBenchOptions {
	records: number;
	sample: number;
	latencyMs: number;
	log: (line: string) => void;
}

function person(n: number): IDataObject {
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

function credentials(sandbox: SandboxProcess) {
	return {
		daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
	};
}

interface Measured {
	seconds: number;
	requests: number;
	writes: number;
	outputs: IDataObject[];
}

async function measure(
	sandbox: SandboxProcess,
	run: () => Promise<{ error?: Error; outputs: Array<Array<{ json: IDataObject }>> }>,
): Promise<Measured> {
	await sandbox.resetCounters();
	const start = performance.now();
	const result = await run();
	const seconds = (performance.now() - start) / 1000;
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
		outputs: (result.outputs[0] ?? []).map((i) => i.json),
	};
}

function expectAll(outputs: IDataObject[], field: (json: IDataObject) => unknown, want: string) {
	const other = outputs.filter((json) => field(json) !== want);
	if (other.length) {
		throw new Error(`${other.length} item(s) were not ${want}: ${JSON.stringify(other[0])}`);
	}
}

export async function runUpsertBench(options: UpsertBenchOptions): Promise<{
	rows: Row[];
	notes: string[];
}> {
	const { records, sample, latencyMs, log } = options;
	const items = Array.from({ length: records }, (_, n) => person(n));
	const sampleItems = items.slice(0, sample);
	const sandbox = await startSandboxProcess({ latencyMs });
	try {
		const creds = credentials(sandbox);
		const Daktela = daktelaNode();
		const ours = () =>
			runNode({
				node: Daktela,
				parameters: { resource: 'contact', operation: 'upsert' },
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
		log(`Daktela node upsert: ${records} new contacts...`);
		const create = await measure(sandbox, ours);
		expectAll(create.outputs, sync, 'created');
		const stored = await sandbox.records('contacts');
		if (stored !== records) throw new Error(`sandbox holds ${stored} contacts, not ${records}`);
		log(`  ${round(create.seconds, 1)} s, ${create.requests} requests`);

		log(`Daktela node upsert: the same ${records}, unchanged...`);
		const resync = await measure(sandbox, ours);
		expectAll(resync.outputs, sync, 'unchanged');
		log(`  ${round(resync.seconds, 1)} s, ${resync.requests} requests`);

		const sdkRate = sample / sdkCreate.seconds;
		const ourRate = records / create.seconds;
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
				`sandbox Daktela in its own process, ${latencyMs} ms added to every request; ` +
					'both paths run inside n8n (harness WorkflowExecute) over the same DaktelaClient ' +
					'and n8n HTTP helper',
			],
		};
	} finally {
		await sandbox.close();
	}
}
