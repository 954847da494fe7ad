/**
 * DaktelaClient listing against the sandbox Daktela over real HTTP: paging at the page-size
 * boundaries, stability while records change between pages, limits, field selection, and every
 * filter operator end to end.
 */
import type { DaktelaRecord, PageProgress } from '../nodes/shared/transport/client';
import { and, cond, or, type Filter } from '../nodes/shared/transport/query';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';
import { recordingClient } from './support/transport-client';

let sandbox: DaktelaSandbox;

beforeAll(async () => {
	sandbox = await startDaktelaSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
});

const names = (records: DaktelaRecord[]) => records.map((r) => String(r.name));
const storeNames = (endpoint = 'contacts') => names(sandbox.store.list(endpoint));
const listRequests = () =>
	sandbox.requests.filter((r) => r.method === 'GET' && r.endpoint === 'contacts');
const queryOf = (url: string) => new URLSearchParams(url.slice(url.indexOf('?') + 1));

describe('listAll: every record exactly once at the page boundaries', () => {
	it.each([
		[0, 1],
		[1, 1],
		[999, 1],
		[1000, 1],
		[1001, 2],
		[2500, 3],
	])('%i records take %i list request(s) of up to 1000', async (count, requests) => {
		sandbox.seed({ contacts: count, randomSeed: count + 1 });
		const { client } = recordingClient(sandbox);
		const progress: PageProgress[] = [];
		const pages: number[] = [];
		for await (const page of client.listAll('contacts', {}, { onPage: (p) => progress.push(p) })) {
			pages.push(page.length);
		}
		const all = await client.listAllRecords('contacts');

		expect(all).toHaveLength(count);
		expect(new Set(names(all)).size).toBe(count);
		expect([...names(all)].sort()).toEqual([...storeNames()].sort());
		expect(listRequests()).toHaveLength(requests * 2);
		expect(pages.reduce((a, b) => a + b, 0)).toBe(count);
		expect(progress).toHaveLength(requests);
		expect(progress[progress.length - 1]).toMatchObject({ yielded: count, total: count });
		for (const request of listRequests()) {
			const qs = queryOf(request.url);
			expect(qs.get('take')).toBe('1000');
			expect(qs.get('skip')).toBe('0'); // keyset paging: never an offset
		}
	});

	it('orders by the caller sort with name as the final key, keyset on both', async () => {
		sandbox.seed({ contacts: 2500, randomSeed: 7 });
		const { client } = recordingClient(sandbox);
		const all = await client.listAllRecords('contacts', {
			sort: [{ field: 'edited', dir: 'desc' }],
		});

		expect(all).toHaveLength(2500);
		expect(new Set(names(all)).size).toBe(2500);
		const expected = [...sandbox.store.list('contacts')].sort((a, b) =>
			a.edited === b.edited
				? String(a.name) < String(b.name)
					? -1
					: 1
				: String(a.edited) > String(b.edited)
					? -1
					: 1,
		);
		expect(names(all)).toEqual(names(expected));
		const second = queryOf(listRequests()[1].url);
		expect(second.get('sort[0][field]')).toBe('edited');
		expect(second.get('sort[1][field]')).toBe('name');
		// (edited < v) OR (edited = v AND name > n)
		expect(second.get('filter[filters][0][logic]')).toBe('or');
		expect(second.get('filter[filters][0][filters][0][operator]')).toBe('lt');
		expect(second.get('filter[filters][0][filters][1][filters][0][operator]')).toBe('eq');
		expect(second.get('filter[filters][0][filters][1][filters][1][field]')).toBe('name');
		expect(second.get('filter[filters][0][filters][1][filters][1][operator]')).toBe('gt');
	});
});

describe('listAll: records inserted or deleted between pages', () => {
	const contact = (name: string) => ({
		name,
		title: name,
		lastname: 'Inserted',
		database: 'default',
	});

	async function churn(paging: 'keyset' | 'offset') {
		sandbox.seed({ contacts: 2500, randomSeed: 11 });
		const before = storeNames().sort();
		const { client } = recordingClient(sandbox);
		const seen: string[] = [];
		const deletedUnseen: string[] = [];
		let deletedSeen: string[] = [];
		let page = 0;
		for await (const records of client.listAll('contacts', {}, { paging })) {
			seen.push(...names(records));
			if (++page === 1) {
				// Between page 1 and page 2: delete 25 records already seen, 25 not yet seen, and
				// insert records that sort before and after the cursor.
				deletedSeen = seen.slice(100, 125);
				const unseen = before.filter((n) => !seen.includes(n));
				deletedUnseen.push(...unseen.slice(10, 35));
				for (const n of [...deletedSeen, ...deletedUnseen]) sandbox.store.remove('contacts', n);
				sandbox.store.put('contacts', contact('contact_00000000_before_cursor'));
				sandbox.store.put('contacts', contact('contact_zzzzzzzz_after_cursor'));
			}
		}
		const stayed = before.filter((n) => !deletedSeen.includes(n) && !deletedUnseen.includes(n));
		return { seen, stayed, deletedUnseen };
	}

	it('keyset paging returns every record that stayed exactly once, no deleted unseen one, and later inserts', async () => {
		const { seen, stayed, deletedUnseen } = await churn('keyset');

		expect(new Set(seen).size).toBe(seen.length);
		expect(stayed.every((n) => seen.includes(n))).toBe(true);
		expect(deletedUnseen.some((n) => seen.includes(n))).toBe(false);
		expect(seen).toContain('contact_zzzzzzzz_after_cursor');
		expect(seen).not.toContain('contact_00000000_before_cursor');
	});

	it('(why keyset) plain offset paging would silently drop records that stayed', async () => {
		const { seen, stayed } = await churn('offset');

		expect(new Set(seen).size).toBe(seen.length); // de-duplication still holds
		expect(stayed.filter((n) => !seen.includes(n)).length).toBeGreaterThan(0);
	});
});

