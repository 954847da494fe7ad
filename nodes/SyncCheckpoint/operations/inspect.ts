/**
 * Inspect: one item per stored entity (of one sync, or of all), readable: cursor and boundary ids,
 * retry list, dead letters, last commit and last run. Never writes; shows unreadable state
 * instead of failing, so it can be looked at before a Reset.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { checkName } from '../checkpoint/state';
import { inspectView } from '../checkpoint/summary';
import { openStore, toNodeError } from './shared';

export async function inspect(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { store } = openStore(this);
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let syncNames: string[];
		let entityFilter: string | undefined;
		try {
			const rawSync = this.getNodeParameter('syncName', i, '') as string;
			const rawEntity = this.getNodeParameter('entity', i, '') as string;
			syncNames = rawSync.trim() ? [checkName('Sync name', rawSync)] : store.syncNames();
			entityFilter = rawEntity.trim() ? checkName('Entity', rawEntity) : undefined;
		} catch (error) {
			throw toNodeError(this, error, i);
		}
		const views: IDataObject[] = [];
		for (const syncName of syncNames) {
			const entities = entityFilter ? [entityFilter] : store.entityNames(syncName);
			for (const entity of entities) {
				if (!store.has(syncName, entity)) {
					views.push(inspectView(syncName, entity, undefined, 0));
					continue;
				}
				let view: IDataObject;
				try {
					const state = store.get(syncName, entity);
					view = inspectView(
						syncName,
						entity,
						state,
						store.sizeOf(syncName, entity),
					) as IDataObject;
				} catch (error) {
					view = { syncName, entity, exists: true, unreadable: (error as Error).message };
				}
				views.push(view);
			}
		}
		if (!views.length) views.push({ syncName: null, entity: null, exists: false });
		for (const json of views) out.push({ json, pairedItem: { item: i } });
	}
	return [out];
}
