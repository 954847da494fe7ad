import {
	startDaktelaSandbox,
	type DaktelaSandbox,
	type DaktelaSandboxOptions,
} from './sandbox/daktela.cjs';
import {
	ACTIVITY_TYPES as MODEL_ACTIVITY_TYPES,
	CHANNEL_BY_TYPE,
	ENTITIES as MODEL_ENTITIES,
} from './sandbox/daktela-model.cjs';
import {
	ACTIVITY_ACTIONS,
	ACTIVITY_TYPE_VALUES,
	ACTIVITY_TYPES,
	CHANNEL_DETAIL,
	ENTITIES,
	requiredFields,
} from '../nodes/shared/core/entities';

type Json = Record<string, unknown>;

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: Json;
}

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function call(
	sb: DaktelaSandbox,
	method: string,
	path: string,
	options: {
		body?: unknown;
		rawBody?: string;
		token?: string | null;
		headers?: Record<string, string>;
	} = {},
): Promise<Reply> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token !== null) headers['X-AUTH-TOKEN'] = options.token ?? sb.token;
	let body: string | undefined = options.rawBody;
	if (options.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(options.body);
	}
	const response = await fetch(`${sb.url}/api/v6/${path}`, { method, headers, body });
	const text = await response.text();
	let json: Json = {};
	if (text !== '') json = JSON.parse(text) as Json;
	return { status: response.status, headers: response.headers, text, json };
}

function query(params: Record<string, string | number>): string {
	const search = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) search.append(k, String(v));
	return search.toString();
}

/** `result` of an envelope, `result.data`, `result.total`, `error.form`. */
const res = (reply: Reply): Json => reply.json.result as Json;
const rows = (reply: Reply): Json[] => res(reply).data as Json[];
const total = (reply: Reply): number => res(reply).total as number;
const form = (reply: Reply): Json => (reply.json.error as Json).form as Json;

/** Structured `filter[logic]=and&filter[filters][i][...]` from [field, operator, value] triples. */
function andFilter(
	...conditions: Array<[string, string, (string | number)?]>
): Record<string, string> {
	const out: Record<string, string> = { 'filter[logic]': 'and' };
	conditions.forEach(([field, operator, value], i) => {
		out[`filter[filters][${i}][field]`] = field;
		out[`filter[filters][${i}][operator]`] = operator;
		if (value !== undefined) out[`filter[filters][${i}][value]`] = String(value);
	});
	return out;
}

async function names(
	sb: DaktelaSandbox,
	endpoint: string,
	params: Record<string, string | number>,
): Promise<string[]> {
	const reply = await call(sb, 'GET', `${endpoint}.json?${query(params)}`);
	expect(reply.status).toBe(200);
	return (rows(reply) as Json[]).map((r) => (r.name ?? r.id_call) as string);
}

const contact = (name: string, extra: Json = {}): Json => ({
	name,
	title: `Title ${name}`,
	lastname: `Last ${name}`,
	database: 'default',
	...extra,
});

async function withSandbox<T>(
	options: DaktelaSandboxOptions,
	run: (sb: DaktelaSandbox) => Promise<T>,
): Promise<T> {
	const sb = await startDaktelaSandbox(options);
	try {
		return await run(sb);
	} finally {
		await sb.close();
	}
}

let sb: DaktelaSandbox;

beforeAll(async () => {
	sb = await startDaktelaSandbox();
});

afterAll(async () => {
	await sb.close();
});

beforeEach(() => {
	sb.reset();
	sb.setFaults(undefined);
	sb.setLatency(0);
});

