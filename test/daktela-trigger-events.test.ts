import {
	activeEntries,
	DedupMemory,
	dedupKey,
	fingerprint,
	heldLocks,
	withEntry,
	withKeyLock,
} from '../nodes/DaktelaTrigger/dedup';
import {
	eventOptions,
	isSelected,
	parseEvent,
	readBodyFields,
	readDelivery,
} from '../nodes/DaktelaTrigger/events';

describe('event names', () => {
	it('parse channel and record events into entity, action and activity type', () => {
		expect(parseEvent('call_close')).toEqual({
			event: 'call_close',
			prefix: 'call',
			action: 'close',
			entity: 'activity',
			channel: 'CALL',
		});
		expect(parseEvent(' WEB_Create ')).toMatchObject({ event: 'web_create', channel: 'CHAT' });
		expect(parseEvent('igdm_close')).toMatchObject({ channel: 'IGDM' });
		expect(parseEvent('contact_delete')).toEqual({
			event: 'contact_delete',
			prefix: 'contact',
			action: 'delete',
			entity: 'contact',
		});
	});

	it('reject unknown prefixes and actions that do not fit the entity', () => {
		for (const name of ['ticket_create', 'call_update', 'contact_close', 'call', '_close', '']) {
			expect(parseEvent(name)).toBeUndefined();
		}
	});

	it('offer every listed event in the picker, and every option parses', () => {
		const values = eventOptions().map((o) => o.value);
		expect(values).toEqual(
			expect.arrayContaining(['call_answer', 'web_close', 'vbr_create', 'account_update']),
		);
		expect(new Set(values).size).toBe(values.length);
		for (const value of values) expect(parseEvent(value)?.event).toBe(value);
	});

	it('select by name or with All Events', () => {
		const event = parseEvent('email_create')!;
		expect(isSelected(event, ['email_create'])).toBe(true);
		expect(isSelected(event, ['email_close'])).toBe(false);
		expect(isSelected(event, ['*'])).toBe(true);
	});
});

describe('delivery bodies', () => {
	it('take the body n8n already parsed (JSON or form)', () => {
		const fields = readBodyFields(
			{ event: 'call_close', name: 'act_1' },
			undefined,
			'application/json',
		);
		expect(fields).toEqual({ ok: true, value: { event: 'call_close', name: 'act_1' } });
	});

	it('parse raw JSON and raw form bodies n8n left unparsed', () => {
		expect(readBodyFields({}, '{"event":"sms_create","name":"sms_1"}', 'text/plain')).toEqual({
			ok: true,
			value: { event: 'sms_create', name: 'sms_1' },
		});
		expect(readBodyFields({}, 'event=contact_update&name=crm+person%201', undefined)).toEqual({
			ok: true,
			value: { event: 'contact_update', name: 'crm person 1' },
		});
	});

	it('call malformed and empty bodies malformed without quoting them', () => {
		const broken = readBodyFields({}, '{"event": "call_close", name', 'application/json');
		expect(broken).toEqual({
			ok: false,
			code: 'malformed_body',
			message: 'The request body is not valid JSON',
		});
		expect(readBodyFields({}, '["call_close"]', 'application/json')).toMatchObject({
			code: 'malformed_body',
		});
		expect(readBodyFields({}, 'just text', 'text/plain')).toMatchObject({ code: 'malformed_body' });
		expect(readBodyFields({}, 'event=%E0%A4%A', undefined)).toMatchObject({
			code: 'malformed_body',
		});
		expect(readBodyFields({}, '', undefined)).toMatchObject({ code: 'empty_body' });
	});

	it('read event and name (or id), keeping the rest as payload', () => {
		const parsed = readDelivery({ event: 'call_close', id: 42, data: { title: 'x' } });
		expect(parsed).toMatchObject({
			ok: true,
			value: { name: '42', event: { event: 'call_close' }, payload: { data: { title: 'x' } } },
		});
	});

	it('explain a missing event or name, an unknown event and an unreplaced placeholder', () => {
		expect(readDelivery({ name: 'x' })).toMatchObject({ code: 'missing_event' });
		expect(readDelivery({ event: 'call_close' })).toMatchObject({ code: 'missing_name' });
		expect(readDelivery({ event: 'ticket_close', name: 'x' })).toMatchObject({
			code: 'unknown_event',
		});
		expect(readDelivery({ event: '{{event_name}}', name: 'x' })).toMatchObject({
			code: 'unreplaced_placeholder',
		});
		expect(readDelivery({ event: 'call_close', name: '{{object_name}}' })).toMatchObject({
			code: 'unreplaced_placeholder',
		});
		expect(readDelivery({ event: 'call_close', name: 'a\nb' })).toMatchObject({
			code: 'invalid_name',
		});
	});
});

describe('dedup store', () => {
	it('keys by event and record, with an order-independent content fingerprint', () => {
		expect(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
			fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }),
		);
		expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
		expect(dedupKey('contact_update', 'p1', 'abc')).toBe('contact_update|p1|abc');
		expect(dedupKey('contact_delete', 'p1')).toBe('contact_delete|p1');
	});

	it('drops expired and malformed entries and caps the size, oldest expiry first', () => {
		expect(activeEntries({ a: 10, b: 99, c: 'x' }, 50)).toEqual({ b: 99 });
		expect(activeEntries('garbage', 50)).toEqual({});
		const full = withEntry({ a: 100, b: 200, c: 300 }, 'd', 400, 3);
		expect(full).toEqual({ b: 200, c: 300, d: 400 });
	});

	it('remembers keys per node scope in process memory until they expire', () => {
		const memory = new DedupMemory();
		memory.add('wf:node1', 'k', 100, 0);
		expect(memory.has('wf:node1', 'k', 50)).toBe(true);
		expect(memory.has('wf:node2', 'k', 50)).toBe(false);
		expect(memory.has('wf:node1', 'k', 100)).toBe(false);
		for (let i = 0; i < 5; i++) memory.add('s', `k${i}`, 1000 + i, 0, 3);
		expect(['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => memory.has('s', k, 0))).toEqual([
			false,
			false,
			true,
			true,
			true,
		]);
	});

	it('runs work for one lock key one at a time and other keys in parallel', async () => {
		const order: string[] = [];
		let releaseFirst: () => void = () => undefined;
		const firstMayEnd = new Promise<void>((resolve) => {
			releaseFirst = resolve;
		});
		const first = withKeyLock('a', async () => {
			order.push('a1 start');
			await firstMayEnd;
			order.push('a1 end');
		});
		const second = withKeyLock('a', async () => {
			order.push('a2 start');
		});
		const other = withKeyLock('b', async () => {
			order.push('b start');
		});
		await other;
		expect(order).toEqual(['a1 start', 'b start']);
		releaseFirst();
		await Promise.all([first, second]);
		expect(order).toEqual(['a1 start', 'b start', 'a1 end', 'a2 start']);
		expect(heldLocks()).toBe(0);
	});

	it('releases the lock when the work throws', async () => {
		await expect(
			withKeyLock('c', async () => {
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
		await expect(withKeyLock('c', async () => 'next')).resolves.toBe('next');
		expect(heldLocks()).toBe(0);
	});
});
