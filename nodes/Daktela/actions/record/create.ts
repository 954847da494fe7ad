/** Create a contact or an account: one POST per input item, relations resolved in bulk first. */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { readLocator, syncItem } from '../../../shared/n8n/session';
import { runPool } from '../../../shared/core/pool';
import {
	concurrencyOption,
	dataModeProperty,
	fieldsCollection,
	isoTimesOption,
	locator,
	optionsCollection,
	relationOptions,
} from '../common.descriptions';
import { startRecordWrite } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		locator('database', {
			description: `Database of the new ${def.noun}. An input item's own database wins.`,
		}),
		dataModeProperty,
		fieldsCollection(entity, true),
		optionsCollection([
			...(entity === 'contact' ? relationOptions('account') : []),
			isoTimesOption,
			concurrencyOption,
		]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['create'] } }, properties);
}

export function execute(entity: RecordEntity) {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const { def, session, batch, isoTimes } = await startRecordWrite(this, items, entity);

		await runPool(
			[...batch.entries.values()],
			async (entry) => {
				try {
					const body = { ...entry.record };
					if (body.database === undefined || body.database === null || body.database === '') {
						const database = readLocator(this, 'database', entry.index);
						if (database) body.database = database;
					}
					const record = await session.client.create(def.endpoint, body);
					const name = String(record.name ?? body.name ?? '');
					batch.succeed(
						entry.index,
						syncItem(record, 'created', name, entry.index, session, isoTimes),
					);
				} catch (error) {
					batch.fail(entry.index, error);
				}
			},
			{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
		);
		return batch.result();
	};
}
