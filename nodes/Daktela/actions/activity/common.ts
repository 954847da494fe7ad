/** Parameters shared by the activity operations. */
import type { INodeProperties } from 'n8n-workflow';

export const activityName: INodeProperties = {
	displayName: 'Activity Name',
	name: 'activity',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. activities_629f5020a5988094907979',
	description: 'Daktela name of the activity',
};

export const includeDetailOption: INodeProperties = {
	displayName: 'Include Channel Detail',
	name: 'includeDetail',
	type: 'boolean',
	default: false,
	description:
		"Whether to make sure each activity's item holds its full channel record (a call's direction, answered, duration, waiting and hold time, caller and dialled number, disposition; an e-mail's address, direction and text; ...), fetching missing ones in bulk",
};

export const ACTIVITY_ACTIONS = [
	{ name: 'Close', value: 'CLOSE' },
	{ name: 'Open', value: 'OPEN' },
	{ name: 'Postpone', value: 'POSTPONE' },
	{ name: 'Wait', value: 'WAIT' },
];
