/**
 * Abuse of the real-time webhook, end to end: what a Daktela automation endpoint on the internet
 * gets (no secret, a wrong one, garbage, huge bodies, unknown events, replays and duplicates) and
 * what each does downstream.
 *
 * Each delivery goes through the Daktela Trigger's webhook() in n8n-core's real WebhookContext
 * (harness runWebhook). When webhook() hands n8n items, n8n starts an execution: here runWorkflow
 * runs the workflow behind the trigger with those items and the same static data -
 *
 *   Daktela Trigger -> Field Mapper (contact, To CRM, the default mapping) -> CRM create or update
 *
 * - so "nothing written twice" is counted where it matters, in the CRM (and Daktela, which the
 * flow only reads, must see no write at all).
 *
 * Real n8n in front of the node adds two things the harness cannot: it answers 404 to other
 * methods and paths, and 413 to bodies above N8N_PAYLOAD_SIZE_MAX (16 MiB by default) before the
 * node runs. The e2e scenario test/e2e/scenarios/daktela-trigger.cts covers secrets, duplicates
 * and unknown events through a real n8n 2.41.1.
 */
import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { DaktelaTrigger } from '../nodes/DaktelaTrigger/DaktelaTrigger.node';
import { processMemory } from '../nodes/DaktelaTrigger/dedup';
import { signatureHeaderValue } from '../nodes/DaktelaTrigger/security/verify';
import { FieldMapper } from '../nodes/FieldMapper/FieldMapper.node';
import { processedData, runWebhook, runWorkflow, type RunWebhookResult } from './harness/n8n.cjs';
import { startDaktelaSandbox, type DaktelaSandbox } from './sandbox/daktela.cjs';
import { crmWriterNode, InMemoryCrm } from './support/crm-source';

const SHARED_VALUE = 'abuse-spec-shared-value-0123456789';
const TRIGGER = 'n8n-nodes-daktela.daktelaTrigger';
const MAPPER = 'n8n-nodes-daktela.fieldMapper';
const CRM_WRITE = 'test.inMemoryCrmWrite';

let sandbox: DaktelaSandbox;
let credentials: { daktelaApi: { url: string; accessToken: string; timeZone: string } };

beforeAll(async () => {
	sandbox = await startDaktelaSandbox({});
	credentials = {
		daktelaApi: { url: sandbox.url, accessToken: sandbox.token, timeZone: 'Europe/Prague' },
	};
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	// Every spec is a freshly started n8n (process memory) with a fresh database (processed data).
	processMemory.clear();
	processedData.clear();
	sandbox.reset();
	sandbox.setFaults(undefined);
	for (let n = 1; n <= 3; n++) {
		sandbox.store.put('contacts', {
			name: `crm_person_${n}`,
			title: `Jana Nováková ${n}`,
			firstname: 'Jana',
			lastname: `Nováková ${n}`,
			database: 'default',
			customFields: { email: [`jana.${n}@example.cz`], number: [`+42077700000${n}`] },
		});
	}
});

const triggerParameters: INodeParameters = {
	events: ['contact_create', 'contact_update', 'account_update'],
	secret: SHARED_VALUE,
};

interface Flow {
	crm: InMemoryCrm;
	staticData: IDataObject;
	/** Executions started (webhook() handed n8n items). */
	executions: number;
}

function newFlow(): Flow {
	return { crm: new InMemoryCrm(), staticData: {}, executions: 0 };
}

interface Request {
	body?: unknown;
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	parameters?: INodeParameters;
}

interface Answer {
	status: number;
	body: IDataObject;
	result: RunWebhookResult;
}

function workflowBehind(parameters: INodeParameters): {
	nodes: INode[];
	connections: IConnections;
} {
	const nodes: INode[] = [
		{
			id: 'trigger',
			name: 'Daktela Trigger',
			type: TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			webhookId: '00000000-0000-4000-8000-000000000001',
		},
		{
			id: 'mapper',
			name: 'Map Contact',
			type: MAPPER,
			typeVersion: 1,
			position: [200, 0],
			parameters: { entity: 'contact', direction: 'toCrm', mappingMode: 'yaml' },
		},
		{
			id: 'crm',
			name: 'CRM Upsert',
			type: CRM_WRITE,
			typeVersion: 1,
			position: [400, 0],
			parameters: { table: 'people' },
		},
	];
	const connections: IConnections = {
		'Daktela Trigger': { main: [[{ node: 'Map Contact', type: 'main', index: 0 }]] },
		'Map Contact': { main: [[{ node: 'CRM Upsert', type: 'main', index: 0 }]] },
	};
	return { nodes, connections };
}