describe('envelope and status codes', () => {
	it('wraps a list in {error: [], result: {data, total}, _time, _timezone}', async () => {
		sb.store.put('contacts', contact('c1'));
		const reply = await call(sb, 'GET', 'contacts.json');
		expect(reply.status).toBe(200);
		expect(reply.headers.get('content-type')).toContain('application/json');
		expect(reply.json.error).toEqual([]);
		expect(total(reply)).toBe(1);
		expect(rows(reply)[0].name).toBe('c1');
		expect(reply.json._time).toMatch(DATETIME);
		expect(reply.json._timezone).toBe('Europe/Prague');
	});

	it('answers POST 201, GET 200, PUT 200, DELETE 204 with an empty body, then 404', async () => {
		const created = await call(sb, 'POST', 'contacts.json', { body: contact('crm_1') });
		expect(created.status).toBe(201);
		expect(res(created).name).toBe('crm_1');

		const read = await call(sb, 'GET', 'contacts/crm_1.json');
		expect(read.status).toBe(200);
		expect(res(read).title).toBe('Title crm_1');

		const updated = await call(sb, 'PUT', 'contacts/crm_1.json', { body: { firstname: 'Jan' } });
		expect(updated.status).toBe(200);
		expect(res(updated)).toMatchObject({ firstname: 'Jan', title: 'Title crm_1' });

		const deleted = await call(sb, 'DELETE', 'contacts/crm_1.json');
		expect(deleted.status).toBe(204);
		expect(deleted.text).toBe('');

		const gone = await call(sb, 'GET', 'contacts/crm_1.json');
		expect(gone.status).toBe(404);
		expect(gone.json).toMatchObject({ error: ['Object not exist'], result: null });
	});

	it('answers 404 with the plain string shape for PUT and DELETE of a missing record', async () => {
		const put = await call(sb, 'PUT', 'contacts/nope.json', { body: { title: 'x' } });
		expect(put.status).toBe(404);
		expect(put.json.error).toBe('Object not exist');
		const del = await call(sb, 'DELETE', 'accounts/nope.json');
		expect(del.status).toBe(404);
		expect(del.json.error).toBe('Object not exist');
	});

	it('accepts URLs without .json and names with %2E-encoded dots', async () => {
		sb.store.put('contacts', contact('jan.novak'));
		expect(total(await call(sb, 'GET', 'contacts'))).toBe(1);
		expect(res(await call(sb, 'GET', 'contacts/jan%2Enovak.json')).name).toBe('jan.novak');
		expect((await call(sb, 'GET', 'contacts/jan%2Enovak')).status).toBe(200);
	});

	it.each([
		['DELETE', 'activities/x.json', 'GET, PUT'],
		['POST', 'contacts/x.json', 'GET, PUT, DELETE'],
		['PUT', 'contacts.json', 'GET, POST'],
		['POST', 'activitiesCall.json', 'GET'],
		['PUT', 'users/administrator.json', 'GET'],
		['PATCH', 'contacts/x.json', 'GET, PUT, DELETE'],
		['POST', 'whoim.json', 'GET'],
	])('answers 405 to %s %s', async (method, path, allow) => {
		const reply = await call(sb, method, path, { body: {} });
		expect(reply.status).toBe(405);
		expect(reply.headers.get('allow')).toBe(allow);
		expect(reply.json.error).toEqual(['Method not allowed']);
	});

	it('answers 400 to a malformed or non-object JSON body', async () => {
		const broken = await call(sb, 'POST', 'contacts.json', {
			rawBody: '{"title": ',
			headers: { 'Content-Type': 'application/json' },
		});
		expect(broken.status).toBe(400);
		expect(broken.json).toMatchObject({ error: ['Invalid JSON in request body'], result: null });
		const list = await call(sb, 'POST', 'contacts.json', { body: [contact('a')] });
		expect(list.status).toBe(400);
	});

	it('answers 404 to an unknown endpoint or a path outside /api/v6', async () => {
		expect((await call(sb, 'GET', 'tickets.json')).status).toBe(404);
		const outside = await fetch(`${sb.url}/api/v5/contacts.json`);
		expect(outside.status).toBe(404);
	});
});

describe('authentication', () => {
	it('whoim without or with a wrong token is 200 with user null', async () => {
		for (const token of [null, 'wrong-token']) {
			const reply = await call(sb, 'GET', 'whoim.json', { token });
			expect(reply.status).toBe(200);
			expect(res(reply).user).toBeNull();
			expect(typeof res(reply).version).toBe('string');
		}
	});

	it('whoim with the token returns the user, its _sys and the version', async () => {
		const reply = await call(sb, 'GET', 'whoim.json');
		expect(reply.status).toBe(200);
		expect(res(reply).user).toMatchObject({
			name: 'administrator',
			title: 'Administrator',
			_sys: { model: 'users', accessToken: sb.token },
		});
		expect(res(reply).version).toMatch(/^\d{4}\.\d+/);
	});

	it('answers 401 with an error envelope to any other endpoint without a valid token', async () => {
		for (const token of [null, 'wrong-token', '']) {
			const reply = await call(sb, 'GET', 'contacts.json', { token });
			expect(reply.status).toBe(401);
			expect(res(reply)).toBeNull();
			expect(reply.json.error).toEqual([expect.stringMatching(/token/i)]);
			expect(reply.text).not.toContain('wrong-token');
		}
	});

	it('also accepts ?accessToken= and the c_user cookie, and logs how the token came', async () => {
		const viaQuery = await call(sb, 'GET', `contacts.json?accessToken=${sb.token}`, {
			token: null,
		});
		expect(viaQuery.status).toBe(200);
		const viaCookie = await call(sb, 'GET', 'contacts.json', {
			token: null,
			headers: { Cookie: `lang=cs; c_user=${sb.token}` },
		});
		expect(viaCookie.status).toBe(200);
		await call(sb, 'GET', 'contacts.json');
		expect(sb.requests.map((r) => r.auth)).toEqual(['query', 'cookie', 'header']);
		expect(sb.requests[0].url).toContain(sb.token);
		expect(sb.requests.slice(1).some((r) => r.url.includes(sb.token))).toBe(false);
	});
});

