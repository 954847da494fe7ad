import { DaktelaInputError } from '../nodes/shared/transport/errors';
import {
	and,
	andFilters,
	buildListQuery,
	cond,
	FILTER_OPERATORS,
	or,
	type FilterOperator,
} from '../nodes/shared/transport/query';

describe('buildListQuery: filters', () => {
	it('writes a single condition in the structured form (filter[logic] + filter[filters])', () => {
		expect(buildListQuery({ filter: cond('lastname', 'eq', 'Novák') })).toEqual({
			'filter[logic]': 'and',
			'filter[filters][0][field]': 'lastname',
			'filter[filters][0][operator]': 'eq',
			'filter[filters][0][value]': 'Novák',
		});
	});

	it.each(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'notlike'] as FilterOperator[])(
		'sends operator %s with one value',
		(operator) => {
			expect(buildListQuery({ filter: [cond('title', operator, 'x%')] })).toEqual({
				'filter[logic]': 'and',
				'filter[filters][0][field]': 'title',
				'filter[filters][0][operator]': operator,
				'filter[filters][0][value]': 'x%',
			});
		},
	);

	it.each(['in', 'notin'] as FilterOperator[])(
		'sends %s values as value[0], value[1], ...',
		(op) => {
			expect(buildListQuery({ filter: cond('name', op, ['a', 'b', 3]) })).toEqual({
				'filter[logic]': 'and',
				'filter[filters][0][field]': 'name',
				'filter[filters][0][operator]': op,
				'filter[filters][0][value][0]': 'a',
				'filter[filters][0][value][1]': 'b',
				'filter[filters][0][value][2]': '3',
			});
		},
	);

	it.each(['isnull', 'isnotnull'] as FilterOperator[])('sends %s without a value', (op) => {
		expect(buildListQuery({ filter: cond('account', op, 'ignored') })).toEqual({
			'filter[logic]': 'and',
			'filter[filters][0][field]': 'account',
			'filter[filters][0][operator]': op,
		});
	});

	it('covers exactly the twelve operators every official connector shares', () => {
		expect([...FILTER_OPERATORS].sort()).toEqual(
			[
				'eq',
				'neq',
				'gt',
				'gte',
				'lt',
				'lte',
				'like',
				'notlike',
				'in',
				'notin',
				'isnull',
				'isnotnull',
			].sort(),
		);
	});

	it('nests and/or groups to any depth with their own logic', () => {
		const qs = buildListQuery({
			filter: and(
				cond('database', 'eq', 'default'),
				or(
					cond('lastname', 'like', 'Nov%'),
					and(cond('firstname', 'eq', 'Jan'), cond('user', 'isnull')),
				),
			),
		});
		expect(qs).toEqual({
			'filter[logic]': 'and',
			'filter[filters][0][field]': 'database',
			'filter[filters][0][operator]': 'eq',
			'filter[filters][0][value]': 'default',
			'filter[filters][1][logic]': 'or',
			'filter[filters][1][filters][0][field]': 'lastname',
			'filter[filters][1][filters][0][operator]': 'like',
			'filter[filters][1][filters][0][value]': 'Nov%',
			'filter[filters][1][filters][1][logic]': 'and',
			'filter[filters][1][filters][1][filters][0][field]': 'firstname',
			'filter[filters][1][filters][1][filters][0][operator]': 'eq',
			'filter[filters][1][filters][1][filters][0][value]': 'Jan',
			'filter[filters][1][filters][1][filters][1][field]': 'user',
			'filter[filters][1][filters][1][filters][1][operator]': 'isnull',
		});
	});

	it('uses a top-level OR group as the outer logic, and ANDs a list', () => {
		expect(
			buildListQuery({ filter: or(cond('a', 'eq', '1'), cond('b', 'eq', '2')) })['filter[logic]'],
		).toBe('or');
		const list = buildListQuery({ filter: [cond('a', 'eq', '1'), cond('b', 'eq', '2')] });
		expect(list['filter[logic]']).toBe('and');
		expect(list['filter[filters][1][field]']).toBe('b');
	});

	it('sends booleans as 1/0, numbers as text, Dates as wall time in the instance zone', () => {
		const qs = buildListQuery(
			{
				filter: [
					cond('important', 'eq', true),
					cond('important', 'neq', false),
					cond('nps_score', 'gte', 7.5),
					cond('edited', 'gte', new Date('2026-07-01T08:00:00Z')),
				],
			},
			{ timeZone: 'Europe/Prague' },
		);
		expect(qs['filter[filters][0][value]']).toBe('1');
		expect(qs['filter[filters][1][value]']).toBe('0');
		expect(qs['filter[filters][2][value]']).toBe('7.5');
		expect(qs['filter[filters][3][value]']).toBe('2026-07-01 10:00:00');
	});

	it('sends ignoreCase when asked, and custom-field dot paths as field names', () => {
		const qs = buildListQuery({
			filter: { field: 'customFields.email', operator: 'eq', value: 'A@B.CZ', ignoreCase: true },
		});
		expect(qs['filter[filters][0][field]']).toBe('customFields.email');
		expect(qs['filter[filters][0][ignoreCase]']).toBe('true');
	});

	it('refuses filters it cannot express, with a message naming the field', () => {
		const bad: Array<[unknown, RegExp]> = [
			[cond('name', 'in', []), /"in" filter on "name" needs at least one value/],
			[cond('title', 'eq'), /"eq" filter on "title" needs a value/],
			[cond('title', 'eq', ['a', 'b']), /takes one value; use "in"/],
			[{ field: 'title', operator: 'contains', value: 'x' }, /Unknown filter operator "contains"/],
			[cond('bad field', 'eq', 'x'), /Invalid filter field/],
			[{ logic: 'or', filters: [] }, /needs at least one condition/],
			[{ logic: 'xor', filters: [cond('a', 'eq', '1')] }, /Invalid filter logic/],
			[cond('edited', 'gt', new Date(Number.NaN)), /Invalid date/],
			[cond('n', 'gt', Number.POSITIVE_INFINITY), /non-finite/],
		];
		for (const [filter, message] of bad) {
			expect(() =>
				buildListQuery({ filter: filter as never }, { timeZone: 'Europe/Prague' }),
			).toThrow(message);
			expect(() =>
				buildListQuery({ filter: filter as never }, { timeZone: 'Europe/Prague' }),
			).toThrow(DaktelaInputError);
		}
	});
});