/** One HTTP delivery as n8n handles it: webhook(), then the execution it starts, if any. */
async function deliver(flow: Flow, request: Request): Promise<Answer> {
	const parameters = { ...triggerParameters, ...(request.parameters ?? {}) };
	const result = await runWebhook({
		node: DaktelaTrigger,
		parameters,
		credentials,
		headers: { 'content-type': 'application/json', ...(request.headers ?? {}) },
		body: request.body,
		rawBody: request.rawBody,
		query: request.query,
		staticData: flow.staticData,
	});
	expect(result.error).toBeUndefined();
	const items = result.workflowData?.[0];
	if (items?.length) {
		flow.executions++;
		const execution = await runWorkflow({
			...workflowBehind(parameters),
			nodeTypes: {
				[TRIGGER]: DaktelaTrigger,
				[MAPPER]: FieldMapper,
				[CRM_WRITE]: crmWriterNode(flow.crm),
			},
			credentials,
			triggerItems: items,
			staticData: flow.staticData,
			mode: 'webhook',
		});
		expect(execution.error).toBeUndefined();
	}
	if (result.noWebhookResponse) {
		return { status: result.statusCode ?? 0, body: result.responseBody as IDataObject, result };
	}
	return { status: 200, body: result.webhookResponse as IDataObject, result };
}

const withSecret = (secret = SHARED_VALUE): Record<string, string> => ({
	'x-webhook-secret': secret,
});

const good = (name = 'crm_person_1', event = 'contact_update') => ({
	body: { event, name },
	headers: withSecret(),
});

/** Nothing started, nothing written anywhere. */
function expectNothingHappened(flow: Flow, answer: Answer): void {
	expect(answer.result.workflowData).toBeUndefined();
	expect(flow.executions).toBe(0);
	expect(flow.crm.writes).toEqual([]);
}

function daktelaWrites(): number {
	return (
		sandbox.counters.get('POST') + sandbox.counters.get('PUT') + sandbox.counters.get('DELETE')
	);
}

afterEach(() => {
	// The real-time flow only ever reads Daktela.
	expect(daktelaWrites()).toBe(0);
});

