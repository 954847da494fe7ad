/**
 * Skip Processed: passes the source records this sync has not processed yet (new ones, newer
 * versions, the retry list; everything in a forced full sync) and drops the ones re-read at the
 * cursor boundary or in the lookback. Each passed record gets `_checkpoint: {syncName, entity,
 * id, cursor}` (the Daktela node drops `_` keys before writing), which Commit follows back
 * through the item link. Writes only what the source returned into this run's marker.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toEpochMs, toIso, toRecordId } from '../checkpoint/cursor';
import { decideSkip, recordSkip, runOf } from '../checkpoint/policy';
import type { EntityState } from '../checkpoint/state';
import { checkName } from '../checkpoint/state';
import { CHECKPOINT_KEY, type CheckpointMark } from '../../shared/core/items';
import { openStores, runIdOf, timeZoneOf, toNodeError } from './shared';

export async function skipProcessed(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const stores = openStores(this);
	const runId = runIdOf(this);
	const states = new Map<string, { syncName: string; entity: string; state: EntityState }>();
	const counts = new Map<string, { source: number; skipped: number }>();
	const out: INodeExecutionData[] = [];

	for (let i = 0; i < items.length; i++) {
		let syncName: string;
		let entity: string;
		let timeZone: string;
		try {
			syncName = checkName('Sync name', this.getNodeParameter('syncName', i));
			entity = checkName('Entity', this.getNodeParameter('entity', i));
			const options = this.getNodeParameter('skipOptions', i, {}) as IDataObject;
			timeZone = timeZoneOf(this, options.timeZone);
		} catch (error) {
			throw toNodeError(this, error, i);
		}
		const key = `${syncName}\u0000${entity}`;
		if (!states.has(key))
			states.set(key, { syncName, entity, state: stores.get(syncName, entity) });
		const { state } = states.get(key) as { state: EntityState };

		const mark: CheckpointMark = { syncName, entity, id: null, cursor: null };
		let time: number | undefined;
		mark.id = toRecordId(this.getNodeParameter('recordId', i, '')) ?? null;
		try {
			time = toEpochMs(this.getNodeParameter('cursorValue', i, ''), timeZone);
			mark.cursor = toIso(time);
		} catch (error) {
			mark.error = (error as Error).message;
		}
		if (mark.id === null) mark.error = 'Record ID is empty';

		const { skip } = decideSkip(state, runOf(state, runId), { id: mark.id ?? undefined, time });
		const count = counts.get(key) ?? { source: 0, skipped: 0 };
		count.source++;
		if (skip) count.skipped++;
		counts.set(key, count);
		if (skip) continue;
		out.push({
			...items[i],
			json: { ...items[i].json, [CHECKPOINT_KEY]: mark as unknown as IDataObject },
			pairedItem: { item: i },
		});
	}

	let changed = false;
	for (const [key, { source, skipped }] of counts) {
		const { syncName, entity, state } = states.get(key) as {
			syncName: string;
			entity: string;
			state: EntityState;
		};
		const next = recordSkip(state, runId, source, skipped);
		if (next) stores.set(syncName, entity, next);
		changed ||= next !== undefined;
	}
	if (changed) stores.save();
	const skipped = [...counts.values()].reduce((sum, c) => sum + c.skipped, 0);
	if (skipped) {
		this.addExecutionHints({
			message: `Skipped ${skipped} of ${items.length} record(s) this sync already processed`,
			type: 'info',
			location: 'outputPane',
		});
	}
	return [out];
}
