/**
 * The Daktela Trigger's webhook() inside n8n-core's real WebhookContext (harness runWebhook),
 * re-fetching from the sandbox Daktela over real HTTP.
 */
import type { IDataObject, IHookFunctions, INode, INodeParameters } from 'n8n-workflow';

import { Daktela } from '../nodes/Daktela/Daktela.node';
import { DaktelaTrigger } from '../nodes/DaktelaTrigger/DaktelaTrigger.node';
import { processMemory } from '../nodes/DaktelaTrigger/dedup';
import { signatureHeaderValue } from '../nodes/DaktelaTrigger/security/verify';
import {
	processedData,
	runNode,
	runWebhook,
	runWorkflow,
	type RunWebhookResult,
} from './harness/n8n.cjs';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';

const CURRENT = 'current-shared-value-for-tests-0001';
const PREVIOUS = 'previous-shared-value-for-tests-0002';

let sandbox: DaktelaSandbox;
let credentials: { daktelaApi: { url: string; accessToken: string } };

beforeAll(async () => {
	sandbox = await startDaktelaSandbox({ seed: { accounts: 3, contacts: 8, activities: 18 } });
	credentials = { daktelaApi: { url: sandbox.url, accessToken: sandbox.token } };
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	// Each test is a fresh n8n process and database as far as deduplication is concerned.
	processMemory.clear();
	processedData.clear();
	sandbox.setFaults(undefined);
	sandbox.counters.reset();
});

function recordOf(endpoint: string, type?: string): IDataObject {
	const record = sandbox.store.list(endpoint).find((r) => type === undefined || r.type === type) as
		| IDataObject
		| undefined;
	if (!record) throw new Error(`sandbox has no ${endpoint} ${type ?? ''}`);
	return record;
}

function nameOf(endpoint: string, type?: string): string {
	return String(recordOf(endpoint, type).name);
}

interface Delivery {
	body?: unknown;
	rawBody?: string;
	headers?: Record<string, string>;
	parameters?: INodeParameters;
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	withCredentials?: boolean;
}

const baseParameters: INodeParameters = {
	events: ['*'],
	secret: CURRENT,
};

async function deliver(delivery: Delivery): Promise<RunWebhookResult> {
	const body = delivery.body ?? {};
	return await runWebhook({
		node: DaktelaTrigger,
		parameters: { ...baseParameters, ...(delivery.parameters ?? {}) },
		credentials: delivery.withCredentials === false ? undefined : credentials,
		headers: { 'content-type': 'application/json', ...(delivery.headers ?? {}) },
		body,
		rawBody: delivery.rawBody,
		staticData: delivery.staticData ?? {},
		mode: delivery.mode,
	});
}

const withSecret = (secret = CURRENT) => ({ 'x-webhook-secret': secret });

/** The execution webhook() started: n8n runs the trigger's execute() on its items first. */
async function runTriggerExecution(
	items: Array<{ json: IDataObject }>,
	staticData: IDataObject,
	mode: 'webhook' | 'retry' = 'webhook',
) {
	return await runWorkflow({
		nodes: [
			{
				id: 'trigger',
				name: 'Daktela Trigger',
				type: 'n8n-nodes-daktela.daktelaTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: baseParameters,
			},
		],
		connections: {},
		nodeTypes: { 'n8n-nodes-daktela.daktelaTrigger': DaktelaTrigger },
		triggerItems: items,
		staticData,
		mode,
	});
}

/** What a client of the webhook sees: the status and the JSON body. */
function answer(result: RunWebhookResult): { status: number; body: IDataObject } {
	if (result.noWebhookResponse) {
		return { status: result.statusCode ?? 0, body: result.responseBody as IDataObject };
	}
	return { status: 200, body: result.webhookResponse as IDataObject };
}

function outputOf(result: RunWebhookResult): IDataObject[] {
	return (result.workflowData?.[0] ?? []).map((item) => item.json);
}

