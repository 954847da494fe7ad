/**
 * Delete a contact or an account. Output: `{name, deleted, sync: {action: 'deleted', name}}`. A
 * record that is already gone fails the item, unless "Ignore Missing" is on: then it reports
 * `deleted: false` with sync action 'unchanged' (the end state the workflow wanted holds).
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { openSession, readLocator } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import { runPool } from '../../../shared/core/pool';
import { DaktelaApiError } from '../../../shared/transport/errors';
import { locator, optionsCollection } from '../common.descriptions';
import { Batch } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		locator(entity, { required: true, description: `The ${def.noun} to delete` }),
		optionsCollection([
			{
				displayName: 'Ignore Missing',
				name: 'ignoreMissing',
				type: 'boolean',
				default: false,
				description: `Whether a ${def.noun} that does not exist counts as done (sync action "unchanged") instead of failing the item`,
			},
		]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['delete'] } }, properties);
}

export function execute(entity: RecordEntity) {
	const def = ENTITIES[entity];
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const session = await openSession(this);
		const batch = new Batch(this, items);
		await runPool(
			items.map((_, index) => index),
			async (index) => {
				let name = '';
				try {
					name = readLocator(this, entity, index);
					if (!name) throw new RecordError(`no ${def.noun} given`, 'name');
					const options = this.getNodeParameter('options', index, {}) as IDataObject;
					let failure: unknown;
					await session.client.delete(def.endpoint, name).catch((error: unknown) => {
						failure = error;
					});
					const missing = failure instanceof DaktelaApiError && failure.kind === 'notFound';
					if (failure !== undefined && !(missing && options.ignoreMissing === true)) {
						batch.fail(index, failure, name);
						return;
					}
					const deleted = failure === undefined;
					batch.succeed(index, {
						json: { name, deleted, sync: { action: deleted ? 'deleted' : 'unchanged', name } },
						pairedItem: { item: index },
					});
				} catch (error) {
					batch.fail(index, error, name);
				}
			},
			{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
		);
		return batch.result();
	};
}
