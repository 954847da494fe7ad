/**
 * A small n8n execution harness for tests: it runs our nodes through n8n-core's real
 * `WorkflowExecute` on an n8n-workflow `Workflow`, so parameters (and expressions), credentials,
 * `helpers.httpRequestWithAuthentication` (axios, real HTTP), `getWorkflowStaticData`,
 * continue-on-fail / error outputs and `pairedItem` all go through n8n's own code paths.
 *
 * n8n's NodeTestHarness is not published, so this is our own minimal version of the pieces it
 * builds: a NodeTypes registry, a CredentialsHelper and an `additionalData` object.
 *
 * Static data (see `persistStaticData` below) follows n8n's save rule: WorkflowExecute hands the
 * static data to the `workflowExecuteAfter` hook when its `__dataChanged` flag is set, and n8n saves
 * it when the mode is not 'manual' - also when the run failed. So `result.staticData` is what n8n
 * would have STORED after the run: in 'manual' mode it is the unchanged input ("manual runs do not
 * persist"); what the nodes saw at the end of the run is always in `result.runStaticData`.
 *
 * Node-only code (env, fs, os) lives here in a `.cts` file; specs import './harness/n8n.cjs'.
 *
 *   const server = await startEchoServer(); // './harness/echo-server.cjs', or the sandbox
 *   const credentials = { daktelaApi: { url: server.url, accessToken: 'token' } };
 *   const r = await runNode({ node: Daktela, parameters: { resource: 'contact' }, credentials });
 *   expect(r.error).toBeUndefined(); expect(r.outputs[0][0].json).toEqual(...);
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IConnections,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { DaktelaApi } from '../../credentials/DaktelaApi.credentials';

// ---------------------------------------------------------------------------------------------
// Environment and n8n-core loading
// ---------------------------------------------------------------------------------------------

// Loaded lazily so that merely importing this module (e.g. for types) stays cheap.
type N8nCore = typeof import('n8n-core');
let core: N8nCore | undefined;

function n8nCore(): N8nCore {
	if (core) return core;
	// InstanceSettings (pulled in by some n8n-core services) wants a user folder; keep it out of ~.
	if (!process.env.N8N_USER_FOLDER) {
		process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-harness-'));
	}
	process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const loaded = require('n8n-core') as N8nCore;
	setUpContainer();
	void loaded.DataDeduplicationService.init(processedData);
	core = loaded;
	return loaded;
}

/**
 * n8n's processed-data store (the `processed_data` table behind `helpers.checkProcessedAndRecord`)
 * in memory, "entries" mode only, keyed like n8n's: workflow id + scope (node scope: node id).
 * Unlike static data it is kept for manual runs too and written at once. Tests read and clear it.
 */
class MemoryProcessedData implements IDataDeduplicator {
	readonly contexts = new Map<string, Set<string>>();

	private key(scope: DeduplicationScope, data: ICheckProcessedContextData): string {
		return `${data.workflow.id}|${scope === 'node' ? `n:${data.node?.id}` : 'w'}`;
	}

	private entries(options: ICheckProcessedOptions): void {
		if (options.mode !== 'entries') {
			throw new Error(`Harness: processed-data mode "${options.mode}" is not supported`);
		}
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.entries(options);
		const key = this.key(scope, data);
		const set = this.contexts.get(key) ?? new Set<string>();
		this.contexts.set(key, set);
		const out: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			if (set.has(String(item))) out.processed.push(item);
			else {
				set.add(String(item));
				out.new.push(item);
			}
		}
		return out;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		this.entries(options);
		const set = this.contexts.get(this.key(scope, data));
		for (const item of items) set?.delete(String(item));
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<void> {
		this.contexts.delete(this.key(scope, data));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
	): Promise<number> {
		return this.contexts.get(this.key(scope, data))?.size ?? 0;
	}

	clear(): void {
		this.contexts.clear();
	}
}

export const processedData = new MemoryProcessedData();

/**
 * n8n-core ships its own copy of @n8n/di (n8n-core/node_modules/@n8n/di), so the Container must
 * be the one n8n-core resolves, not a top-level one.
 */
function setUpContainer() {
	const corePath = require.resolve('n8n-core');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require(require.resolve('@n8n/di', { paths: [corePath] })) as {
		Container: { set(token: unknown, value: unknown): void };
	};
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { ErrorReporter } = require('n8n-core') as N8nCore;
	// WorkflowExecute reports node errors to Sentry through the ErrorReporter; tests surface errors
	// through the run result instead.
	Container.set(ErrorReporter, {
		error: () => undefined,
		warn: () => undefined,
		info: () => undefined,
	});
}