describe('buildListQuery: sort, fields, paging, search', () => {
	it('writes sort[i][field|dir], fields[i], skip, take and q', () => {
		expect(
			buildListQuery({
				sort: [{ field: 'edited', dir: 'desc' }, { field: 'name' }],
				fields: ['name', 'title', 'edited'],
				skip: 2000,
				take: 1000,
				q: 'Novák',
			}),
		).toEqual({
			'sort[0][field]': 'edited',
			'sort[0][dir]': 'desc',
			'sort[1][field]': 'name',
			'sort[1][dir]': 'asc',
			'fields[0]': 'name',
			'fields[1]': 'title',
			'fields[2]': 'edited',
			skip: '2000',
			take: '1000',
			q: 'Novák',
		});
	});

	it('returns an empty query for no options', () => {
		expect(buildListQuery()).toEqual({});
	});

	it('refuses take above 1000 and negative or fractional skip/take, and bad sort input', () => {
		expect(() => buildListQuery({ take: 1001 })).toThrow(/at most 1000/);
		expect(() => buildListQuery({ skip: -1 })).toThrow(/whole number/);
		expect(() => buildListQuery({ take: 2.5 })).toThrow(/whole number/);
		expect(() => buildListQuery({ sort: [{ field: 'edited', dir: 'up' as 'asc' }] })).toThrow(
			/sort direction/,
		);
		expect(() => buildListQuery({ fields: ['na me'] })).toThrow(/Invalid selected field/);
	});
});

describe('andFilters', () => {
	it('appends to an AND group and wraps an OR group', () => {
		const extra = cond('name', 'gt', 'x');
		expect(andFilters([cond('a', 'eq', '1')], extra)).toEqual(and(cond('a', 'eq', '1'), extra));
		const orGroup = or(cond('a', 'eq', '1'), cond('b', 'eq', '2'));
		expect(andFilters(orGroup, extra)).toEqual(and(orGroup, extra));
		expect(andFilters(undefined, extra)).toEqual(and(extra));
	});
});
