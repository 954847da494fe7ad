/**
 * The transport inside n8n: a probe node runs through n8n-core's real WorkflowExecute (see
 * test/harness/n8n.cts), gets its client from createDaktelaClient(this), and talks to the sandbox
 * Daktela over HTTP through n8n's own helpers.httpRequestWithAuthentication (axios): the credential
 * puts the token in the X-AUTH-TOKEN header, axios serialises the bracket query, every status
 * reaches the client (returnFullResponse + ignoreHttpStatusErrors), a 204 has an empty body, and a
 * dropped socket arrives as a network error the client classifies. Waits use n8n-workflow's real
 * `sleep`, kept short with baseDelayMs 1 and Retry-After 0.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import { createDaktelaClient } from '../nodes/shared/n8n/client';
import { toNodeError } from '../nodes/shared/n8n/errors';
import { and, cond, or } from '../nodes/shared/transport/query';
import { runNode } from './harness/n8n.cjs';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';

const description: INodeTypeDescription = {
	displayName: 'Transport Probe',
	name: 'transportProbe',
	group: ['transform'],
	version: 1,
	description: 'Exercises the Daktela transport inside n8n',
	defaults: { name: 'Transport Probe' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'daktelaApi', required: true }],
	properties: [{ displayName: 'Scenario', name: 'scenario', type: 'string', default: 'crud' }],
};

class TransportProbe implements INodeType {
	description = description;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const scenario = this.getNodeParameter('scenario', 0) as string;
		const client = await createDaktelaClient(this, { baseDelayMs: 1, maxRetries: 3 });
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				const input = items[i].json;
				let json: IDataObject;
				if (scenario === 'crud') {
					const created = await client.create('contacts', input.record as IDataObject);
					const name = String(created.name);
					const read = await client.get('contacts', name);
					const updated = await client.update('contacts', name, { description: 'from n8n' });
					const found = await client.listAllRecords('contacts', {
						filter: and(
							cond('database', 'eq', 'default'),
							or(cond('name', 'eq', name), cond('lastname', 'in', ['nobody', 'none'])),
						),
						fields: ['title', 'description'],
					});
					await client.delete('contacts', name);
					const gone = await client.find('contacts', name);
					json = { created, read, updated, found, gone: gone === undefined };
				} else if (scenario === 'listAll') {
					let pages = 0;
					const records = await client.listAllRecords(
						'contacts',
						{ sort: [{ field: 'edited', dir: 'desc' }] },
						{ onPage: () => pages++ },
					);
					json = { count: records.length, unique: new Set(records.map((r) => r.name)).size, pages };
				} else if (scenario === 'createOutcome') {
					const outcome = await client.createDetailed('contacts', input.record as IDataObject);
					json = { recovered: outcome.recovered, name: String(outcome.record.name) };
				} else if (scenario === 'get') {
					json = await client.get('contacts', String(input.name));
				} else {
					json = { whoim: await client.whoim() };
				}
				out.push({ json, pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, i);
				if (!this.continueOnFail()) throw nodeError;
				out.push({
					json: {
						error: nodeError.message,
						description: nodeError.description ?? null,
						httpCode: (nodeError as NodeApiError).httpCode ?? null,
					},
					pairedItem: { item: i },
				});
			}
		}
		return [out];
	}
}

let sandbox: DaktelaSandbox;

beforeAll(async () => {
	sandbox = await startDaktelaSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setFaults(undefined);
	sandbox.store.put('accounts', { name: 'acc_one', title: 'One', database: 'default' });
});

// The credential as users paste it: trailing `/api/v6/` is fine.
const credentials = (token = sandbox.token) => ({
	daktelaApi: { url: `${sandbox.url}/api/v6/`, accessToken: token, timeZone: 'Europe/Prague' },
});

const record = (name?: string) => ({
	...(name ? { name } : {}),
	title: 'Eva Svobodová',
	firstname: 'Eva',
	lastname: 'Svobodová',
	database: 'default',
	account: 'acc_one',
});

function expectTokenNowhere(texts: unknown[]) {
	for (const request of sandbox.requests) {
		expect(request.url).not.toContain(sandbox.token);
		expect(['header', 'none']).toContain(request.auth);
	}
	for (const text of texts) expect(JSON.stringify(text) ?? '').not.toContain(sandbox.token);
}

describe('createDaktelaClient inside n8n (real WorkflowExecute, real HTTP via n8n helpers)', () => {
	it('does create / get / update / filtered list / delete (204) with the token in the header', async () => {
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'crud' },
			credentials: credentials(),
			items: [{ record: record('crm_n8n_1') }],
		});

		expect(result.error).toBeUndefined();
		const json = result.outputs[0][0].json;
		expect(json.created).toMatchObject({ name: 'crm_n8n_1', account: { name: 'acc_one' } });
		expect(json.read).toMatchObject({ name: 'crm_n8n_1', lastname: 'Svobodová' });
		expect(json.updated).toMatchObject({ description: 'from n8n' });
		// The nested bracket filter survived axios' query serialisation: exactly our record.
		expect(json.found).toEqual([{ title: 'Eva Svobodová', description: 'from n8n' }]);
		expect(json.gone).toBe(true);
		expect(sandbox.requests.find((r) => r.method === 'DELETE')?.status).toBe(204);
		expect(sandbox.requests.every((r) => r.path.startsWith('/api/v6/'))).toBe(true);
		expectTokenNowhere([result.outputs]);
	});

	it('pages through 2500 records with keyset paging (3 list requests)', async () => {
		sandbox.seed({ contacts: 2500, randomSeed: 4 });
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'listAll' },
			credentials: credentials(),
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({ count: 2500, unique: 2500, pages: 3 });
		expect(sandbox.counters.get('GET', 'contacts')).toBe(3);
	});

	it('retries 429 and 500 with n8n sleep, then succeeds', async () => {
		sandbox.store.put('contacts', record('crm_n8n_2'));
		sandbox.setFaults({
			rate: 0.6,
			kinds: ['429', '500'],
			retryAfterSeconds: 0,
			seed: 5,
			methods: ['GET'],
		});
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'get' },
			credentials: credentials(),
			items: [{ name: 'crm_n8n_2' }, { name: 'crm_n8n_2' }, { name: 'crm_n8n_2' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.name)).toEqual([
			'crm_n8n_2',
			'crm_n8n_2',
			'crm_n8n_2',
		]);
		const faulted = sandbox.requests.filter((r) => r.fault);
		expect(faulted.length).toBeGreaterThan(0);
		expect(sandbox.requests).toHaveLength(3 + faulted.length);
	});

	it('a POST with a name whose answer is lost (axios: socket hang up) is verified and reported as created', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['dropAfterWrite'], methods: ['POST'] });
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'createOutcome' },
			credentials: credentials(),
			items: [{ record: record('crm_n8n_3') }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({ recovered: true, name: 'crm_n8n_3' });
		expect(sandbox.store.list('contacts')).toHaveLength(1);
		expect(sandbox.counters.get('POST', 'contacts')).toBe(1);
	});

	it('an unnamed POST whose answer is lost fails as a network error and is not repeated', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['dropAfterWrite'], methods: ['POST'] });
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'createOutcome' },
			credentials: credentials(),
			items: [{ record: record() }],
			continueOnFail: true,
		});

		const json = result.outputs[0][0].json;
		expect(json.error).toBe('Could not reach Daktela (ECONNRESET): socket hang up');
		expect(json.httpCode).toBeNull();
		expect(sandbox.counters.get('POST', 'contacts')).toBe(1);
		expectTokenNowhere([result.outputs]);
	});

	it('turns a 404 into a NodeApiError with httpCode "404", the item index and a description', async () => {
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'get' },
			credentials: credentials(),
			items: [{ name: 'missing_one' }],
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.message).toBe('Object not exist');
		expect(error.httpCode).toBe('404');
		expect(error.description).toBe(
			'Daktela record not found (HTTP 404) on GET contacts/missing_one.json.',
		);
		expect(error.context.itemIndex).toBe(0);
		expect(sandbox.counters.get('GET', 'contacts')).toBe(1); // no retry on 404
	});

	it('names the field of a validation error per item under Continue On Fail', async () => {
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'createOutcome' },
			credentials: credentials(),
			items: [
				{ record: record('crm_n8n_5') },
				{ record: { ...record('crm_n8n_4'), lastname: '' } },
			],
			continueOnFail: true,
		});

		expect(result.outputs[0][0].json).toEqual({ recovered: false, name: 'crm_n8n_5' });
		expect(result.outputs[0][1].json).toMatchObject({
			error: 'lastname: Item is mandatory',
			httpCode: '400',
		});
		expect(result.outputs[0][1].pairedItem).toEqual({ item: 1 });
	});

	it('a wrong token is a 401 auth error that never shows the token', async () => {
		const wrong = `${sandbox.token}-but-wrong`;
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'get' },
			credentials: credentials(wrong),
			items: [{ name: 'x' }],
			continueOnFail: true,
		});

		const json = result.outputs[0][0].json;
		expect(json.httpCode).toBe('401');
		expect(JSON.stringify(json)).not.toContain(wrong);
		expect(sandbox.requests.every((r) => !r.url.includes(wrong))).toBe(true);
	});

	it('whoim through n8n drops the token Daktela echoes', async () => {
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'whoim' },
			credentials: credentials(),
		});
		expect(result.outputs[0][0].json.whoim).toMatchObject({ user: { name: expect.any(String) } });
		expectTokenNowhere([result.outputs]);
	});

	it('refuses a credential URL with a query string before sending anything', async () => {
		const result = await runNode({
			node: TransportProbe,
			parameters: { scenario: 'whoim' },
			credentials: {
				daktelaApi: {
					url: `${sandbox.url}/?accessToken=${sandbox.token}`,
					accessToken: sandbox.token,
				},
			},
		});
		expect(result.error?.message).toMatch(/must not contain a query string/);
		expect(result.error?.message).not.toContain(sandbox.token);
		expect(sandbox.requests).toHaveLength(0);
	});
});