// ---------------------------------------------------------------------------------------------
// Public API types
// ---------------------------------------------------------------------------------------------

export type NodeInput = INodeType | IVersionedNodeType | (new () => INodeType | IVersionedNodeType);

export interface RunNodeOptions {
	/** Our node class or an instance of it. */
	node: NodeInput;
	/** Node parameters; expressions ('={{ ... }}') are resolved by n8n. Defaults are filled in. */
	parameters?: INodeParameters;
	/** Input items (plain json objects or INodeExecutionData); default: one empty item. */
	items?: IDataObject[] | INodeExecutionData[];
	/** Decrypted credential data by credential type name, e.g. { daktelaApi: { url, accessToken } }. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types known to the run; defaults to our DaktelaApi credential. */
	credentialTypes?: ICredentialType[];
	/** Workflow static data before the run; updated in place when n8n would persist, and returned. */
	staticData?: IDataObject;
	/** Default 'trigger' (production-like: static data is saved); 'manual' = an editor run. */
	mode?: WorkflowExecuteMode;
	/** Legacy "Continue On Fail" flag of the node. */
	continueOnFail?: boolean;
	/** The node's "On Error" setting. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** Node name (default: the node's display name). */
	nodeName?: string;
	/** Node type version (default: the node's default/latest version). */
	typeVersion?: number;
	/** Other node settings, e.g. { retryOnFail: true, maxTries: 2, waitBetweenTries: 5 }. */
	nodeSettings?: Partial<Omit<INode, 'parameters' | 'type' | 'typeVersion' | 'name'>>;
}

export interface RunNodeResult {
	/** Output items of the node per output (an extra last output for 'continueErrorOutput'). */
	outputs: INodeExecutionData[][];
	/**
	 * The static data n8n would have stored after this run (the same object as `options.staticData`
	 * when given). Unchanged in 'manual' mode, because n8n does not save static data of manual runs.
	 */
	staticData: IDataObject;
	/** The `__dataChanged` flag: did the run change static data (whatever the mode)? */
	staticDataChanged: boolean;
	/** Static data as the nodes left it at the end of the run (plain JSON copy), whatever the mode. */
	runStaticData: IDataObject;
	/**
	 * The node's error when n8n reports the run as failed (the thrown instance when available).
	 * Note: when a node THROWS under continueOnFail / onError 'continue*', n8n passes the input
	 * through but still ends the run as 'error' if that node ran last - as in runNode. Nodes that
	 * handle continueOnFail per item themselves (returning error items) end the run as 'success'.
	 */
	error?: Error;
	/** n8n's execution status: 'success' | 'error' | ... */
	status: IRun['status'];
	/** The full n8n run, for anything else a test wants to look at. */
	run: IRun;
}

export interface RunWorkflowOptions {
	nodes: INode[];
	connections: IConnections;
	/** Node types by the `type` string used in `nodes`. Built-in pass-through start types exist. */
	nodeTypes?: Record<string, NodeInput>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	/** Node to start at (default: the first node without incoming connections). */
	startNode?: string;
	/** Items the start node receives (default: one empty item). */
	triggerItems?: IDataObject[] | INodeExecutionData[];
}

export interface RunWorkflowResult {
	runData: IRunData;
	staticData: IDataObject;
	staticDataChanged: boolean;
	runStaticData: IDataObject;
	/** The failing node's error when the run failed. */
	error?: Error;
	/** Name of the node that failed, when the run failed. */
	errorNode?: string;
	status: IRun['status'];
	run: IRun;
	/** Items of a node's output (first run); [] when the node did not run or output nothing. */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
}

/**
 * Pass-through node types for workflows (we cannot depend on n8n-nodes-base). They forward the
 * start items, which is what the real triggers' output looks like to the next node.
 */
export const BUILT_IN_TYPES = [
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.scheduleTrigger',
	'n8n-nodes-base.executeWorkflowTrigger',
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.start',
	'n8n-nodes-base.noOp',
] as const;

const PACKAGE_PREFIX = 'n8n-nodes-daktela.';
const WORKFLOW_ID = 'harnessWorkflow1'; // n8n saves static data only for ids of 1-21 characters
const INPUT_NODE = 'Harness Input';

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

