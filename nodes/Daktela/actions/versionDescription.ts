/** The Daktela node's parameters: the resource, then each resource's operations. */
import type { INodeProperties } from 'n8n-workflow';

import * as account from './account/Account.resource';
import * as activity from './activity/Activity.resource';
import * as contact from './contact/Contact.resource';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Account',
				value: 'account',
				description: 'Companies (Daktela CRM accounts)',
			},
			{
				name: 'Activity',
				value: 'activity',
				description: 'Calls, e-mails, chats, SMS and other messages',
			},
			{
				name: 'Contact',
				value: 'contact',
				description: 'People (Daktela CRM contacts)',
			},
		],
		default: 'contact',
	},
	...contact.description,
	...account.description,
	...activity.description,
];
