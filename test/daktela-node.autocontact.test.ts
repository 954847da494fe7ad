/**
 * Account Create or Update with "Auto-Create Contact" (the Daktela CRM Sync SDK's
 * auto_create_contact): every written account gets one contact made from its own fields, with the
 * SDK's skip_if_empty and skip_if_exists (all / any). Inside n8n's real WorkflowExecute, against
 * the sandbox Daktela over HTTP.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import { SyncCheckpoint } from '../nodes/SyncCheckpoint/SyncCheckpoint.node';
import { runNode, runWorkflow } from './harness/n8n.cjs';
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
});

async function upsertAccounts(items: IDataObject[], options: INodeParameters = {}) {
	return await runNode({
		node: Daktela,
		parameters: {
			resource: 'account',
			operation: 'upsert',
			options: { autoContact: true, ...options },
		},
		items,
		credentials: {
			daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
		},
		continueOnFail: true,
	});
}

const acme: IDataObject = {
	name: 'crm_account_1',
	title: 'ACME s.r.o.',
	database: 'vip',
	customFields: { email: ['info@acme.cz'], number: ['+420601000001'], ico: ['12345678'] },
};
const empty: IDataObject = { name: 'crm_account_2', title: 'No Contact Data', database: 'default' };

const contactOf = (items: INodeExecutionData[]) =>
	items.map((i) => (i.json.sync as IDataObject).contact ?? null);

describe('Account Create or Update: Auto-Create Contact', () => {
	it('makes one contact from the account, skips an account with no email or phone, then leaves it alone', async () => {
		const first = await upsertAccounts([acme, empty]);
		expect(first.outputs[0].map((i) => (i.json.sync as IDataObject).action)).toEqual([
			'created',
			'created',
		]);
		expect(contactOf(first.outputs[0])).toEqual([
			{ action: 'created', name: 'crm_account_1_contact' },
			{ action: 'skipped', name: 'crm_account_2_contact', reason: 'empty' },
		]);
		const contact = sandbox.store.get('contacts', 'crm_account_1_contact') as IDataObject;
		expect(contact).toMatchObject({
			title: 'ACME s.r.o.',
			lastname: 'ACME s.r.o.',
			account: expect.objectContaining({ name: 'crm_account_1' }),
			database: expect.objectContaining({ name: 'vip' }),
			customFields: expect.objectContaining({
				email: ['info@acme.cz'],
				number: ['+420601000001'],
			}),
		});
		expect(sandbox.store.list('contacts')).toHaveLength(1);

		sandbox.counters.reset();
		const second = await upsertAccounts([acme, empty]);
		expect(contactOf(second.outputs[0])).toEqual([
			{ action: 'unchanged', name: 'crm_account_1_contact' },
			{ action: 'skipped', name: 'crm_account_2_contact', reason: 'empty' },
		]);
		expect(sandbox.counters.get('POST') + sandbox.counters.get('PUT')).toBe(0);

		// The account's phone changes: its contact follows.
		const changed = {
			...acme,
			customFields: { ...(acme.customFields as IDataObject), number: ['+420601000009'] },
		};
		const third = await upsertAccounts([changed]);
		expect(contactOf(third.outputs[0])).toEqual([
			{ action: 'updated', name: 'crm_account_1_contact' },
		]);
		expect(
			(sandbox.store.get('contacts', 'crm_account_1_contact')?.customFields as IDataObject).number,
		).toEqual(['+420601000009']);
	});

	it('is off by default: no contact, no sync.contact', async () => {
		const result = await upsertAccounts([acme], { autoContact: false });
		expect(contactOf(result.outputs[0])).toEqual([null]);
		expect(sandbox.store.list('contacts')).toEqual([]);
	});

	it('skip if exists: a contact of the account with the same values (all fields, or any)', async () => {
		sandbox.store.put('accounts', { name: 'crm_account_1', title: 'ACME s.r.o.', database: 'vip' });
		sandbox.store.put('contacts', {
			name: 'crm_person_7',
			title: 'Jana',
			lastname: 'Jana',
			database: 'vip',
			account: 'crm_account_1',
			customFields: { email: ['INFO@acme.cz'], number: [] },
		});
		// All: the person has the email but not the phone, so the account still gets its contact...
		const all = await upsertAccounts([acme]);
		expect(contactOf(all.outputs[0])).toEqual([
			{ action: 'created', name: 'crm_account_1_contact' },
		]);
		sandbox.store.remove('contacts', 'crm_account_1_contact');
		// ...any: the email alone is enough to skip it.
		const any = await upsertAccounts([acme], { autoContactSkipIfExistsMode: 'any' });
		expect(contactOf(any.outputs[0])).toEqual([
			{ action: 'skipped', name: 'crm_account_1_contact', reason: 'exists' },
		]);
		expect(sandbox.store.get('contacts', 'crm_account_1_contact')).toBeUndefined();
		// A contact of another account does not count.
		sandbox.store.put('accounts', { name: 'crm_account_3', title: 'Other', database: 'vip' });
		sandbox.store.put('contacts', {
			name: 'crm_person_7',
			title: 'Jana',
			lastname: 'Jana',
			database: 'vip',
			account: 'crm_account_3',
			customFields: { email: ['info@acme.cz'] },
		});
		const other = await upsertAccounts([acme], { autoContactSkipIfExistsMode: 'any' });
		expect(contactOf(other.outputs[0])).toEqual([
			{ action: 'created', name: 'crm_account_1_contact' },
		]);
	});

	it("an item's _contact adds fields; a contact Daktela refuses fails the account item, naming why", async () => {
		const result = await upsertAccounts(
			[
				{ ...acme, _contact: { firstname: 'Reception', description: 'Main line' } },
				{
					...empty,
					name: 'crm_account_4',
					customFields: { number: ['+420601000004'] },
					_contact: { customFields: { email: ['not an email'] } },
				},
			],
			{ autoContactSuffix: '_main' },
		);
		expect(sandbox.store.get('contacts', 'crm_account_1_main')).toMatchObject({
			firstname: 'Reception',
			description: 'Main line',
			lastname: 'ACME s.r.o.',
		});
		const failed = result.outputs[0][1].json;
		expect(failed.error).toBe(
			'the account was written, but its contact crm_account_4_main failed: customFields.email: E-mail není ve správném formátu',
		);
		expect((failed.sync as IDataObject).action).toBe('failed');
		// The account itself was written: the next run only has the contact to make.
		expect(sandbox.store.get('accounts', 'crm_account_4')).toBeDefined();
	});

	it("the Sync Checkpoint's Commit summary counts the accounts' contacts", async () => {
		const node = (name: string, type: string, x: number, parameters: INodeParameters) => ({
			id: name,
			name,
			type,
			typeVersion: 1,
			position: [x, 0] as [number, number],
			parameters,
		});
		const result = await runWorkflow({
			nodes: [
				node('Start', 'n8n-nodes-base.manualTrigger', 0, {}),
				node('Upsert accounts', 'daktela', 200, {
					resource: 'account',
					operation: 'upsert',
					options: { autoContact: true },
				}),
				node('Commit', 'syncCheckpoint', 400, {
					operation: 'commit',
					syncName: 'crm-to-daktela',
					entity: 'accounts',
					recordSource: 'expressions',
					recordId: '={{ $json.name }}',
					cursorValue: '2026-12-01T10:00:00Z',
				}),
			],
			connections: {
				Start: { main: [[{ node: 'Upsert accounts', type: 'main', index: 0 }]] },
				'Upsert accounts': { main: [[{ node: 'Commit', type: 'main', index: 0 }]] },
			},
			nodeTypes: { daktela: Daktela, syncCheckpoint: SyncCheckpoint },
			credentials: {
				daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
			},
			triggerItems: [acme, empty],
		});
		expect(result.error).toBeUndefined();
		const [summary] = result.outputOf('Commit').map((i) => i.json);
		expect(summary).toMatchObject({
			created: 2,
			failed: 0,
			contacts: { created: 1, updated: 0, unchanged: 0, skipped: 1 },
		});
	});
});
