/**
 * The Daktela node's pure cores: record normalisation, change detection, upsert planning
 * (grouping, chunking, decisions) and relation resolution. No HTTP here; the node specs run the
 * same code against the sandbox.
 */
import { ENTITIES } from '../nodes/shared/core/entities';
import { canonical, changedFields, matchKeys, toWritable } from '../nodes/shared/core/normalise';
import { runPool } from '../nodes/shared/core/pool';
import {
	collectRelations,
	lookupsNeeded,
	prefixed,
	resolveRelation,
} from '../nodes/shared/core/relations';
import {
	chunkValues,
	decide,
	DEFAULT_CHUNK,
	filterValueCost,
	groupByKey,
	indexByKey,
	lookupValues,
} from '../nodes/shared/core/upsert';
import { buildListQuery, cond } from '../nodes/shared/transport/query';
import { toDaktelaTime } from '../nodes/shared/transport/time';

const prague = (iso: string) => toDaktelaTime(iso, 'Europe/Prague');

describe('toWritable: what goes to Daktela', () => {
	it('drops _ keys, the sync result and read-only fields; relations become names; custom fields lists', () => {
		const record = toWritable(
			{
				name: 'crm_person_1',
				title: 'Jan',
				account: { name: 'crm_company_9', title: 'ACME' },
				customFields: { email: 'jan@example.cz', number: ['+420777000111'], note: null },
				_lookup: { field: 'name', value: 'crm_person_1' },
				_relations: {},
				sync: { action: 'created', name: 'crm_person_1' },
				edited: '2026-01-01 00:00:00',
				created: '2026-01-01 00:00:00',
			},
			ENTITIES.contact,
		);
		expect(record).toEqual({
			name: 'crm_person_1',
			title: 'Jan',
			account: 'crm_company_9',
			customFields: { email: ['jan@example.cz'], number: ['+420777000111'], note: [] },
		});
	});

	it('turns ISO date-times into Daktela time in the instance zone', () => {
		const record = toWritable(
			{ description: '2026-07-01T08:00:00Z', title: '2026-07-01' },
			ENTITIES.account,
			{ toDaktelaTime: prague },
		);
		expect(record).toEqual({ description: '2026-07-01 10:00:00', title: '2026-07-01' });
	});
});

describe('changedFields: normalised comparison', () => {
	const existing = {
		name: 'crm_person_1',
		title: 'Jan Novák',
		account: { name: 'crm_company_9', title: 'ACME', _sys: {} },
		database: { name: 'default' },
		description: null,
		customFields: { email: ['jan@example.cz'], number: ['+420777000111'], note: [] },
		edited: '2026-01-01 10:00:00',
	};

	it('sees no change through relations, one-element lists, whitespace and date formats', () => {
		expect(
			changedFields(
				{
					name: 'crm_person_1',
					title: '  Jan   Novák ',
					account: 'crm_company_9',
					database: 'default',
					description: '',
					customFields: { email: 'jan@example.cz', number: '+420 777 000 111', note: '' },
				},
				existing,
				prague,
			),
		).toEqual([]);
		expect(
			changedFields(
				{ customFields: { note: '2026-01-02T09:00:00Z' } },
				{
					customFields: { note: ['2026-01-02 10:00:00'] },
				},
				prague,
			),
		).toEqual([]);
	});

	it('names each changed field, custom fields key by key', () => {
		expect(
			changedFields(
				{
					title: 'Jan Nový',
					account: 'crm_company_10',
					customFields: { email: 'x@example.cz', number: '+420777000111' },
				},
				existing,
			),
		).toEqual(['title', 'account', 'customFields.email']);
	});

	it('treats empty custom fields returned as [] like {}', () => {
		expect(changedFields({ customFields: { email: [] } }, { customFields: [] })).toEqual([]);
		expect(changedFields({ customFields: { email: ['a@b.cz'] } }, { customFields: [] })).toEqual([
			'customFields.email',
		]);
	});

	it('canonical: booleans and numbers as Daktela stores them, text vs codes', () => {
		expect(canonical(true)).toBe('1');
		expect(canonical(12)).toBe('12');
		expect(canonical(' +420 777 ')).toBe('+420777');
		expect(canonical(' Ahoj   světe ')).toBe('Ahoj světe');
		expect(canonical(['a'])).toBe('a');
		expect(canonical([])).toBeNull();
	});

	it('matchKeys folds case and reads lists and relations', () => {
		expect(matchKeys(['A@B.cz', ' c@d.cz '])).toEqual(['a@b.cz', 'c@d.cz']);
		expect(matchKeys({ name: 'Crm_1' })).toEqual(['crm_1']);
		expect(matchKeys(null)).toEqual([]);
	});
});

