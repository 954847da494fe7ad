/**
 * Get Cursor: one item per input item with the `since` value, the source limit and the retry list
 * of one sync entity, and this run's marker in the state (which Commit reads).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { formatSince, toEpochMs, type SinceFormat } from '../checkpoint/cursor';
import { planGet } from '../checkpoint/policy';
import { checkName } from '../checkpoint/state';
import { getOutput } from '../checkpoint/summary';
import {
	addHints,
	asBoolean,
	openStore,
	persistence,
	runIdOf,
	timeZoneOf,
	toNodeError,
} from './shared';

const NO_STATE_NOTE =
	'No stored cursor: a full sync. Expected on the first run and after Reset; on every run it means ' +
	"n8n does not keep this workflow's static data (only manual runs so far, queue mode, n8n Cloud)";

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { store, save } = openStore(this);
	const saved = persistence(this);
	const runId = runIdOf(this);
	const nowMs = Date.now();
	const out: INodeExecutionData[] = [];
	const warnings: string[] = [];

	for (let i = 0; i < items.length; i++) {
		try {
			const syncName = checkName('Sync name', this.getNodeParameter('syncName', i));
			const entity = checkName('Entity', this.getNodeParameter('entity', i));
			const batchSize = this.getNodeParameter('batchSize', i) as number;
			const lookbackSeconds = this.getNodeParameter('lookbackSeconds', i) as number;
			const forceFullSync = asBoolean(this.getNodeParameter('forceFullSync', i, false));
			const options = this.getNodeParameter('getOptions', i, {}) as IDataObject;
			const timeZone = timeZoneOf(this, options.timeZone);
			const startFrom = options.startFrom;
			const startFromMs =
				startFrom === undefined || startFrom === '' ? undefined : toEpochMs(startFrom, timeZone);

			const plan = planGet({
				state: store.get(syncName, entity),
				runId,
				nowMs,
				batchSize,
				lookbackMs: lookbackSeconds * 1000,
				forceFullSync,
				startFromMs,
			});
			store.set(syncName, entity, plan.next);
			if (plan.fullSyncReason === 'noCursor') plan.warnings.push(NO_STATE_NOTE);
			warnings.push(...plan.warnings);

			const format = (options.sinceFormat as SinceFormat | undefined) ?? 'iso';
			const since = plan.since === null ? null : formatSince(plan.since, format, timeZone);
			const json = getOutput({ syncName, entity, ...saved }, plan, since, {
				batchSize,
				lookbackSeconds,
				runId,
			});
			out.push({ json: json as unknown as IDataObject, pairedItem: { item: i } });
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this, error, i);
			out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
		}
	}
	save();
	addHints(this, saved, [...new Set(warnings)]);
	return [out];
}
