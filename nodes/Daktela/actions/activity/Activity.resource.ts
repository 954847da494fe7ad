import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { get, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['activity'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get an activity by its name',
				action: 'Get an activity',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'Get many activities of any channel (calls, e-mails, chats, messages), optionally only those changed since a time',
				action: 'Get many activities',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update the statuses, description or contact link of an activity',
				action: 'Update an activity',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
	...update.description,
];