describe('records', () => {
	it('reads relations written as names back as expanded objects', async () => {
		sb.store.put('accounts', { name: 'acme', title: 'ACME s.r.o.', database: 'default' });
		const created = await call(sb, 'POST', 'contacts.json', {
			body: contact('c1', { account: 'acme', user: 'agent_novak' }),
		});
		expect(created.status).toBe(201);
		const c = res(created);
		expect(c.account).toMatchObject({
			name: 'acme',
			title: 'ACME s.r.o.',
			_sys: { model: 'accounts' },
		});
		expect(c.account).toMatchObject({ database: { name: 'default', title: 'Default' } });
		expect(c.user).toMatchObject({
			name: 'agent_novak',
			title: 'Jan Novák',
			_sys: { model: 'users' },
		});
		expect(c.database).toMatchObject({ name: 'default', _sys: { model: 'databases' } });
		expect(Object.keys(c).slice(-2)).toEqual(['name', '_sys']);
		expect(c._sys).toMatchObject({ model: 'contacts', cfScheme: { email: { type: 'EMAIL' } } });

		const cleared = await call(sb, 'PUT', 'contacts/c1.json', {
			body: { account: null, user: '' },
		});
		expect(res(cleared)).toMatchObject({ account: null, user: null });
	});

	it('returns an empty customFields as [] and merges customFields per key on PUT', async () => {
		const bare = await call(sb, 'POST', 'contacts.json', { body: contact('c1') });
		expect(res(bare).customFields).toEqual([]);

		await call(sb, 'PUT', 'contacts/c1.json', {
			body: { customFields: { email: ['a@example.cz'], number: ['+420601000111'] } },
		});
		const merged = await call(sb, 'PUT', 'contacts/c1.json', {
			body: { customFields: { number: ['+420777000111', '+420777000222'] } },
		});
		expect(res(merged).customFields).toEqual({
			email: ['a@example.cz'],
			number: ['+420777000111', '+420777000222'],
		});
	});

	it('generates a name in the real format when none is given', async () => {
		const reply = await call(sb, 'POST', 'contacts.json', {
			body: contact('', { name: undefined }),
		});
		expect(reply.status).toBe(201);
		expect(res(reply).name).toMatch(/^contact_[0-9a-f]{13}[0-9]{9}$/);
		const account = await call(sb, 'POST', 'accounts.json', {
			body: { title: 'X', database: 'default' },
		});
		expect(res(account).name).toMatch(/^account_[0-9a-f]{13}[0-9]{9}$/);
	});

	it('drops unknown and read-only fields of a write body', async () => {
		const reply = await call(sb, 'POST', 'contacts.json', {
			body: contact('c1', { email: 'top@level.cz', created: '2000-01-01 00:00:00', nps_score: 9 }),
		});
		expect(reply.status).toBe(201);
		expect(res(reply)).not.toHaveProperty('email');
		expect(res(reply).created).not.toBe('2000-01-01 00:00:00');
		expect(res(reply).nps_score).toBe(0);
	});

	it('stamps created and edited in the instance time zone; every PUT moves edited', async () => {
		let now = new Date('2024-01-15T11:00:00Z');
		await withSandbox({ now: () => now }, async (s) => {
			const created = await call(s, 'POST', 'contacts.json', { body: contact('c1') });
			expect(res(created)).toMatchObject({
				created: '2024-01-15 12:00:00',
				edited: '2024-01-15 12:00:00',
			});
			expect(created.json._time).toBe('2024-01-15 12:00:00');

			now = new Date('2024-07-01T10:00:00Z');
			const same = await call(s, 'PUT', 'contacts/c1.json', { body: { title: 'Title c1' } });
			expect(res(same)).toMatchObject({
				created: '2024-01-15 12:00:00',
				edited: '2024-07-01 12:00:00',
			});

			now = new Date('2024-07-01T10:00:05Z');
			const refused = await call(s, 'PUT', 'contacts/c1.json', { body: { title: '' } });
			expect(refused.status).toBe(400);
			expect(s.store.get('contacts', 'c1')?.edited).toBe('2024-07-01 12:00:00');
		});
		await withSandbox({ now: () => now, timeZone: 'UTC' }, async (s) => {
			const created = await call(s, 'POST', 'contacts.json', { body: contact('c1') });
			expect(res(created).created).toBe('2024-07-01 10:00:05');
			expect(created.json._timezone).toBe('UTC');
		});
	});

	it('creates activities with time stamps and no edited; closing sets time_close', async () => {
		let now = new Date('2024-03-01T08:00:00Z');
		await withSandbox({ now: () => now }, async (s) => {
			s.store.put('contacts', contact('c1'));
			const created = await call(s, 'POST', 'activities.json', {
				body: { type: 'CUSTOM', action: 'OPEN', title: 'Meeting', contact: 'c1', queue: '3008' },
			});
			expect(created.status).toBe(201);
			const a = res(created);
			expect(a.name).toMatch(/^activities_/);
			expect(a).toMatchObject({
				type: 'CUSTOM',
				action: 'OPEN',
				time: '2024-03-01 09:00:00',
				time_open: '2024-03-01 09:00:00',
				time_close: null,
				item: null,
				contact: { name: 'c1' },
				queue: { name: '3008' },
				created_by: { name: 'administrator' },
				customFields: [],
			});
			expect(a).not.toHaveProperty('edited');
			expect(a).not.toHaveProperty('created');

			now = new Date('2024-03-01T08:30:00Z');
			const closed = await call(s, 'PUT', `activities/${a.name}.json`, {
				body: { action: 'CLOSE' },
			});
			expect(res(closed)).toMatchObject({
				action: 'CLOSE',
				time_open: '2024-03-01 09:00:00',
				time_close: '2024-03-01 09:30:00',
			});
		});
	});

	it('lets a call item change only its contact, addressed by an id_call with a dot', async () => {
		sb.store.put('contacts', contact('c1'));
		sb.store.put('activitiesCall', { id_call: '1718012345.42', duration: 30, direction: 'in' });
		const put = await call(sb, 'PUT', 'activitiesCall/1718012345%2E42.json', {
			body: { contact: 'c1', duration: 999, direction: 'out' },
		});
		expect(put.status).toBe(200);
		expect(res(put)).toMatchObject({
			id_call: '1718012345.42',
			duration: 30,
			direction: 'in',
			contact: { name: 'c1' },
		});
		expect(res(put)).not.toHaveProperty('name');
	});
});

