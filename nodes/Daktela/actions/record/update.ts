/**
 * Update a contact or an account: one PUT per input item with the fields given. Unlike Upsert it
 * does not compare first (no lookup), so it always writes; the record must exist.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { readLocator } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import {
	concurrencyOption,
	dataModeProperty,
	fieldsCollection,
	isoTimesOption,
	locator,
	optionsCollection,
	relationOptions,
} from '../common.descriptions';
import { mergeStoredCustomFields, startRecordWrite, writeUpdates } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		locator(entity, {
			description: `The ${def.noun} to update. Leave empty with auto-map to use the input item's name.`,
		}),
		dataModeProperty,
		fieldsCollection(entity, false),
		optionsCollection([
			...(entity === 'contact' ? relationOptions('account') : []),
			isoTimesOption,
			concurrencyOption,
		]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['update'] } }, properties);
}

export function execute(entity: RecordEntity) {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const { def, session, batch, isoTimes } = await startRecordWrite(
			this,
			items,
			entity,
			(read) => {
				for (const entry of [...read.entries.values()]) {
					try {
						const name = readLocator(this, entity, entry.index) || String(entry.record.name ?? '');
						if (!name) {
							throw new RecordError(
								`no ${ENTITIES[entity].noun} to update: choose one or send its name`,
								'name',
							);
						}
						entry.name = name;
					} catch (error) {
						read.fail(entry.index, error);
					}
				}
			},
		);
		await mergeStoredCustomFields(this, batch, session, def.endpoint);
		batch.throwIfStopped();

		await writeUpdates(batch, session, def.endpoint, isoTimes);
		return batch.result();
	};
}
