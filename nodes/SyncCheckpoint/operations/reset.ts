/**
 * Reset: forgets one entity of a sync, or all of its entities. The next Get of it is a full
 * sync. Like every state change it is only saved by a production run.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { checkName } from '../checkpoint/state';
import { addHints, openStore, persistence, removeCommitMarker, toNodeError } from './shared';

export async function reset(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { store, save } = openStore(this);
	const saved = persistence(this);
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let syncName: string;
		let entity: string | undefined;
		try {
			syncName = checkName('Sync name', this.getNodeParameter('syncName', i));
			const raw = this.getNodeParameter('entity', i, '') as string;
			entity = raw.trim() ? checkName('Entity', raw) : undefined;
		} catch (error) {
			throw toNodeError(this, error, i);
		}
		const removed = store.remove(syncName, entity);
		// A deliberate reset is not lost state: forget the marker that would report it.
		if (saved.persisted) {
			for (const name of entity ? [entity] : removed) {
				await removeCommitMarker(this, syncName, name);
			}
		}
		out.push({
			json: {
				syncName,
				entity: entity ?? null,
				reset: removed,
				persisted: saved.persisted,
				...(saved.persistedReason ? { persistedReason: saved.persistedReason } : {}),
			},
			pairedItem: { item: i },
		});
	}
	save();
	addHints(this, saved, []);
	return [out];
}
