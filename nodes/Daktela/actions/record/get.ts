/** Get one contact or account by its name (the external ID); activities' Get runs getEach too. */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES, type EntityDef } from '../../../shared/core/entities';
import { openSession, outputRecord, readLocator, type Session } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import type { DaktelaRecord } from '../../../shared/core/normalise';
import { runPool } from '../../../shared/core/pool';
import { isoTimesOption, locator, optionsCollection } from '../common.descriptions';
import { Batch } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const properties: INodeProperties[] = [
		locator(entity, { required: true, description: `The ${ENTITIES[entity].noun} to get` }),
		optionsCollection([isoTimesOption]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['get'] } }, properties);
}

/**
 * Get by name for every input item (bounded concurrency), one output item each. `complete` fills
 * in what the record needs before output (an activity's channel detail).
 */
export async function getEach(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	def: EntityDef,
	nameOf: (index: number) => string,
	complete?: (record: DaktelaRecord, options: IDataObject, session: Session) => Promise<void>,
): Promise<INodeExecutionData[]> {
	const session = await openSession(ctx);
	const batch = new Batch(ctx, items, false);
	await runPool(
		items.map((_, index) => index),
		async (index) => {
			try {
				const name = nameOf(index);
				if (!name) throw new RecordError(`no ${def.noun} given`, 'name');
				const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
				const record = await session.client.get<DaktelaRecord>(def.endpoint, name);
				await complete?.(record, options, session);
				batch.succeed(index, {
					json: outputRecord(record, session, options.isoTimes !== false),
					pairedItem: { item: index },
				});
			} catch (error) {
				batch.fail(index, error);
			}
		},
		{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
	);
	return batch.result();
}

export function execute(entity: RecordEntity) {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		return await getEach(this, items, ENTITIES[entity], (index) =>
			readLocator(this, entity, index),
		);
	};
}
