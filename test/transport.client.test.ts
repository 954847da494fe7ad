/**
 * DaktelaClient against the sandbox Daktela over real HTTP: CRUD, every error shape, retries and
 * their limits, safe POST retries, the concurrency limit, and the token staying out of URLs and
 * messages. Sleeps are recorded, not waited: the backoff schedule is asserted exactly.
 */
import { DaktelaClient, parseRetryAfter, type HttpSend } from '../nodes/shared/transport/client';
import { DaktelaApiError } from '../nodes/shared/transport/errors';
import { startDaktelaSandbox, type DaktelaSandbox, type FaultOptions } from './sandbox/daktela.cjs';
import { fetchSend } from './support/fetch-send';
import { startRawServer, type RawServer } from './support/raw-server.cjs';
import { recordingClient } from './support/transport-client';

let sandbox: DaktelaSandbox;
const messages: string[] = [];
const allRequests: DaktelaSandbox['requests'] = [];

beforeAll(async () => {
	sandbox = await startDaktelaSandbox();
});

afterAll(async () => {
	// The token never travelled in a URL, in any test of this file.
	allRequests.push(...sandbox.requests);
	expect(allRequests.length).toBeGreaterThan(50);
	for (const request of allRequests) {
		expect(request.url).not.toContain(sandbox.token);
		// 'none' = dropped by fault injection before the sandbox looked at the credentials.
		expect(['header', 'none']).toContain(request.auth);
	}
	// ...and never appeared in an error message or description.
	expect(messages.length).toBeGreaterThan(10);
	for (const message of messages) expect(message).not.toContain(sandbox.token);
	await sandbox.close();
});

beforeEach(() => {
	allRequests.push(...sandbox.requests);
	sandbox.reset();
	sandbox.setFaults(undefined);
	sandbox.setLatency(0);
	sandbox.store.put('accounts', { name: 'acc_one', title: 'One', database: 'default' });
});

/** Awaits `promise`, expects a DaktelaApiError, and remembers its texts for the token check. */
async function failure(promise: Promise<unknown>): Promise<DaktelaApiError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(DaktelaApiError);
	const apiError = error as DaktelaApiError;
	messages.push(apiError.message, apiError.description, JSON.stringify(apiError.details ?? null));
	return apiError;
}

/** Faults the next `count` requests (of `methods`), then turns faults off. */
function faultNext(count: number, faults: FaultOptions): (send: HttpSend) => HttpSend {
	let left = count;
	sandbox.setFaults({ ...faults, rate: 1 });
	return (send) => async (req) => {
		if (faults.methods && !faults.methods.includes(req.method)) return await send(req);
		try {
			return await send(req);
		} finally {
			if (--left === 0) sandbox.setFaults(undefined);
		}
	};
}

const count = (method: string, endpoint = 'contacts') =>
	sandbox.requests.filter((r) => r.method === method && r.endpoint === endpoint).length;

const contact = (name?: string) => ({
	...(name ? { name } : {}),
	title: 'Jan Novák',
	firstname: 'Jan',
	lastname: 'Novák',
	database: 'default',
	account: 'acc_one',
	customFields: { email: ['jan@example.com'] },
});

describe('CRUD', () => {
	it('creates, reads, updates and deletes a record by its external id', async () => {
		const { client } = recordingClient(sandbox);
		const created = await client.create('contacts', contact('crm_person_1'));
		expect(created).toMatchObject({ name: 'crm_person_1', lastname: 'Novák' });
		expect(created.account).toMatchObject({ name: 'acc_one' });

		expect(await client.get('contacts', 'crm_person_1')).toMatchObject({ title: 'Jan Novák' });
		const updated = await client.update('contacts', 'crm_person_1', { description: 'VIP' });
		expect(updated).toMatchObject({ name: 'crm_person_1', description: 'VIP' });

		await expect(client.delete('contacts', 'crm_person_1')).resolves.toBeUndefined();
		expect(sandbox.store.get('contacts', 'crm_person_1')).toBeUndefined();
		expect(await client.find('contacts', 'crm_person_1')).toBeUndefined();
	});

	it('encodes names with dots, slashes and spaces so they round-trip', async () => {
		const { client } = recordingClient(sandbox);
		const name = 'crm.person/1 ä';
		await client.create('contacts', contact(name));
		expect(await client.get('contacts', name)).toMatchObject({ name });
		await client.update('contacts', name, { description: 'x' });
		await client.delete('contacts', name);
		expect(sandbox.store.get('contacts', name)).toBeUndefined();
	});

	it('whoim returns the user and version but never the token Daktela echoes', async () => {
		const { client } = recordingClient(sandbox);
		const me = await client.whoim();
		expect(me.user).not.toBeNull();
		expect(me.version).toEqual(expect.any(String));
		expect(JSON.stringify(me)).not.toContain(sandbox.token);

		const stranger = recordingClient({ url: sandbox.url, token: 'not-the-token' }).client;
		expect((await stranger.whoim()).user).toBeNull();
	});
});

