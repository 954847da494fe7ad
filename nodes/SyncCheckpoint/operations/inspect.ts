/**
 * Inspect: one item per stored entity (of one sync, or of all), readable: cursor and boundary ids,
 * retry list, dead letters, last commit and last run. Never writes; shows unreadable state
 * instead of failing, so it can be looked at before a Reset. With State From "Data Table Rows in
 * Input" it reads the state table's rows instead, and says whether this execution's commit is the
 * one saved (after the save step) or was superseded by an overlapping run.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readStateRows } from '../checkpoint/rows';
import { checkName } from '../checkpoint/state';
import { inspectView } from '../checkpoint/summary';
import { openStore, runIdOf, toNodeError } from './shared';

function filters(ctx: IExecuteFunctions, i: number) {
	const rawSync = ctx.getNodeParameter('syncName', i, '') as string;
	const rawEntity = ctx.getNodeParameter('entity', i, '') as string;
	return {
		syncName: rawSync.trim() ? checkName('Sync name', rawSync) : undefined,
		entity: rawEntity.trim() ? checkName('Entity', rawEntity) : undefined,
	};
}

function inspectRows(ctx: IExecuteFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	let wanted: ReturnType<typeof filters>;
	try {
		wanted = filters(ctx, 0);
	} catch (error) {
		throw toNodeError(ctx, error, 0);
	}
	const rows = items.map((item) => item.json);
	const found = new Map<string, { syncName: string; entity: string }>();
	for (const row of rows) {
		const { syncName, entity } = row;
		if (typeof syncName !== 'string' || typeof entity !== 'string') continue;
		if (wanted.syncName !== undefined && syncName !== wanted.syncName) continue;
		if (wanted.entity !== undefined && entity !== wanted.entity) continue;
		found.set(`${syncName}\u0000${entity}`, { syncName, entity });
	}
	if (!found.size && wanted.syncName !== undefined && wanted.entity !== undefined) {
		found.set('wanted', { syncName: wanted.syncName, entity: wanted.entity });
	}
	const runId = runIdOf(ctx);
	const out: INodeExecutionData[] = [];
	for (const { syncName, entity } of found.values()) {
		let json: IDataObject;
		try {
			const read = readStateRows(rows, syncName, entity);
			const exists = read.rows > 0;
			const savedBy = read.state.last?.runId ?? null;
			const ours = [...read.superseded, ...read.stale].some((row) => row.runId === runId);
			json = {
				...(inspectView(syncName, entity, exists ? read.state : undefined, 0) as IDataObject),
				state: {
					from: 'dataTable',
					version: read.version,
					rowId: read.rowId,
					rows: read.rows,
					superseded: read.superseded,
					staleRows: read.stale.length,
				},
				thisRun: savedBy === runId ? 'saved' : ours ? 'superseded' : 'notSaved',
				warnings: ours
					? [
							`This run's commit was superseded: run ${savedBy} of the same sync saved first. ` +
								'Nothing is skipped; the next run reads again from the saved cursor',
						]
					: read.warnings,
			};
		} catch (error) {
			json = { syncName, entity, exists: true, unreadable: (error as Error).message };
		}
		out.push({ json, pairedItem: items.map((_, item) => ({ item })) });
	}
	if (!out.length) {
		out.push({
			json: { syncName: null, entity: null, exists: false },
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	const superseded = out.filter((item) => item.json.thisRun === 'superseded').length;
	if (superseded) {
		ctx.addExecutionHints({
			message: `This run's commit of ${superseded} sync entit${superseded === 1 ? 'y was' : 'ies were'} superseded by an overlapping run`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	return out;
}

export async function inspect(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (this.getNodeParameter('stateFrom', 0, 'staticData') === 'inputRows') {
		return [inspectRows(this, items)];
	}
	const { store } = openStore(this);
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let syncNames: string[];
		let entityFilter: string | undefined;
		try {
			const wanted = filters(this, i);
			syncNames = wanted.syncName ? [wanted.syncName] : store.syncNames();
			entityFilter = wanted.entity;
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
