/**
 * Daktela node, Delete of contacts and accounts as a sync uses it (records deleted in the CRM):
 * delete or archive, only records the sync created, and the safety limit that removes nothing
 * when a run would remove too many. Inside n8n's real WorkflowExecute, against the sandbox
 * Daktela over HTTP.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import { runNode } from './harness/n8n.cjs';
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
	// 10 contacts made by the sync, 2 made by hand.
	for (let i = 1; i <= 10; i++) {
		sandbox.store.put('contacts', {
			name: `crm_person_${i}`,
			title: `Person ${i}`,
			lastname: `Person ${i}`,
			database: 'default',
		});
	}
	for (const name of ['crmXperson_1', 'manual_1']) {
		sandbox.store.put('contacts', { name, title: name, lastname: name, database: 'default' });
	}
});

const credentials = () => ({
	daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
});

async function remove(
	names: string[],
	parameters: INodeParameters = {},
	options: INodeParameters = {},
	continueOnFail = true,
) {
	return await runNode({
		node: Daktela,
		parameters: {
			resource: 'contact',
			operation: 'delete',
			contact: { __rl: true, mode: 'id', value: '={{ $json.name }}' },
			...parameters,
			options,
		},
		items: names.map((name) => ({ name })),
		credentials: credentials(),
		continueOnFail,
	});
}

const json = (items: INodeExecutionData[]) => items.map((i) => i.json);
const left = () =>
	sandbox.store
		.list('contacts')
		.map((r) => String(r.name))
		.sort();
const writes = () => sandbox.requests.filter((r) => r.method === 'DELETE' || r.method === 'PUT');

describe('Daktela Delete for syncs: only records the sync created', () => {
	it('refuses a name without the prefix and deletes the others', async () => {
		const result = await remove(
			['crm_person_1', 'manual_1', 'crmXperson_1'],
			{},
			{
				onlyPrefix: 'crm_person_',
				ignoreMissing: true,
			},
		);
		expect(json(result.outputs[0])).toEqual([
			{ name: 'crm_person_1', deleted: true, sync: { action: 'deleted', name: 'crm_person_1' } },
			expect.objectContaining({
				error:
					'name: manual_1 was not created by this sync (its name does not start with "crm_person_"); it was not removed',
				sync: expect.objectContaining({ action: 'failed', name: 'manual_1' }),
			}),
			// `_` in the prefix is no LIKE wildcard here.
			expect.objectContaining({ sync: expect.objectContaining({ action: 'failed' }) }),
		]);
		expect(left()).toContain('manual_1');
		expect(left()).toContain('crmXperson_1');
		expect(left()).not.toContain('crm_person_1');
		expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
			expect.stringContaining('crm_person_1'),
		]);
	});
});

describe('Daktela Delete for syncs: the safety limit', () => {
	it('over Max Records: removes nothing, every item fails with the reason', async () => {
		const names = ['crm_person_1', 'crm_person_2', 'crm_person_3'];
		const result = await remove(names, {}, { onlyPrefix: 'crm_person_', maxRecords: 2 });
		const message =
			"safety limit: this run would remove 3 contacts, but Max Records is 2; nothing was removed. Check the CRM's list of deleted records; if it is right, raise the limit for one run";
		expect(json(result.outputs[0]).map((j) => j.error)).toEqual([message, message, message]);
		expect(writes()).toEqual([]);
		expect(left()).toHaveLength(12);
	});

	it('over Max Percent of the records with the prefix (10 here, not 12): removes nothing', async () => {
		// 3 of 10 = 30%; of all 12 contacts it would be 25%, under a 28% limit.
		const result = await remove(
			['crm_person_1', 'crm_person_2', 'crm_person_3'],
			{},
			{ onlyPrefix: 'crm_person_', maxPercent: 28 },
		);
		expect(String(json(result.outputs[0])[0].error)).toContain(
			'would remove 3 contacts (30% of the 10 contacts named crm_person_… in Daktela), but Max Percent is 28%; nothing was removed',
		);
		expect(writes()).toEqual([]);
		// Continue On Fail off: the node stops with the same message.
		const stopped = await remove(
			['crm_person_1', 'crm_person_2', 'crm_person_3'],
			{},
			{ onlyPrefix: 'crm_person_', maxPercent: 28 },
			false,
		);
		expect(stopped.error?.message).toMatch(/^safety limit: this run would remove 3 contacts/);
		expect(left()).toHaveLength(12);
	});

	it('counts only records that exist in Daktela (a first run lists every record ever deleted)', async () => {
		const result = await remove(
			['crm_person_1', 'crm_person_404', 'crm_person_405'],
			{},
			{ onlyPrefix: 'crm_person_', maxRecords: 1, ignoreMissing: true },
		);
		expect(json(result.outputs[0]).map((j) => (j.sync as IDataObject).action)).toEqual([
			'deleted',
			'unchanged',
			'unchanged',
		]);
	});

	it('within the limits: removes, and the same name twice counts once', async () => {
		const result = await remove(
			['crm_person_1', 'crm_person_2', 'crm_person_2'],
			{},
			{ onlyPrefix: 'crm_person_', maxRecords: 2, maxPercent: 20, ignoreMissing: true },
		);
		expect(json(result.outputs[0]).map((j) => (j.sync as IDataObject).action)).toEqual([
			'deleted',
			'deleted',
			'unchanged',
		]);
		expect(left()).not.toContain('crm_person_2');
	});
});

describe('Daktela Delete for syncs: archive', () => {
	it('keeps the record, stamps the archive field and moves it to the archive database', async () => {
		const before = Date.now();
		const result = await remove(
			['crm_person_4', 'crm_person_99'],
			{ removeAs: 'archive', archiveField: 'customFields.crm_deleted', archiveDatabase: 'vip' },
			{ onlyPrefix: 'crm_person_', ignoreMissing: true },
		);
		expect(json(result.outputs[0])).toEqual([
			{
				name: 'crm_person_4',
				deleted: false,
				archived: true,
				sync: { action: 'deleted', name: 'crm_person_4' },
			},
			{
				name: 'crm_person_99',
				deleted: false,
				archived: false,
				sync: { action: 'unchanged', name: 'crm_person_99' },
			},
		]);
		const archived = sandbox.store.get('contacts', 'crm_person_4') as IDataObject;
		expect((archived.database as IDataObject).name).toBe('vip');
		const stamp = (archived.customFields as IDataObject).crm_deleted as string[];
		expect(Date.parse(stamp[0])).toBeGreaterThanOrEqual(before - 1000);
		expect(left()).toHaveLength(12);
		expect(sandbox.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
	});

	it('archive with neither a field nor a database fails the item', async () => {
		const result = await remove(['crm_person_4'], {
			removeAs: 'archive',
			archiveField: '',
			archiveDatabase: '',
		});
		expect(json(result.outputs[0])[0].error).toBe(
			'set an Archive Field or an Archive Database to archive',
		);
		expect(writes()).toEqual([]);
	});
});

describe('Daktela Delete for syncs: accounts', () => {
	it('an account that still has contacts is refused by Daktela and reported, not hidden', async () => {
		sandbox.store.put('accounts', { name: 'crm_account_1', title: 'ACME', database: 'default' });
		sandbox.store.put('contacts', {
			name: 'crm_person_50',
			title: 'Jan',
			lastname: 'Jan',
			database: 'default',
			account: 'crm_account_1',
		});
		const parameters: INodeParameters = {
			resource: 'account',
			operation: 'delete',
			account: { __rl: true, mode: 'id', value: '={{ $json.name }}' },
			options: { onlyPrefix: 'crm_account_' },
		};
		const run = async () =>
			await runNode({
				node: Daktela,
				parameters,
				items: [{ name: 'crm_account_1' }],
				credentials: credentials(),
				continueOnFail: true,
			});
		expect(String(json((await run()).outputs[0])[0].error)).toContain(
			'Account cannot be deleted, 1 contact(s) still belong to it',
		);
		sandbox.store.remove('contacts', 'crm_person_50');
		expect(json((await run()).outputs[0])[0].deleted).toBe(true);
	});
});