describe('errors: every shape, normalised into one message naming the field', () => {
	it('404 ["Object not exist"] on GET is notFound', async () => {
		const { client } = recordingClient(sandbox);
		const error = await failure(client.get('contacts', 'missing'));
		expect(error).toMatchObject({ kind: 'notFound', httpCode: 404, message: 'Object not exist' });
		expect(error.description).toBe(
			'Daktela record not found (HTTP 404) on GET contacts/missing.json.',
		);
	});

	it('404 "Object not exist" (string) on PUT and DELETE is notFound', async () => {
		const { client } = recordingClient(sandbox);
		expect(await failure(client.update('contacts', 'missing', { title: 'x' }))).toMatchObject({
			kind: 'notFound',
			message: 'Object not exist',
		});
		expect(await failure(client.delete('contacts', 'missing'))).toMatchObject({ kind: 'notFound' });
	});

	it('400 {form: {lastname: ...}} is validation naming the field', async () => {
		const { client } = recordingClient(sandbox);
		const noLastname: Record<string, unknown> = contact('crm_person_2');
		delete noLastname.lastname;
		const error = await failure(client.create('contacts', noLastname));
		expect(error).toMatchObject({ kind: 'validation', httpCode: 400, field: 'lastname' });
		expect(error.message).toMatch(/^lastname: Item is mandatory$/);
		expect(count('POST')).toBe(1);
	});

	it('400 nested {form: {customFields: {email: [...]}}} names customFields.email', async () => {
		const { client } = recordingClient(sandbox);
		const error = await failure(
			client.create('contacts', { ...contact('crm_person_3'), customFields: { email: ['nope'] } }),
		);
		expect(error.field).toBe('customFields.email');
		expect(error.message).toMatch(/^customFields\.email: .+/);
	});

	it('400 {primary: [...]} when deleting an account that still has contacts', async () => {
		const { client } = recordingClient(sandbox);
		await client.create('contacts', contact('crm_person_4'));
		const error = await failure(client.delete('accounts', 'acc_one'));
		expect(error).toMatchObject({ kind: 'validation', httpCode: 400, field: undefined });
		expect(error.message.length).toBeGreaterThan(5);
		expect(error.details).toHaveProperty('primary');
		expect(count('DELETE', 'accounts')).toBe(1);
	});

	it('400 {primary, form} together: both parts in the message', async () => {
		const { client } = recordingClient(sandbox);
		const error = await failure(
			client.create('activities', { name: 'act_1', title: 'x', type: 'TELEPATHY', action: 'OPEN' }),
		);
		expect(error.kind).toBe('validation');
		expect(error.details).toMatchObject({ primary: expect.any(Array), form: expect.any(Object) });
		expect(error.message).toContain('TELEPATHY');
		expect(error.message).toMatch(/type: /);
	});

	it('400 for a name that already exists, no retry', async () => {
		const { client } = recordingClient(sandbox);
		await client.create('contacts', contact('crm_person_5'));
		const error = await failure(client.create('contacts', contact('crm_person_5')));
		expect(error).toMatchObject({ kind: 'validation', field: 'name' });
		expect(count('POST')).toBe(2);
	});

	it('401 with a wrong token is auth, without the token in the message', async () => {
		const wrong = `wrong-${sandbox.token}-token`;
		const { client } = recordingClient({ url: sandbox.url, token: wrong });
		const error = await failure(client.get('contacts', 'x'));
		expect(error).toMatchObject({ kind: 'auth', httpCode: 401 });
		expect(error.message).not.toContain(wrong);
		expect(count('GET')).toBe(1);
	});

	it('405 for a method the endpoint does not have', async () => {
		const { client } = recordingClient(sandbox);
		const error = await failure(client.delete('activities', 'act_x'));
		expect(error).toMatchObject({ kind: 'unknown', httpCode: 405, message: 'Method not allowed' });
	});

	it('400 ["Invalid ..."] for a query the server cannot parse', async () => {
		const { client } = recordingClient(sandbox);
		const error = await failure(
			client.request({
				method: 'GET',
				path: 'contacts.json',
				qs: { 'filter[filters][0][field]': 'title', 'filter[filters][0][operator]': 'sounds' },
			}),
		);
		expect(error).toMatchObject({ kind: 'validation', httpCode: 400 });
		expect(error.message).toMatch(/sounds/);
		expect(count('GET')).toBe(1);
	});

	describe('shapes the sandbox does not produce, from a scripted server', () => {
		let raw: RawServer;
		beforeAll(async () => {
			raw = await startRawServer();
		});
		afterAll(async () => {
			await raw.close();
		});

		it('422 {violations: [{propertyPath, message}]}', async () => {
			raw.script([
				{
					status: 422,
					headers: { 'content-type': 'application/problem+json' },
					body: JSON.stringify({
						status: 422,
						detail: 'lastname: This value should not be blank.',
						violations: [
							{ propertyPath: 'lastname', message: 'This value should not be blank.' },
							{ propertyPath: 'customFields[email]', message: 'Invalid e-mail.' },
						],
					}),
				},
			]);
			const { client } = recordingClient({ url: raw.url, token: sandbox.token });
			const error = await failure(client.create('contacts', contact('x')));
			expect(error).toMatchObject({ kind: 'validation', httpCode: 422, field: 'lastname' });
			expect(error.message).toBe(
				'lastname: This value should not be blank.; customFields.email: Invalid e-mail.',
			);
		});

		it('an HTML gateway page on 502 (retried, then reported with its title)', async () => {
			const page =
				'<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';
			raw.script([{ status: 502, headers: { 'content-type': 'text/html' }, body: page }]);
			const { client, sleeps } = recordingClient(
				{ url: raw.url, token: sandbox.token },
				{ maxRetries: 2 },
			);
			const error = await failure(client.get('contacts', 'x'));
			expect(error).toMatchObject({ kind: 'server', httpCode: 502, attempts: 3 });
			expect(error.message).toBe('Bad gateway: 502 Bad Gateway');
			expect(sleeps).toEqual([150, 300]);
		});

		it('an empty 503 body, and Retry-After as an HTTP date', async () => {
			const now = Date.UTC(2026, 6, 1, 10, 0, 0);
			raw.script([
				{ status: 503, headers: { 'retry-after': new Date(now + 7000).toUTCString() }, body: '' },
				{
					status: 200,
					headers: { 'content-type': 'application/json' },
					body: '{"error":[],"result":{"name":"x"}}',
				},
			]);
			const { client, sleeps } = recordingClient(
				{ url: raw.url, token: sandbox.token },
				{ now: () => now },
			);
			expect(await client.get('contacts', 'x')).toEqual({ name: 'x' });
			expect(sleeps).toEqual([7000]);

			raw.script([{ status: 503, body: '' }]);
			const error = await failure(
				recordingClient({ url: raw.url, token: sandbox.token }, { maxRetries: 0 }).client.get(
					'contacts',
					'x',
				),
			);
			expect(error).toMatchObject({
				kind: 'server',
				httpCode: 503,
				message: 'Service unavailable',
			});
		});

		it('a 429 without Retry-After falls back to the backoff schedule', async () => {
			raw.script([
				{ status: 429, body: '' },
				{ status: 429, body: '' },
				{ status: 204, body: '' },
			]);
			const { client, sleeps, retries } = recordingClient({ url: raw.url, token: sandbox.token });
			await client.delete('contacts', 'x');
			expect(sleeps).toEqual([150, 300]);
			expect(retries.map((r) => r.reason)).toEqual(['rateLimit', 'rateLimit']);
		});
	});
});