function passThroughType(name: string): INodeType {
	return {
		description: {
			displayName: name,
			name,
			group: ['input'],
			version: 1,
			description: 'Harness pass-through node',
			defaults: { name },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return [this.getInputData()];
		},
	} as INodeType;
}

function instantiate(node: NodeInput): INodeType | IVersionedNodeType {
	return typeof node === 'function' ? new node() : node;
}

function isVersioned(type: INodeType | IVersionedNodeType): type is IVersionedNodeType {
	return 'nodeVersions' in type && typeof (type as IVersionedNodeType).getNodeType === 'function';
}

function baseName(type: INodeType | IVersionedNodeType): string {
	return type.description.name;
}

function defaultVersion(type: INodeType | IVersionedNodeType): number {
	if (isVersioned(type)) return type.currentVersion;
	const { version, defaultVersion: dv } = (type as INodeType).description;
	if (dv !== undefined) return dv;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** Errors thrown by node code, by node name, so a failed run can return the real instance. */
type ErrorSink = Map<string, Error>;

/**
 * Wraps a node type so errors thrown by its `execute()` are recorded before n8n turns them into
 * plain execution-error objects. Everything else is inherited unchanged.
 */
function recordingType(type: INodeType, sink: ErrorSink): INodeType {
	if (typeof type.execute !== 'function') return type;
	const original = type.execute;
	const wrapped = Object.create(type) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions) {
		try {
			return await original.call(this);
		} catch (error) {
			if (error instanceof Error) sink.set(this.getNode().name, error);
			throw error;
		}
	};
	return wrapped;
}

class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(
		types: Record<string, NodeInput>,
		private readonly sink: ErrorSink,
	) {
		for (const name of BUILT_IN_TYPES) this.types.set(name, passThroughType(name));
		for (const [name, node] of Object.entries(types)) this.types.set(name, instantiate(node));
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Harness: unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		return recordingType(type, this.sink);
	}

	getKnownTypes() {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/**
 * Returns the given decrypted credential data (with the credential type's defaults filled in, as
 * n8n does) and applies `authenticate` the way n8n's CredentialsHelper does: a function is called,
 * a generic definition has its `={{$credentials.x}}` values resolved with the workflow's real
 * expression engine and merged into headers / qs / body / auth.
 */
class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		credentialTypes: ICredentialType[],
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	private type(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Harness: unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		return this.type(name).extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const { authenticate } = this.type(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node)
			throw new Error('Harness: generic authentication needs workflow + node');
		requestOptions.headers ??= {};
		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, values] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
				const resolvedKey = resolveCredentialValue(key, credentials, workflow, node);
				const resolvedValue = resolveCredentialValue(value, credentials, workflow, node);
				target[outerKey] ??= {};
				target[outerKey][resolvedKey] = resolvedValue;
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(_helpers, credentials);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const data = this.data[type] ?? {};
		return {
			id: nodeCredentials.id ?? undefined,
			name: nodeCredentials.name,
			type,
			data: undefined,
			getData: () => ({ ...data }),
			getDataToSave: () => ({
				id: nodeCredentials.id ?? undefined,
				name: nodeCredentials.name,
				type,
			}),
			setData: () => undefined,
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) throw new Error(`Harness: no credential data given for "${type}"`);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.type(type).properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...data, ...(withDefaults ?? {}) } as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}
}

function resolveCredentialValue(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
): string {
	if (typeof value !== 'string') return String(value);
	if (!isExpression(value)) return value;
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		{ $credentials: credentials },
		undefined,
		'',
	);
	return resolved === undefined || resolved === null || resolved === '' ? '' : String(resolved);
}

// ---------------------------------------------------------------------------------------------
// Static data
// ---------------------------------------------------------------------------------------------

function jsonCopy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

/**
 * n8n's save rule for workflow static data (execution-lifecycle-hooks `hookFunctionsSave`): the
 * data WorkflowExecute hands over (only when `__dataChanged`) is saved unless the mode is
 * 'manual' - also when the run failed. It is saved as JSON, so Dates become strings.
 * Writes into `stored` in place and reports whether it did.
 */