describe('upsert planning', () => {
	it('merges items with the same key: later values win, custom fields merge key by key', () => {
		const groups = groupByKey([
			{
				index: 0,
				matchField: 'name',
				matchValue: 'p1',
				record: { name: 'p1', title: 'A', customFields: { email: ['a@x.cz'] } },
			},
			{ index: 1, matchField: 'name', matchValue: 'p2', record: { name: 'p2', title: 'B' } },
			{
				index: 2,
				matchField: 'name',
				matchValue: 'P1',
				record: { name: 'P1', title: 'A2', customFields: { number: ['1'] } },
			},
		]);
		expect(groups).toHaveLength(2);
		expect(groups[0].indices).toEqual([0, 2]);
		expect(groups[0].record).toEqual({
			name: 'P1',
			title: 'A2',
			customFields: { email: ['a@x.cz'], number: ['1'] },
		});
		expect(lookupValues(groups)).toEqual(new Map([['name', ['p1', 'p2']]]));
	});

	it('chunks keys by count and keeps every lookup URL under the character budget', () => {
		const keys = Array.from({ length: 2500 }, (_, i) => `crm_person_${String(i).padStart(6, '0')}`);
		const chunks = chunkValues(keys);
		expect(chunks.flat()).toEqual(keys);
		expect(chunks.length).toBeLessThanOrEqual(25); // <= 0.01 lookups per record
		for (const chunk of chunks) {
			const qs = new URLSearchParams(
				buildListQuery({ filter: cond('name', 'in', chunk) }),
			).toString();
			expect(qs.length).toBeLessThan(DEFAULT_CHUNK.maxChars + 200);
			expect(chunk.reduce((sum, k, i) => sum + filterValueCost(k, i), 0)).toBeLessThanOrEqual(
				DEFAULT_CHUNK.maxChars,
			);
		}
		expect(chunkValues(keys, { maxKeys: 100, maxChars: 1e9 })).toHaveLength(25);
		// Longer external ids (an SDK-style prefix) still fit 100 per lookup.
		const sdkIds = Array.from({ length: 2500 }, (_, i) => `raynet_person_${100_000 + i}`);
		expect(chunkValues(sdkIds).length).toBeLessThanOrEqual(25);
		const long = Array.from({ length: 10 }, (_, i) => `${'x'.repeat(3000)}${i}`);
		expect(chunkValues(long).every((c) => c.length === 2)).toBe(true);
	});

	it('decides create / update / unchanged / ambiguous', () => {
		const [group] = groupByKey([
			{
				index: 0,
				matchField: 'customFields.email',
				matchValue: 'a@x.cz',
				record: { title: 'A', customFields: { email: ['a@x.cz'] } },
			},
		]);
		expect(decide(group, undefined, { createDefaults: { database: 'default' } })).toEqual({
			kind: 'create',
			body: { database: 'default', title: 'A', customFields: { email: ['a@x.cz'] } },
		});
		const existing = {
			name: 'contact_1',
			title: 'A',
			customFields: { email: ['A@x.cz', 'b@x.cz'], number: ['1'] },
		};
		const index = indexByKey([existing], 'customFields.email');
		expect(index.get('b@x.cz')).toEqual([existing]);
		expect(decide(group, index.get('a@x.cz'))).toMatchObject({
			kind: 'update',
			changed: ['customFields.email'],
		});
		const update = decide(
			{
				...group,
				record: { title: 'B', customFields: { email: ['A@x.cz', 'b@x.cz'] }, name: 'x' },
			},
			[existing],
		);
		// The other custom fields go along (PUT may replace customFields); name never does.
		expect(update).toEqual({
			kind: 'update',
			name: 'contact_1',
			changed: ['title'],
			existing,
			body: { title: 'B', customFields: { email: ['A@x.cz', 'b@x.cz'], number: ['1'] } },
		});
		expect(decide({ ...group, record: { title: 'A' } }, [existing])).toEqual({
			kind: 'unchanged',
			existing,
		});
		expect(
			decide({ ...group, record: { title: 'A' } }, [existing], { alwaysWrite: true }).kind,
		).toBe('update');
		expect(decide(group, [existing, { ...existing, name: 'contact_2' }])).toEqual({
			kind: 'ambiguous',
			names: ['contact_1', 'contact_2'],
		});
	});

	it('a create matched on name gets the key as its name', () => {
		const [group] = groupByKey([
			{ index: 0, matchField: 'name', matchValue: 'crm_1', record: { title: 'A' } },
		]);
		expect(decide(group, [])).toEqual({ kind: 'create', body: { title: 'A', name: 'crm_1' } });
	});
});