describe('retries', () => {
	it('429: honours Retry-After (seconds), then succeeds', async () => {
		const wrap = faultNext(2, { rate: 1, kinds: ['429'], retryAfterSeconds: 2 });
		const { client, sleeps, retries } = recordingClient(sandbox, {}, wrap);
		await client.create('contacts', contact('crm_person_6'));
		expect(sleeps).toEqual([2000, 2000]);
		expect(retries.map((r) => [r.reason, r.status])).toEqual([
			['rateLimit', 429],
			['rateLimit', 429],
		]);
		expect(count('POST')).toBe(3);
		expect(sandbox.store.list('contacts')).toHaveLength(1);
	});

	it('429: caps a huge Retry-After at maxDelayMs', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['429'], retryAfterSeconds: 3600 });
		const { client, sleeps } = recordingClient(sandbox, { maxDelayMs: 30_000 }, wrap);
		await client.list('contacts');
		expect(sleeps).toEqual([30_000]);
	});

	it('500: exponential backoff with jitter, then succeeds', async () => {
		const wrap = faultNext(3, { rate: 1, kinds: ['500'] });
		const { client, sleeps } = recordingClient(
			sandbox,
			{ baseDelayMs: 300, random: () => 0.5 },
			wrap,
		);
		expect(await client.list('contacts')).toEqual({ data: [], total: 0 });
		// random() * min(maxDelay, base * 2^n) = 0.5 * 300, 600, 1200
		expect(sleeps).toEqual([150, 300, 600]);
		expect(count('GET')).toBe(4);
	});

	it('jitter spreads the waits between 0 and the exponential ceiling', async () => {
		const wrap = faultNext(3, { rate: 1, kinds: ['500'] });
		const draws = [0, 0.999, 0.25];
		const { client, sleeps } = recordingClient(sandbox, { random: () => draws.shift() ?? 0 }, wrap);
		await client.list('contacts');
		expect(sleeps).toEqual([0, 599, 300]);
	});

	it('gives up after maxRetries with the last error and the attempt count', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['500'] });
		const { client, sleeps } = recordingClient(sandbox, { maxDelayMs: 1000 });
		const error = await failure(client.get('contacts', 'x'));
		expect(error).toMatchObject({ kind: 'server', httpCode: 500, attempts: 6 });
		expect(error.description).toMatch(/after 6 attempts/);
		expect(sleeps).toEqual([150, 300, 500, 500, 500]); // capped at maxDelayMs * 0.5 jitter
		expect(count('GET')).toBe(6);
	});

	it('a dropped connection on GET is retried', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['drop'] });
		const { client, retries } = recordingClient(sandbox, {}, wrap);
		await client.create('contacts', contact('crm_person_7'));
		sandbox.requests.length = 0;
		const wrap2 = faultNext(1, { rate: 1, kinds: ['drop'] });
		const again = recordingClient(sandbox, {}, wrap2);
		expect(await again.client.get('contacts', 'crm_person_7')).toMatchObject({
			name: 'crm_person_7',
		});
		expect(again.retries).toEqual([expect.objectContaining({ reason: 'network', method: 'GET' })]);
		expect(count('GET')).toBe(2);
		expect(retries).toHaveLength(1); // the POST of the setup was retried too (verified first)
	});

	it('no retry on 400: exactly one request', async () => {
		const { client, sleeps } = recordingClient(sandbox);
		await failure(client.create('contacts', { name: 'crm_bad', title: 'x', database: 'default' }));
		expect(count('POST')).toBe(1);
		expect(count('GET')).toBe(0);
		expect(sleeps).toEqual([]);
	});

	it('no retry on 404, 401 or 405', async () => {
		const { client, sleeps } = recordingClient(sandbox);
		await failure(client.get('contacts', 'missing'));
		await failure(recordingClient({ url: sandbox.url, token: 'bad' }).client.list('contacts'));
		await failure(client.delete('activities', 'x'));
		expect(sandbox.requests).toHaveLength(3);
		expect(sleeps).toEqual([]);
	});

	it('a persistent network failure ends as a network error without the token', async () => {
		const dead = await startDaktelaSandbox();
		const target = { url: dead.url, token: sandbox.token };
		await dead.close();
		const { client, sleeps } = recordingClient(target, { maxRetries: 2 });
		const error = await failure(client.list('contacts'));
		expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', attempts: 3 });
		expect(error.message).toMatch(/^Could not reach Daktela \(ECONNREFUSED\)/);
		expect(sleeps).toHaveLength(2);
	});
});