function withoutEvent(json: IDataObject): IDataObject {
	const rest = { ...json };
	delete rest._event;
	return rest;
}

async function daktelaGet(parameters: INodeParameters): Promise<IDataObject> {
	const result = await runNode({ node: Daktela, parameters, credentials });
	expect(result.error).toBeUndefined();
	return result.outputs[0][0].json;
}

describe('Daktela Trigger: who may deliver', () => {
	it('refuses a delivery without the secret header with 401 and starts nothing', async () => {
		const result = await deliver({ body: { event: 'contact_update', name: nameOf('contacts') } });
		expect(answer(result)).toEqual({
			status: 401,
			body: { error: 'missing_secret', message: 'Missing X-Webhook-Secret header' },
		});
		expect(result.workflowData).toBeUndefined();
		expect(sandbox.counters.total()).toBe(0);
	});

	it('refuses a wrong secret with 403, never echoing either secret', async () => {
		const wrong = `${CURRENT}-but-not-quite`;
		const result = await deliver({
			body: { event: 'contact_update', name: nameOf('contacts') },
			headers: withSecret(wrong),
		});
		expect(answer(result).status).toBe(403);
		expect(answer(result).body.error).toBe('invalid_secret');
		expect(result.workflowData).toBeUndefined();
		const sent = JSON.stringify([result.responseBody, result.responseHeaders]);
		expect(sent).not.toContain(CURRENT);
		expect(sent).not.toContain(wrong);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('accepts the previous secret while rotating', async () => {
		const result = await deliver({
			body: { event: 'contact_update', name: nameOf('contacts') },
			headers: withSecret(PREVIOUS),
			parameters: { options: { previousSecret: PREVIOUS } },
		});
		expect(answer(result)).toMatchObject({ status: 200, body: { received: true } });
		expect(outputOf(result)).toHaveLength(1);
	});

	describe('HMAC signature', () => {
		const name = () => nameOf('contacts');
		const signed = (secrets: string[], at: number, rawBody: string) => ({
			'x-daktela-signature': signatureHeaderValue(secrets, at, rawBody),
		});
		const now = () => Math.floor(Date.now() / 1000);
		const parameters: INodeParameters = { authentication: 'signature' };

		it('accepts a valid signature over timestamp and raw body', async () => {
			const rawBody = JSON.stringify({ event: 'contact_update', name: name() });
			const result = await deliver({
				body: JSON.parse(rawBody),
				rawBody,
				headers: signed([CURRENT], now(), rawBody),
				parameters,
			});
			expect(answer(result).status).toBe(200);
			expect(outputOf(result)[0].name).toBe(name());
		});

		it('refuses a signature over another body, a missing one and an expired one', async () => {
			const rawBody = JSON.stringify({ event: 'contact_update', name: name() });
			const tampered = await deliver({
				body: JSON.parse(rawBody),
				rawBody: rawBody.replace('update', 'create'),
				headers: signed([CURRENT], now(), rawBody),
				parameters,
			});
			expect(answer(tampered)).toMatchObject({ status: 403, body: { error: 'invalid_signature' } });

			const missing = await deliver({ body: JSON.parse(rawBody), rawBody, parameters });
			expect(answer(missing)).toMatchObject({ status: 401, body: { error: 'missing_signature' } });

			const expired = await deliver({
				body: JSON.parse(rawBody),
				rawBody,
				headers: signed([CURRENT], now() - 301, rawBody),
				parameters,
			});
			expect(answer(expired)).toMatchObject({ status: 403, body: { error: 'expired_signature' } });

			for (const result of [tampered, missing, expired]) {
				expect(result.workflowData).toBeUndefined();
				expect(JSON.stringify(result.responseBody)).not.toContain(CURRENT);
			}
			expect(sandbox.counters.total()).toBe(0);
		});

		it('honours a longer replay window and a rotated (previous) secret', async () => {
			const rawBody = JSON.stringify({ event: 'contact_update', name: name() });
			const result = await deliver({
				body: JSON.parse(rawBody),
				rawBody,
				headers: signed([PREVIOUS], now() - 500, rawBody),
				parameters: { ...parameters, options: { replayWindow: 600, previousSecret: PREVIOUS } },
			});
			expect(answer(result).status).toBe(200);
		});
	});
});

describe('Daktela Trigger: the output is the Daktela node Get', () => {
	it('re-fetches a contact: same json as Daktela > Contact > Get, plus _event', async () => {
		const name = nameOf('contacts');
		const result = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
		});
		expect(answer(result)).toEqual({
			status: 200,
			body: { received: true, event: 'contact_update', name },
		});
		const [json] = outputOf(result);
		const get = await daktelaGet({
			resource: 'contact',
			operation: 'get',
			contact: { __rl: true, mode: 'id', value: name },
		});
		expect(withoutEvent(json)).toEqual(get);
		expect(json._event).toMatchObject({
			event: 'contact_update',
			entity: 'contact',
			action: 'update',
			name,
			refetched: true,
		});
		// Times are ISO 8601 with offset, as the Daktela node outputs them by default.
		expect(String(json.edited)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
	});

	it('re-fetches an account', async () => {
		const name = nameOf('accounts');
		const result = await deliver({
			body: { event: 'account_create', name },
			headers: withSecret(),
		});
		const get = await daktelaGet({
			resource: 'account',
			operation: 'get',
			account: { __rl: true, mode: 'id', value: name },
		});
		expect(withoutEvent(outputOf(result)[0])).toEqual(get);
	});

	it('re-fetches a call activity with its call record, as Get with Include Channel Detail', async () => {
		const name = nameOf('activities', 'CALL');
		const result = await deliver({ body: { event: 'call_close', name }, headers: withSecret() });
		const [json] = outputOf(result);
		const get = await daktelaGet({
			resource: 'activity',
			operation: 'get',
			activity: name,
			options: { includeDetail: true },
		});
		expect(withoutEvent(json)).toEqual(get);
		expect(json.type).toBe('CALL');
		expect(json.item).toMatchObject({ id_call: expect.any(String), direction: expect.any(String) });
		expect(json._event).toMatchObject({ entity: 'activity', channel: 'CALL', action: 'close' });
	});

	it('keeps Daktela times when Convert Times to ISO 8601 is off', async () => {
		const name = nameOf('contacts');
		const result = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			parameters: { options: { isoTimes: false } },
		});
		expect(String(outputOf(result)[0].edited)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
	});

	it('emits a delete event without re-fetching (the record is gone)', async () => {
		const result = await deliver({
			body: { event: 'contact_delete', name: 'crm_person_gone' },
			headers: withSecret(),
		});
		expect(answer(result).status).toBe(200);
		expect(outputOf(result)).toEqual([
			{
				name: 'crm_person_gone',
				deleted: true,
				_event: expect.objectContaining({ event: 'contact_delete', refetched: false }),
			},
		]);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('with re-fetch off, passes the body on and needs no credential', async () => {
		const result = await deliver({
			body: { event: 'sms_create', name: 'sms_1', data: { sender: '+420777000111' } },
			headers: withSecret(),
			parameters: { refetch: false },
			withCredentials: false,
		});
		expect(outputOf(result)).toEqual([
			{
				name: 'sms_1',
				data: { sender: '+420777000111' },
				_event: expect.objectContaining({ event: 'sms_create', channel: 'SMS', refetched: false }),
			},
		]);
		expect(sandbox.counters.total()).toBe(0);
	});
});

describe('Daktela Trigger: bodies and events', () => {
	it('with re-fetch off, bounds the passed-through body: 413 body_too_large, no execution', async () => {
		const big = { event: 'sms_create', name: 'sms_big', data: 'x'.repeat(65 * 1024) };
		const refused = await deliver({
			body: big,
			headers: withSecret(),
			parameters: { refetch: false },
			withCredentials: false,
		});
		expect(answer(refused)).toEqual({
			status: 413,
			body: {
				error: 'body_too_large',
				message: expect.stringContaining('at most 65536 (Max Body Size)'),
				event: 'sms_create',
				name: 'sms_big',
			},
		});
		expect(refused.workflowData).toBeUndefined();

		// Just under the default 64 KiB: passed on.
		const fits = await deliver({
			body: { ...big, data: 'x'.repeat(63 * 1024) },
			headers: withSecret(),
			parameters: { refetch: false },
			withCredentials: false,
		});
		expect(answer(fits).status).toBe(200);
		expect(outputOf(fits)[0].data).toHaveLength(63 * 1024);

		// A custom limit counts UTF-8 bytes: 600 "č" are 1,200 bytes, over 1 KB.
		const czech = await deliver({
			body: { event: 'sms_create', name: 'sms_cz', data: 'č'.repeat(600) },
			headers: withSecret(),
			parameters: { refetch: false, options: { maxBodyKb: 1 } },
			withCredentials: false,
		});
		expect(answer(czech)).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
		expect(czech.workflowData).toBeUndefined();
		const small = await deliver({
			body: { event: 'sms_create', name: 'sms_cz', data: 'c'.repeat(600) },
			headers: withSecret(),
			parameters: { refetch: false, options: { maxBodyKb: 1 } },
			withCredentials: false,
		});
		expect(outputOf(small)).toHaveLength(1);
	});

	it('with re-fetch on, a large body is no problem: only the event and the name are used', async () => {
		const name = nameOf('contacts');
		const result = await deliver({
			body: { event: 'contact_update', name, data: 'x'.repeat(200 * 1024) },
			headers: withSecret(),
		});
		expect(answer(result).status).toBe(200);
		const [item] = outputOf(result);
		expect(item.name).toBe(name);
		expect(item.data).toBeUndefined();
		expect(item._event).toMatchObject({ refetched: true });
	});

	it('reads a form-encoded body (parsed by n8n, or raw)', async () => {
		const name = nameOf('contacts');
		const parsed = await deliver({
			body: { event: 'contact_update', name },
			rawBody: `event=contact_update&name=${encodeURIComponent(name)}`,
			headers: { ...withSecret(), 'content-type': 'application/x-www-form-urlencoded' },
		});
		expect(outputOf(parsed)[0].name).toBe(name);
		const raw = await deliver({
			body: {},
			rawBody: `event=contact_create&name=${encodeURIComponent(name)}`,
			headers: { ...withSecret(), 'content-type': 'text/plain' },
		});
		expect(outputOf(raw)[0]._event).toMatchObject({ event: 'contact_create', name });
	});

	it('reads a JSON body n8n did not parse (no or another content type)', async () => {
		const name = nameOf('accounts');
		const result = await deliver({
			body: {},
			rawBody: JSON.stringify({ event: 'account_update', name }),
			headers: { ...withSecret(), 'content-type': 'text/plain' },
		});
		expect(outputOf(result)[0].name).toBe(name);
	});

	it('answers 400 to malformed JSON, without quoting it', async () => {
		const result = await deliver({
			body: {},
			rawBody: '{"event": "call_close", "name": ',
			headers: withSecret(),
		});
		expect(answer(result)).toEqual({
			status: 400,
			body: { error: 'malformed_body', message: 'The request body is not valid JSON' },
		});
		expect(result.workflowData).toBeUndefined();
	});

	it('answers 400 to an unknown event and to a missing name', async () => {
		const unknown = await deliver({
			body: { event: 'ticket_close', name: 'x' },
			headers: withSecret(),
		});
		expect(answer(unknown).status).toBe(400);
		expect(answer(unknown).body).toMatchObject({
			error: 'unknown_event',
			message: expect.stringContaining('ticket_close'),
		});
		const nameless = await deliver({ body: { event: 'call_close' }, headers: withSecret() });
		expect(answer(nameless)).toMatchObject({ status: 400, body: { error: 'missing_name' } });
		expect(unknown.workflowData ?? nameless.workflowData).toBeUndefined();
	});

	it('acknowledges a known event that is not selected, without starting anything', async () => {
		const result = await deliver({
			body: { event: 'email_create', name: 'act_1' },
			headers: withSecret(),
			parameters: { events: ['call_close', 'contact_update'] },
		});
		expect(answer(result)).toEqual({
			status: 200,
			body: {
				received: true,
				ignored: true,
				event: 'email_create',
				name: 'act_1',
				reason: 'This event is not selected in the Daktela Trigger',
			},
		});
		expect(result.workflowData).toBeUndefined();
		expect(sandbox.counters.total()).toBe(0);
	});
});

describe('Daktela Trigger: deduplication', () => {
	it('handles the same event for the same record once within the window', async () => {
		const name = nameOf('contacts');
		const staticData: IDataObject = {};
		const first = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		expect(outputOf(first)).toHaveLength(1);
		const second = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		expect(answer(second)).toEqual({
			status: 200,
			body: { received: true, duplicate: true, event: 'contact_update', name },
		});
		expect(second.workflowData).toBeUndefined();
		// Another event for the same record is not a duplicate.
		const other = await deliver({
			body: { event: 'contact_create', name },
			headers: withSecret(),
			staticData,
		});
		expect(outputOf(other)).toHaveLength(1);
	});

	it('stores the key in static data during the execution, so it survives an n8n restart', async () => {
		const name = nameOf('contacts');
		const staticData: IDataObject = {};
		const first = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		const items = first.workflowData![0];
		expect(items[0].json._event).toMatchObject({
			dedupKey: expect.stringMatching(`^contact_update\\|${name}\\|[0-9a-f]{16}$`),
		});
		// The execution webhook() started: n8n runs the trigger's execute() on its items first.
		const execution = await runTriggerExecution(items, staticData);
		expect(execution.error).toBeUndefined();
		expect(execution.outputOf('Daktela Trigger').map((item) => item.json)).toEqual(
			items.map((item) => item.json),
		);
		const stored = (staticData['node:Daktela Trigger'] as IDataObject).dedup as IDataObject;
		expect(Object.keys(stored)).toEqual([
			items[0].json._event && (items[0].json._event as IDataObject).dedupKey,
		]);

		processMemory.clear(); // n8n restarted
		const again = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		expect(answer(again).body.duplicate).toBe(true);
	});

	it('a duplicate that reaches another n8n process stops at the trigger (processed-data store)', async () => {
		const name = nameOf('contacts');
		// Queue mode: a worker's execution starts from empty static data.
		const runExecution = async (
			items: Array<{ json: IDataObject }>,
			mode: 'webhook' | 'retry' = 'webhook',
		) => await runTriggerExecution(items, {}, mode);
		const first = await deliver({ body: { event: 'contact_update', name }, headers: withSecret() });
		const ran = await runExecution(first.workflowData![0]);
		expect(ran.outputOf('Daktela Trigger')).toHaveLength(1);

		// The redelivery reaches a process that never saw the first (another webhook process).
		processMemory.clear();
		const again = await deliver({ body: { event: 'contact_update', name }, headers: withSecret() });
		expect(answer(again).body.duplicate).toBeUndefined();
		const items = again.workflowData![0];
		const dropped = await runExecution(items);
		expect(dropped.error).toBeUndefined();
		expect(dropped.outputOf('Daktela Trigger')).toEqual([]);

		// A retried execution runs again; so does a delivery two windows later.
		expect((await runExecution(items, 'retry')).outputOf('Daktela Trigger')).toHaveLength(1);
		const shifted = (ms: number) =>
			items.map((item) => {
				const meta = item.json._event as IDataObject;
				const at = new Date(Date.parse(String(meta.receivedAt)) + ms).toISOString();
				return { json: { ...item.json, _event: { ...meta, receivedAt: at } } };
			});
		expect((await runExecution(shifted(1_300_000))).outputOf('Daktela Trigger')).toHaveLength(1);
		processedData.clear();
		await runExecution(items);
		// Less than one window (600 s) later: always a duplicate, whatever the bucket boundaries.
		expect((await runExecution(shifted(500_000))).outputOf('Daktela Trigger')).toEqual([]);
	});

	it('keeps the key in process memory, so a lost static data write does not matter', async () => {
		const name = nameOf('contacts');
		await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData: {},
		});
		// The second request starts from static data without the key (a concurrent run overwrote it).
		const again = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData: {},
		});
		expect(answer(again).body.duplicate).toBe(true);
	});

	it('starts one execution for concurrent duplicate deliveries', async () => {
		const name = nameOf('contacts');
		const staticData: IDataObject = {};
		sandbox.setLatency(40);
		try {
			const results = await Promise.all(
				Array.from(
					{ length: 5 },
					async () =>
						await deliver({
							body: { event: 'contact_update', name },
							headers: withSecret(),
							staticData,
						}),
				),
			);
			expect(results.filter((r) => r.workflowData !== undefined)).toHaveLength(1);
			expect(results.filter((r) => answer(r).body.duplicate === true)).toHaveLength(4);
		} finally {
			sandbox.setLatency(0);
		}
	});

	it('treats a new event after a real change as new work, a redelivery of the same state not', async () => {
		const contact = recordOf('contacts');
		const name = String(contact.name);
		const staticData: IDataObject = {};
		const send = async () =>
			await deliver({ body: { event: 'contact_update', name }, headers: withSecret(), staticData });
		expect(outputOf(await send())).toHaveLength(1);
		sandbox.store.put('contacts', { ...contact, title: `${String(contact.title)} (renamed)` });
		const changed = await send();
		expect(outputOf(changed)[0].title).toMatch(/\(renamed\)$/);
		expect(answer(await send()).body.duplicate).toBe(true);
	});

	it('with Deduplicate By "Event and Record", ignores content changes within the window', async () => {
		const contact = recordOf('accounts');
		const name = String(contact.name);
		const staticData: IDataObject = {};
		const parameters = { options: { dedupBy: 'event' } };
		const send = async () =>
			await deliver({
				body: { event: 'account_update', name },
				headers: withSecret(),
				staticData,
				parameters,
			});
		expect(outputOf(await send())).toHaveLength(1);
		sandbox.store.put('accounts', { ...contact, title: `${String(contact.title)} (changed)` });
		expect(answer(await send()).body.duplicate).toBe(true);
	});

	it('does not deduplicate with a window of 0 or in editor test runs', async () => {
		const name = nameOf('contacts');
		for (const variant of [
			{ parameters: { options: { dedupWindow: 0 } } },
			{ mode: 'manual' as const },
		]) {
			const staticData: IDataObject = {};
			processMemory.clear();
			for (let i = 0; i < 2; i++) {
				const result = await deliver({
					body: { event: 'contact_update', name },
					headers: withSecret(),
					staticData,
					...variant,
				});
				expect(outputOf(result)).toHaveLength(1);
			}
		}
	});
});

