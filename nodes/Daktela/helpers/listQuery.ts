/**
 * Get Many parameters -> the transport's list query (filters, sort, fields), and the records.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	cond,
	FILTER_OPERATORS,
	type Filter,
	type FilterOperator,
	type ListQuery,
	type SortSpec,
} from '../transport/query';
import { locatorValue, RecordError, userTimeToDaktela, type Session } from './execution';
import { isPlainObject, type DaktelaRecord } from './normalise';

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
