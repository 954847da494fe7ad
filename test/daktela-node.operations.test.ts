/**
 * Daktela node: every operation of every resource, run inside n8n's real WorkflowExecute against
 * the sandbox Daktela over HTTP, plus the list search behind the resource locators.
 */
import {
	NodeConnectionTypes,
	setGlobalState,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import codex from '../nodes/Daktela/Daktela.node.json';
import { listSearch } from '../nodes/Daktela/methods';
import { runNode, type RunNodeOptions } from './harness/n8n.cjs';
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
	setGlobalState({ defaultTimezone: 'America/New_York' });
});

const credentials = () => ({
	daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
});

async function run(
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	extra: Partial<RunNodeOptions> = {},
) {
	return await runNode({ node: Daktela, parameters, items, credentials: credentials(), ...extra });
}

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });
const json = (items: INodeExecutionData[]) => items.map((i) => i.json);
const names = (items: INodeExecutionData[]) => items.map((i) => i.json.name);
const listRequests = (endpoint: string) =>
	sandbox.requests.filter((r) => r.method === 'GET' && r.endpoint === endpoint);

function seedContacts() {
	sandbox.store.put('accounts', { name: 'crm_company_1', title: 'ACME', database: 'default' });
	sandbox.store.put('accounts', { name: 'crm_company_2', title: 'Globex', database: 'vip' });
	const contacts = [
		['crm_person_1', 'Jan Novák', 'crm_company_1', 'default', 'jan@acme.cz', '2026-03-01 08:00:00'],
		[
			'crm_person_2',
			'Eva Svobodová',
			'crm_company_1',
			'default',
			'eva@acme.cz',
			'2026-03-01 10:30:00',
		],
		[
			'crm_person_3',
			'Petr Dvořák',
			'crm_company_2',
			'vip',
			'petr@globex.cz',
			'2026-03-01 11:00:00',
		],
		['crm_person_4', 'Lucie Černá', null, 'default', 'lucie@example.cz', '2026-03-02 09:00:00'],
	] as const;
	for (const [name, title, account, database, email, edited] of contacts) {
		sandbox.store.put('contacts', {
			name,
			title,
			lastname: title.split(' ')[1],
			account,
			database,
			customFields: { email: [email] },
			created: '2026-02-01 12:00:00',
			edited,
		});
	}
}