export function persistStaticData(
	stored: IDataObject,
	newStaticData: IDataObject | undefined,
	mode: WorkflowExecuteMode,
): boolean {
	if (mode === 'manual' || newStaticData === undefined) return false;
	const saved = jsonCopy(newStaticData);
	for (const key of Object.keys(stored)) delete stored[key];
	Object.assign(stored, saved);
	return true;
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

function toItems(items: IDataObject[] | INodeExecutionData[] | undefined): INodeExecutionData[] {
	const list = items ?? [{}];
	return list.map((item, index) => {
		const isExecutionData =
			typeof item === 'object' &&
			item !== null &&
			typeof (item as INodeExecutionData).json === 'object' &&
			(item as INodeExecutionData).json !== null &&
			Object.keys(item).every((k) => ['json', 'binary', 'pairedItem', 'error'].includes(k));
		const data = isExecutionData
			? { ...(item as INodeExecutionData) }
			: { json: item as IDataObject };
		data.pairedItem ??= { item: index };
		return data;
	});
}

function credentialRefs(credentials: Record<string, ICredentialDataDecryptedObject> | undefined) {
	const refs: Record<string, INodeCredentialsDetails> = {};
	for (const name of Object.keys(credentials ?? {})) refs[name] = { id: `${name}1`, name };
	return refs;
}

function makeAdditionalData(
	credentialsHelper: ICredentialsHelper,
	hooks: unknown,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678/';
	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: WORKFLOW_ID,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		variables: {},
		userId: 'harness-user',
		executeWorkflow: async () => {
			throw new Error('Harness: executeWorkflow (sub-workflows) is not supported');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('Harness: task runners (Code node) are not supported');
		},
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}

interface ExecuteArgs {
	nodes: INode[];
	connections: IConnections;
	nodeTypes: Record<string, NodeInput>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	staticData?: IDataObject;
	mode: WorkflowExecuteMode;
	startNode: string;
	startItems: INodeExecutionData[];
}

let executionCounter = 0;

async function execute(args: ExecuteArgs) {
	const { WorkflowExecute, ExecutionLifecycleHooks } = n8nCore();
	const sink: ErrorSink = new Map();
	const nodeTypes = new HarnessNodeTypes(args.nodeTypes, sink);
	const stored = args.staticData ?? {};

	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		nodes: args.nodes,
		connections: args.connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as IWorkflowBase;

	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: workflowData.name,
		nodes: args.nodes,
		connections: args.connections,
		active: false,
		nodeTypes,
		// Each run starts from the stored copy, as n8n loads static data from the DB per run.
		staticData: jsonCopy(stored),
		settings: { executionOrder: 'v1' },
	});

	const start = workflow.getNode(args.startNode);
	if (!start) throw new Error(`Harness: start node "${args.startNode}" not found`);

	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks(args.mode, executionId, workflowData);
	let staticDataChanged = false;
	hooks.addHandler('workflowExecuteAfter', (_run, newStaticData) => {
		staticDataChanged = newStaticData !== undefined;
		persistStaticData(stored, newStaticData, args.mode);
	});

	const credentialsHelper = new HarnessCredentialsHelper(
		args.credentialTypes ?? [new DaktelaApi()],
		args.credentials ?? {},
	);
	const additionalData = makeAdditionalData(credentialsHelper, hooks, executionId);

	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: start, data: { main: [args.startItems] }, source: null } as IExecuteData,
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, args.mode, runExecutionData);
	const run = await workflowExecute.processRunExecutionData(workflow);

	const failure = run.data.resultData.error;
	let error: Error | undefined;
	let errorNode: string | undefined;
	if (failure) {
		errorNode = run.data.resultData.lastNodeExecuted;
		error = (errorNode && sink.get(errorNode)) || reviveError(failure);
	}

	return {
		run,
		error,
		errorNode,
		staticData: stored,
		staticDataChanged,
		runStaticData: jsonCopy(workflow.staticData),
	};
}

function reviveError(failure: { message: string; name?: string; description?: unknown }): Error {
	const error = new Error(failure.message);
	Object.assign(error, failure);
	return error;
}

function outputsOf(run: IRun, nodeName: string): INodeExecutionData[][] {
	const task = run.data.resultData.runData[nodeName]?.[0];
	const main = task?.data?.main ?? [];
	return main.map((items) => items ?? []);
}