describe('listAll: fallbacks, limits, server caps and field selection', () => {
	it('falls back to skip/take from the last anchor when the sort key is an expanded relation', async () => {
		for (const a of ['acc_a', 'acc_b', 'acc_c']) {
			sandbox.store.put('accounts', { name: a, title: a, database: 'default' });
		}
		for (let i = 0; i < 1500; i++) {
			const name = `rel_${String(i).padStart(4, '0')}`;
			sandbox.store.put('contacts', {
				name,
				title: name,
				lastname: name,
				database: 'default',
				account: ['acc_a', 'acc_b', 'acc_c'][i % 3],
			});
		}
		const { client } = recordingClient(sandbox);
		const modes: string[] = [];
		const all = await client.listAllRecords(
			'contacts',
			{ sort: [{ field: 'account' }] },
			{ onPage: (p) => modes.push(p.mode) },
		);

		// `account` comes back as {name, title, ...}: no filter can say "after this object".
		expect(typeof all[999].account).toBe('object');
		expect(all).toHaveLength(1500);
		expect(new Set(names(all)).size).toBe(1500);
		expect(listRequests().map((r) => queryOf(r.url).get('skip'))).toEqual(['0', '1000']);
		expect(modes).toEqual(['keyset', 'offset']);
	});

	it('stops at the limit and asks only for what is still needed', async () => {
		sandbox.seed({ contacts: 2500, randomSeed: 5 });
		const { client } = recordingClient(sandbox);

		const first1500 = await client.listAllRecords('contacts', {}, { limit: 1500 });
		expect(first1500).toHaveLength(1500);
		expect(listRequests().map((r) => queryOf(r.url).get('take'))).toEqual(['1000', '500']);

		sandbox.requests.length = 0;
		expect(await client.listAllRecords('contacts', {}, { limit: 10 })).toHaveLength(10);
		expect(listRequests().map((r) => queryOf(r.url).get('take'))).toEqual(['10']);

		sandbox.requests.length = 0;
		expect(await client.listAllRecords('contacts', {}, { limit: 0 })).toEqual([]);
		expect(listRequests()).toHaveLength(0);
	});

	it('copes with a server that caps pages below the requested take', async () => {
		const capped = await startDaktelaSandbox({ maxTake: 300, seed: { contacts: 1001 } });
		try {
			const { client } = recordingClient(capped);
			const all = await client.listAllRecords('contacts');
			expect(all).toHaveLength(1001);
			expect(new Set(names(all)).size).toBe(1001);
			expect(capped.counters.get('GET', 'contacts')).toBe(4);
		} finally {
			await capped.close();
		}
	});

	it('selects fields, adding the paging keys on the wire and removing them from the output', async () => {
		sandbox.seed({ contacts: 1200, randomSeed: 9 });
		const { client } = recordingClient(sandbox);
		const all = await client.listAllRecords('contacts', { fields: ['title', 'lastname'] });

		expect(all).toHaveLength(1200);
		expect(Object.keys(all[0]).sort()).toEqual(['lastname', 'title']);
		const qs = queryOf(listRequests()[0].url);
		expect([qs.get('fields[0]'), qs.get('fields[1]'), qs.get('fields[2]')]).toEqual([
			'title',
			'lastname',
			'name',
		]);
	});

	it('list() returns one page with the total of all matches, count() just the total', async () => {
		sandbox.seed({ contacts: 150, randomSeed: 2 });
		const { client } = recordingClient(sandbox);
		const page = await client.list('contacts', { take: 20, skip: 140 });
		expect(page.data).toHaveLength(10);
		expect(page.total).toBe(150);
		expect(await client.count('contacts')).toBe(150);
	});
});

