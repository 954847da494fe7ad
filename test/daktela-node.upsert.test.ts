/**
 * Daktela node, Create or Update (upsert) of contacts and accounts, run inside n8n's real
 * WorkflowExecute against the sandbox Daktela over HTTP: API-call budget on 2,500-record batches,
 * the created / updated / unchanged / failed mix with and without Continue On Fail, a storm of
 * 429s, duplicates, ambiguous matches, the Field Mapper's _lookup and relation resolution.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import { FieldMapper } from '../nodes/FieldMapper/FieldMapper.node';
import { chunkValues } from '../nodes/shared/core/upsert';
import { startInFlightProxy } from './daktela-node.inflight.cjs';
import { runNode, runWorkflow, type RunNodeOptions } from './harness/n8n.cjs';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';

let sandbox: DaktelaSandbox;

beforeAll(async () => {
	sandbox = await startDaktelaSandbox({ latencyMs: 0 });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setFaults(undefined);
});

async function run(
	parameters: INodeParameters,
	items: IDataObject[],
	extra: Partial<RunNodeOptions> = {},
) {
	return await runNode({
		node: Daktela,
		parameters,
		items,
		credentials: {
			daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
		},
		...extra,
	});
}

const upsertContacts: INodeParameters = { resource: 'contact', operation: 'upsert' };

function person(n: number, extra: IDataObject = {}): IDataObject {
	return {
		name: `crm_person_${n}`,
		title: `Person ${n}`,
		firstname: 'Person',
		lastname: `No. ${n}`,
		database: 'default',
		customFields: {
			email: `person.${n}@example.cz`,
			number: `+420 777 ${String(n).padStart(6, '0')}`,
		},
		...extra,
	};
}

const syncOf = (items: INodeExecutionData[]) =>
	items.map((i) => (i.json.sync as IDataObject).action);
const writes = () => sandbox.counters.get('POST') + sandbox.counters.get('PUT');

describe('batch upsert: API calls per record', () => {
	it('2,500 new contacts: <= 1.05 calls per changed record; a re-run writes nothing, <= 0.01 calls per record', async () => {
		const items = Array.from({ length: 2500 }, (_, n) => person(n));

		const first = await run(upsertContacts, items);
		expect(first.error).toBeUndefined();
		expect(first.outputs[0]).toHaveLength(2500);
		expect(new Set(syncOf(first.outputs[0]))).toEqual(new Set(['created']));
		expect(first.outputs[0].map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(sandbox.store.list('contacts')).toHaveLength(2500);
		expect(sandbox.counters.get('POST', 'contacts')).toBe(2500);
		expect(sandbox.counters.total() / 2500).toBeLessThanOrEqual(1.05);
		// Every lookup URL stays short (nginx / Apache take ~8 KB request lines).
		for (const r of sandbox.requests) expect(r.url.length).toBeLessThan(8000);

		sandbox.counters.reset();
		const again = await run(upsertContacts, items);
		expect(new Set(syncOf(again.outputs[0]))).toEqual(new Set(['unchanged']));
		expect(writes()).toBe(0);
		expect(sandbox.counters.total() / 2500).toBeLessThanOrEqual(0.01);

		// 300 changed, 2,200 unchanged: changed ones cost a write each, the rest only their lookups.
		sandbox.counters.reset();
		const changed = items.map((item, n) =>
			n % 25 < 3 ? { ...item, title: `Renamed ${n}` } : item,
		);
		const third = await run(upsertContacts, changed);
		const actions = syncOf(third.outputs[0]);
		expect(actions.filter((a) => a === 'updated')).toHaveLength(300);
		expect(actions.filter((a) => a === 'unchanged')).toHaveLength(2200);
		expect(sandbox.counters.get('PUT', 'contacts')).toBe(300);
		expect(sandbox.counters.total()).toBeLessThanOrEqual(1.05 * 300 + 0.01 * 2200);
		expect(sandbox.store.get('contacts', 'crm_person_1')?.title).toBe('Renamed 1');
	}, 120_000);

	it('unchanged despite relations as objects, one-element lists, whitespace and date formats', async () => {
		sandbox.store.put('accounts', { name: 'crm_company_9', title: 'ACME', database: 'default' });
		sandbox.store.put('contacts', {
			name: 'crm_person_1',
			title: 'Jan Novák',
			lastname: 'Novák',
			database: 'default',
			account: 'crm_company_9',
			customFields: {
				email: ['jan@example.cz'],
				number: ['+420777000111'],
				note: ['2026-01-02 10:00:00'],
			},
		});
		// The input is what a CRM and the Field Mapper produce: read back from Daktela it differs
		// in form only.
		const result = await run(upsertContacts, [
			{
				name: 'crm_person_1',
				title: '  Jan  Novák ',
				lastname: 'Novák',
				database: { name: 'default', title: 'Default' },
				account: 'crm_company_9',
				customFields: {
					email: 'jan@example.cz',
					number: '+420 777 000 111',
					note: '2026-01-02T09:00:00Z',
				},
			},
		]);
		expect(syncOf(result.outputs[0])).toEqual(['unchanged']);
		expect(writes()).toBe(0);
	});

	it('an update sends the record with its other custom fields, so nothing is lost whatever PUT does', async () => {
		sandbox.store.put('contacts', {
			name: 'crm_person_1',
			title: 'Jan',
			lastname: 'Novák',
			database: 'default',
			customFields: { email: ['jan@example.cz'], note: ['VIP'] },
		});
		const result = await run(upsertContacts, [
			{
				name: 'crm_person_1',
				title: 'Jan',
				lastname: 'Novák',
				customFields: { email: 'jan.novak@example.cz' },
			},
		]);
		expect(syncOf(result.outputs[0])).toEqual(['updated']);
		expect(sandbox.store.get('contacts', 'crm_person_1')?.customFields).toEqual({
			email: ['jan.novak@example.cz'],
			note: ['VIP'],
		});
		expect(result.outputs[0][0].json).toMatchObject({
			name: 'crm_person_1',
			customFields: { email: ['jan.novak@example.cz'], note: ['VIP'] },
			sync: { action: 'updated', name: 'crm_person_1' },
		});
	});
});

describe('a mix of created, updated, unchanged and failed', () => {
	const seed = () => {
		sandbox.store.put('contacts', person(1));
		sandbox.store.put('contacts', person(2));
	};
	const mix = () => [
		person(0), // new
		person(1, { title: 'Changed' }), // changed
		person(2), // unchanged
		{ ...person(3), lastname: '' }, // invalid: lastname is mandatory
		person(4, { customFields: { email: 'not-an-email' } }), // invalid e-mail
	];

	it('Continue On Fail: failed items say which field, the rest is written', async () => {
		seed();
		const result = await run(upsertContacts, mix(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const out = result.outputs[0];
		expect(syncOf(out)).toEqual(['created', 'updated', 'unchanged', 'failed', 'failed']);
		expect(out.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out[3].json.sync).toEqual({
			action: 'failed',
			name: 'crm_person_3',
			error: 'lastname: Item is mandatory',
		});
		expect(out[3].json.error).toBe('lastname: Item is mandatory');
		expect(out[3].json.title).toBe('Person 3'); // the input item, for the error branch
		expect((out[4].json.sync as IDataObject).error).toMatch(/^customFields\.email: /);
		expect(sandbox.store.get('contacts', 'crm_person_0')).toBeDefined();
		expect(sandbox.store.get('contacts', 'crm_person_1')?.title).toBe('Changed');
		expect(sandbox.store.get('contacts', 'crm_person_3')).toBeUndefined();
	});

	it('Continue (using error output): failed items on the error output, paired to their input', async () => {
		seed();
		const result = await run(upsertContacts, mix(), { onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		const [ok, failed] = result.outputs;
		expect(syncOf(ok)).toEqual(['created', 'updated', 'unchanged']);
		expect(failed.map((i) => i.pairedItem)).toEqual([{ item: 3 }, { item: 4 }]);
		// n8n merges the input item into error-output items: the record plus what went wrong.
		expect(failed[0].json).toMatchObject({
			name: 'crm_person_3',
			title: 'Person 3',
			error: 'lastname: Item is mandatory',
			details: { name: 'crm_person_3', field: 'lastname', httpCode: 400, kind: 'validation' },
		});
		expect(failed[1].json).toMatchObject({
			name: 'crm_person_4',
			details: { field: 'customFields.email' },
		});
	});

	it('without Continue On Fail the node stops with an error naming the item and the field', async () => {
		seed();
		const result = await run(upsertContacts, mix());
		expect(result.error?.message).toBe('lastname: Item is mandatory [item 3]');
		expect(result.error).toMatchObject({ context: { itemIndex: 3 }, httpCode: '400' });
	});

	it('an unusable configuration fails the node up front', async () => {
		const lookup = await run(
			{ ...upsertContacts, options: { accountResolution: 'lookup', accountLookupField: ' ' } },
			[person(0)],
		);
		expect(lookup.error?.message).toMatch(/"Account Lookup Field" is empty/);
		const match = await run({ ...upsertContacts, matchOn: 'field', matchField: '' }, [person(0)]);
		expect(match.error?.message).toMatch(/"Match Field" is empty.*\[item 0\]$/);
		expect(writes()).toBe(0);
	});

	it('a problem found before writing stops the node before any write', async () => {
		const result = await run({ ...upsertContacts, matchOn: 'name' }, [
			person(0),
			{ title: 'No name', lastname: 'X' },
		]);
		expect(result.error?.message).toMatch(
			/^name: the record has no external ID to match on.*\[item 1\]$/,
		);
		expect(writes()).toBe(0);
	});
});

describe('under faults', () => {
	it('a storm of 429s: every record lands exactly once, none fails', async () => {
		const items = Array.from({ length: 300 }, (_, n) => person(n));
		sandbox.setFaults({ rate: 0.3, kinds: ['429'], retryAfterSeconds: 0, seed: 7 });
		const result = await run(upsertContacts, items);
		expect(result.error).toBeUndefined();
		expect(new Set(syncOf(result.outputs[0]))).toEqual(new Set(['created']));
		expect(sandbox.requests.filter((r) => r.fault === '429').length).toBeGreaterThan(50);
		const stored = sandbox.store.list('contacts').map((c) => c.name);
		expect(stored).toHaveLength(300);
		expect(new Set(stored)).toEqual(new Set(items.map((i) => i.name)));
	}, 60_000);

	it('dropped connections and 500s after a write do not duplicate records (named creates are verified)', async () => {
		const items = Array.from({ length: 100 }, (_, n) => person(n));
		sandbox.setFaults({ rate: 0.15, kinds: ['500', 'drop', 'dropAfterWrite'], seed: 3 });
		const result = await run(upsertContacts, items);
		expect(result.error).toBeUndefined();
		expect(new Set(syncOf(result.outputs[0]))).toEqual(new Set(['created']));
		expect(sandbox.store.list('contacts')).toHaveLength(100);
	}, 60_000);
});

describe('matching', () => {
	it('items with the same key are merged and written once; each reports the record', async () => {
		const result = await run(upsertContacts, [
			person(1, { customFields: { email: 'a@example.cz' } }),
			person(2),
			person(1, { title: 'Later wins', customFields: { number: '+420111222333' } }),
		]);
		expect(syncOf(result.outputs[0])).toEqual(['created', 'created', 'created']);
		expect(sandbox.counters.get('POST', 'contacts')).toBe(2);
		expect(sandbox.store.get('contacts', 'crm_person_1')).toMatchObject({
			title: 'Later wins',
			customFields: { email: ['a@example.cz'], number: ['+420111222333'] },
		});
		expect(result.outputs[0][2].json.name).toBe('crm_person_1');
	});

	it('match on customFields.email: updates the record Daktela named itself', async () => {
		const existing = sandbox.store.put('contacts', {
			title: 'Eva',
			lastname: 'Svobodová',
			database: 'default',
			customFields: { email: ['eva@example.cz'] },
		});
		const result = await run(
			{ ...upsertContacts, matchOn: 'field', matchField: 'customFields.email' },
			[
				{
					title: 'Eva Svobodová',
					lastname: 'Svobodová',
					customFields: { email: 'EVA@example.cz' },
				},
				{
					title: 'New',
					lastname: 'Person',
					database: 'default',
					customFields: { email: 'new@example.cz' },
				},
			],
		);
		expect(syncOf(result.outputs[0])).toEqual(['updated', 'created']);
		expect(result.outputs[0][0].json.name).toBe(existing.name);
		expect(sandbox.store.get('contacts', String(existing.name))?.title).toBe('Eva Svobodová');
		expect(sandbox.store.list('contacts')).toHaveLength(2);
	});

	it('two Daktela records with the same e-mail: the item fails, neither record changes', async () => {
		for (const title of ['One', 'Two']) {
			sandbox.store.put('contacts', {
				title,
				lastname: title,
				database: 'default',
				customFields: { email: ['dup@example.cz'] },
			});
		}
		const result = await run(
			{ ...upsertContacts, matchOn: 'field', matchField: 'customFields.email' },
			[{ title: 'Three', lastname: 'Three', customFields: { email: 'dup@example.cz' } }, person(5)],
			{ continueOnFail: true },
		);
		const [ambiguous, other] = result.outputs[0];
		expect((ambiguous.json.sync as IDataObject).action).toBe('failed');
		expect((ambiguous.json.sync as IDataObject).error).toMatch(
			/^customFields\.email: 2 Daktela contacts match "dup@example\.cz" \(contact_\w+, contact_\w+\); none was changed/,
		);
		expect((other.json.sync as IDataObject).action).toBe('created');
		expect(sandbox.counters.get('PUT')).toBe(0);
		expect(
			sandbox.store
				.list('contacts')
				.map((c) => c.title)
				.sort(),
		).toEqual(['One', 'Person 5', 'Two']);
	});

	it('one Daktela record matched by two different keys: both items fail, the record is not changed', async () => {
		// One contact holds both e-mails; the batch has two different people, one per e-mail.
		const shared = sandbox.store.put('contacts', {
			title: 'Shared',
			lastname: 'Shared',
			database: 'default',
			customFields: { email: ['a@example.cz', 'b@example.cz'] },
		});
		const result = await run(
			{ ...upsertContacts, matchOn: 'field', matchField: 'customFields.email' },
			[
				{ title: 'Anna', lastname: 'A', customFields: { email: 'a@example.cz' } },
				{ title: 'Bob', lastname: 'B', customFields: { email: 'b@example.cz' } },
				person(6),
			],
			{ continueOnFail: true },
		);
		expect(syncOf(result.outputs[0])).toEqual(['failed', 'failed', 'created']);
		expect((result.outputs[0][0].json.sync as IDataObject).error).toBe(
			`customFields.email: the Daktela contact ${String(shared.name)} matches "a@example.cz" and "b@example.cz" (items 0 and 1); none was changed, because it cannot be both`,
		);
		expect(sandbox.counters.get('PUT')).toBe(0);
		expect(sandbox.store.get('contacts', String(shared.name))?.title).toBe('Shared');
	});

	it("the Field Mapper's _lookup picks the match field per item; _ keys never reach Daktela", async () => {
		const existing = sandbox.store.put('contacts', {
			title: 'Old',
			lastname: 'Old',
			database: 'default',
			customFields: { number: ['+420777000111'] },
		});
		const result = await run(upsertContacts, [
			{
				title: 'Matched by phone',
				lastname: 'Old',
				customFields: { number: ['+420777000111'] },
				_lookup: { field: 'customFields.number', value: '+420777000111' },
				_relations: {},
			},
			{ ...person(7), _lookup: { field: 'name', value: 'crm_person_7' } },
			// The key is only in _lookup: the new record must carry it, or no later run finds it.
			{
				title: 'Key only in _lookup',
				lastname: 'K',
				database: 'default',
				_lookup: { field: 'customFields.email', value: 'k@example.cz' },
			},
		]);
		expect(syncOf(result.outputs[0])).toEqual(['updated', 'created', 'created']);
		expect(result.outputs[0][2].json.customFields).toEqual({ email: ['k@example.cz'] });
		expect(sandbox.store.get('contacts', String(existing.name))?.title).toBe('Matched by phone');
		for (const contact of sandbox.store.list('contacts')) {
			expect(Object.keys(contact).filter((k) => k.startsWith('_') && k !== '_sys')).toEqual([]);
		}
	});

	it('accounts upsert the same way', async () => {
		const accounts = [
			{
				name: 'crm_company_1',
				title: 'ACME',
				database: 'default',
				customFields: { ico: '12345678' },
			},
			{ name: 'crm_company_2', title: 'Globex', database: 'default' },
		];
		const first = await run({ resource: 'account', operation: 'upsert' }, accounts);
		expect(syncOf(first.outputs[0])).toEqual(['created', 'created']);
		const second = await run({ resource: 'account', operation: 'upsert' }, [
			accounts[0],
			{ ...accounts[1], title: 'Globex Corp' },
		]);
		expect(syncOf(second.outputs[0])).toEqual(['unchanged', 'updated']);
		expect(sandbox.store.get('accounts', 'crm_company_1')?.customFields).toEqual({
			ico: ['12345678'],
		});
	});

	it('Define Below with the Database parameter for new records', async () => {
		const result = await run(
			{
				...upsertContacts,
				matchOn: 'name',
				database: { __rl: true, mode: 'list', value: 'vip' },
				dataMode: 'defineBelow',
				fields: {
					name: '={{ "crm_person_" + $json.id }}',
					title: '={{ $json.full }}',
					lastname: '={{ $json.last }}',
					account: { __rl: true, mode: 'id', value: '' },
					customFieldsUi: {
						values: [
							{ field: 'email', value: '={{ $json.mail }}' },
							{ field: 'email', value: 'second@example.cz' },
						],
					},
				},
			},
			[{ id: 41, full: 'Ada Lovelace', last: 'Lovelace', mail: 'ada@example.cz' }],
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.store.get('contacts', 'crm_person_41')).toMatchObject({
			title: 'Ada Lovelace',
			database: { name: 'vip' },
			customFields: { email: ['ada@example.cz', 'second@example.cz'] },
		});
	});
	it('the Database parameter is read per item, like Create reads it', async () => {
		const result = await run(
			{
				...upsertContacts,
				matchOn: 'name',
				database: { __rl: true, mode: 'id', value: '={{ $json.db }}' },
				dataMode: 'defineBelow',
				fields: {
					name: '={{ "crm_person_" + $json.id }}',
					title: '={{ $json.last }}',
					lastname: '={{ $json.last }}',
				},
			},
			[
				{ id: 51, last: 'Vip', db: 'vip' },
				{ id: 52, last: 'Default', db: 'default' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(syncOf(result.outputs[0])).toEqual(['created', 'created']);
		expect(sandbox.store.get('contacts', 'crm_person_51')?.database).toMatchObject({ name: 'vip' });
		expect(sandbox.store.get('contacts', 'crm_person_52')?.database).toMatchObject({
			name: 'default',
		});
	});
});

describe('relations: CRM account id -> Daktela account name, in bulk', () => {
	it('by external-id prefix, without any account request', async () => {
		sandbox.store.put('accounts', { name: 'crm_company_9', title: 'ACME', database: 'default' });
		const result = await run(
			{
				...upsertContacts,
				options: { accountResolution: 'prefix', accountPrefix: 'crm_company_' },
			},
			[person(1, { account: '9' }), person(2, { account: 'crm_company_9' })],
		);
		expect(syncOf(result.outputs[0])).toEqual(['created', 'created']);
		expect(sandbox.store.get('contacts', 'crm_person_1')?.account).toMatchObject({
			name: 'crm_company_9',
		});
		expect(sandbox.store.get('contacts', 'crm_person_2')?.account).toMatchObject({
			name: 'crm_company_9',
		});
		expect(sandbox.counters.get('GET', 'accounts')).toBe(0);
	});

	it('by a lookup field: one request per chunk of distinct ids, unknown ids fail their item', async () => {
		const ids = Array.from({ length: 300 }, (_, n) => String(10_000_000 + n));
		for (const [n, ico] of ids.entries()) {
			sandbox.store.put('accounts', {
				name: `account_${n}`,
				title: `Company ${n}`,
				database: 'default',
				customFields: { ico: [ico] },
			});
		}
		const items = [
			...ids.map((ico, n) => person(n, { account: ico })),
			// Field Mapper style: the CRM id arrives in _relations, the mapped field may be anything.
			person(300, {
				account: 'ignored',
				_relations: {
					account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: ids[5] },
				},
			}),
			person(301, { account: '99999999' }),
		];
		const result = await run(
			{
				...upsertContacts,
				options: { accountResolution: 'lookup', accountLookupField: 'customFields.ico' },
			},
			items,
			{ continueOnFail: true },
		);
		const out = result.outputs[0];
		expect(syncOf(out).slice(0, 301)).toEqual(Array(301).fill('created'));
		expect(sandbox.store.get('contacts', 'crm_person_17')?.account).toMatchObject({
			name: 'account_17',
		});
		expect(sandbox.store.get('contacts', 'crm_person_300')?.account).toMatchObject({
			name: 'account_5',
		});
		expect(out[301].json.sync).toEqual({
			action: 'failed',
			name: 'crm_person_301',
			error: 'account: no Daktela account has customFields.ico = "99999999"',
		});
		expect(sandbox.counters.get('GET', 'accounts')).toBe(
			chunkValues(ids.concat('99999999')).length,
		);
		expect(sandbox.counters.get('GET', 'accounts')).toBeLessThanOrEqual(3);
	}, 60_000);

	it('a failed lookup fails every item that needed it with its error, whatever the spelling', async () => {
		// Every GET is refused: the account lookup gives up after its retries.
		sandbox.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 0, methods: ['GET'] });
		const result = await run(
			{
				...upsertContacts,
				options: { accountResolution: 'lookup', accountLookupField: 'customFields.ico' },
			},
			// One lookup value: the two spellings are the same key (spaces do not count in numbers).
			[person(1, { account: '12345678' }), person(2, { account: '1234 5678' })],
			{ continueOnFail: true },
		);
		const errors = result.outputs[0].map((item) => String(item.json.error));
		expect(errors).toHaveLength(2);
		expect(errors[0]).toBe('Too Many Requests');
		// Not "no Daktela account has customFields.ico = ...": the account may well exist.
		expect(errors[1]).toBe(errors[0]);
		expect(sandbox.store.get('contacts', 'crm_person_1')).toBeUndefined();
	});
});

describe('Max Parallel Requests (options.concurrency)', () => {
	async function peakOf(parameters: INodeParameters, items: IDataObject[]) {
		const proxy = await startInFlightProxy(sandbox.url);
		sandbox.setLatency(30);
		try {
			const result = await runNode({
				node: Daktela,
				parameters,
				items,
				credentials: {
					daktelaApi: { url: proxy.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
				},
			});
			expect(result.error).toBeUndefined();
			return { peak: proxy.peak(), requests: proxy.count(), outputs: result.outputs[0] };
		} finally {
			sandbox.setLatency(0);
			await proxy.close();
		}
	}
	const people = (from: number, n: number) => Array.from({ length: n }, (_, i) => person(from + i));

	it('keeps 10 requests in flight by default, and never more', async () => {
		const run = await peakOf({ resource: 'contact', operation: 'create' }, people(0, 40));
		expect(new Set(syncOf(run.outputs))).toEqual(new Set(['created']));
		expect(run.requests).toBe(40);
		expect(run.peak).toBe(10);
	});

	it('a custom value bounds the client and the write pool alike (upsert: lookups and writes)', async () => {
		const run = await peakOf(
			{ ...upsertContacts, options: { concurrency: 3, lookupBatchSize: 5 } },
			people(100, 30),
		);
		expect(new Set(syncOf(run.outputs))).toEqual(new Set(['created']));
		// 6 lookups of 5 keys + 30 creates, never more than 3 at once.
		expect(run.requests).toBe(36);
		expect(run.peak).toBe(3);
	});

	it('Update of contacts and activity Update honour it too; 1 means one at a time', async () => {
		await run(upsertContacts, people(200, 12));
		const update = await peakOf(
			{ resource: 'contact', operation: 'update', options: { concurrency: 1 } },
			people(200, 12).map((p) => ({ ...p, title: `${String(p.title)} (changed)` })),
		);
		expect(new Set(syncOf(update.outputs))).toEqual(new Set(['updated']));
		expect(update.peak).toBe(1);

		sandbox.seed({ activities: 12 });
		const names = sandbox.store.list('activities').map((a) => String(a.name));
		expect(names.length).toBeGreaterThanOrEqual(12);
		const activities = await peakOf(
			{
				resource: 'activity',
				operation: 'update',
				activity: '={{ $json.name }}',
				updateFields: { title: 'Checked' },
				options: { concurrency: 4 },
			},
			names.slice(0, 12).map((name) => ({ name })),
		);
		expect(new Set(syncOf(activities.outputs))).toEqual(new Set(['updated']));
		expect(activities.peak).toBe(4);
	});

	it('is offered on every write operation, default 10, 1 to 50', () => {
		const props = new Daktela().description.properties;
		const shown = props
			.filter((p) => p.name === 'options')
			.filter((p) => p.options?.some((o) => 'name' in o && o.name === 'concurrency'))
			.map((p) => {
				const show = p.displayOptions?.show ?? {};
				return `${String(show.resource)}:${String(show.operation)}`;
			})
			.sort();
		expect(shown).toEqual([
			'account:create',
			'account:update',
			'account:upsert',
			'activity:update',
			'contact:create',
			'contact:update',
			'contact:upsert',
		]);
		const option = props
			.find((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('upsert'))
			?.options?.find((o) => 'name' in o && o.name === 'concurrency') as unknown as IDataObject;
		expect(option).toMatchObject({
			default: 10,
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
		});
	});
});

describe('an item that already failed upstream (json.error, n8n convention)', () => {
	// The middle CRM person has no last name: the Field Mapper (Continue) makes it an error item.
	const crmPeople = [
		{ id: 1, first_name: 'Jana', last_name: 'Nováková' },
		{ id: 2, first_name: 'Petr', last_name: '' },
		{ id: 3, first_name: 'Eva', last_name: 'Svobodová' },
	];

	async function mapThenWrite(operation: string, onError?: 'continueRegularOutput') {
		return await runWorkflow({
			nodes: [
				{
					id: '1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: '2',
					name: 'Field Mapper',
					type: 'fieldMapper',
					typeVersion: 1,
					position: [200, 0],
					parameters: { entity: 'contact' },
					onError: 'continueRegularOutput',
				},
				{
					id: '3',
					name: 'Daktela',
					type: 'daktela',
					typeVersion: 1,
					position: [400, 0],
					parameters: { resource: 'contact', operation },
					onError,
				},
			],
			connections: {
				Start: { main: [[{ node: 'Field Mapper', type: 'main', index: 0 }]] },
				'Field Mapper': { main: [[{ node: 'Daktela', type: 'main', index: 0 }]] },
			},
			nodeTypes: { fieldMapper: FieldMapper, daktela: Daktela },
			credentials: {
				daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
			},
			triggerItems: crmPeople,
		});
	}

	it.each(['upsert', 'create'])(
		'%s, Continue: the others are written, that one fails with the upstream message',
		async (operation) => {
			const r = await mapThenWrite(operation, 'continueRegularOutput');
			expect(r.error).toBeUndefined();
			const out = r.outputOf('Daktela');
			expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(syncOf(out)).toEqual(['created', 'failed', 'created']);
			const message = (out[1].json.sync as IDataObject).error as string;
			expect(message).toMatch(/^upstream error: Field "lastname" .*required value is missing/);
			expect(out[1].json.error).toBe(message);
			expect(message).not.toContain('external ID');
			expect(sandbox.store.list('contacts').map((c) => c.name)).toEqual(
				expect.arrayContaining(['crm_person_1', 'crm_person_3']),
			);
			expect(sandbox.store.list('contacts')).toHaveLength(2);
		},
	);

	it('without Continue On Fail the node stops naming the item and the upstream error, writing nothing', async () => {
		const r = await mapThenWrite('create');
		expect(r.errorNode).toBe('Daktela');
		expect(r.error?.message).toMatch(
			/^upstream error: Field "lastname" .*required value is missing.*\[item 1\]$/,
		);
		expect(writes()).toBe(0);
	});

	it('Update, error output: the failed item goes there with the upstream message', async () => {
		sandbox.store.put('contacts', person(1));
		const r = await run(
			{ resource: 'contact', operation: 'update' },
			[person(1, { title: 'Renamed' }), { name: 'crm_person_1', error: { message: 'CRM: 500' } }],
			{ onError: 'continueErrorOutput' },
		);
		expect(r.error).toBeUndefined();
		expect(syncOf(r.outputs[0])).toEqual(['updated']);
		expect(r.outputs[1]).toHaveLength(1);
		expect(r.outputs[1][0].json).toMatchObject({
			error: 'upstream error: CRM: 500',
			details: { name: 'crm_person_1', itemIndex: 1 },
		});
		expect(sandbox.store.get('contacts', 'crm_person_1')?.title).toBe('Renamed');
		expect(sandbox.counters.get('PUT', 'contacts')).toBe(1);
	});
});