describe('validation errors', () => {
	it('names every missing required field in error.form and echoes the record', async () => {
		const reply = await call(sb, 'POST', 'contacts.json', {
			body: { name: 'x', firstname: 'Jan' },
		});
		expect(reply.status).toBe(400);
		expect(reply.json.error).toEqual({
			form: {
				title: 'Item is mandatory',
				lastname: 'Item is mandatory',
				database: 'Item is mandatory',
			},
		});
		expect(res(reply)).toMatchObject({ name: 'x', firstname: 'Jan', title: null });
		expect(sb.store.get('contacts', 'x')).toBeUndefined();

		const account = await call(sb, 'POST', 'accounts.json', { body: { description: 'd' } });
		expect(account.json.error).toEqual({
			form: { title: 'Item is mandatory', database: 'Item is mandatory' },
		});
	});

	it('speaks Czech with Accept-Language: cs', async () => {
		const reply = await call(sb, 'POST', 'contacts.json', {
			body: { title: 't', database: 'default' },
			headers: { 'Accept-Language': 'cs-CZ,cs;q=0.9' },
		});
		expect(reply.json.error).toEqual({ form: { lastname: 'Vstup je povinný' } });
	});

	it('reports a relation to a missing record as a foreign-key error and echoes it as null', async () => {
		for (const [field, value] of [
			['account', 'no_such_account'],
			['database', 'no_such_db'],
			['user', 'nobody'],
		]) {
			const reply = await call(sb, 'POST', 'contacts.json', {
				body: contact('c1', { [field]: value }),
			});
			expect(reply.status).toBe(400);
			expect(reply.json.error).toEqual({ form: { [field]: 'Chyba cizího klíče' } });
			expect(res(reply)[field]).toBeNull();
			expect(res(reply).name).toBe('c1');
		}
		const activity = await call(sb, 'POST', 'activities.json', {
			body: { type: 'CUSTOM', action: 'OPEN', queue: '9999', contact: 'ghost' },
		});
		expect(activity.json.error).toEqual({
			form: { queue: 'Chyba cizího klíče', contact: 'Chyba cizího klíče' },
		});
	});

	it('refuses a name that already exists', async () => {
		expect((await call(sb, 'POST', 'contacts.json', { body: contact('dup') })).status).toBe(201);
		const again = await call(sb, 'POST', 'contacts.json', { body: contact('dup') });
		expect(again.status).toBe(400);
		expect(Object.keys(form(again))).toEqual(['name']);
	});

	it('nests custom-field errors: an invalid e-mail, a value that is not a list', async () => {
		const email = await call(sb, 'POST', 'contacts.json', {
			body: contact('c1', { customFields: { email: ['email.@domain.fpp'], number: ['1'] } }),
		});
		expect(email.status).toBe(400);
		expect(email.json.error).toEqual({
			form: { customFields: { email: ['E-mail není ve správném formátu'] } },
		});
		expect(res(email).customFields).toMatchObject({ email: ['email.@domain.fpp'] });

		const scalar = await call(sb, 'POST', 'contacts.json', {
			body: contact('c1', { customFields: { email: 'a@b.cz' } }),
		});
		expect(form(scalar).customFields).toEqual({ email: ['Value must be a list'] });
	});

	it('refuses emptying a required field and over-long text on PUT', async () => {
		sb.store.put('contacts', contact('c1'));
		const reply = await call(sb, 'PUT', 'contacts/c1.json', {
			body: { title: null, lastname: 'x'.repeat(129) },
		});
		expect(reply.status).toBe(400);
		expect(reply.json.error).toEqual({
			form: { title: 'Item is mandatory', lastname: 'Maximum length is 128 characters' },
		});
		expect(res(reply).title).toBeNull();
		expect(sb.store.get('contacts', 'c1')?.title).toBe('Title c1');
	});

	it('refuses deleting an account that still has contacts with {primary: [...]}', async () => {
		sb.store.put('accounts', { name: 'acme', title: 'ACME', database: 'default' });
		sb.store.put('contacts', contact('c1', { account: 'acme' }));
		const refused = await call(sb, 'DELETE', 'accounts/acme.json');
		expect(refused.status).toBe(400);
		expect(refused.json.error).toEqual({ primary: [expect.stringContaining('1 contact')] });
		expect(form(refused)).toBeUndefined();

		await call(sb, 'PUT', 'contacts/c1.json', { body: { account: null } });
		expect((await call(sb, 'DELETE', 'accounts/acme.json')).status).toBe(204);
	});

	it('combines primary and form for an unsupported activity type', async () => {
		const reply = await call(sb, 'POST', 'activities.json', { body: { type: 'PIGEON' } });
		expect(reply.status).toBe(400);
		expect(reply.json.error).toEqual({
			primary: ['Unsupported activity type "PIGEON"'],
			form: { type: 'Invalid value', action: 'Item is mandatory' },
		});
	});
});

