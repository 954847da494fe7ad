/**
 * Get many contacts or accounts: Return All / Limit, Modified Since (on `edited`), relation and
 * extra filters, full-text search, fields and sort. One output item per record.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../helpers/entities';
import { failedItem, openSession, outputRecord, toNodeError } from '../../helpers/execution';
import {
	extraFilters,
	fetchRecords,
	fieldList,
	relationFilters,
	sinceFilter,
	sortRules,
} from '../../helpers/listQuery';
import type { Filter } from '../../transport/query';
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
	const def = ENTITIES[entity];
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const session = await openSession(this);
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
				const options = this.getNodeParameter('options', i, {}) as IDataObject;
				const conditions: Filter[] = [
					...relationFilters(filters, RELATION_FILTERS[entity]),
					...extraFilters(this.getNodeParameter('extraFilters', i, {})),
				];
				const since = sinceFilter(this, session, 'edited', filters.modifiedSince);
				if (since) conditions.push(since);
				const records = await fetchRecords(
					this,
					session,
					def.endpoint,
					{
						filter: conditions.length ? conditions : undefined,
						sort: sortRules(options, since ? 'edited' : undefined),
						fields: fieldList(options),
						q: filters.q ? String(filters.q) : undefined,
					},
					i,
				);
				const isoTimes = options.isoTimes !== false;
				for (const record of records) {
					out.push({ json: outputRecord(record, session, isoTimes), pairedItem: { item: i } });
				}
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this, error, i);
				out.push(failedItem(this, i, items[i], '', error, false));
			}
		}
		return out;
	};
}