describe('relation resolution', () => {
	const strategies = {
		account: { mode: 'lookup', field: 'customFields.ico' } as const,
		contact: { mode: 'prefix', prefix: 'crm_person_' } as const,
	};

	it('collects _relations entries and the default relation fields', () => {
		const record: Record<string, unknown> = { account: '17', contact: 'c1' };
		const requests = collectRelations(
			3,
			{
				_relations: {
					account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: 17 },
				},
			},
			record,
			strategies,
			{ account: 'account', contact: 'contact' },
		);
		expect(requests).toEqual([
			{ index: 3, field: 'account', entity: 'account', value: '17', resolveTo: 'name' },
			{ index: 3, field: 'contact', entity: 'contact', value: 'c1', resolveTo: 'name' },
		]);
		expect(lookupsNeeded([...requests, { ...requests[0], index: 4 }], strategies)).toEqual([
			{ entity: 'account', field: 'customFields.ico', values: ['17'] },
		]);
	});

	it('as-is relations fill an empty field from _relations and make no request', () => {
		const record: Record<string, unknown> = {};
		const requests = collectRelations(
			0,
			{ _relations: { account: { entity: 'account', value: 'acc_1' } } },
			record,
			{},
			{},
		);
		expect(requests).toEqual([]);
		expect(record.account).toBe('acc_1');
	});

	it('prefix is idempotent; lookup fails clearly on no match and on several', () => {
		expect(prefixed('9', 'crm_company_')).toBe('crm_company_9');
		expect(prefixed('crm_company_9', 'crm_company_')).toBe('crm_company_9');
		const request = {
			index: 0,
			field: 'account',
			entity: 'account' as const,
			value: '17',
			resolveTo: 'name',
		};
		const found = indexByKey(
			[
				{ name: 'acc_a', customFields: { ico: ['17'] } },
				{ name: 'acc_b', customFields: { ico: ['18'] } },
				{ name: 'acc_c', customFields: { ico: ['18'] } },
			],
			'customFields.ico',
		);
		expect(resolveRelation(request, strategies.account, found, ENTITIES.account)).toEqual({
			ok: true,
			value: 'acc_a',
		});
		expect(
			resolveRelation({ ...request, value: '99' }, strategies.account, found, ENTITIES.account),
		).toEqual({
			ok: false,
			message: 'account: no Daktela account has customFields.ico = "99"',
		});
		const several = resolveRelation(
			{ ...request, value: '18' },
			strategies.account,
			found,
			ENTITIES.account,
		);
		expect(several.ok).toBe(false);
		expect(!several.ok && several.message).toMatch(/^account: 2 Daktela accounts .*acc_b, acc_c/);
	});
});

describe('runPool', () => {
	it('keeps order, bounds concurrency and stops taking work when told', async () => {
		let inFlight = 0;
		let peak = 0;
		const results = await runPool(
			Array.from({ length: 20 }, (_, i) => i),
			async (n) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				await Promise.resolve();
				inFlight--;
				return n * 2;
			},
			{ concurrency: 3 },
		);
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
		expect(peak).toBe(3);
		let started = 0;
		const partial = await runPool([1, 2, 3, 4, 5], async (n) => ++started && n, {
			concurrency: 1,
			shouldStop: () => started >= 2,
		});
		expect(partial).toEqual([1, 2, undefined, undefined, undefined]);
	});
});