describe('webhook abuse: who may deliver', () => {
	it('no secret header: 401, no Daktela request, no execution', async () => {
		const flow = newFlow();
		const answer = await deliver(flow, { body: { event: 'contact_update', name: 'crm_person_1' } });
		expect(answer.status).toBe(401);
		expect(answer.body.error).toBe('missing_secret');
		expectNothingHappened(flow, answer);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('an empty secret header: 401; the secret in the query string instead of the header: 401', async () => {
		const flow = newFlow();
		const empty = await deliver(flow, { ...good(), headers: withSecret('') });
		expect(empty.status).toBe(401);
		const inQuery = await deliver(flow, { body: good().body, query: { secret: SHARED_VALUE } });
		expect(inQuery.status).toBe(401);
		expectNothingHappened(flow, inQuery);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('a wrong secret (same length, one character off, or a prefix of it): 403, never echoed', async () => {
		const flow = newFlow();
		const oneOff = `${SHARED_VALUE.slice(0, -1)}X`;
		for (const wrong of [oneOff, SHARED_VALUE.slice(0, 20), `${SHARED_VALUE} `.repeat(2)]) {
			const answer = await deliver(flow, { ...good(), headers: withSecret(wrong) });
			expect(answer.status).toBe(403);
			expect(answer.body.error).toBe('invalid_secret');
			const sent = JSON.stringify([answer.body, answer.result.responseHeaders]);
			expect(sent).not.toContain(SHARED_VALUE.slice(0, 20));
		}
		expect(flow.executions).toBe(0);
		expect(flow.crm.writes).toEqual([]);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('HMAC mode: a replayed signed delivery is a duplicate, an old one is refused (403)', async () => {
		const flow = newFlow();
		const parameters = { authentication: 'signature' };
		const rawBody = JSON.stringify({ event: 'contact_update', name: 'crm_person_2' });
		const now = Math.floor(Date.now() / 1000);
		const signed = (at: number) => ({
			'x-daktela-signature': signatureHeaderValue([SHARED_VALUE], at, rawBody),
		});
		const first = await deliver(flow, {
			body: JSON.parse(rawBody),
			rawBody,
			headers: signed(now),
			parameters,
		});
		expect(first.status).toBe(200);
		const replay = await deliver(flow, {
			body: JSON.parse(rawBody),
			rawBody,
			headers: signed(now),
			parameters,
		});
		expect(replay).toMatchObject({ status: 200, body: { duplicate: true } });
		const old = await deliver(flow, {
			body: JSON.parse(rawBody),
			rawBody,
			headers: signed(now - 3600),
			parameters,
		});
		expect(old.status).toBe(403);
		expect(old.body.error).toBe('expired_signature');
		// A secret header is no substitute for a signature.
		const unsigned = await deliver(flow, { ...good('crm_person_2'), parameters });
		expect(unsigned.status).toBe(401);
		expect(flow.executions).toBe(1);
		expect(flow.crm.writes).toEqual([{ table: 'people', id: '2', action: 'created' }]);
	});
});

describe('webhook abuse: what is delivered', () => {
	it('malformed JSON, a JSON array, an empty body: 400 without quoting the body, nothing started', async () => {
		const flow = newFlow();
		const cases: Array<[string, string]> = [
			['{"event": "contact_update", "name": "crm_person_1"', 'malformed_body'],
			['[{"event": "contact_update", "name": "crm_person_1"}]', 'malformed_body'],
			['{"event": "contact_update", "name": "crm_person_1"}}<script>', 'malformed_body'],
			['', 'empty_body'],
		];
		for (const [rawBody, code] of cases) {
			const answer = await deliver(flow, { rawBody, body: {}, headers: withSecret() });
			expect(answer.status).toBe(400);
			expect(answer.body.error).toBe(code);
			expect(String(answer.body.message)).not.toContain('crm_person_1');
			expect(String(answer.body.message)).not.toContain('<script>');
		}
		expect(flow.executions).toBe(0);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('an unknown event, an unreplaced placeholder, a missing or malformed name: 400; an unselected event: 200 ignored', async () => {
		const flow = newFlow();
		const refused: Array<[IDataObject, string]> = [
			[{ event: 'contact_explode', name: 'crm_person_1' }, 'unknown_event'],
			[{ event: 'ticket_update', name: 'crm_person_1' }, 'unknown_event'],
			[{ event: '{{event_name}}', name: 'crm_person_1' }, 'unreplaced_placeholder'],
			[{ event: 'contact_update' }, 'missing_name'],
			[{ event: 'contact_update', name: 'x'.repeat(256) }, 'invalid_name'],
			[{ event: 'contact_update', name: 'crm_person_1\r\nX-Injected: 1' }, 'invalid_name'],
		];
		for (const [body, code] of refused) {
			const answer = await deliver(flow, { body, headers: withSecret() });
			expect({ body, status: answer.status, error: answer.body.error }).toEqual({
				body,
				status: 400,
				error: code,
			});
		}
		const unselected = await deliver(flow, good('crm_person_1', 'call_close'));
		expect(unselected).toMatchObject({ status: 200, body: { ignored: true } });
		expectNothingHappened(flow, unselected);
		expect(sandbox.counters.total()).toBe(0);
	});

	it('a record Daktela does not have: 422, nothing written', async () => {
		const flow = newFlow();
		const answer = await deliver(flow, good('crm_person_404'));
		expect(answer.status).toBe(422);
		expect(answer.body.error).toBe('record_not_found');
		expectNothingHappened(flow, answer);
	});

	it('an oversized body (2 MiB): refused unread without the secret; with it, only event and name count', async () => {
		const flow = newFlow();
		const padding = 'A'.repeat(2 * 1024 * 1024);
		const huge = { event: 'contact_update', name: 'crm_person_3', title: 'Forged title', padding };
		const rawBody = JSON.stringify(huge);

		const anonymous = await deliver(flow, { body: huge, rawBody, headers: {} });
		expect(anonymous.status).toBe(401);
		expectNothingHappened(flow, anonymous);

		// With the secret the body is parsed, but the record is re-fetched from Daktela: nothing
		// the body says besides event and name reaches the workflow or the CRM.
		const signedIn = await deliver(flow, { body: huge, rawBody, headers: withSecret() });
		expect(signedIn.status).toBe(200);
		const item = signedIn.result.workflowData?.[0][0].json as IDataObject;
		expect(item.title).toBe('Jana Nováková 3');
		expect(JSON.stringify(item).length).toBeLessThan(10_000);
		expect(flow.crm.writes).toEqual([{ table: 'people', id: '3', action: 'created' }]);
		expect(flow.crm.get('people', '3')).toMatchObject({ last_name: 'Nováková 3' });
		expect(JSON.stringify(flow.crm.all('people'))).not.toContain('Forged');
	});
});

describe('webhook abuse: the same event more than once', () => {
	it('delivered twice: 200 both times, one execution, one CRM write; still a duplicate after a restart', async () => {
		const flow = newFlow();
		const first = await deliver(flow, good('crm_person_1'));
		expect(first).toMatchObject({ status: 200, body: { received: true, name: 'crm_person_1' } });
		const second = await deliver(flow, good('crm_person_1'));
		expect(second).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
		expect(second.result.workflowData).toBeUndefined();

		processMemory.clear(); // n8n restarted: the key comes from the execution's static data
		const third = await deliver(flow, good('crm_person_1'));
		expect(third.body.duplicate).toBe(true);

		expect(flow.executions).toBe(1);
		expect(flow.crm.writes).toEqual([{ table: 'people', id: '1', action: 'created' }]);
		expect(flow.crm.get('people', '1')).toMatchObject({
			first_name: 'Jana',
			last_name: 'Nováková 1',
			email: 'jana.1@example.cz',
		});
	});

	it('ten concurrent copies of one delivery: one execution, one CRM write', async () => {
		const flow = newFlow();
		sandbox.setLatency(30);
		let answers: Answer[];
		try {
			answers = await Promise.all(
				Array.from({ length: 10 }, async () => await deliver(flow, good('crm_person_2'))),
			);
		} finally {
			sandbox.setLatency(0);
		}
		expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
		expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(9);
		expect(flow.executions).toBe(1);
		expect(flow.crm.writes).toEqual([{ table: 'people', id: '2', action: 'created' }]);
	});

	it('a real change between deliveries is new work; abuse in between changes nothing', async () => {
		const flow = newFlow();
		await deliver(flow, good('crm_person_1'));
		await deliver(flow, {
			body: good('crm_person_1').body,
			headers: withSecret('wrong-secret-value-0000'),
		});
		await deliver(flow, { rawBody: '{"event":', body: {}, headers: withSecret() });
		await deliver(flow, good('crm_person_1')); // duplicate
		const contact = sandbox.store.get('contacts', 'crm_person_1') as IDataObject;
		sandbox.store.put('contacts', { ...contact, lastname: 'Svobodová' });
		const changed = await deliver(flow, good('crm_person_1'));
		expect(changed.body.duplicate).toBeUndefined();
		expect(flow.executions).toBe(2);
		expect(flow.crm.writes).toEqual([
			{ table: 'people', id: '1', action: 'created' },
			{ table: 'people', id: '1', action: 'updated' },
		]);
		expect(flow.crm.get('people', '1')?.last_name).toBe('Svobodová');
	});

	it('a delivery that failed (Daktela down) is not remembered: its redelivery is processed once', async () => {
		const flow = newFlow();
		sandbox.setFaults({ rate: 1, kinds: ['500'] });
		const down = await deliver(flow, good('crm_person_3'));
		expect(down.status).toBe(503);
		expect(down.result.responseHeaders['retry-after']).toBeDefined();
		expectNothingHappened(flow, down);
		sandbox.setFaults(undefined);
		const redelivered = await deliver(flow, good('crm_person_3'));
		expect(redelivered.status).toBe(200);
		const again = await deliver(flow, good('crm_person_3'));
		expect(again.body.duplicate).toBe(true);
		expect(flow.crm.writes).toEqual([{ table: 'people', id: '3', action: 'created' }]);
	}, 30_000);
});
