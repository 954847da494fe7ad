/**
 * Get many contacts or accounts: Return All / Limit, Modified Since (on `edited`), relation and
 * extra filters, full-text search, fields and sort. One output item per record.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { openSession } from '../../../shared/n8n/session';
import { getManyItems, type GetManySpec } from '../listQuery';
import {
	extraFiltersProperty,
	fieldsOption,
	isoTimesOption,
	locator,
	optionsCollection,
	pagingProperties,
	searchOption,
	sortOption,
} from '../common.descriptions';
import type { RecordEntity } from './common';

const RELATION_FILTERS: Record<RecordEntity, string[]> = {
	contact: ['account', 'database', 'user'],
	account: ['database', 'user'],
};

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		...pagingProperties(),
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			description: 'Conditions the returned records must all meet',
			options: [
				...RELATION_FILTERS[entity].map((field) =>
					locator(field as 'account' | 'database' | 'user', {
						description: `Only ${def.nouns} of this ${field}`,
					}),
				),
				{
					displayName: 'Modified Since',
					name: 'modifiedSince',
					type: 'dateTime',
					default: '',
					description: `Only ${def.nouns} created or changed at or after this time (their "edited" time). A time without offset is read in the workflow time zone.`,
				},
				searchOption,
			],
		},
		extraFiltersProperty,
		optionsCollection([fieldsOption, isoTimesOption, sortOption('edited')]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['getMany'] } }, properties);
}

export function execute(entity: RecordEntity) {
	const spec: GetManySpec = {
		endpoint: ENTITIES[entity].endpoint,
		relationFields: RELATION_FILTERS[entity],
		timeField: () => 'edited',
	};
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		return await getManyItems(this, items, await openSession(this), spec);
	};
}