describe('contact', () => {
	it('Create with Define Below: resource locators, custom fields; output in ISO times', async () => {
		seedContacts();
		const result = await run({
			resource: 'contact',
			operation: 'create',
			database: rl('default', 'list'),
			dataMode: 'defineBelow',
			fields: {
				name: 'crm_person_10',
				title: 'Ada Lovelace',
				firstname: 'Ada',
				lastname: 'Lovelace',
				account: rl('crm_company_2', 'list'),
				user: rl('agent_novak'),
				customFieldsUi: { values: [{ field: 'customFields.number', value: '+420777000111' }] },
			},
		});
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			name: 'crm_person_10',
			account: { name: 'crm_company_2', title: 'Globex' },
			user: { name: 'agent_novak' },
			database: { name: 'default' },
			customFields: { number: ['+420777000111'] },
			sync: { action: 'created', name: 'crm_person_10' },
		});
		expect(item.json.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
	});

	it('Create fails with the field and the item when Daktela rejects the record', async () => {
		const result = await run({ resource: 'contact', operation: 'create' }, [
			{ name: 'crm_person_1', title: 'A', lastname: 'A', database: 'default' },
			{ name: 'crm_person_2', title: 'B', database: 'default' },
		]);
		expect(result.error?.message).toBe('lastname: Item is mandatory [item 1]');
		expect(result.error).toMatchObject({ context: { itemIndex: 1 } });
	});

	it('Create resolves a CRM account id in bulk (lookup)', async () => {
		sandbox.store.put('accounts', {
			name: 'account_x',
			title: 'X',
			database: 'default',
			customFields: { ico: ['111'] },
		});
		const result = await run(
			{
				resource: 'contact',
				operation: 'create',
				options: { accountResolution: 'lookup', accountLookupField: 'customFields.ico' },
			},
			[
				{ name: 'crm_person_1', title: 'A', lastname: 'A', database: 'default', account: '111' },
				{ name: 'crm_person_2', title: 'B', lastname: 'B', database: 'default', account: '111' },
			],
		);
		expect(result.outputs[0].map((i) => (i.json.account as IDataObject).name)).toEqual([
			'account_x',
			'account_x',
		]);
		expect(listRequests('accounts')).toHaveLength(1);
	});

	it('Update: Define Below on the chosen contact; auto-map takes the name from the item', async () => {
		seedContacts();
		const defined = await run({
			resource: 'contact',
			operation: 'update',
			contact: rl('crm_person_1', 'list'),
			dataMode: 'defineBelow',
			fields: { title: 'Jan Novák Jr.', account: rl('crm_company_2') },
		});
		expect(defined.outputs[0][0].json).toMatchObject({
			name: 'crm_person_1',
			title: 'Jan Novák Jr.',
			account: { name: 'crm_company_2' },
			sync: { action: 'updated', name: 'crm_person_1' },
		});
		const mapped = await run({ resource: 'contact', operation: 'update', contact: rl('') }, [
			{
				name: 'crm_person_2',
				description: 'VIP',
				_lookup: { field: 'name', value: 'crm_person_2' },
			},
		]);
		expect(mapped.outputs[0][0].json).toMatchObject({ name: 'crm_person_2', description: 'VIP' });
		expect(sandbox.store.get('contacts', 'crm_person_2')?.description).toBe('VIP');
		const missing = await run({ resource: 'contact', operation: 'update', contact: rl('nobody') }, [
			{ title: 'X' },
		]);
		expect(missing.error?.message).toMatch(/\[item 0\]$/);
		expect(missing.error).toMatchObject({ httpCode: '404' });
	});

	it('Update with custom fields reads the stored ones in bulk first (one request per chunk)', async () => {
		seedContacts();
		sandbox.store.put('contacts', {
			name: 'crm_person_1',
			title: 'Jan Novák',
			lastname: 'Novák',
			database: 'default',
			customFields: { email: ['jan@acme.cz'], note: ['VIP'] },
		});
		const result = await run({ resource: 'contact', operation: 'update', contact: rl('') }, [
			{ name: 'crm_person_1', customFields: { email: 'jan.novak@acme.cz' } },
			{ name: 'crm_person_2', customFields: { number: '+420777000222' } },
			{ name: 'crm_person_3', title: 'Petr' },
		]);
		expect(result.error).toBeUndefined();
		expect(listRequests('contacts')).toHaveLength(1);
		expect(sandbox.counters.get('PUT', 'contacts')).toBe(3);
		expect(sandbox.store.get('contacts', 'crm_person_1')?.customFields).toEqual({
			email: ['jan.novak@acme.cz'],
			note: ['VIP'],
		});
		expect(sandbox.store.get('contacts', 'crm_person_2')?.customFields).toEqual({
			email: ['eva@acme.cz'],
			number: ['+420777000222'],
		});
		sandbox.requests.length = 0;
		await run({ resource: 'contact', operation: 'update', contact: rl('crm_person_3') }, [
			{ title: 'Petr D.' },
		]);
		expect(listRequests('contacts')).toHaveLength(0);
	});

	it('Get: one record, ISO times by default, Daktela times on request; a missing one fails its item', async () => {
		seedContacts();
		const iso = await run({ resource: 'contact', operation: 'get', contact: rl('crm_person_2') });
		expect(iso.outputs[0][0].json).toMatchObject({
			name: 'crm_person_2',
			edited: '2026-03-01T10:30:00+01:00',
			created: '2026-02-01T12:00:00+01:00',
		});
		expect(iso.outputs[0][0].json.sync).toBeUndefined();
		const raw = await run({
			resource: 'contact',
			operation: 'get',
			contact: rl('crm_person_2'),
			options: { isoTimes: false },
		});
		expect(raw.outputs[0][0].json.edited).toBe('2026-03-01 10:30:00');

		const missing = await run(
			{ resource: 'contact', operation: 'get', contact: '={{ $json.who }}' },
			[{ who: 'crm_person_1' }, { who: 'nobody' }],
			{ continueOnFail: true },
		);
		expect(names(missing.outputs[0])).toEqual(['crm_person_1', undefined]);
		expect(missing.outputs[0][1]).toEqual({
			json: { error: 'Object not exist' }, // Daktela's own words
			pairedItem: { item: 1 },
		});
	});

	it('Get Many: Return All pages through every record; Limit stops early', async () => {
		sandbox.seed({ contacts: 2100 });
		const all = await run({ resource: 'contact', operation: 'getMany', returnAll: true });
		expect(all.outputs[0]).toHaveLength(2100);
		expect(new Set(names(all.outputs[0])).size).toBe(2100);
		expect(listRequests('contacts')).toHaveLength(3);
		expect(new Set(all.outputs[0].map((i) => JSON.stringify(i.pairedItem)))).toEqual(
			new Set([JSON.stringify({ item: 0 })]),
		);

		sandbox.counters.reset();
		sandbox.requests.length = 0;
		const some = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: false,
			limit: 7,
		});
		expect(some.outputs[0]).toHaveLength(7);
		expect(listRequests('contacts')).toHaveLength(1);
		expect(new URLSearchParams(listRequests('contacts')[0].url.split('?')[1]).get('take')).toBe(
			'7',
		);
	});

	it('Get Many: Modified Since in any time zone, oldest first', async () => {
		seedContacts();
		// 09:30 UTC = 10:30 in Prague (the instance zone, where Daktela keeps `edited`).
		const utc = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01T09:30:00Z' },
		});
		expect(names(utc.outputs[0])).toEqual(['crm_person_2', 'crm_person_3', 'crm_person_4']);
		expect(json(utc.outputs[0]).map((c) => c.edited)).toEqual([
			'2026-03-01T10:30:00+01:00',
			'2026-03-01T11:00:00+01:00',
			'2026-03-02T09:00:00+01:00',
		]);
		// A time without offset (n8n's date picker) is read in the workflow's time zone.
		const local = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01T04:30:01' },
		});
		expect(names(local.outputs[0])).toEqual(['crm_person_3', 'crm_person_4']);
		setGlobalState({ defaultTimezone: 'Europe/Prague' });
		const prague = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01T11:00:00' },
		});
		expect(names(prague.outputs[0])).toEqual(['crm_person_3', 'crm_person_4']);
	});

	it('Get Many: a date alone is midnight in the workflow time zone, like a time without offset', async () => {
		seedContacts();
		setGlobalState({ defaultTimezone: 'America/Los_Angeles' });
		// 2026-03-01 00:00 in Los Angeles = 09:00 in Prague.
		const result = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01' },
		});
		expect(names(result.outputs[0])).toEqual(['crm_person_2', 'crm_person_3', 'crm_person_4']);
	});

	it('Get Many: relation filters, extra filters, search, fields and sort', async () => {
		seedContacts();
		const byAccount = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { account: rl('crm_company_1', 'list') },
			options: { sort: { rule: [{ field: 'title', dir: 'desc' }] }, fields: 'name,title' },
		});
		expect(json(byAccount.outputs[0])).toEqual([
			{ name: 'crm_person_1', title: 'Jan Novák' },
			{ name: 'crm_person_2', title: 'Eva Svobodová' },
		]);
		const extra = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { database: rl('default') },
			extraFilters: {
				filter: [
					{ field: 'customFields.email', operator: 'like', value: '%@acme.cz' },
					{ field: 'name', operator: 'notin', value: 'crm_person_9, crm_person_1' },
				],
			},
		});
		expect(names(extra.outputs[0])).toEqual(['crm_person_2']);
		const empty = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			extraFilters: { filter: [{ field: 'account', operator: 'isnull' }] },
		});
		expect(names(empty.outputs[0])).toEqual(['crm_person_4']);
		const search = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { q: 'globex' },
		});
		expect(names(search.outputs[0])).toEqual(['crm_person_3']);
	});

	it('Delete: reports deleted; a missing record fails, or counts as done with Ignore Missing', async () => {
		seedContacts();
		const deleted = await run({
			resource: 'contact',
			operation: 'delete',
			contact: rl('crm_person_4'),
		});
		expect(deleted.outputs[0]).toEqual([
			{
				json: {
					name: 'crm_person_4',
					deleted: true,
					sync: { action: 'deleted', name: 'crm_person_4' },
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(sandbox.store.get('contacts', 'crm_person_4')).toBeUndefined();
		const missing = await run({
			resource: 'contact',
			operation: 'delete',
			contact: rl('crm_person_4'),
		});
		expect(missing.error?.message).toMatch(/\[item 0\]$/);
		const ignored = await run({
			resource: 'contact',
			operation: 'delete',
			contact: rl('crm_person_4'),
			options: { ignoreMissing: true },
		});
		expect(ignored.outputs[0][0].json).toEqual({
			name: 'crm_person_4',
			deleted: false,
			sync: { action: 'unchanged', name: 'crm_person_4' },
		});
	});
});

describe('account', () => {
	it('Create, Update, Get, Get Many and Delete', async () => {
		const created = await run({ resource: 'account', operation: 'create', database: rl('vip') }, [
			{ name: 'crm_company_1', title: 'ACME', customFields: { ico: '12345678' } },
			{ name: 'crm_company_2', title: 'Globex', database: 'default' },
		]);
		expect(
			json(created.outputs[0]).map((a) => [
				a.name,
				(a.database as IDataObject).name,
				(a.sync as IDataObject).action,
			]),
		).toEqual([
			['crm_company_1', 'vip', 'created'],
			['crm_company_2', 'default', 'created'],
		]);
		const updated = await run({
			resource: 'account',
			operation: 'update',
			account: rl('crm_company_1'),
			dataMode: 'defineBelow',
			fields: {
				title: 'ACME a.s.',
				sla: '',
				customFieldsUi: { values: [{ field: 'web', value: 'https://acme.cz' }] },
			},
		});
		expect(updated.outputs[0][0].json).toMatchObject({
			title: 'ACME a.s.',
			sync: { action: 'updated' },
		});
		expect(sandbox.store.get('accounts', 'crm_company_1')?.customFields).toEqual({
			ico: ['12345678'],
			web: ['https://acme.cz'],
		});
		const got = await run({ resource: 'account', operation: 'get', account: rl('crm_company_2') });
		expect(got.outputs[0][0].json).toMatchObject({ name: 'crm_company_2', title: 'Globex' });
		const many = await run({
			resource: 'account',
			operation: 'getMany',
			returnAll: true,
			filters: { database: rl('vip') },
		});
		expect(names(many.outputs[0])).toEqual(['crm_company_1']);

		sandbox.store.put('contacts', {
			name: 'c1',
			title: 'C',
			lastname: 'C',
			database: 'default',
			account: 'crm_company_2',
		});
		const refused = await run(
			{ resource: 'account', operation: 'delete', account: '={{ $json.name }}' },
			[{ name: 'crm_company_1' }, { name: 'crm_company_2' }],
			{ continueOnFail: true },
		);
		expect(json(refused.outputs[0]).map((a) => (a.sync as IDataObject).action)).toEqual([
			'deleted',
			'failed',
		]);
		expect((refused.outputs[0][1].json.sync as IDataObject).error).toMatch(/contact/);
		expect(sandbox.store.get('accounts', 'crm_company_2')).toBeDefined();
	});
});

describe('activity', () => {
	function seedActivities() {
		sandbox.store.put('contacts', {
			name: 'crm_person_5',
			title: 'P',
			lastname: 'P',
			database: 'default',
		});
		const base = { queue: '3000', user: 'agent_novak', action: 'CLOSE' };
		// Created before the cursor, closed after it: must not be missed.
		sandbox.store.put('activities', {
			...base,
			name: 'act_late_close',
			type: 'CALL',
			time: '2026-03-01 08:00:00',
			time_open: '2026-03-01 08:00:10',
			time_close: '2026-03-02 09:00:00',
			item: {
				id_call: '1772348400.1',
				call_time: '2026-03-01 08:00:00',
				direction: 'in',
				answered: true,
				clid: '+420777000111',
				did: '+420234100200',
				waiting_time: 10,
				hold_time: 5,
				duration: 300,
				disposition_cause: 'ANSWERED',
			},
		});
		// Still open: has no time_close.
		sandbox.store.put('activities', {
			...base,
			name: 'act_open',
			type: 'EMAIL',
			action: 'OPEN',
			time: '2026-03-02 10:00:00',
			time_open: '2026-03-02 10:00:00',
			item: {
				name: 'emails_1',
				address: 'jan@acme.cz',
				direction: 'in',
				text: '<p>Hi</p>',
				title: 'Dotaz',
			},
		});
		sandbox.store.put('activities', {
			...base,
			name: 'act_old',
			type: 'SMS',
			time: '2026-02-28 10:00:00',
			time_close: '2026-03-01 07:00:00',
		});
	}

	it('Get Many: Changed Since on time_close by default, on time when chosen', async () => {
		seedActivities();
		const closed = await run({
			resource: 'activity',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01T12:00:00+01:00' },
		});
		expect(names(closed.outputs[0])).toEqual(['act_late_close']);
		const created = await run({
			resource: 'activity',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '2026-03-01T12:00:00+01:00', timeField: 'time' },
		});
		expect(names(created.outputs[0])).toEqual(['act_open']);
	});

	it('Get Many by time leaves out activities without that time (open ones for time_close)', async () => {
		seedActivities();
		const getMany = async (filters: INodeParameters) =>
			names(
				(await run({ resource: 'activity', operation: 'getMany', returnAll: true, filters }))
					.outputs[0],
			).sort();
		// A plain listing still shows open activities.
		expect(await getMany({})).toEqual(['act_late_close', 'act_old', 'act_open']);
		// A sync's first run (Changed Since present but empty) and an explicit Time Field: closed only,
		// so every record has a cursor value and the Sync Checkpoint can advance.
		sandbox.requests.length = 0;
		expect(await getMany({ modifiedSince: '' })).toEqual(['act_late_close', 'act_old']);
		expect(decodeURIComponent(sandbox.requests[0].url)).toMatch(
			/\[field\]=time_close&filter\[filters\]\[\d+\]\[operator\]=isnotnull/,
		);
		expect(await getMany({ timeField: 'time_close' })).toEqual(['act_late_close', 'act_old']);
		expect(await getMany({ timeField: 'time' })).toEqual(['act_late_close', 'act_old', 'act_open']);

		// Seeded activities mix open and closed ones.
		sandbox.reset();
		sandbox.seed({ contacts: 10, activities: 60, randomSeed: 7 });
		const stored = sandbox.store.list('activities');
		const closed = stored.filter((a) => a.time_close !== null && a.time_close !== undefined);
		expect(closed.length).toBeGreaterThan(0);
		expect(closed.length).toBeLessThan(stored.length);
		const read = await run({
			resource: 'activity',
			operation: 'getMany',
			returnAll: true,
			filters: { modifiedSince: '' },
		});
		expect(read.outputs[0]).toHaveLength(closed.length);
		for (const item of read.outputs[0]) expect(item.json.time_close).toEqual(expect.any(String));
	});

	it('Get Many: type filter over every channel, with the channel detail record', async () => {
		sandbox.seed({ contacts: 10, activities: 27, randomSeed: 5 });
		const all = await run({ resource: 'activity', operation: 'getMany', returnAll: true });
		expect(new Set(json(all.outputs[0]).map((a) => a.type))).toEqual(
			new Set(['CALL', 'EMAIL', 'CHAT', 'SMS', 'FBM', 'IGDM', 'WAP', 'VBR', 'CUSTOM']),
		);
		sandbox.requests.length = 0;
		const some = await run({
			resource: 'activity',
			operation: 'getMany',
			returnAll: true,
			filters: { types: ['CALL', 'EMAIL'] },
			options: { includeDetail: true },
		});
		const activities = json(some.outputs[0]);
		expect(activities).toHaveLength(6);
		for (const activity of activities) {
			const item = activity.item as IDataObject;
			if (activity.type === 'CALL') {
				expect(Object.keys(item)).toEqual(
					expect.arrayContaining([
						'direction',
						'answered',
						'duration',
						'waiting_time',
						'hold_time',
						'clid',
						'did',
						'disposition_cause',
					]),
				);
				expect(String(item.call_time)).toMatch(/T.*[+-]\d{2}:\d{2}$/);
			} else {
				expect(activity.type).toBe('EMAIL');
				expect(Object.keys(item)).toEqual(expect.arrayContaining(['address', 'direction', 'text']));
			}
		}
		// Daktela embedded the channel records: nothing more was fetched.
		expect(sandbox.requests.map((r) => r.endpoint)).toEqual(['activities']);
		const one = await run({
			resource: 'activity',
			operation: 'getMany',
			limit: 1,
			filters: { types: ['SMS'] },
		});
		expect(json(one.outputs[0]).map((a) => a.type)).toEqual(['SMS']);
	});

	it('Get: one activity with its call record', async () => {
		seedActivities();
		const result = await run({
			resource: 'activity',
			operation: 'get',
			activity: 'act_late_close',
			options: { includeDetail: true },
		});
		expect(result.outputs[0][0].json).toMatchObject({
			name: 'act_late_close',
			type: 'CALL',
			time_close: '2026-03-02T09:00:00+01:00',
			item: {
				id_call: '1772348400.1',
				direction: 'in',
				duration: 300,
				hold_time: 5,
				clid: '+420777000111',
			},
		});
	});

	it('Update: statuses, description, state and the contact from a CRM id', async () => {
		seedActivities();
		const result = await run(
			{
				resource: 'activity',
				operation: 'update',
				activity: '={{ $json.activity }}',
				updateFields: {
					statuses: 'status_resolved, status_callback',
					description: 'Called back',
					action: 'CLOSE',
					contact: rl('={{ $json.crmId }}'),
				},
				options: { contactResolution: 'prefix', contactPrefix: 'crm_person_' },
			},
			[
				{ activity: 'act_open', crmId: '5' },
				{ activity: 'nope', crmId: '5' },
			],
			{ continueOnFail: true },
		);
		expect(result.outputs[0][0].json).toMatchObject({
			name: 'act_open',
			action: 'CLOSE',
			statuses: ['status_resolved', 'status_callback'],
			description: 'Called back',
			contact: { name: 'crm_person_5' },
			sync: { action: 'updated', name: 'act_open' },
		});
		expect(result.outputs[0][1].json.sync).toMatchObject({ action: 'failed', name: 'nope' });
		const stored = sandbox.store.get('activities', 'act_open');
		expect(stored?.statuses).toEqual(['status_resolved', 'status_callback']);
	});
});

// ---------------------------------------------------------------------------------------------
// List search, called from inside a real n8n execution (the harness has no load-options runner):
// a probe node hands its context, which has the same credential and request helpers, to the
// Daktela node's list search methods.

type SearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<{ results: INodePropertyOptions[]; paginationToken?: string }>;

function probeDescription(): INodeTypeDescription {
	return {
		displayName: 'List Search Probe',
		name: 'listSearchProbe',
		group: ['transform'],
		version: 1,
		description: 'Calls a Daktela list search method',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'daktelaApi', required: true }],
		properties: [],
	};
}

