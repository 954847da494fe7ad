/**
 * Get many activities of any channel type. Activities have no `edited` time, so "Changed Since"
 * filters on a chosen time field: `time_close` by default, so an activity closed after it was
 * created (a long call, an e-mail answered next day) is read when it closes, not missed because
 * its creation time was before the cursor. Activities still open have no `time_close`; choose
 * `time` to read them as they are created.
 *
 * A read by time (Time Field chosen, or Changed Since present even when empty, as on a sync's
 * first run) leaves out activities without a value in that field: they have no cursor position,
 * so the Sync Checkpoint could never move past them, and an open activity is read once it closes.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { attachChannelDetail } from '../../../shared/n8n/channelDetail';
import { ACTIVITY_TIME_FIELDS, ENTITIES } from '../../../shared/core/entities';
import { openSession } from '../../../shared/n8n/session';
import { getManyItems } from '../listQuery';
import { cond, type Filter } from '../../../shared/transport/query';
import {
	activityTypeOptions,
	extraFiltersProperty,
	fieldsOption,
	isoTimesOption,
	locator,
	optionsCollection,
	pagingProperties,
	searchOption,
	sortOption,
} from '../common.descriptions';
import { ACTIVITY_ACTIONS, includeDetailOption } from './common';

const TIME_FIELD_LABELS: Record<(typeof ACTIVITY_TIME_FIELDS)[number], string> = {
	time_close: 'Closed (time_close)',
	time: 'Created (time)',
	time_open: 'Opened (time_open)',
};

const properties: INodeProperties[] = [
	...pagingProperties(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Conditions the returned activities must all meet',
		options: [
			{
				displayName: 'Action',
				name: 'action',
				type: 'multiOptions',
				options: ACTIVITY_ACTIONS,
				default: [],
				description: 'Only activities in these states',
			},
			{
				displayName: 'Changed Since',
				name: 'modifiedSince',
				type: 'dateTime',
				default: '',
				description:
					'Only activities whose Time Field is at or after this time. A time without offset is read in the workflow time zone. When added, even empty (a full sync), activities without a value in the Time Field are left out.',
			},
			locator('contact', { description: 'Only activities linked to this contact' }),
			locator('queue', { description: 'Only activities of this queue' }),
			searchOption,
			{
				displayName: 'Time Field',
				name: 'timeField',
				type: 'options',
				options: ACTIVITY_TIME_FIELDS.map((field) => ({
					name: TIME_FIELD_LABELS[field],
					value: field,
				})),
				default: 'time_close',
				description:
					'Which time Changed Since compares with. Closed (the default) does not miss activities that close after they were created. When set, activities without this time are left out: an activity not closed yet has no close time and is returned once it closes.',
			},
			{
				displayName: 'Types',
				name: 'types',
				type: 'multiOptions',
				options: activityTypeOptions,
				default: [],
				description: 'Only activities of these channel types; all types when empty',
			},
			locator('user', { description: 'Only activities of this user' }),
		],
	},
	extraFiltersProperty,
	optionsCollection([fieldsOption, includeDetailOption, isoTimesOption, sortOption('time_close')]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activity'], operation: ['getMany'] } },
	properties,
);

function listFilter(field: string, values: unknown): Filter | undefined {
	const list = (Array.isArray(values) ? values : []).map(String).filter((v) => v !== '');
	if (!list.length) return undefined;
	return list.length === 1 ? cond(field, 'eq', list[0]) : cond(field, 'in', list);
}

/**
 * `<time field> isnotnull` for a read by time: the Time Field chosen, or Changed Since present
 * (even empty). Such reads feed a cursor, and a record without the cursor's field has no position.
 */
function timeValueFilter(filters: IDataObject): Filter | undefined {
	const chosen = typeof filters.timeField === 'string' && filters.timeField !== '';
	const byTime = Object.prototype.hasOwnProperty.call(filters, 'modifiedSince');
	if (!chosen && !byTime) return undefined;
	return cond(String(filters.timeField || 'time_close'), 'isnotnull');
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const session = await openSession(this);
	return await getManyItems(this, items, session, {
		endpoint: ENTITIES.activity.endpoint,
		relationFields: ['contact', 'queue', 'user'],
		timeField: (filters) => String(filters.timeField || 'time_close'),
		moreFilters: (filters) =>
			[
				listFilter('type', filters.types),
				listFilter('action', filters.action),
				timeValueFilter(filters),
			].filter((filter): filter is Filter => filter !== undefined),
		complete: async (records, options) => {
			if (options.includeDetail === true) await attachChannelDetail(this, session, records);
		},
	});
}