describe('safe POST retries', () => {
	it('with a name: the response to a POST that landed is lost -> GET finds it, no duplicate, reported as created', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['dropAfterWrite'], methods: ['POST'] });
		const { client } = recordingClient(sandbox, {}, wrap);
		const outcome = await client.createDetailed('contacts', contact('crm_person_8'));

		expect(outcome).toMatchObject({ recovered: true, attempts: 1 });
		expect(outcome.record).toMatchObject({ name: 'crm_person_8', lastname: 'Novák' });
		expect(count('POST')).toBe(1);
		expect(count('GET')).toBe(1);
		expect(sandbox.store.list('contacts').map((r) => r.name)).toEqual(['crm_person_8']);
	});

	it('with a name: create() resolves with the record after dropAfterWrite', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['dropAfterWrite'], methods: ['POST'] });
		const { client } = recordingClient(sandbox, {}, wrap);
		await expect(client.create('contacts', contact('crm_person_8b'))).resolves.toMatchObject({
			name: 'crm_person_8b',
		});
		expect(sandbox.store.list('contacts')).toHaveLength(1);
	});

	it('with a name: a POST that did not land (dropped before the write, or 500) is sent again', async () => {
		const wrap = faultNext(2, { rate: 1, kinds: ['drop', '500'], seed: 3, methods: ['POST'] });
		const { client, retries } = recordingClient(sandbox, {}, wrap);
		const outcome = await client.createDetailed('contacts', contact('crm_person_9'));

		expect(outcome).toMatchObject({ recovered: false, attempts: 3 });
		expect(retries).toHaveLength(2);
		expect(count('POST')).toBe(3);
		expect(count('GET')).toBe(2); // one look-up after each ambiguous failure
		expect(sandbox.store.list('contacts')).toHaveLength(1);
	});

	it('with a name: a different record under that name is a conflict, not a success', async () => {
		sandbox.store.put('contacts', {
			...contact('crm_person_10'),
			lastname: 'Someone Else',
			title: 'Other',
		});
		sandbox.setFaults({ rate: 1, kinds: ['500'], methods: ['POST'] });
		const { client } = recordingClient(sandbox);
		const error = await failure(client.create('contacts', contact('crm_person_10')));
		expect(error).toMatchObject({ kind: 'validation', field: 'name' });
		expect(count('POST')).toBe(1);
	});

	it('without a name: not retried after a failure that may have landed (would duplicate)', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['dropAfterWrite'], methods: ['POST'] });
		const { client, sleeps } = recordingClient(sandbox, {}, wrap);
		const error = await failure(client.create('contacts', contact()));
		expect(error.kind).toBe('network');
		expect(count('POST')).toBe(1);
		expect(sleeps).toEqual([]);
		// The write did land: retrying blindly would have made a second contact.
		expect(sandbox.store.list('contacts')).toHaveLength(1);
	});

	it('without a name: not retried after a 500 either', async () => {
		sandbox.setFaults({ rate: 1, kinds: ['500'], methods: ['POST'] });
		const { client } = recordingClient(sandbox);
		expect(await failure(client.create('contacts', contact()))).toMatchObject({ kind: 'server' });
		expect(count('POST')).toBe(1);
	});

	it('without a name: retried after a 429 (refused before acting)', async () => {
		const wrap = faultNext(1, { rate: 1, kinds: ['429'], retryAfterSeconds: 0 });
		const { client, sleeps } = recordingClient(sandbox, {}, wrap);
		const created = await client.create('contacts', contact());
		expect(created.name).toEqual(expect.any(String));
		expect(sleeps).toEqual([0]);
		expect(sandbox.store.list('contacts')).toHaveLength(1);
	});

	it('without a name: retried after a refused connection (nothing was sent)', async () => {
		const first = await startDaktelaSandbox();
		const port = Number(first.url.split(':').pop());
		await first.close();
		let revived: DaktelaSandbox | undefined;
		const { client, retries } = recordingClient(
			{ url: `http://127.0.0.1:${port}`, token: sandbox.token },
			{
				// The wait between attempts is when the server comes back, on the same port.
				sleep: async () => {
					revived ??= await startDaktelaSandbox({ port, token: sandbox.token });
					revived.store.put('accounts', { name: 'acc_one', title: 'One', database: 'default' });
				},
			},
		);
		try {
			const created = await client.create('contacts', contact());
			expect(retries).toEqual([
				expect.objectContaining({ code: 'ECONNREFUSED', reason: 'network' }),
			]);
			expect(revived?.store.list('contacts').map((r) => r.name)).toEqual([created.name]);
		} finally {
			await revived?.close();
		}
	});

	it('PUT is retried after a dropped connection (idempotent)', async () => {
		sandbox.store.put('contacts', contact('crm_person_11'));
		const wrap = faultNext(1, { rate: 1, kinds: ['dropAfterWrite'], methods: ['PUT'] });
		const { client } = recordingClient(sandbox, {}, wrap);
		expect(
			await client.update('contacts', 'crm_person_11', { description: 'again' }),
		).toMatchObject({
			description: 'again',
		});
		expect(count('PUT')).toBe(2);
	});

	it('DELETE whose first attempt landed but lost its answer: the 404 on retry counts as done', async () => {
		sandbox.store.put('contacts', contact('crm_person_12'));
		const wrap = faultNext(1, { rate: 1, kinds: ['dropAfterWrite'], methods: ['DELETE'] });
		const { client } = recordingClient(sandbox, {}, wrap);
		await expect(client.delete('contacts', 'crm_person_12')).resolves.toBeUndefined();
		expect(count('DELETE')).toBe(2);
		expect(sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([
			0, 404,
		]);
	});
});

