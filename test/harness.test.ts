import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { startEchoServer, type EchoServer } from './harness/echo-server.cjs';
import { runNode, runWebhook, runWorkflow } from './harness/n8n.cjs';

function describeNode(
	name: string,
	properties: INodeTypeDescription['properties'] = [],
	extra: Partial<INodeTypeDescription> = {},
): INodeTypeDescription {
	return {
		displayName: name,
		name: name.toLowerCase().replace(/\s+/g, ''),
		group: ['transform'],
		version: 1,
		description: `Harness test node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
		...extra,
	};
}

/** Greets every item: `greeting` is read per item, so expressions see that item. */
class Greeter implements INodeType {
	description = describeNode('Greeter', [
		{ displayName: 'Greeting', name: 'greeting', type: 'string', default: 'Hello' },
		{ displayName: 'Times', name: 'times', type: 'number', default: 1 },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((item, itemIndex) => ({
				json: {
					text: this.getNodeParameter('greeting', itemIndex) as string,
					times: this.getNodeParameter('times', itemIndex) as number,
					name: item.json.name,
				},
				pairedItem: { item: itemIndex },
			})),
		];
	}
}

/** Fails items whose json.fail is true; honours Continue On Fail the way our nodes do. */
class Picky implements INodeType {
	description = describeNode('Picky');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			if (items[itemIndex].json.fail === true) {
				const error = new NodeOperationError(this.getNode(), `Item ${itemIndex} is picky`, {
					itemIndex,
				});
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: error.message }, error, pairedItem: { item: itemIndex } });
				continue;
			}
			out.push({ json: { ok: itemIndex }, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

/** Counts runs in global static data; throws after counting when told to. */
class Counter implements INodeType {
	description = describeNode('Counter', [
		{ displayName: 'Fail After Counting', name: 'fail', type: 'boolean', default: false },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const data = this.getWorkflowStaticData('global');
		data.count = ((data.count as number | undefined) ?? 0) + 1;
		if (this.getNodeParameter('fail', 0) as boolean) {
			throw new NodeOperationError(this.getNode(), 'Counted, then failed');
		}
		return [[{ json: { count: data.count as number }, pairedItem: { item: 0 } }]];
	}
}

/** Calls the test server through n8n's real httpRequestWithAuthentication. */
class Caller implements INodeType {
	description = describeNode('Caller', [], {
		credentials: [{ name: 'daktelaApi', required: true }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('daktelaApi');
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'daktelaApi', {
			method: 'GET',
			url: `${credentials.url as string}/api/v6/whoim.json`,
			qs: { probe: 'yes' },
			json: true,
		})) as IDataObject;
		return [[{ json: { response, timeZone: credentials.timeZone }, pairedItem: { item: 0 } }]];
	}
}

/** Copies a field of the paired item of node "First" via an expression parameter. */
class Second implements INodeType {
	description = describeNode('Second', [
		{ displayName: 'From First', name: 'fromFirst', type: 'string', default: '' },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, itemIndex) => ({
				json: { ...item.json, fromFirst: this.getNodeParameter('fromFirst', itemIndex) as string },
				pairedItem: { item: itemIndex },
			})),
		];
	}
}

/** Replaces every item by a new one (keeps pairing), so `$json` downstream no longer has `id`. */
class First implements INodeType {
	description = describeNode('First');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, itemIndex) => ({
				json: { label: `item-${item.json.id as number}`, id: item.json.id },
				pairedItem: { item: itemIndex },
			})),
		];
	}
}

class Relabel implements INodeType {
	description = describeNode('Relabel');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((_item, itemIndex) => ({
				json: { relabelled: true },
				pairedItem: { item: itemIndex },
			})),
		];
	}
}

/** Accepts a webhook when the secret header matches; remembers the last event in static data. */
class Hook implements INodeType {
	description = describeNode(
		'Hook',
		[{ displayName: 'Secret', name: 'secret', type: 'string', default: '' }],
		{
			group: ['trigger'],
			inputs: [],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
		},
	);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const headers = this.getHeaderData();
		if (headers['x-secret'] !== this.getNodeParameter('secret')) {
			this.getResponseObject().status(403).json({ error: 'forbidden' });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData();
		this.getWorkflowStaticData('node').lastEvent = body.event;
		const raw = (this.getRequestObject() as unknown as { rawBody: Buffer }).rawBody;
		return {
			workflowData: [
				[{ json: { event: body.event, query: this.getQueryData(), raw: raw.toString() } }],
			],
		};
	}
}

/** Re-fetches the record a webhook names, through the credential, as the Daktela Trigger does. */
class FetchingHook implements INodeType {
	description = describeNode('Fetching Hook', [], {
		group: ['trigger'],
		inputs: [],
		credentials: [{ name: 'daktelaApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
	});

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials('daktelaApi');
		const name = this.getBodyData().name as string;
		const record = (await this.helpers.httpRequestWithAuthentication.call(this, 'daktelaApi', {
			method: 'GET',
			url: `${credentials.url as string}/api/v6/contacts/${name}.json`,
			json: true,
		})) as IDataObject;
		return { workflowData: [[{ json: record }]] };
	}
}

/** Fails on its first execution only. */
let flakyCalls = 0;
class Flaky implements INodeType {
	description = describeNode('Flaky');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		flakyCalls++;
		if (flakyCalls === 1) throw new NodeOperationError(this.getNode(), 'First call fails');
		return [[{ json: { calls: flakyCalls }, pairedItem: { item: 0 } }]];
	}
}

describe('harness: runNode', () => {
	it('resolves expression parameters per item, fills defaults and keeps pairedItem', async () => {
		const result = await runNode({
			node: Greeter,
			parameters: { greeting: '={{ "Hi " + $json.name + " #" + $itemIndex }}' },
			items: [{ name: 'Ada' }, { name: 'Linus' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toEqual([
			[
				{ json: { text: 'Hi Ada #0', times: 1, name: 'Ada' }, pairedItem: { item: 0 } },
				{ json: { text: 'Hi Linus #1', times: 1, name: 'Linus' }, pairedItem: { item: 1 } },
			],
		]);
	});

	it('accepts INodeExecutionData items as they are', async () => {
		const result = await runNode({
			node: new Greeter(),
			parameters: { times: '={{ $json.n * 2 }}' },
			items: [{ json: { name: 'x', n: 21 } }],
		});
		expect(result.outputs[0][0].json).toEqual({ text: 'Hello', times: 42, name: 'x' });
	});

	it('surfaces a thrown NodeOperationError as result.error with no output', async () => {
		const result = await runNode({ node: Picky, items: [{ fail: false }, { fail: true }] });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Item 1 is picky');
		expect(result.outputs).toEqual([]);
	});

	it('keeps failed items in the regular output under continueOnFail', async () => {
		const result = await runNode({
			node: Picky,
			items: [{ fail: false }, { fail: true }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].map((i) => i.json)).toEqual([{ ok: 0 }, { error: 'Item 1 is picky' }]);
		expect(result.outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('routes failed items to the error output under continueErrorOutput', async () => {
		const result = await runNode({
			node: Picky,
			items: [{ fail: true }, { fail: false }],
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[0].map((i) => i.json)).toEqual([{ ok: 1 }]);
		expect(result.outputs[1].map((i) => i.json.error)).toEqual(['Item 0 is picky']);
		expect(result.outputs[1][0].pairedItem).toEqual({ item: 0 });
	});

	it('applies node settings such as Retry On Fail', async () => {
		const result = await runNode({
			node: Flaky,
			// n8n treats waitBetweenTries 0 as its 1000 ms default, so use a small positive wait
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 5 },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({ calls: 2 });
	});

	it('passes the input through when the node itself throws under continueRegularOutput', async () => {
		const result = await runNode({
			node: Counter,
			parameters: { fail: true },
			items: [{ a: 1 }],
			onError: 'continueRegularOutput',
		});

		expect(result.outputs[0].map((i) => i.json)).toEqual([{ a: 1 }]);
		// n8n-core keeps the error of the last node that ran, so such a run still ends as failed
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Counted, then failed');
	});
});

describe('harness: static data', () => {
	it('persists changes of a trigger-mode run into the given object', async () => {
		const staticData: IDataObject = {};
		const result = await runNode({ node: Counter, staticData });

		expect(result.staticDataChanged).toBe(true);
		expect(result.staticData).toBe(staticData);
		expect(staticData).toEqual({ global: { count: 1 } });
	});

	it('does not persist a manual run, though the node saw the change', async () => {
		const staticData: IDataObject = { global: { count: 5 } };
		const result = await runNode({ node: Counter, staticData, mode: 'manual' });

		expect(result.outputs[0][0].json).toEqual({ count: 6 });
		expect(result.staticDataChanged).toBe(true);
		expect(result.runStaticData).toEqual({ global: { count: 6 } });
		expect(staticData).toEqual({ global: { count: 5 } });
		expect(result.staticData).toEqual({ global: { count: 5 } });
	});

	it('shares static data between sequential runs', async () => {
		const staticData: IDataObject = {};
		await runNode({ node: Counter, staticData });
		await runNode({ node: Counter, staticData, mode: 'manual' });
		const third = await runNode({ node: Counter, staticData });

		expect(third.outputs[0][0].json).toEqual({ count: 2 });
		expect(staticData).toEqual({ global: { count: 2 } });
	});

	it('persists static data of a failed trigger-mode run, as n8n does', async () => {
		const staticData: IDataObject = { global: { count: 1 } };
		const result = await runNode({ node: Counter, parameters: { fail: true }, staticData });

		expect(result.error?.message).toBe('Counted, then failed');
		expect(staticData).toEqual({ global: { count: 2 } });
	});

	it('reports no change when the node only reads static data', async () => {
		const staticData: IDataObject = { global: { count: 3 } };
		const result = await runNode({ node: Greeter, staticData });
		expect(result.staticDataChanged).toBe(false);
		expect(staticData).toEqual({ global: { count: 3 } });
	});
});

describe('harness: credentials and HTTP', () => {
	let server: EchoServer;

	beforeAll(async () => {
		server = await startEchoServer((request) => ({
			body: { result: { user: { name: 'api' } }, seen: request.headers['x-auth-token'] ?? null },
		}));
	});

	afterAll(async () => {
		await server.close();
	});

	it('sends the credential token in the X-AUTH-TOKEN header, never in the URL', async () => {
		const token = `tok${Math.random().toString(36).slice(2)}`;
		const result = await runNode({
			node: Caller,
			credentials: { daktelaApi: { url: server.url, accessToken: token } },
		});

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		const [request] = server.requests;
		expect(request.path).toBe('/api/v6/whoim.json');
		expect(request.query).toEqual({ probe: 'yes' });
		expect(request.headers['x-auth-token']).toBe(token);
		expect(request.url).not.toContain(token);
		expect(result.outputs[0][0].json).toEqual({
			response: { result: { user: { name: 'api' } }, seen: token },
			// credential defaults are filled in, as n8n does
			timeZone: 'Europe/Prague',
		});
	});

	it('authenticates requests made from webhook() too', async () => {
		const token = `tok${Math.random().toString(36).slice(2)}`;
		const before = server.requests.length;
		const result = await runWebhook({
			node: FetchingHook,
			credentials: { daktelaApi: { url: server.url, accessToken: token } },
			body: { name: 'crm_person_1' },
		});

		expect(result.error).toBeUndefined();
		const request = server.requests[before];
		expect(request.path).toBe('/api/v6/contacts/crm_person_1.json');
		expect(request.headers['x-auth-token']).toBe(token);
		expect(result.workflowData?.[0][0].json.seen).toBe(token);
	});

	it('fails the run when the node needs a credential that was not given', async () => {
		const result = await runNode({ node: Caller });
		expect(result.error?.message).toMatch(/credentials/i);
	});
});

describe('harness: runWorkflow', () => {
	it('lets a later node read the paired item of an earlier node via $("First").item', async () => {
		const result = await runWorkflow({
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
					name: 'First',
					type: 'test.first',
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
				{
					id: '3',
					name: 'Relabel',
					type: 'test.relabel',
					typeVersion: 1,
					position: [400, 0],
					parameters: {},
				},
				{
					id: '4',
					name: 'Second',
					type: 'test.second',
					typeVersion: 1,
					position: [600, 0],
					parameters: { fromFirst: '={{ $("First").item.json.label }}' },
				},
			],
			connections: {
				Start: { main: [[{ node: 'First', type: 'main', index: 0 }]] },
				First: { main: [[{ node: 'Relabel', type: 'main', index: 0 }]] },
				Relabel: { main: [[{ node: 'Second', type: 'main', index: 0 }]] },
			},
			nodeTypes: { 'test.first': First, 'test.relabel': Relabel, 'test.second': Second },
			triggerItems: [{ id: 7 }, { id: 8 }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('First').map((i) => i.json.label)).toEqual(['item-7', 'item-8']);
		expect(result.outputOf('Second').map((i) => i.json)).toEqual([
			{ relabelled: true, fromFirst: 'item-7' },
			{ relabelled: true, fromFirst: 'item-8' },
		]);
		expect(result.outputOf('Missing')).toEqual([]);
	});

	it('reports the failing node, keeps earlier outputs and persists static data', async () => {
		const staticData: IDataObject = {};
		const result = await runWorkflow({
			nodes: [
				{
					id: '1',
					name: 'First',
					type: 'test.first',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: '2',
					name: 'Count',
					type: 'test.counter',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fail: true },
				},
			],
			connections: { First: { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
			nodeTypes: { 'test.first': First, 'test.counter': Counter },
			triggerItems: [{ id: 1 }],
			staticData,
		});

		expect(result.outputOf('First').map((i) => i.json)).toEqual([{ label: 'item-1', id: 1 }]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.errorNode).toBe('Count');
		expect(result.outputOf('Count')).toEqual([]);
		expect(staticData).toEqual({ global: { count: 1 } });
	});
});

describe('harness: runWebhook', () => {
	it('runs webhook() with n8n-core WebhookContext: headers, body, query, static data', async () => {
		const staticData: IDataObject = {};
		const result = await runWebhook({
			node: Hook,
			parameters: { secret: 's3cret' },
			headers: { 'X-Secret': 's3cret' },
			body: { event: 'call_close' },
			query: { a: '1' },
			staticData,
		});

		expect(result.error).toBeUndefined();
		expect(result.workflowData).toEqual([
			[{ json: { event: 'call_close', query: { a: '1' }, raw: '{"event":"call_close"}' } }],
		]);
		expect(staticData).toEqual({ 'node:Hook': { lastEvent: 'call_close' } });
	});

	it('exposes what webhook() wrote to the response object', async () => {
		const result = await runWebhook({
			node: Hook,
			parameters: { secret: 's3cret' },
			headers: { 'x-secret': 'wrong' },
			body: { event: 'call_close' },
		});

		expect(result.noWebhookResponse).toBe(true);
		expect(result.statusCode).toBe(403);
		expect(result.responseBody).toEqual({ error: 'forbidden' });
		expect(result.workflowData).toBeUndefined();
	});
});
