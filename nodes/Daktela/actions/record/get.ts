/** Get one contact or account by its name (the external ID). */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../helpers/entities';
import { openSession, outputRecord, readLocator, RecordError } from '../../helpers/execution';
import { runPool } from '../../helpers/pool';
import { isoTimesOption, locator, optionsCollection } from '../common.descriptions';
import { Batch } from './batch';
import { WRITE_CONCURRENCY, type RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const properties: INodeProperties[] = [
		locator(entity, { required: true, description: `The ${ENTITIES[entity].noun} to get` }),
		optionsCollection([isoTimesOption]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['get'] } }, properties);
}

export function execute(entity: RecordEntity) {
	const def = ENTITIES[entity];
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const session = await openSession(this);
		const batch = new Batch(this, items, false);
		await runPool(
			items.map((_, index) => index),
			async (index) => {
				try {
					const name = readLocator(this, entity, index);
					if (!name) throw new RecordError(`no ${def.noun} given`, 'name');
					const options = this.getNodeParameter('options', index, {}) as IDataObject;
					const record = await session.client.get(def.endpoint, name);
					batch.succeed(index, {
						json: outputRecord(record, session, options.isoTimes !== false),
						pairedItem: { item: index },
					});
				} catch (error) {
					batch.fail(index, error);
				}
			},
			{ concurrency: WRITE_CONCURRENCY, shouldStop: () => batch.stopped },
		);
		return batch.result();
	};
}