describe('Daktela Trigger: Daktela fails during the re-fetch', () => {
	it('retries, then answers 503 with Retry-After, records no key, and a redelivery works', async () => {
		const name = nameOf('contacts');
		const staticData: IDataObject = {};
		sandbox.setFaults({ rate: 1, kinds: ['500'], methods: ['GET'] });
		const failed = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		expect(sandbox.counters.get('GET', 'contacts')).toBe(4); // 1 attempt + 3 retries
		expect(answer(failed).status).toBe(503);
		expect(answer(failed).body).toMatchObject({
			error: 'daktela_unavailable',
			event: 'contact_update',
			name,
			retryable: true,
			message: expect.stringMatching(
				/server error \(HTTP 500\).*after 4 attempts.*deliver it again/,
			),
		});
		expect(failed.responseHeaders['retry-after']).toBe('30');
		expect(failed.workflowData).toBeUndefined();
		expect(JSON.stringify(failed.responseBody)).not.toContain(sandbox.token);
		expect(JSON.stringify(staticData)).not.toContain(name);

		sandbox.setFaults(undefined);
		const redelivered = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
		});
		expect(outputOf(redelivered)).toHaveLength(1);
	});

	it('recovers within the retries when Daktela comes back', async () => {
		const name = nameOf('contacts');
		// The fault RNG is seeded: about half the GETs fail, and 4 attempts get through.
		sandbox.setFaults({ rate: 0.5, kinds: ['500', 'drop'], methods: ['GET'], seed: 7 });
		const result = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
		});
		expect(outputOf(result)[0].name).toBe(name);
	});

	it('answers 422 when the record does not exist in Daktela', async () => {
		const result = await deliver({
			body: { event: 'contact_update', name: 'crm_person_never_existed' },
			headers: withSecret(),
		});
		expect(answer(result)).toMatchObject({
			status: 422,
			body: { error: 'record_not_found', name: 'crm_person_never_existed' },
		});
		expect(result.responseHeaders['retry-after']).toBeUndefined();
		expect(sandbox.counters.get('GET', 'contacts')).toBe(1);
	});

	it('with On Re-Fetch Failure "error item", starts the workflow with the error', async () => {
		const name = nameOf('contacts');
		const staticData: IDataObject = {};
		sandbox.setFaults({ rate: 1, kinds: ['500'], methods: ['GET'] });
		const result = await deliver({
			body: { event: 'contact_update', name },
			headers: withSecret(),
			staticData,
			parameters: { options: { onRefetchError: 'emitError' } },
		});
		expect(answer(result)).toEqual({
			status: 200,
			body: { received: true, event: 'contact_update', name, refetchFailed: true },
		});
		expect(outputOf(result)).toEqual([
			{
				name,
				_event: expect.objectContaining({ event: 'contact_update', refetched: false }),
				error: expect.objectContaining({ kind: 'server', httpCode: 500 }),
			},
		]);
		expect(JSON.stringify(staticData)).not.toContain(name);
	});
});

