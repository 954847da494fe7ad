/**
 * The sandbox HubSpot behaves as HubSpot documents its CRM v3 API (what the HubSpot templates rely
 * on), and its route hook sends api.hubapi.com, and only it, to the sandbox in a child process.
 * Requests go over real TLS, trusting only the sandbox's own certificate for api.hubapi.com.
 */
import { startHubspotSandbox, type HubspotSandbox } from './sandbox/hubspot.cjs';
import { hubspotCall as call, runNode, type Json } from './support/hubspot-client.cjs';

describe('sandbox HubSpot (CRM v3)', () => {
	let hs: HubspotSandbox;
	let now = Date.parse('2026-03-02T09:00:00.000Z');
	beforeAll(async () => {
		hs = await startHubspotSandbox({ now: () => new Date(now) });
	});
	afterAll(() => hs.close());

	test('a private-app token is required; errors have HubSpot shape', async () => {
		const none = await call(hs, 'GET', '/crm/v3/objects/contacts', undefined, null);
		expect(none.status).toBe(401);
		expect(none.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
		expect(typeof none.json.correlationId).toBe('string');
		const wrong = await call(hs, 'GET', '/crm/v3/objects/contacts', undefined, `${hs.token}x`);
		expect(wrong.status).toBe(401);
		const missing = await call(hs, 'GET', '/crm/v3/objects/contacts/999');
		expect(missing.status).toBe(404);
		expect(missing.json).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
		const ok = await call(hs, 'GET', '/crm/v3/objects/contacts?limit=2');
		expect(ok.status).toBe(200);
		expect(ok.headers['x-hubspot-ratelimit-max']).toBe('190');
		expect(ok.json.results).toHaveLength(2);
		expect(ok.json.paging.next.after).toBe('2');
	});

	test('a token without a scope gets 403 MISSING_SCOPES', async () => {
		const narrow = await startHubspotSandbox({ scopes: ['crm.objects.contacts.read'] });
		try {
			const read = await call(narrow, 'GET', '/crm/v3/objects/companies');
			expect(read.status).toBe(403);
			expect(read.json.category).toBe('MISSING_SCOPES');
			expect(read.json.errors[0].context.requiredGranularScopes).toEqual([
				'crm.objects.companies.read',
			]);
			const note = await call(narrow, 'POST', '/crm/v3/objects/notes', {
				properties: { hs_timestamp: '2026-03-02T09:00:00Z' },
			});
			expect(note.status).toBe(403);
		} finally {
			await narrow.close();
		}
	});

	test('search: GTE on the last-modified date, ascending, paging with after, limits', async () => {
		const since = now;
		for (let i = 0; i < 5; i++) {
			now += 1000;
			hs.store.create('contacts', { firstname: `P${i}`, lastname: 'Paged' });
		}
		const body = (after?: string) => ({
			filterGroups: [
				{
					filters: [
						{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since + 1) },
					],
				},
			],
			sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
			properties: ['firstname', 'lastmodifieddate', 'not_a_property'],
			limit: 2,
			...(after ? { after } : {}),
		});
		const first = await call(hs, 'POST', '/crm/v3/objects/contacts/search', body());
		expect(first.status).toBe(200);
		expect(first.headers['x-hubspot-ratelimit-max']).toBeUndefined();
		expect(first.json.total).toBe(5);
		expect(first.json.results.map((r: Json) => r.properties.firstname)).toEqual(['P0', 'P1']);
		expect(Object.keys(first.json.results[0].properties)).toEqual([
			'firstname',
			'lastmodifieddate',
		]);
		const last = await call(hs, 'POST', '/crm/v3/objects/contacts/search', body('4'));
		expect(last.json.results.map((r: Json) => r.properties.firstname)).toEqual(['P4']);
		expect(last.json.paging).toBeUndefined();
		const iso = await call(hs, 'POST', '/crm/v3/objects/contacts/search', {
			...body(),
			filterGroups: [
				{
					filters: [
						{
							propertyName: 'lastmodifieddate',
							operator: 'GTE',
							value: new Date(since + 4000).toISOString(),
						},
					],
				},
			],
		});
		expect(iso.json.total).toBe(2);
		const tooMany = await call(hs, 'POST', '/crm/v3/objects/contacts/search', { limit: 201 });
		expect(tooMany.status).toBe(400);
		expect(tooMany.json.category).toBe('VALIDATION_ERROR');
		const past = await call(hs, 'POST', '/crm/v3/objects/contacts/search', {
			limit: 100,
			after: '9950',
		});
		expect(past.status).toBe(400);
	});

	test('archived (deleted) records: DELETE archives; archived=true lists them with archivedAt, paged', async () => {
		const [first, second, third] = ['A1', 'A2', 'A3'].map((lastname) =>
			hs.store.create('contacts', { firstname: 'Gone', lastname }),
		);
		now += 60_000;
		const deleted = await call(hs, 'DELETE', `/crm/v3/objects/contacts/${first.id}`);
		expect(deleted.status).toBe(204);
		expect((await call(hs, 'DELETE', `/crm/v3/objects/contacts/${first.id}`)).status).toBe(404);
		now += 60_000;
		hs.store.archive('contacts', second.id);
		hs.store.archive('companies', hs.store.all('companies')[0].id);
		// Gone from reads and searches ...
		expect((await call(hs, 'GET', `/crm/v3/objects/contacts/${first.id}`)).status).toBe(404);
		const found = await call(hs, 'POST', '/crm/v3/objects/contacts/search', { limit: 100 });
		expect(found.json.results.map((r: Json) => r.id)).not.toContain(first.id);
		const live = await call(hs, 'GET', '/crm/v3/objects/contacts?limit=100');
		expect(live.json.results.map((r: Json) => r.id)).toEqual(
			hs.store.all('contacts').map((r) => r.id),
		);
		expect(live.json.results.map((r: Json) => r.id)).toContain(third.id);
		// ... and listed with archived=true, a page at a time, each with when it was archived.
		const list = (after?: string) =>
			call(
				hs,
				'GET',
				`/crm/v3/objects/contacts?archived=true&limit=1&properties=lastname${after ? `&after=${after}` : ''}`,
			);
		const page1 = await list();
		expect(page1.status).toBe(200);
		expect(page1.json.results).toEqual([
			expect.objectContaining({
				id: first.id,
				archived: true,
				archivedAt: new Date(now - 60_000).toISOString(),
				properties: { lastname: 'A1' },
			}),
		]);
		const page2 = await list(page1.json.paging.next.after);
		expect(page2.json.results.map((r: Json) => [r.id, r.archivedAt])).toEqual([
			[second.id, new Date(now).toISOString()],
		]);
		expect(page2.json.paging).toBeUndefined();
		const companies = await call(hs, 'GET', '/crm/v3/objects/companies?archived=true&limit=100');
		expect(companies.json.results).toHaveLength(1);
		expect(live.json.results[0].archivedAt).toBeUndefined();
	});

	test('calls and notes: created with an association to the contact; bad input is refused', async () => {
		const contact = hs.store.all('contacts')[0];
		const call194 = await call(hs, 'POST', '/crm/v3/objects/calls', {
			properties: {
				hs_timestamp: '2026-03-02T08:01:00Z',
				hs_call_status: 'COMPLETED',
				hs_call_duration: '42000',
			},
			associations: [
				{
					to: { id: contact.id },
					types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }],
				},
			],
		});
		expect(call194.status).toBe(201);
		expect(call194.json.properties.hs_timestamp).toBe('2026-03-02T08:01:00.000Z');
		const read = await call(
			hs,
			'GET',
			`/crm/v3/objects/calls/${call194.json.id}?associations=contacts`,
		);
		expect(read.json.associations.contacts.results).toEqual([
			{ id: contact.id, type: 'call_to_contact' },
		]);
		const wrongType = await call(hs, 'POST', '/crm/v3/objects/notes', {
			properties: { hs_timestamp: '2026-03-02T08:01:00Z' },
			associations: [
				{
					to: { id: contact.id },
					types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }],
				},
			],
		});
		expect(wrongType.status).toBe(400);
		const noContact = await call(hs, 'POST', '/crm/v3/objects/notes', {
			properties: { hs_timestamp: '2026-03-02T08:01:00Z' },
			associations: [
				{
					to: { id: '1' },
					types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }],
				},
			],
		});
		expect(noContact.status).toBe(400);
		const noTime = await call(hs, 'POST', '/crm/v3/objects/notes', {
			properties: { hs_note_body: 'x' },
		});
		expect(noTime.status).toBe(400);
		const badStatus = await call(hs, 'POST', '/crm/v3/objects/calls', {
			properties: { hs_timestamp: '2026-03-02T08:01:00Z', hs_call_status: 'DONE' },
		});
		expect(badStatus.status).toBe(400);
		expect(badStatus.json.errors[0].code).toBe('INVALID_OPTION');
		const unknown = await call(hs, 'POST', '/crm/v3/objects/notes', {
			properties: { hs_timestamp: '2026-03-02T08:01:00Z', colour: 'red' },
		});
		expect(unknown.json.errors[0].code).toBe('PROPERTY_DOESNT_EXIST');
		expect(hs.store.all('notes')).toHaveLength(0);
	});

	test('rateLimitNext answers 429 RATE_LIMIT, then the API answers again', async () => {
		hs.rateLimitNext(1);
		const limited = await call(hs, 'GET', '/crm/v3/objects/companies');
		expect(limited.status).toBe(429);
		expect(limited.json).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT' });
		expect((await call(hs, 'GET', '/crm/v3/objects/companies')).status).toBe(200);
	});

	test('the route hook sends api.hubapi.com, and only it, to the sandbox', async () => {
		const script = `
			const https = require('node:https');
			const dns = require('node:dns');
			https.get('https://api.hubapi.com/crm/v3/objects/companies', { headers: { authorization: 'Bearer ${hs.token}' } }, (res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => {
					dns.lookup('api.hubapi.com', (error, address) => {
						process.stdout.write(JSON.stringify({ status: res.statusCode, total: JSON.parse(text).results.length, lookup: error ? String(error) : address }));
					});
				});
			}).on('error', (e) => { process.stdout.write(JSON.stringify({ error: String(e) })); });
		`;
		const out = JSON.parse(await runNode(script, hs.n8nEnv())) as Json;
		expect(out.status).toBe(200);
		expect(out.total).toBe(hs.store.all('companies').length);
		expect(out.lookup).toBe('127.0.0.1');
		// Without the hook's environment, api.hubapi.com is not the sandbox (and its certificate is
		// not trusted): nothing outside the hooked process changes.
		const plain = await runNode(
			`require('node:tls').connect({ host: '127.0.0.1', port: ${hs.port}, servername: 'api.hubapi.com' }).on('error', (e) => process.stdout.write(e.code)).on('secureConnect', () => process.stdout.write('trusted'))`,
			{ NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '' },
		);
		expect(plain).not.toBe('trusted');
	});
});