describe('filters end to end: every operator', () => {
	const fixture = [
		{
			name: 'f_alpha',
			lastname: 'Alpha',
			firstname: 'Anna',
			account: 'acc_one',
			edited: '2026-01-01 10:00:00',
			email: 'anna@alpha.cz',
		},
		{
			name: 'f_beta',
			lastname: 'Beta',
			firstname: 'Bob',
			account: null,
			edited: '2026-02-01 10:00:00',
			email: 'bob@beta.cz',
		},
		{
			name: 'f_gamma',
			lastname: 'Gamma',
			firstname: 'Cyril',
			account: 'acc_one',
			edited: '2026-03-01 10:00:00',
			email: 'cyril@gamma.com',
		},
		{
			name: 'f_delta',
			lastname: 'Delta',
			firstname: 'Dana',
			account: 'acc_two',
			edited: '2026-04-01 10:00:00',
			email: null,
		},
		{
			name: 'f_epsilon',
			lastname: 'Epsilon',
			firstname: 'Eva',
			account: null,
			edited: '2026-05-01 10:00:00',
			email: 'eva@eps.cz',
		},
	];

	beforeEach(() => {
		sandbox.store.put('accounts', { name: 'acc_one', title: 'One', database: 'default' });
		sandbox.store.put('accounts', { name: 'acc_two', title: 'Two', database: 'default' });
		for (const f of fixture) {
			sandbox.store.put('contacts', {
				name: f.name,
				title: `${f.firstname} ${f.lastname}`,
				firstname: f.firstname,
				lastname: f.lastname,
				account: f.account,
				database: 'default',
				customFields: { email: f.email ? [f.email] : [] },
				created: f.edited,
				edited: f.edited,
			});
		}
	});

	const cases: Array<[string, Filter, string[]]> = [
		['eq', cond('lastname', 'eq', 'Gamma'), ['f_gamma']],
		['neq', cond('lastname', 'neq', 'Gamma'), ['f_alpha', 'f_beta', 'f_delta', 'f_epsilon']],
		['gt', cond('edited', 'gt', '2026-03-01 10:00:00'), ['f_delta', 'f_epsilon']],
		['gte', cond('edited', 'gte', '2026-03-01 10:00:00'), ['f_delta', 'f_epsilon', 'f_gamma']],
		['lt', cond('edited', 'lt', '2026-02-01 10:00:00'), ['f_alpha']],
		['lte', cond('edited', 'lte', '2026-02-01 10:00:00'), ['f_alpha', 'f_beta']],
		['like', cond('lastname', 'like', '%ta'), ['f_beta', 'f_delta']],
		['notlike', cond('lastname', 'notlike', '%a'), ['f_epsilon']],
		['in', cond('firstname', 'in', ['Anna', 'Eva', 'Nobody']), ['f_alpha', 'f_epsilon']],
		['notin', cond('firstname', 'notin', ['Anna', 'Eva']), ['f_beta', 'f_delta', 'f_gamma']],
		['isnull', cond('account', 'isnull'), ['f_beta', 'f_epsilon']],
		['isnotnull', cond('account', 'isnotnull'), ['f_alpha', 'f_delta', 'f_gamma']],
		['custom field eq', cond('customFields.email', 'eq', 'bob@beta.cz'), ['f_beta']],
		[
			'custom field like',
			cond('customFields.email', 'like', '%.cz'),
			['f_alpha', 'f_beta', 'f_epsilon'],
		],
		['relation by name', cond('account', 'eq', 'acc_one'), ['f_alpha', 'f_gamma']],
		[
			'Date value in the instance zone',
			// 09:00 UTC = 10:00 Prague (winter): gte includes f_beta's 10:00:00 exactly
			cond('edited', 'gte', new Date('2026-02-01T09:00:00Z')),
			['f_beta', 'f_delta', 'f_epsilon', 'f_gamma'],
		],
		[
			'nested and/or groups',
			or(
				and(cond('account', 'eq', 'acc_one'), cond('edited', 'gt', '2026-01-15 00:00:00')),
				and(
					cond('account', 'isnull'),
					or(cond('firstname', 'eq', 'Eva'), cond('lastname', 'like', 'Z%')),
				),
			),
			['f_epsilon', 'f_gamma'],
		],
		[
			'list of conditions is AND',
			[cond('account', 'isnotnull'), cond('lastname', 'neq', 'Alpha')] as unknown as Filter,
			['f_delta', 'f_gamma'],
		],
	];

	it.each(cases)('%s', async (_label, filter, expected) => {
		const { client } = recordingClient(sandbox);
		const found = await client.listAllRecords('contacts', { filter });
		expect(names(found).sort()).toEqual(expected);
	});

	it('combines a caller OR filter with the keyset filter without changing its meaning', async () => {
		const { client } = recordingClient(sandbox);
		const found = await client.listAllRecords(
			'contacts',
			{
				filter: or(
					cond('lastname', 'eq', 'Alpha'),
					cond('lastname', 'eq', 'Epsilon'),
					cond('lastname', 'eq', 'Beta'),
				),
			},
			{ pageSize: 1 },
		);
		expect(names(found)).toEqual(['f_alpha', 'f_beta', 'f_epsilon']);
		expect(listRequests()).toHaveLength(3);
	});
});
