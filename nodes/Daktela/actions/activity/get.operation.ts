/** Get one activity, optionally with its full channel record. */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { attachChannelDetail } from '../../helpers/channelDetail';
import { ENTITIES } from '../../helpers/entities';
import { openSession, outputRecord, RecordError } from '../../helpers/execution';
import { runPool } from '../../helpers/pool';
import { isoTimesOption, optionsCollection } from '../common.descriptions';
import { Batch } from '../record/batch';
import { WRITE_CONCURRENCY } from '../record/common';
import { activityName, includeDetailOption } from './common';

const properties: INodeProperties[] = [
	activityName,
	optionsCollection([includeDetailOption, isoTimesOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activity'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const session = await openSession(this);
	const batch = new Batch(this, items, false);
	await runPool(
		items.map((_, index) => index),
		async (index) => {
			try {
				const name = String(this.getNodeParameter('activity', index, '')).trim();
				if (!name) throw new RecordError('no activity given', 'name');
				const options = this.getNodeParameter('options', index, {}) as IDataObject;
				const record = await session.client.get(ENTITIES.activity.endpoint, name);
				if (options.includeDetail === true) await attachChannelDetail(this, session, [record]);
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
}
