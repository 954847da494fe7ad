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
import { getOutput } from '../checkpoint/summary';
import {
	addHints,
	asBoolean,
	committedBefore,
	openStores,
	persistence,
	runIdOf,
	timeZoneOf,
	toNodeError,
} from './shared';

const NO_STATE_NOTE =
	'No stored cursor: a full sync. Expected on the first run and after Reset; on every run it means ' +
	"n8n does not keep this workflow's static data (only manual runs so far, queue mode, n8n Cloud)";

const LOST_STATE_NOTE =
	"This sync committed a cursor before, but n8n's workflow static data came back without it: n8n " +
	'does not keep static data here (queue mode with workers, n8n Cloud), so every run is a full ' +
	'sync. Keep the state in a Data Table instead: set "State From" to "Data Table Rows in Input" ' +
	'(see the "scaled" template and "Scaling out" in the README)';

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const fromRows = this.getNodeParameter('stateFrom', 0, 'staticData') === 'inputRows';
	const stores = openStores(this);
	const saved = fromRows ? { persisted: true } : persistence(this);
	const runId = runIdOf(this);
	const nowMs = Date.now();
	const out: INodeExecutionData[] = [];
	const warnings: string[] = [];

	// From rows, the input items are the state and parameters come from the first item.
	const runs = fromRows ? 1 : items.length;
	for (let i = 0; i < runs; i++) {
		try {
			const syncName = checkName('Sync name', this.getNodeParameter('syncName', i));
			const entity = checkName('Entity', this.getNodeParameter('entity', i));
			let state: EntityState;
			let rows: ReadRows | undefined;
			let stateLost = false;
			if (fromRows) {
				rows = readStateRows(
					items.map((item) => item.json),
					syncName,
					entity,
				);
				state = rows.state;
			} else {
				state = stores.get(syncName, entity);
				if (state.cursor === null && saved.persisted) {
					stateLost = (await committedBefore(this, syncName, entity)) === true;
				}
			}
			const batchSize = this.getNodeParameter('batchSize', i) as number;
			const lookbackSeconds = this.getNodeParameter('lookbackSeconds', i) as number;
			const forceFullSync = asBoolean(this.getNodeParameter('forceFullSync', i, false));
			const options = this.getNodeParameter('getOptions', i, {}) as IDataObject;
			const timeZone = timeZoneOf(this, options.timeZone);
			const startFrom = options.startFrom;
			const startFromMs =
				startFrom === undefined || startFrom === '' ? undefined : toEpochMs(startFrom, timeZone);

			if (stateLost && asBoolean(options.stopOnLostState)) {
				throw new NodeOperationError(this.getNode(), 'The stored sync state was lost', {
					itemIndex: i,
					description: LOST_STATE_NOTE,
				});
			}

			const plan = planGet({
				state,
				runId,
				nowMs,
				batchSize,
				lookbackMs: lookbackSeconds * 1000,
				forceFullSync,
				startFromMs,
			});
			stores.set(syncName, entity, plan.next, fromRows ? 'dataTable' : 'staticData');
			if (rows) {
				stores.setVersion(syncName, entity, rows.version);
				plan.warnings.unshift(...rows.warnings);
			}
			if (stateLost) plan.warnings.push(LOST_STATE_NOTE);
			else if (plan.fullSyncReason === 'noCursor' && !fromRows) plan.warnings.push(NO_STATE_NOTE);
			warnings.push(...plan.warnings);

			const format = (options.sinceFormat as SinceFormat | undefined) ?? 'iso';
			const since = plan.since === null ? null : formatSince(plan.since, format, timeZone);
			const json = getOutput({ syncName, entity, ...saved }, plan, since, {
				batchSize,
				lookbackSeconds,
				runId,
			});
			const stateInfo = rows
				? {
						from: 'dataTable',
						version: rows.version,
						rowId: rows.rowId,
						rows: rows.rows,
						superseded: rows.superseded,
						staleRows: rows.stale.length,
					}
				: { from: 'staticData', lost: stateLost };
			out.push({
				json: { ...json, state: stateInfo } as unknown as IDataObject,
				pairedItem: fromRows ? items.map((_, item) => ({ item })) : { item: i },
			});
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this, error, i);
			out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
		}
	}
	stores.save();
	addHints(this, saved, [...new Set(warnings)]);
	return [out];
}
