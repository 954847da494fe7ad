/**
 * Get Cursor: the `since` value, the source limit and the retry list of one sync entity, and this
 * run's marker in the state (which Skip Processed and Commit read).
 *
 * State From "Workflow Static Data": one item per input item. State From "Data Table Rows in
 * Input": the input items are the state table's rows (n8n's Data Table node, Get Row(s)); one
 * item out, and the state travels on in this execution's flow context to Skip Processed and
 * Commit, whose output carries the row to save.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { formatSince, toEpochMs, type SinceFormat } from '../checkpoint/cursor';
import { planGet } from '../checkpoint/policy';
import { readStateRows, type ReadRows } from '../checkpoint/rows';
import { checkName, type EntityState } from '../checkpoint/state';
import { getOutput, type Persistence } from '../checkpoint/summary';
import {
	addHints,
	asBoolean,
	committedBefore,
	openStores,
	persistence,
	runIdOf,
	timeZoneOf,
	toNodeError,
	type Stores,
} from './shared';

const NO_STATE_NOTE =
	'No stored cursor: a full sync. Expected on the first run and after Reset; on every run it means ' +
	"n8n does not keep this workflow's static data (only manual runs so far, queue mode, n8n Cloud)";

const LOST_STATE_NOTE =
	"This sync committed a cursor before, but n8n's workflow static data came back without it: n8n " +
	'does not keep static data here (queue mode with workers, n8n Cloud), so every run is a full ' +
	'sync. Keep the state in a Data Table instead: set "State From" to "Data Table Rows in Input" ' +
	'(see the "scaled" template and "Scaling out" in the README)';

/** What every item of one Get shares. */
interface GetRun {
	items: INodeExecutionData[];
	fromRows: boolean;
	stores: Stores;
	saved: Persistence;
	runId: string;
	nowMs: number;
}

interface ReadState {
	syncName: string;
	entity: string;
	state: EntityState;
	rows?: ReadRows;
	stateLost: boolean;
}

/** The sync's state: from the input rows, or from static data (and whether it was lost). */
async function readState(ctx: IExecuteFunctions, run: GetRun, i: number): Promise<ReadState> {
	const syncName = checkName('Sync name', ctx.getNodeParameter('syncName', i));
	const entity = checkName('Entity', ctx.getNodeParameter('entity', i));
	if (run.fromRows) {
		const rows = readStateRows(
			run.items.map((item) => item.json),
			syncName,
			entity,
		);
		return { syncName, entity, state: rows.state, rows, stateLost: false };
	}
	const state = run.stores.get(syncName, entity);
	let stateLost = false;
	if (state.cursor === null && run.saved.persisted) {
		stateLost = (await committedBefore(ctx, syncName, entity)) === true;
	}
	return { syncName, entity, state, stateLost };
}

/** Get's parameters for item i. */
function readParameters(ctx: IExecuteFunctions, i: number) {
	const batchSize = ctx.getNodeParameter('batchSize', i) as number;
	const lookbackSeconds = ctx.getNodeParameter('lookbackSeconds', i) as number;
	const forceFullSync = asBoolean(ctx.getNodeParameter('forceFullSync', i, false));
	const options = ctx.getNodeParameter('getOptions', i, {}) as IDataObject;
	const timeZone = timeZoneOf(ctx, options.timeZone);
	const startFrom = options.startFrom;
	const startFromMs =
		startFrom === undefined || startFrom === '' ? undefined : toEpochMs(startFrom, timeZone);
	return { batchSize, lookbackSeconds, forceFullSync, options, timeZone, startFromMs };
}

/** Where the state came from, for the output item. */
function stateInfoOf({ rows, stateLost }: ReadState) {
	return rows
		? {
				from: 'dataTable',
				version: rows.version,
				rowId: rows.rowId,
				rows: rows.rows,
				superseded: rows.superseded,
				staleRows: rows.stale.length,
			}
		: { from: 'staticData', lost: stateLost };
}

/** One Get: plans the run, stores its marker and returns the output item. */
async function getOne(
	ctx: IExecuteFunctions,
	run: GetRun,
	i: number,
	warnings: string[],
): Promise<INodeExecutionData> {
	const read = await readState(ctx, run, i);
	const { syncName, entity, state, rows, stateLost } = read;
	const params = readParameters(ctx, i);
	const { batchSize, lookbackSeconds, options, timeZone } = params;

	if (stateLost && asBoolean(options.stopOnLostState)) {
		throw new NodeOperationError(ctx.getNode(), 'The stored sync state was lost', {
			itemIndex: i,
			description: LOST_STATE_NOTE,
		});
	}

	const plan = planGet({
		state,
		runId: run.runId,
		nowMs: run.nowMs,
		batchSize,
		lookbackMs: lookbackSeconds * 1000,
		forceFullSync: params.forceFullSync,
		startFromMs: params.startFromMs,
	});
	run.stores.set(syncName, entity, plan.next, run.fromRows ? 'dataTable' : 'staticData');
	if (rows) {
		run.stores.setVersion(syncName, entity, rows.version);
		plan.warnings.unshift(...rows.warnings);
	}
	if (stateLost) plan.warnings.push(LOST_STATE_NOTE);
	else if (plan.fullSyncReason === 'noCursor' && !run.fromRows) plan.warnings.push(NO_STATE_NOTE);
	warnings.push(...plan.warnings);

	const format = (options.sinceFormat as SinceFormat | undefined) ?? 'iso';
	const since = plan.since === null ? null : formatSince(plan.since, format, timeZone);
	const json = getOutput({ syncName, entity, ...run.saved }, plan, since, {
		batchSize,
		lookbackSeconds,
		runId: run.runId,
	});
	return {
		json: { ...json, state: stateInfoOf(read) } as unknown as IDataObject,
		pairedItem: run.fromRows ? run.items.map((_, item) => ({ item })) : { item: i },
	};
}

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const fromRows = this.getNodeParameter('stateFrom', 0, 'staticData') === 'inputRows';
	const stores = openStores(this);
	const saved = fromRows ? { persisted: true } : persistence(this);
	const run: GetRun = { items, fromRows, stores, saved, runId: runIdOf(this), nowMs: Date.now() };
	const out: INodeExecutionData[] = [];
	const warnings: string[] = [];

	// From rows, the input items are the state and parameters come from the first item.
	const runs = fromRows ? 1 : items.length;
	for (let i = 0; i < runs; i++) {
		try {
			out.push(await getOne(this, run, i, warnings));
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this, error, i);
			out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
		}
	}
	stores.save();
	addHints(this, saved, [...new Set(warnings)]);
	return [out];
}
