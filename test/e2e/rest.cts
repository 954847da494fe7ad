/**
 * A logged-in client for a running n8n's internal REST API (`/rest/...`), the API the editor uses.
 * `ownerClient()` sets up the instance owner on a fresh instance (POST /rest/owner/setup, which
 * also issues the auth cookie) or logs in when the owner already exists.
 */
import type { ServerHandle } from './n8n.cjs';

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	// Satisfies n8n's password rules (8+ characters, a number, an upper-case letter).
	password: 'E2e-Owner-Passw0rd',
};

export interface RestResponse<T = unknown> {
	status: number;
	body: T;
}

export class RestClient {
	constructor(
		readonly baseUrl: string,
		private cookie = '',
	) {}

	async request<T = unknown>(
		method: string,
		path: string,
		body?: unknown,
	): Promise<RestResponse<T>> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'n8n-nodes-daktela-e2e',
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		const auth = setCookie ? /n8n-auth=[^;]+/.exec(setCookie) : null;
		if (auth) this.cookie = auth[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// Not JSON: keep the text.
		}
		// n8n wraps successful REST answers in { data: ... }.
		const unwrapped =
			parsed && typeof parsed === 'object' && 'data' in (parsed as object) && response.ok
				? (parsed as { data: unknown }).data
				: parsed;
		return { status: response.status, body: unwrapped as T };
	}

	async post<T = unknown>(path: string, body: unknown): Promise<T> {
		const result = await this.request<T>('POST', path, body);
		if (result.status >= 400) {
			throw new Error(
				`POST ${path} -> ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`,
			);
		}
		return result.body;
	}

	async get<T = unknown>(path: string): Promise<T> {
		const result = await this.request<T>('GET', path);
		if (result.status >= 400) {
			throw new Error(
				`GET ${path} -> ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`,
			);
		}
		return result.body;
	}
}

/** Owner session on the server: sets the owner up on first use, logs in afterwards. */
export async function ownerClient(server: ServerHandle): Promise<RestClient> {
	const client = new RestClient(server.url);
	const setup = await client.request('POST', '/rest/owner/setup', OWNER);
	if (setup.status < 400) return client;
	const login = await client.request('POST', '/rest/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	if (login.status >= 400) {
		throw new Error(
			`cannot set up or log in the n8n owner: setup ${setup.status} ${JSON.stringify(setup.body)}; ` +
				`login ${login.status} ${JSON.stringify(login.body)}`,
		);
	}
	return client;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * What the editor's "Test" button does: POST /rest/credentials/test. With `id: ''` n8n tests the
 * unsaved data (owner only); with the id of a saved credential it tests the stored data merged
 * with `data`.
 */
export async function testCredential(
	client: RestClient,
	credentials: { id?: string; name: string; type: string; data: Record<string, unknown> },
): Promise<CredentialTestResult> {
	return await client.post<CredentialTestResult>('/rest/credentials/test', {
		credentials: { id: '', ...credentials },
	});
}

/** Saves a credential the way the editor does (POST /rest/credentials); returns its id. */
export async function createCredential(
	client: RestClient,
	credential: { name: string; type: string; data: Record<string, unknown> },
): Promise<string> {
	const created = await client.post<{ id: string }>('/rest/credentials', credential);
	return created.id;
}

/**
 * Tests a saved credential exactly as the editor does: read it back redacted
 * (GET /rest/credentials/:id?includeData=true, secrets replaced by n8n's blanking sentinel) and
 * send that to /rest/credentials/test, where n8n restores the stored secrets.
 */
export async function testSavedCredential(
	client: RestClient,
	id: string,
): Promise<CredentialTestResult> {
	const saved = await client.get<{
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}>(`/rest/credentials/${encodeURIComponent(id)}?includeData=true`);
	return await client.post<CredentialTestResult>('/rest/credentials/test', {
		credentials: { id: saved.id, name: saved.name, type: saved.type, data: saved.data },
	});
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	startedAt?: string;
	stoppedAt?: string;
}

/** Executions of one workflow, newest first (GET /rest/executions). */
export async function listExecutions(
	client: RestClient,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await client.get<{ results: ExecutionSummary[] }>(
		`/rest/executions?filter=${filter}&limit=100`,
	);
	return page.results;
}

/**
 * One execution with its run data decoded (n8n stores it flatted-encoded; `flatted` is resolved
 * from the n8n runtime folder).
 */
export async function getExecution(
	client: RestClient,
	id: string,
	runtimeDir: string,
): Promise<ExecutionSummary & { data: unknown }> {
	const execution = await client.get<ExecutionSummary & { data: string }>(
		`/rest/executions/${encodeURIComponent(id)}`,
	);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(
		require.resolve('flatted', { paths: [`${runtimeDir}/node_modules/n8n`] }),
	) as {
		parse(text: string): unknown;
	};
	return {
		...execution,
		data: typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data,
	};
}

export interface PublicationStatus {
	status: 'published' | 'partial' | 'failed' | 'in_progress' | 'not_published';
	triggers: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

/**
 * n8n 2.41 activates published workflows asynchronously (publication outbox) AFTER the server is
 * ready, so a webhook can 404 for a moment after start. Waits until every trigger of the workflow
 * is live (GET /rest/workflows/:id/publication-status = published); throws on failed / partial.
 */
export async function waitForPublication(
	client: RestClient,
	workflowId: string,
	timeoutMs = 30000,
): Promise<PublicationStatus> {
	const deadline = Date.now() + timeoutMs;
	let last: PublicationStatus | undefined;
	for (;;) {
		last = await client.get<PublicationStatus>(
			`/rest/workflows/${encodeURIComponent(workflowId)}/publication-status`,
		);
		if (last.status === 'published') return last;
		if (last.status === 'failed' || last.status === 'partial') {
			throw new Error(
				`workflow ${workflowId} publication ${last.status}: ${JSON.stringify(last.triggers)}`,
			);
		}
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId} not live after ${timeoutMs} ms: ${JSON.stringify(last)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