class ListSearchProbe implements INodeType {
	description = probeDescription();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (const [i, item] of items.entries()) {
			const method = (listSearch as Record<string, SearchMethod>)[String(item.json.method)];
			const result = await method.call(
				this as unknown as ILoadOptionsFunctions,
				item.json.filter as string | undefined,
				item.json.token as string | undefined,
			);
			out.push({ json: { ...result }, pairedItem: { item: i } });
		}
		return [out];
	}
}

async function search(method: string, filter?: string, token?: string) {
	const result = await runNode({
		node: ListSearchProbe,
		items: [{ method, filter, token }],
		credentials: credentials(),
	});
	expect(result.error).toBeUndefined();
	return result.outputs[0][0].json as { results: INodePropertyOptions[]; paginationToken?: string };
}

describe('list search', () => {
	it('databases, users, queues: title (name), filtered case-insensitively on title or name', async () => {
		expect((await search('searchDatabases')).results).toEqual([
			{ name: 'Default (default)', value: 'default' },
			{ name: 'VIP customers (vip)', value: 'vip' },
		]);
		expect((await search('searchUsers', 'NOVÁK')).results).toEqual([
			{ name: 'Jan Novák (agent_novak)', value: 'agent_novak' },
		]);
		expect((await search('searchQueues', 'chat')).results).toEqual([
			{ name: 'Web chat (3002)', value: '3002' },
		]);
	});

	it('accounts and contacts page with a pagination token', async () => {
		for (let n = 0; n < 130; n++) {
			sandbox.store.put('accounts', {
				name: `crm_company_${n}`,
				title: `Company ${String(n).padStart(3, '0')}`,
				database: 'default',
			});
		}
		const first = await search('searchAccounts', 'company');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('100');
		const second = await search('searchAccounts', 'company', first.paginationToken);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((r) => r.value)).size).toBe(130);
		expect((await search('searchAccounts', 'company 007')).results).toEqual([
			{ name: 'Company 007 (crm_company_7)', value: 'crm_company_7' },
		]);
		seedContacts();
		expect((await search('searchContacts', 'svobod')).results).toEqual([
			{ name: 'Eva Svobodová (crm_person_2)', value: 'crm_person_2' },
		]);
	});
});