describe('filters', () => {
	beforeEach(() => {
		sb.store.put('accounts', { name: 'acc1', title: 'Alpha', database: 'default' });
		sb.store.put('accounts', { name: 'acc2', title: 'Beta', database: 'default' });
		const at = (edited: string) => ({ created: edited, edited });
		sb.store.put('contacts', {
			...contact('c1', at('2024-01-01 10:00:00')),
			title: 'Jan Novák',
			account: 'acc1',
			customFields: { email: ['jan@a.cz', 'jn@b.cz'], number: ['+420601000001'] },
		});
		sb.store.put('contacts', {
			...contact('c2', at('2024-01-02 10:00:00')),
			title: 'Eva Svobodová',
			account: 'acc2',
			customFields: { email: ['eva@a.cz'] },
		});
		sb.store.put('contacts', {
			...contact('c3', at('2024-01-03 10:00:00')),
			title: 'Petr Dvořák',
			account: null,
			customFields: {},
		});
		sb.store.put('contacts', {
			...contact('c4', at('2024-01-03 10:00:00')),
			title: 'jana Malá',
			account: 'acc1',
			customFields: { email: ['JANA@A.CZ'] },
		});
	});

	it.each<[string, Array<[string, string, (string | number)?]>, string[]]>([
		['eq on a relation name', [['account', 'eq', 'acc1']], ['c1', 'c4']],
		['neq (a NULL relation never matches)', [['account', 'neq', 'acc1']], ['c2']],
		['gt on datetimes', [['edited', 'gt', '2024-01-02 10:00:00']], ['c3', 'c4']],
		['gte on datetimes', [['edited', 'gte', '2024-01-02 10:00:00']], ['c2', 'c3', 'c4']],
		['lt with a date-only value (= midnight)', [['edited', 'lt', '2024-01-02']], ['c1']],
		['lte', [['edited', 'lte', '2024-01-02 10:00:00']], ['c1', 'c2']],
		['like with %', [['title', 'like', '%ová']], ['c2']],
		['like with _', [['title', 'like', 'J_n %']], ['c1']],
		['like is case-sensitive by default', [['title', 'like', 'jan%']], ['c4']],
		['notlike', [['title', 'notlike', '%a%']], ['c3']],
		['eq on customFields matches any element', [['customFields.email', 'eq', 'jn@b.cz']], ['c1']],
		['like on customFields', [['customFields.email', 'like', '%@a.cz']], ['c1', 'c2']],
		['isnull on a relation', [['account', 'isnull']], ['c3']],
		['isnotnull on a relation', [['account', 'isnotnull']], ['c1', 'c2', 'c4']],
		['isnull on an empty custom field', [['customFields.email', 'isnull']], ['c3']],
		['isnotnull on a custom field', [['customFields.number', 'isnotnull']], ['c1']],
		['a dot path into a relation', [['account.title', 'eq', 'Beta']], ['c2']],
		[
			'AND of two conditions',
			[
				['account', 'eq', 'acc1'],
				['edited', 'gt', '2024-01-02'],
			],
			['c4'],
		],
	])('%s', async (_label, conditions, expected) => {
		expect(await names(sb, 'contacts', andFilter(...conditions))).toEqual(expected);
	});

	it('honours ignoreCase', async () => {
		const params = {
			...andFilter(['customFields.email', 'eq', 'jana@a.cz']),
			'filter[filters][0][ignoreCase]': 'true',
		};
		expect(await names(sb, 'contacts', params)).toEqual(['c4']);
		expect(
			await names(sb, 'contacts', andFilter(['customFields.email', 'eq', 'jana@a.cz'])),
		).toEqual([]);
	});

	it('takes in / notin values as value[0..n], also on custom fields', async () => {
		const inParams = {
			'filter[logic]': 'and',
			'filter[filters][0][field]': 'customFields.email',
			'filter[filters][0][operator]': 'in',
			'filter[filters][0][value][0]': 'eva@a.cz',
			'filter[filters][0][value][1]': 'jn@b.cz',
		};
		expect(await names(sb, 'contacts', inParams)).toEqual(['c1', 'c2']);
		const notin = { ...inParams, 'filter[filters][0][operator]': 'notin' };
		expect(await names(sb, 'contacts', notin)).toEqual(['c4']); // c3 has no e-mail: NULL
		const byName = {
			'filter[filters][0][field]': 'name',
			'filter[filters][0][operator]': 'in',
			'filter[filters][0][value][0]': 'c3',
			'filter[filters][0][value][1]': 'c1',
			'filter[filters][0][value][2]': 'missing',
		};
		expect(await names(sb, 'contacts', byName)).toEqual(['c1', 'c3']);
	});

	it('nests groups: AND of (OR of two conditions) and a condition', async () => {
		const params = {
			'filter[logic]': 'and',
			'filter[filters][0][logic]': 'or',
			'filter[filters][0][filters][0][field]': 'account',
			'filter[filters][0][filters][0][operator]': 'eq',
			'filter[filters][0][filters][0][value]': 'acc2',
			'filter[filters][0][filters][1][field]': 'title',
			'filter[filters][0][filters][1][operator]': 'like',
			'filter[filters][0][filters][1][value]': 'Petr%',
			'filter[filters][1][field]': 'edited',
			'filter[filters][1][operator]': 'gte',
			'filter[filters][1][value]': '2024-01-02 12:00:00',
		};
		expect(await names(sb, 'contacts', params)).toEqual(['c3']);
		expect(await names(sb, 'contacts', { ...params, 'filter[logic]': 'or' })).toEqual([
			'c2',
			'c3',
			'c4',
		]);
	});

	it('accepts the flat filter[i] and the single filter[field] forms', async () => {
		const flat = {
			'filter[0][field]': 'account',
			'filter[0][operator]': 'eq',
			'filter[0][value]': 'acc1',
			'filter[1][field]': 'title',
			'filter[1][operator]': 'like',
			'filter[1][value]': 'Jan%',
		};
		expect(await names(sb, 'contacts', flat)).toEqual(['c1']);
		const single = { 'filter[field]': 'name', 'filter[operator]': 'eq', 'filter[value]': 'c2' };
		expect(await names(sb, 'contacts', single)).toEqual(['c2']);
	});

	it('compares numbers numerically, not as strings', async () => {
		sb.store.put('activitiesCall', { id_call: '1.1', duration: 9 });
		sb.store.put('activitiesCall', { id_call: '1.2', duration: 10 });
		sb.store.put('activitiesCall', { id_call: '1.3', duration: 100 });
		expect(await names(sb, 'activitiesCall', andFilter(['duration', 'gt', 9]))).toEqual([
			'1.2',
			'1.3',
		]);
		expect(await names(sb, 'activitiesCall', andFilter(['duration', 'in', 10]))).toEqual(['1.2']);
		const sorted = await names(sb, 'activitiesCall', {
			'sort[0][field]': 'duration',
			'sort[0][dir]': 'desc',
		});
		expect(sorted).toEqual(['1.3', '1.2', '1.1']);
	});

	it('answers 400 to an unknown operator or logic', async () => {
		const op = await call(
			sb,
			'GET',
			`contacts.json?${query(andFilter(['title', 'contains', 'x']))}`,
		);
		expect(op.status).toBe(400);
		expect(op.json.error).toEqual(['Unknown filter operator: contains']);
		const logic = await call(sb, 'GET', `contacts.json?${query({ 'filter[logic]': 'xor' })}`);
		expect(logic.status).toBe(400);
	});

	it('keeps lookups by custom field exact after writes change the values', async () => {
		const lookup = (email: string) =>
			names(sb, 'contacts', andFilter(['customFields.email', 'eq', email]));
		expect(await lookup('eva@a.cz')).toEqual(['c2']);
		await call(sb, 'PUT', 'contacts/c2.json', {
			body: { customFields: { email: ['eva@new.cz'] } },
		});
		expect(await lookup('eva@a.cz')).toEqual([]);
		expect(await lookup('eva@new.cz')).toEqual(['c2']);
		await call(sb, 'DELETE', 'contacts/c2.json');
		expect(await lookup('eva@new.cz')).toEqual([]);
		await call(sb, 'POST', 'contacts.json', {
			body: contact('c9', { customFields: { email: ['eva@new.cz'] } }),
		});
		expect(await lookup('eva@new.cz')).toEqual(['c9']);
	});
});