/** Runs one node on the given items inside a real n8n execution (behind a pass-through input). */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const type = instantiate(options.node);
	const typeName = PACKAGE_PREFIX + baseName(type);
	const typeVersion = options.typeVersion ?? defaultVersion(type);
	const resolved = NodeHelpers.getVersionedNodeType(type, typeVersion);
	const nodeName =
		options.nodeName ?? resolved.description.defaults?.name ?? resolved.description.displayName;

	const node: INode = {
		id: 'node-under-test',
		position: [200, 0],
		credentials: credentialRefs(options.credentials),
		...options.nodeSettings,
		name: nodeName,
		type: typeName,
		typeVersion,
		parameters: options.parameters ?? {},
	};
	if (options.continueOnFail !== undefined) node.continueOnFail = options.continueOnFail;
	if (options.onError !== undefined) node.onError = options.onError;

	const hasInputs =
		!Array.isArray(resolved.description.inputs) || resolved.description.inputs.length > 0;
	const nodes: INode[] = [node];
	let connections: IConnections = {};
	let startNode = nodeName;
	if (hasInputs) {
		nodes.unshift({
			id: 'harness-input',
			name: INPUT_NODE,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		});
		connections = { [INPUT_NODE]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } };
		startNode = INPUT_NODE;
	}

	const result = await execute({
		nodes,
		connections,
		nodeTypes: { [typeName]: type },
		credentials: options.credentials,
		credentialTypes: options.credentialTypes,
		staticData: options.staticData,
		mode: options.mode ?? 'trigger',
		startNode,
		startItems: toItems(options.items),
	});

	return {
		outputs: outputsOf(result.run, nodeName),
		staticData: result.staticData,
		staticDataChanged: result.staticDataChanged,
		runStaticData: result.runStaticData,
		error: result.error,
		status: result.run.status,
		run: result.run,
	};
}

/** Runs a whole workflow (nodes + connections) from its start node. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const nodes = options.nodes.map((n) => ({
		...n,
		parameters: { ...(n.parameters ?? {}) },
		// nodes without credential references get references to every given credential
		credentials: n.credentials ?? credentialRefs(options.credentials),
	}));
	const startNode = options.startNode ?? findStartNode(nodes, options.connections);

	const result = await execute({
		nodes,
		connections: options.connections,
		nodeTypes: options.nodeTypes ?? {},
		credentials: options.credentials,
		credentialTypes: options.credentialTypes,
		staticData: options.staticData,
		mode: options.mode ?? 'trigger',
		startNode,
		startItems: toItems(options.triggerItems),
	});
	const { runData } = result.run.data.resultData;

	return {
		runData,
		staticData: result.staticData,
		staticDataChanged: result.staticDataChanged,
		runStaticData: result.runStaticData,
		error: result.error,
		errorNode: result.errorNode,
		status: result.run.status,
		run: result.run,
		outputOf: (nodeName: string, outputIndex = 0) =>
			outputsOf(result.run, nodeName)[outputIndex] ?? [],
	};
}

function findStartNode(nodes: INode[], connections: IConnections): string {
	const targets = new Set<string>();
	for (const outputs of Object.values(connections)) {
		for (const output of outputs.main ?? []) {
			for (const connection of output ?? []) targets.add(connection.node);
		}
	}
	const start = nodes.find((n) => !targets.has(n.name) && !n.disabled);
	if (!start) throw new Error('Harness: no start node (every node has an incoming connection)');
	return start.name;
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

export interface RunWebhookOptions {
	node: NodeInput;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	/** Request headers; names are lower-cased as Node's http server does. */
	headers?: Record<string, string | string[]>;
	/** Parsed body (n8n parses JSON / form bodies before the node sees them). */
	body?: unknown;
	query?: Record<string, string | string[]>;
	params?: Record<string, string>;
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
	/** Raw request body (n8n sets `req.rawBody` to the unparsed bytes). Default: JSON of `body`. */
	rawBody?: Buffer | string;
	staticData?: IDataObject;
	/** Default 'webhook' (production URL); 'manual' simulates the editor's test URL. */
	mode?: WorkflowExecuteMode;
	/** Which of the node's webhooks (description.webhooks[].name) to call; default 'default'. */
	webhookName?: string;
	nodeName?: string;
	typeVersion?: number;
}

export interface RunWebhookResult extends IWebhookResponseData {
	/** Status code set through the response object (res.status / res.writeHead), if any. */
	statusCode?: number;
	/** Body sent through the response object (res.json / res.send / res.end), if any. */
	responseBody?: unknown;
	responseHeaders: Record<string, string>;
	staticData: IDataObject;
	staticDataChanged: boolean;
	runStaticData: IDataObject;
	/** The error thrown by `webhook()`, if any. */
	error?: Error;
}

/**
 * Calls a node's `webhook()` with n8n-core's real WebhookContext, as n8n's webhook server does
 * for an incoming request. The request/response objects are minimal express stand-ins.
 */