describe('concurrency limit', () => {
	async function maxInFlight(concurrency: number | undefined, calls: number): Promise<number> {
		let inFlight = 0;
		let max = 0;
		const wrap =
			(send: HttpSend): HttpSend =>
			async (req) => {
				inFlight++;
				max = Math.max(max, inFlight);
				try {
					return await send(req);
				} finally {
					inFlight--;
				}
			};
		const options = concurrency === undefined ? {} : { concurrency };
		const { client } = recordingClient(sandbox, options, wrap);
		sandbox.setLatency(40);
		const results = await Promise.all(
			Array.from({ length: calls }, (_, i) => client.find('contacts', `c_${i}`)),
		);
		expect(results.every((r) => r === undefined)).toBe(true);
		expect(count('GET')).toBe(calls);
		return max;
	}

	it('keeps at most `concurrency` requests in flight across parallel calls', async () => {
		expect(await maxInFlight(3, 12)).toBe(3);
	});

	it('defaults to 5', async () => {
		expect(await maxInFlight(undefined, 12)).toBe(5);
	});

	it('holds no slot while waiting to retry', async () => {
		// One call is stuck in backoff (its sleep never resolves until released); the other
		// requests still get through with concurrency 1.
		let release: () => void = () => undefined;
		const blocked = new Promise<void>((resolve) => {
			release = resolve;
		});
		let retrying: () => void = () => undefined;
		const inBackoff = new Promise<void>((resolve) => {
			retrying = resolve;
		});
		const wrap = faultNext(1, { rate: 1, kinds: ['500'] });
		const { client } = recordingClient(
			sandbox,
			{ concurrency: 1, sleep: () => blocked, onRetry: () => retrying() },
			wrap,
		);
		const stuck = client.find('contacts', 'first');
		await inBackoff;
		await expect(client.find('contacts', 'second')).resolves.toBeUndefined();
		release();
		await expect(stuck).resolves.toBeUndefined();
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds (decimals too), HTTP dates, and ignores garbage', () => {
		const now = Date.UTC(2026, 0, 1);
		expect(parseRetryAfter('0', now)).toBe(0);
		expect(parseRetryAfter('5', now)).toBe(5000);
		expect(parseRetryAfter('1.5', now)).toBe(1500);
		expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
		expect(parseRetryAfter(new Date(now - 3000).toUTCString(), now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});

describe('construction', () => {
	it('refuses an unknown time zone up front', () => {
		expect(
			() =>
				new DaktelaClient(fetchSend(sandbox.url, sandbox.token), { timeZone: 'Europe/Atlantis' }),
		).toThrow(/Unknown time zone/);
	});
});