describe('sort, paging, fields, search', () => {
	beforeEach(() => {
		for (let i = 1; i <= 150; i++) {
			const edited = `2024-02-${String((i % 3) + 1).padStart(2, '0')} 08:00:00`;
			sb.store.put('contacts', {
				...contact(`c${String(i).padStart(3, '0')}`),
				title: `T${String(151 - i).padStart(3, '0')}`,
				created: edited,
				edited,
			});
		}
	});

	it('lists in insertion order without a sort; total counts before paging; default take 100', async () => {
		const reply = await call(sb, 'GET', 'contacts.json');
		expect(total(reply)).toBe(150);
		expect(rows(reply)).toHaveLength(100);
		expect(rows(reply)[0].name).toBe('c001');
	});

	it('sorts by several keys and pages with skip/take', async () => {
		const params = {
			'sort[0][field]': 'edited',
			'sort[0][dir]': 'desc',
			'sort[1][field]': 'title',
			'sort[1][dir]': 'asc',
		};
		const first = await call(sb, 'GET', `contacts.json?${query({ ...params, skip: 0, take: 3 })}`);
		expect(total(first)).toBe(150);
		expect(rows(first).map((r: Json) => r.title)).toEqual(['T002', 'T005', 'T008']);
		expect(rows(first)[0].edited).toBe('2024-02-03 08:00:00');
		const all: string[] = [];
		for (let skip = 0; skip < 150; skip += 40) {
			all.push(...(await names(sb, 'contacts', { ...params, skip, take: 40 })));
		}
		expect(new Set(all).size).toBe(150);
	});

	it('caps take at maxTake', async () => {
		await withSandbox({ maxTake: 5 }, async (s) => {
			for (let i = 0; i < 8; i++) s.store.put('contacts', contact(`x${i}`));
			const reply = await call(s, 'GET', 'contacts.json?take=1000');
			expect(res(reply)).toMatchObject({ total: 8 });
			expect(rows(reply)).toHaveLength(5);
		});
	});

	it('selects fields with fields[i]= and with fields=a,b', async () => {
		const indexed = await call(sb, 'GET', 'contacts.json?take=1&fields[0]=name&fields[1]=title');
		expect(rows(indexed)[0]).toEqual({ name: 'c001', title: 'T150' });
		const csv = await call(sb, 'GET', 'contacts/c002.json?fields=name,edited');
		expect(res(csv)).toEqual({ name: 'c002', edited: '2024-02-03 08:00:00' });
	});

	it('searches title, name, e-mail and number with q=', async () => {
		sb.store.put('contacts', contact('zz', { customFields: { email: ['Needle@Example.cz'] } }));
		expect(await names(sb, 'contacts', { q: 'needle@' })).toEqual(['zz']);
		expect(await names(sb, 'contacts', { q: 't149' })).toEqual(['c002']);
	});
});