describe('node description', () => {
	const { description } = new Daktela();

	it('is a tool-usable node with an icon, a subtitle and documented options', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.icon).toEqual({
			light: 'file:../../icons/daktela.svg',
			dark: 'file:../../icons/daktela.dark.svg',
		});
		expect(description.subtitle).toBeTruthy();
		const operations = description.properties.filter((p) => p.name === 'operation');
		expect(operations.map((p) => p.displayOptions?.show?.resource)).toEqual([
			['contact'],
			['account'],
			['activity'],
		]);
		for (const property of operations) {
			for (const option of property.options as INodePropertyOptions[]) {
				expect(option.action).toBeTruthy();
				expect(option.description).toBeTruthy();
			}
		}
		const activityOps = (operations[2].options as INodePropertyOptions[]).map((o) => o.value);
		expect(activityOps).not.toContain('delete');
		const undocumented: string[] = [];
		const walk = (props: INodeProperties[], path: string) => {
			for (const p of props) {
				if (!p.description && p.type !== 'options' && !['resource', 'operation'].includes(p.name)) {
					undocumented.push(`${path}${p.name}`);
				}
				if (p.type === 'collection') walk(p.options as INodeProperties[], `${path}${p.name}.`);
			}
		};
		walk(description.properties, '');
		expect(undocumented).toEqual([]);
	});

	it('has a codex with categories and documentation links', () => {
		expect(codex.node).toBe('n8n-nodes-daktela.daktela');
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.resources.primaryDocumentation[0].url).toBe(
			'https://github.com/n8n-nodes-daktela/n8n-nodes-daktela#daktela-node',
		);
	});
});