export async function runWebhook(options: RunWebhookOptions): Promise<RunWebhookResult> {
	const { WebhookContext } = n8nCore();
	const type = instantiate(options.node);
	const typeName = PACKAGE_PREFIX + baseName(type);
	const typeVersion = options.typeVersion ?? defaultVersion(type);
	const sink: ErrorSink = new Map();
	const nodeTypes = new HarnessNodeTypes({ [typeName]: type }, sink);
	const resolved = nodeTypes.getByNameAndVersion(typeName, typeVersion);
	if (typeof resolved.webhook !== 'function') throw new Error('Harness: node has no webhook()');
	const nodeName =
		options.nodeName ?? resolved.description.defaults?.name ?? resolved.description.displayName;
	const mode = options.mode ?? 'webhook';

	const node: INode = {
		id: 'webhook-under-test',
		name: nodeName,
		type: typeName,
		typeVersion,
		position: [0, 0],
		parameters: options.parameters ?? {},
		credentials: credentialRefs(options.credentials),
		webhookId: '00000000-0000-4000-8000-000000000001',
	};
	const stored = options.staticData ?? {};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: jsonCopy(stored),
		settings: { executionOrder: 'v1' },
	});

	const credentialsHelper = new HarnessCredentialsHelper(
		options.credentialTypes ?? [new DaktelaApi()],
		options.credentials ?? {},
	);
	const additionalData = makeAdditionalData(credentialsHelper, undefined, 'webhook-1');

	const headers: Record<string, string | string[]> = {};
	for (const [key, value] of Object.entries(options.headers ?? {}))
		headers[key.toLowerCase()] = value;
	const body = options.body ?? {};
	const rawBody =
		options.rawBody === undefined
			? Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
			: Buffer.from(options.rawBody);
	const request = {
		method: options.method ?? 'POST',
		headers,
		body,
		query: options.query ?? {},
		params: options.params ?? {},
		rawBody,
		url: `/webhook/${node.webhookId}`,
		header: (name: string) => headers[name.toLowerCase()],
		get: (name: string) => headers[name.toLowerCase()],
	};
	const response = new FakeResponse();
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse =
		response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];

	const webhookName = options.webhookName ?? 'default';
	const description = resolved.description.webhooks?.find((w) => w.name === webhookName);
	if (!description) throw new Error(`Harness: node has no webhook named "${webhookName}"`);
	const webhookData = {
		httpMethod: request.method,
		node: nodeName,
		path: String(description.path ?? ''),
		webhookDescription: description,
		workflowId: WORKFLOW_ID,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	} as unknown as IWebhookData;

	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		mode,
		webhookData,
		[],
		null,
	) as unknown as IWebhookFunctions;

	let data: IWebhookResponseData = {};
	let error: Error | undefined;
	try {
		data = await resolved.webhook.call(context);
	} catch (thrown) {
		error = thrown instanceof Error ? thrown : new Error(String(thrown));
	}

	// Webhook-started runs persist static data like any non-manual run; a webhook that itself
	// changes static data has it saved with the execution it starts.
	const changed =
		(workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true;
	persistStaticData(stored, changed ? workflow.staticData : undefined, mode);

	return {
		...data,
		statusCode: response.statusCode,
		responseBody: response.body,
		responseHeaders: response.headers,
		staticData: stored,
		staticDataChanged: changed,
		runStaticData: jsonCopy(workflow.staticData),
		error,
	};
}

/** The parts of express's Response that webhook nodes use. */
class FakeResponse {
	statusCode?: number;

	body?: unknown;

	headers: Record<string, string> = {};

	headersSent = false;

	finished = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number) {
		this.statusCode = code;
		return this.end();
	}

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}

	set(name: string, value: string) {
		return this.setHeader(name, value);
	}

	header(name: string, value: string) {
		return this.setHeader(name, value);
	}

	writeHead(code: number, headers?: Record<string, string>) {
		this.statusCode = code;
		for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
		return this;
	}

	json(body: unknown) {
		this.setHeader('content-type', 'application/json');
		this.body = body;
		return this.end();
	}

	send(body?: unknown) {
		this.body = body;
		return this.end();
	}

	end(chunk?: unknown) {
		if (chunk !== undefined) this.body = chunk;
		this.statusCode ??= 200;
		this.headersSent = true;
		this.finished = true;
		return this;
	}
}