describe('knobs', () => {
	it('adds latency to every request', async () => {
		sb.setLatency(120);
		const started = Date.now();
		await call(sb, 'GET', 'whoim.json');
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		sb.setLatency(0);
		const quick = Date.now();
		await call(sb, 'GET', 'whoim.json');
		expect(Date.now() - quick).toBeLessThan(100);
	});

	it('answers 429 with a whole-second Retry-After', async () => {
		sb.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 0.05 });
		const fast = await call(sb, 'GET', 'contacts.json');
		expect(fast.status).toBe(429);
		expect(fast.headers.get('retry-after')).toBe('0');
		expect(fast.json).toMatchObject({ error: ['Too Many Requests'], result: null });
		sb.setFaults({ rate: 1, kinds: ['429'] });
		expect((await call(sb, 'GET', 'contacts.json')).headers.get('retry-after')).toBe('1');
	});

	it('answers 500 with an error envelope', async () => {
		sb.setFaults({ rate: 1, kinds: ['500'] });
		const reply = await call(sb, 'GET', 'contacts.json');
		expect(reply.status).toBe(500);
		expect(reply.json).toMatchObject({ error: ['Internal Server Error'], result: null });
	});

	it('drops the connection before processing', async () => {
		sb.setFaults({ rate: 1, kinds: ['drop'] });
		await expect(call(sb, 'POST', 'contacts.json', { body: contact('c1') })).rejects.toThrow();
		expect(sb.store.get('contacts', 'c1')).toBeUndefined();
		expect(sb.requests[0]).toMatchObject({ method: 'POST', status: 0, fault: 'drop' });
	});

	it('drops the connection after applying a write, so a blind retry meets the duplicate', async () => {
		sb.setFaults({ rate: 1, kinds: ['dropAfterWrite'] });
		await expect(call(sb, 'POST', 'contacts.json', { body: contact('c1') })).rejects.toThrow();
		expect(sb.store.get('contacts', 'c1')).toMatchObject({ name: 'c1' });
		sb.setFaults(undefined);
		const retry = await call(sb, 'POST', 'contacts.json', { body: contact('c1') });
		expect(retry.status).toBe(400);
		expect(Object.keys(form(retry))).toEqual(['name']);
	});

	it('faults only the chosen methods, reproducibly for a seed', async () => {
		sb.setFaults({ rate: 1, kinds: ['500'], methods: ['POST'] });
		expect((await call(sb, 'GET', 'contacts.json')).status).toBe(200);
		expect((await call(sb, 'POST', 'contacts.json', { body: contact('c1') })).status).toBe(500);

		const run = async () => {
			sb.setFaults({ rate: 0.5, kinds: ['429', '500'], seed: 7, retryAfterSeconds: 0 });
			const statuses: number[] = [];
			for (let i = 0; i < 16; i++) statuses.push((await call(sb, 'GET', 'whoim.json')).status);
			return statuses;
		};
		const first = await run();
		expect(await run()).toEqual(first);
		expect(new Set(first)).toEqual(new Set([200, 429, 500]));
	});

	it('counts every request that reached the server by method and endpoint, faulted or not', async () => {
		await call(sb, 'GET', 'contacts.json');
		await call(sb, 'GET', 'contacts/x.json');
		await call(sb, 'POST', 'contacts.json', { body: contact('c1') });
		await call(sb, 'PUT', 'contacts/c1.json', { body: { firstname: 'A' } });
		sb.setFaults({ rate: 1, kinds: ['drop'] });
		await expect(call(sb, 'GET', 'accounts.json')).rejects.toThrow();
		sb.setFaults(undefined);
		await call(sb, 'GET', 'whoim.json', { token: null });

		expect(sb.counters.snapshot()).toEqual({
			'GET contacts': 2,
			'POST contacts': 1,
			'PUT contacts': 1,
			'GET accounts': 1,
			'GET whoim': 1,
		});
		expect(sb.counters.total()).toBe(6);
		expect(sb.counters.get('GET')).toBe(4);
		expect(sb.counters.get(undefined, 'contacts')).toBe(4);
		expect(sb.counters.get('put', 'contacts')).toBe(1);
		expect(sb.requests.map((r) => r.status)).toEqual([200, 404, 201, 200, 0, 200]);
		expect(sb.requests.some((r) => r.url.includes(sb.token))).toBe(false);

		sb.store.list('contacts');
		sb.store.put('contacts', contact('c2'));
		expect(sb.counters.total()).toBe(6);
		sb.counters.reset();
		expect(sb.counters.snapshot()).toEqual({});
	});
});

