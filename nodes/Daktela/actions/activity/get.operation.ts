/** Get one activity, optionally with its full channel record. */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { attachChannelDetail } from '../../../shared/n8n/channelDetail';
import { ENTITIES } from '../../../shared/core/entities';
import { isoTimesOption, optionsCollection } from '../common.descriptions';
import { getEach } from '../record/get';
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
	return await getEach(
		this,
		items,
		ENTITIES.activity,
		(index) => String(this.getNodeParameter('activity', index, '')).trim(),
		async (record, options, session) => {
			if (options.includeDetail === true) await attachChannelDetail(this, session, [record]);
		},
	);
}