describe('Daktela Trigger: configuration', () => {
	it('answers 500 "not configured" when the secret is too short, whatever the request', async () => {
		const result = await deliver({
			body: { event: 'contact_update', name: 'x' },
			headers: withSecret('short'),
			parameters: { secret: 'short' },
		});
		expect(answer(result)).toMatchObject({ status: 500, body: { error: 'not_configured' } });
		expect(JSON.stringify(result.responseBody)).not.toContain('short"');
	});

	function hookContext(parameters: INodeParameters, staticData: IDataObject = {}): IHookFunctions {
		const node = { name: 'Daktela Trigger', parameters } as unknown as INode;
		return {
			getNode: () => node,
			getNodeParameter: (name: string, fallback?: unknown) => parameters[name] ?? fallback,
			getWorkflowStaticData: () => staticData,
		} as unknown as IHookFunctions;
	}

	it('refuses activation without a long enough secret or without events', async () => {
		const { create } = new DaktelaTrigger().webhookMethods.default;
		await expect(create.call(hookContext({ events: ['*'], secret: 'short' }))).rejects.toThrow(
			/Secret of at least 16 characters/,
		);
		await expect(create.call(hookContext({ events: [], secret: CURRENT }))).rejects.toThrow(
			/at least one event/,
		);
	});

	it('activates a valid configuration and prunes expired dedup keys', async () => {
		const methods = new DaktelaTrigger().webhookMethods.default;
		const staticData: IDataObject = { dedup: { old: 1, fresh: 4_000_000_000 } };
		const context = hookContext({ events: ['*'], secret: CURRENT }, staticData);
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
		await expect(methods.create.call(context)).resolves.toBe(true);
		expect(staticData.dedup).toEqual({ fresh: 4_000_000_000 });
		await expect(methods.delete.call(context)).resolves.toBe(true);
	});
});