describe('seeding and reference data', () => {
	it('seeds the requested counts deterministically, keeping reference data over reset', async () => {
		const seeded = { accounts: 5, contacts: 40, activities: 27, randomSeed: 3 };
		const at = new Date('2024-05-01T12:00:00Z');
		const [a, b] = await Promise.all([
			startDaktelaSandbox({ seed: seeded, now: () => at }),
			startDaktelaSandbox({ seed: seeded, now: () => at }),
		]);
		try {
			for (const [endpoint, n] of [
				['accounts', 5],
				['contacts', 40],
				['activities', 27],
			] as const) {
				expect(total(await call(a, 'GET', `${endpoint}.json?take=1`))).toBe(n);
			}
			expect(a.store.list('contacts')).toEqual(b.store.list('contacts'));
			expect(a.store.list('activities')).toEqual(b.store.list('activities'));

			a.reset();
			expect(a.store.list('contacts')).toEqual([]);
			expect(a.store.list('users').length).toBeGreaterThan(1);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('seeds contacts linked to accounts with e-mail and phone custom fields', async () => {
		sb.seed({ accounts: 3, contacts: 30, randomSeed: 1 });
		const contacts = sb.store.list('contacts');
		expect(contacts.some((c) => (c.account as Json | null)?.title !== undefined)).toBe(true);
		const withEmail = contacts.filter((c) => Array.isArray((c.customFields as Json).email));
		expect(withEmail.length).toBeGreaterThan(20);
		expect(withEmail[0].customFields).toMatchObject({ email: [expect.stringMatching(/@/)] });
		expect(
			contacts.every((c) => DATETIME.test(c.created as string) && c.edited! >= c.created!),
		).toBe(true);
	});

	it('seeds activities of every type with their channel items', async () => {
		sb.seed({ contacts: 10, activities: 18, randomSeed: 2 });
		const activities = sb.store.list('activities');
		const types = new Set(activities.map((a) => a.type));
		expect(types).toEqual(
			new Set(['CALL', 'EMAIL', 'CHAT', 'SMS', 'FBM', 'IGDM', 'WAP', 'VBR', 'CUSTOM']),
		);
		const byType = (t: string) => activities.find((a) => a.type === t)!;
		expect(byType('CALL').item).toMatchObject({
			id_call: expect.stringMatching(/^\d+\.\d+$/),
			_sys: { model: 'activitiesCall' },
		});
		expect(byType('EMAIL').item).toMatchObject({
			name: expect.stringMatching(/^emails_/),
			address: expect.any(String),
		});
		expect(byType('CHAT').item).toMatchObject({ _sys: { model: 'activitiesWeb' } });
		expect(byType('CUSTOM').item).toBeNull();
		for (const a of activities) {
			if (a.action === 'CLOSE') expect(a.time_close! >= a.time!).toBe(true);
			else expect(a.time_close).toBeNull();
		}
		const calls = await call(sb, 'GET', 'activitiesCall.json');
		expect(total(calls)).toBe(2);
		const byItem = await names(
			sb,
			'activities',
			andFilter(['item.direction', 'isnotnull'], ['type', 'eq', 'CALL']),
		);
		expect(byItem).toHaveLength(2);
	});

	it('serves databases, users and queues for the resource locators', async () => {
		expect(await names(sb, 'databases', {})).toEqual(['default', 'vip']);
		const users = rows(await call(sb, 'GET', 'users.json')) as Json[];
		expect(users.map((u) => u.name)).toContain('agent_novak');
		expect(users.every((u) => typeof u.title === 'string')).toBe(true);
		const queues = rows(await call(sb, 'GET', 'queues.json?q=chat')) as Json[];
		expect(queues).toEqual([expect.objectContaining({ name: '3002', title: 'Web chat' })]);
	});

	it('serves 10,000 contacts in pages of 1000 quickly', async () => {
		await withSandbox({ seed: { accounts: 100, contacts: 10_000 } }, async (s) => {
			const started = Date.now();
			const params = { 'sort[0][field]': 'edited', 'sort[0][dir]': 'asc', take: 1000 };
			const first = await call(s, 'GET', `contacts.json?${query({ ...params, skip: 0 })}`);
			const last = await call(s, 'GET', `contacts.json?${query({ ...params, skip: 9000 })}`);
			expect(total(first)).toBe(10_000);
			expect(rows(first)).toHaveLength(1000);
			expect(rows(last)).toHaveLength(1000);
			expect(Date.now() - started).toBeLessThan(5000);
		});
	});
});

describe('out-of-band store', () => {
	it('puts, gets, lists and removes records without counting requests', async () => {
		const put = sb.store.put('contacts', contact('c1', { account: { name: 'nobody' } }));
		expect(put.name).toBe('c1');
		expect(put.created).toMatch(DATETIME);
		expect(sb.store.get('contacts', 'c1')?.title).toBe('Title c1');
		sb.store.put('contacts', {
			...contact('c1'),
			title: 'Replaced',
			edited: '2020-01-01 00:00:00',
		});
		expect(sb.store.get('contacts', 'c1')).toMatchObject({
			title: 'Replaced',
			created: put.created,
			edited: '2020-01-01 00:00:00',
		});
		expect(sb.store.list('contacts')).toHaveLength(1);
		sb.store.remove('contacts', 'c1');
		expect(sb.store.get('contacts', 'c1')).toBeUndefined();
		expect(sb.counters.total()).toBe(0);
		expect(() => sb.store.list('nope')).toThrow(/Unknown/);
	});
});

describe('the sandbox model agrees with the entity table of the nodes', () => {
	const model = (endpoint: string) => MODEL_ENTITIES.find((e) => e.endpoint === endpoint);

	test('activity types, their channel endpoints and the enums of type and action', () => {
		expect(MODEL_ACTIVITY_TYPES).toEqual([...ACTIVITY_TYPES]);
		const channels = Object.fromEntries(
			ACTIVITY_TYPES.flatMap((type) => {
				const detail = CHANNEL_DETAIL[type];
				return detail ? [[type, detail.endpoint]] : [];
			}),
		);
		expect(CHANNEL_BY_TYPE).toEqual(channels);
		expect(model('activities')?.enums).toEqual({
			action: [...ACTIVITY_ACTIONS],
			type: [...ACTIVITY_TYPE_VALUES],
		});
	});

	test('contacts and accounts: endpoints and mandatory fields', () => {
		for (const key of ['contact', 'account'] as const) {
			const def = model(ENTITIES[key].endpoint);
			expect(def?.required).toEqual(requiredFields(key));
		}
	});

	test('every relation the sandbox resolves is a relation field of the node', () => {
		for (const key of ['contact', 'account', 'activity'] as const) {
			const relations = Object.keys(model(ENTITIES[key].endpoint)?.relations ?? {});
			expect(relations.filter((field) => !ENTITIES[key].relations.includes(field))).toEqual([]);
		}
	});
});
