/**
 * The peer baseline: the same upsert done the way an n8n user would do it without this package,
 * with n8n's own nodes. n8n's real HTTP Request node (n8n-nodes-base of the pinned n8n 2.41.1
 * runtime, unchanged) finds each contact by name, an If node splits found from not found, and two
 * more HTTP Request nodes POST the new ones and PUT the found ones:
 *
 *   Records -> Find (GET contacts.json?filter=name eq {{name}}&take=1) -> Exists? -> Update (PUT)
 *                                                                                -> Create (POST)
 *
 * Credentials: a Header Auth credential with X-AUTH-TOKEN (what a user without our credential
 * type would make). Batching: the HTTP Request node's own option, "Items per Batch" = the
 * parallel requests allowed and "Batch Interval" = the added latency, the setting that keeps
 * about that many requests in flight (the node starts a batch every interval without waiting for
 * the previous one; interval 0 would send every item at once).
 *
 * It runs inside the same harness (n8n-core's WorkflowExecute, the same HTTP helpers) as the
 * Daktela node, against the same sandbox process.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';

import { cacheRoot, N8N_VERSION } from '../test/e2e/runtime.cjs';
import { runWorkflow } from '../test/harness/n8n.cjs';

type NodeClass = new () => INodeType | IVersionedNodeType;

export interface PeerNodes {
	HttpRequest: NodeClass;
	If: NodeClass;
	HttpHeaderAuth: new () => ICredentialType;
}

/** n8n-nodes-base of the cached runtime, or a reason why it is not there. */
export function loadPeerNodes(): PeerNodes | string {
	const base = path.join(
		cacheRoot(),
		`n8n-${N8N_VERSION}`,
		'node_modules',
		'n8n-nodes-base',
		'dist',
	);
	if (!fs.existsSync(path.join(base, 'nodes', 'HttpRequest', 'HttpRequest.node.js'))) {
		return `n8n-nodes-base not found in ${base} (install the e2e runtime: npx tsx test/e2e/runtime.cts)`;
	}
	const load = createRequire(__filename);
	const { HttpRequest } = load(path.join(base, 'nodes', 'HttpRequest', 'HttpRequest.node.js'));
	const { If } = load(path.join(base, 'nodes', 'If', 'If.node.js'));
	const { HttpHeaderAuth } = load(path.join(base, 'credentials', 'HttpHeaderAuth.credentials.js'));
	return { HttpRequest, If, HttpHeaderAuth } as PeerNodes;
}

export interface PeerRun {
	created: number;
	updated: number;
	error?: Error;
}

const HTTP = 'n8n-nodes-base.httpRequest';
const IF = 'n8n-nodes-base.if';

/** The workflow above, for `parallel` requests per batch and `intervalMs` between batches. */
function workflow(
	api: string,
	parallel: number,
	intervalMs: number,
): { nodes: INode[]; connections: IDataObject } {
	const auth = {
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
	};
	const options = { batching: { batch: { batchSize: parallel, batchInterval: intervalMs } } };
	const credentials = { httpHeaderAuth: { id: 'httpHeaderAuth1', name: 'Daktela token' } };
	const body = {
		sendBody: true,
		specifyBody: 'json',
		jsonBody: "={{ JSON.stringify($('Records').item.json) }}",
	};
	const nodes: INode[] = [
		{
			id: 'records',
			name: 'Records',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'find',
			name: 'Find',
			type: HTTP,
			typeVersion: 4.2,
			position: [200, 0],
			credentials,
			parameters: {
				method: 'GET',
				url: `${api}/contacts.json`,
				...auth,
				sendQuery: true,
				queryParameters: {
					parameters: [
						{ name: 'filter[field]', value: 'name' },
						{ name: 'filter[operator]', value: 'eq' },
						{ name: 'filter[value]', value: '={{ $json.name }}' },
						{ name: 'take', value: '1' },
					],
				},
				options,
			},
		},
		{
			id: 'exists',
			name: 'Exists?',
			type: IF,
			typeVersion: 2.2,
			position: [400, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'found',
							leftValue: '={{ $json.result.total }}',
							rightValue: 0,
							operator: { type: 'number', operation: 'gt' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
		{
			id: 'update',
			name: 'Update',
			type: HTTP,
			typeVersion: 4.2,
			position: [600, -100],
			credentials,
			parameters: {
				method: 'PUT',
				url: `=${api}/contacts/{{ encodeURIComponent($json.result.data[0].name) }}.json`,
				...auth,
				...body,
				options,
			},
		},
		{
			id: 'create',
			name: 'Create',
			type: HTTP,
			typeVersion: 4.2,
			position: [600, 100],
			credentials,
			parameters: { method: 'POST', url: `${api}/contacts.json`, ...auth, ...body, options },
		},
	];
	const connections = {
		Records: { main: [[{ node: 'Find', type: 'main', index: 0 }]] },
		Find: { main: [[{ node: 'Exists?', type: 'main', index: 0 }]] },
		'Exists?': {
			main: [
				[{ node: 'Update', type: 'main', index: 0 }],
				[{ node: 'Create', type: 'main', index: 0 }],
			],
		},
	};
	return { nodes, connections };
}

/** Runs the peer workflow on `items` against the sandbox at `url` with `token`. */
export async function runPeerUpsert(
	peer: PeerNodes,
	options: {
		url: string;
		token: string;
		items: IDataObject[];
		parallel: number;
		intervalMs: number;
	},
): Promise<PeerRun> {
	const { nodes, connections } = workflow(
		`${options.url}/api/v6`,
		options.parallel,
		options.intervalMs,
	);
	const result = await runWorkflow({
		nodes,
		connections: connections as never,
		nodeTypes: { [HTTP]: peer.HttpRequest, [IF]: peer.If },
		credentialTypes: [new peer.HttpHeaderAuth()],
		credentials: { httpHeaderAuth: { name: 'X-AUTH-TOKEN', value: options.token } },
		triggerItems: options.items,
	});
	return {
		created: result.outputOf('Create').length,
		updated: result.outputOf('Update').length,
		error: result.error,
	};
}
