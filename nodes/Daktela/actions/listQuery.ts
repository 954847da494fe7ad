/**
 * Get Many parameters -> the transport's list query (filters, sort, fields), and the records.
 * Contacts, accounts and activities run the same Get Many (getManyItems); they differ only in the
 * filters they offer and the time field "Modified Since" compares with.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	cond,
	FILTER_OPERATORS,
	type Filter,
	type FilterOperator,
	type ListQuery,
	type SortSpec,
} from '../../shared/transport/query';
import {
	failedItem,
	locatorValue,
	outputRecord,
	userTimeToDaktela,
	type Session,
} from '../../shared/n8n/session';
import { toNodeError } from '../../shared/n8n/errors';
import { RecordError } from '../../shared/core/errors';
import { type DaktelaRecord } from '../../shared/core/normalise';
import { isPlainObject } from '../../shared/core/objects';

/** "Extra Filters" rows -> conditions; `in` / `notin` take a comma-separated list. */
export function extraFilters(param: unknown): Filter[] {
	const rows =
		isPlainObject(param) && Array.isArray(param.filter) ? (param.filter as IDataObject[]) : [];
	const filters: Filter[] = [];
	for (const row of rows) {
		const field = String(row.field ?? '').trim();
		if (!field) continue;
		const operator = String(row.operator ?? 'eq') as FilterOperator;
		if (!FILTER_OPERATORS.includes(operator)) {
			throw new RecordError(`unknown operator "${operator}"`, field);
		}
		if (operator === 'isnull' || operator === 'isnotnull') {
			filters.push(cond(field, operator));
			continue;
		}
		const value = row.value === undefined || row.value === null ? '' : String(row.value);
		if (operator === 'in' || operator === 'notin') {
			filters.push(
				cond(
					field,
					operator,
					value
						.split(',')
						.map((v) => v.trim())
						.filter((v) => v !== ''),
				),
			);
		} else {
			filters.push(cond(field, operator, value));
		}
	}
	return filters;
}

/** Equality filters on relation fields from resource locators, e.g. `account eq crm_company_9`. */
export function relationFilters(filters: IDataObject, fields: string[]): Filter[] {
	const out: Filter[] = [];
	for (const field of fields) {
		const value = locatorValue(filters[field]);
		if (value) out.push(cond(field, 'eq', value));
	}
	return out;
}

/** "Sort" rules; without any, a Modified Since read is ordered by the time it filters on. */
export function sortRules(options: IDataObject, fallback?: string): SortSpec[] | undefined {
	const rules =
		isPlainObject(options.sort) && Array.isArray(options.sort.rule)
			? (options.sort.rule as IDataObject[])
			: [];
	const sort: SortSpec[] = rules
		.filter((r) => String(r.field ?? '').trim() !== '')
		.map((r) => ({ field: String(r.field).trim(), dir: r.dir === 'desc' ? 'desc' : 'asc' }));
	if (sort.length) return sort;
	return fallback ? [{ field: fallback, dir: 'asc' }] : undefined;
}

export function fieldList(options: IDataObject): string[] | undefined {
	const fields = String(options.fields ?? '')
		.split(',')
		.map((f) => f.trim())
		.filter((f) => f !== '');
	return fields.length ? fields : undefined;
}

/** "Modified Since" -> `field gte <Daktela time>`, or nothing when empty. */
export function sinceFilter(
	ctx: IExecuteFunctions,
	session: Session,
	field: string,
	value: unknown,
): Filter | undefined {
	const since = userTimeToDaktela(value, ctx.getTimezone(), session);
	return since === undefined ? undefined : cond(field, 'gte', since);
}

/** The records of a Get Many: every page (Return All) or up to the limit. */
export async function fetchRecords(
	ctx: IExecuteFunctions,
	session: Session,
	endpoint: string,
	query: ListQuery,
	itemIndex: number,
): Promise<DaktelaRecord[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	return await session.client.listAllRecords(endpoint, query, {
		limit,
		onPage: (p) =>
			ctx.logger.debug(`Daktela ${endpoint}: page ${p.page}, ${p.yielded} of ${p.total} records`),
	});
}

/** What one resource's Get Many adds to the shared one. */
export interface GetManySpec {
	endpoint: string;
	/** Resource locator filters on relations (`account eq crm_company_9`). */
	relationFields: string[];
	/** The time "Modified Since" compares with (and, without Sort rules, orders by). */
	timeField: (filters: IDataObject) => string;
	/** More conditions from the Filters collection, after relations and Extra Filters. */
	moreFilters?: (filters: IDataObject) => Filter[];
	/** Completes the records before output (an activity's channel detail). */
	complete?: (records: DaktelaRecord[], options: IDataObject) => Promise<void>;
}

/**
 * Get Many for every input item: one output item per record, paired with the input item whose
 * parameters found it. An input item that fails stops the node, or under Continue On Fail gives
 * one error item (no sync result: nothing was written).
 */
export async function getManyItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	session: Session,
	spec: GetManySpec,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
			const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
			const timeField = spec.timeField(filters);
			const conditions: Filter[] = [
				...relationFilters(filters, spec.relationFields),
				...extraFilters(ctx.getNodeParameter('extraFilters', i, {})),
				...(spec.moreFilters?.(filters) ?? []),
			];
			const since = sinceFilter(ctx, session, timeField, filters.modifiedSince);
			if (since) conditions.push(since);
			const records = await fetchRecords(
				ctx,
				session,
				spec.endpoint,
				{
					filter: conditions.length ? conditions : undefined,
					sort: sortRules(options, since ? timeField : undefined),
					fields: fieldList(options),
					q: filters.q ? String(filters.q) : undefined,
				},
				i,
			);
			await spec.complete?.(records, options);
			const isoTimes = options.isoTimes !== false;
			for (const record of records) {
				out.push({ json: outputRecord(record, session, isoTimes), pairedItem: { item: i } });
			}
		} catch (error) {
			if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i, { markItem: true });
			out.push(failedItem(ctx, i, items[i], '', error, false));
		}
	}
	return out;
}
