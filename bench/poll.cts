/**
 * Idle incremental poll: Sync Checkpoint Get Cursor -> Daktela Get Many (Modified Since = the
 * cursor, Return All) -> Skip Processed -> Commit, for contacts, accounts and (closed) activities,
 * in one workflow inside n8n's WorkflowExecute with real static data. The first run is the full
 * sync that sets the cursors; the second run, with nothing changed in Daktela, is measured:
 * requests per entity (goal: 1, the one list page that says "nothing new").
 *
 * Baseline: the SDK also reads one (empty) page per entity when nothing changed (100 per page,
 * `edited`/`time gte last sync`), so 1; its loss is elsewhere (see docs and anchors).
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import { runWorkflow } from '../test/harness/n8n.cjs';
import { daktelaNode, syncCheckpointNode } from './nodes.cjs';
import { ratioOf, withGoal, type Row } from './report.cjs';
import { startSandboxProcess } from './sandbox-process.cjs';

const CHECKPOINT = 'n8n-nodes-daktela.syncCheckpoint';
const DAKTELA = 'n8n-nodes-daktela.daktela';

interface PollEntity {
	entity: string;
	resource: 'contact' | 'account' | 'activity';
	endpoint: string;
	cursorField: string;
	filters: IDataObject;
}

const ENTITIES: PollEntity[] = [
	{
		entity: 'contacts',
		resource: 'contact',
		endpoint: 'contacts',
		cursorField: 'edited',
		filters: {},
	},
	{
		entity: 'accounts',
		resource: 'account',
		endpoint: 'accounts',
		cursorField: 'edited',
		filters: {},
	},
	{
		entity: 'activities',
		resource: 'activity',
		endpoint: 'activities',
		cursorField: 'time_close',
		// Closed activities only: an open one has no time_close to be a cursor value.
		filters: { timeField: 'time_close', action: ['CLOSE'] },
	},
];

function workflow(): { nodes: INode[]; connections: IConnections } {
	const nodes: INode[] = [
		{
			id: 'schedule',
			name: 'Schedule',
			type: 'n8n-nodes-base.scheduleTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const connections: IConnections = {};
	const link = (from: string, to: string) => {
		const outputs = connections[from]?.main?.[0] ?? [];
		outputs.push({ node: to, type: 'main', index: 0 });
		connections[from] = { main: [outputs] };
	};
	ENTITIES.forEach((e, row) => {
		const y = row * 200;
		const chain: INode[] = [
			{
				id: `get-${e.entity}`,
				name: `Get Cursor ${e.entity}`,
				type: CHECKPOINT,
				typeVersion: 1,
				position: [200, y],
				parameters: {
					operation: 'get',
					syncName: 'daktela-poll',
					entity: e.entity,
					batchSize: 0,
					lookbackSeconds: 60,
					getOptions: { sinceFormat: 'iso' },
				},
			},
			{
				id: `read-${e.entity}`,
				name: `Get Many ${e.entity}`,
				type: DAKTELA,
				typeVersion: 1,
				position: [400, y],
				parameters: {
					resource: e.resource,
					operation: 'getMany',
					returnAll: true,
					filters: { ...e.filters, modifiedSince: '={{ $json.since ?? "" }}' },
				},
			},
			{
				id: `skip-${e.entity}`,
				name: `Skip Processed ${e.entity}`,
				type: CHECKPOINT,
				typeVersion: 1,
				position: [600, y],
				parameters: {
					operation: 'skipProcessed',
					syncName: 'daktela-poll',
					entity: e.entity,
					recordId: '={{ $json.name }}',
					cursorValue: `={{ $json.${e.cursorField} }}`,
				},
			},
			{
				id: `commit-${e.entity}`,
				name: `Commit ${e.entity}`,
				type: CHECKPOINT,
				typeVersion: 1,
				position: [800, y],
				parameters: {
					operation: 'commit',
					syncName: 'daktela-poll',
					entity: e.entity,
					sortedSource: true,
				},
			},
		];
		nodes.push(...chain);
		link('Schedule', chain[0].name);
		for (let i = 0; i < chain.length - 1; i++) link(chain[i].name, chain[i + 1].name);
	});
	return { nodes, connections };
}

export interface PollBenchOptions {
	latencyMs: number;
	seed: { accounts: number; contacts: number; activities: number };
	log: (line: string) => void;
}

export async function runPollBench(options: PollBenchOptions): Promise<{
	rows: Row[];
	notes: string[];
}> {
	const sandbox = await startSandboxProcess({ latencyMs: options.latencyMs, seed: options.seed });
	try {
		const staticData: IDataObject = {};
		const run = async () => {
			const result = await runWorkflow({
				...workflow(),
				nodeTypes: { [CHECKPOINT]: syncCheckpointNode(), [DAKTELA]: daktelaNode() },
				credentials: {
					daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
				},
				staticData,
				mode: 'trigger',
			});
			if (result.error) throw result.error;
			return result;
		};

		options.log('Poll: first run (full sync, sets the cursors)...');
		const full = await run();
		const counts = ENTITIES.map((e) => full.outputOf(`Get Many ${e.entity}`).length);
		for (const e of ENTITIES) {
			const summary = full.outputOf(`Commit ${e.entity}`)[0]?.json;
			if (summary?.committed !== true) {
				throw new Error(`the full sync of ${e.entity} did not commit: ${JSON.stringify(summary)}`);
			}
		}

		await sandbox.resetCounters();
		options.log('Poll: second run, nothing changed...');
		await run();
		const perEntity: Record<string, number> = {};
		for (const e of ENTITIES) perEntity[e.entity] = await sandbox.count(undefined, e.endpoint);
		const total = await sandbox.count();
		const worst = Math.max(...Object.values(perEntity));
		return {
			rows: [
				withGoal(
					{
						metric: 'poll_requests_per_entity',
						value: worst,
						unit: 'requests/entity',
						baseline: 1,
						ratio: ratioOf(worst, 1),
					},
					`idle run: ${ENTITIES.map((e) => `${e.entity} ${perEntity[e.entity]}`).join(', ')} ` +
						`(${total} in all; worst shown); full sync read ` +
						`${ENTITIES.map((e, i) => `${counts[i]} ${e.entity}`).join(', ')}; ` +
						'baseline: the SDK reads one empty page per entity too',
				),
			],
			notes: [],
		};
	} finally {
		await sandbox.close();
	}
}
