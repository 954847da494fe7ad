/**
 * Compatibility with the Daktela CRM Sync SDK: its FieldMapper unit tests, the documented
 * examples of docs/03-field-mapping.md and its example mapping files (read unchanged from
 * test/fixtures/mappings) give the documented results.
 */
import { DateTime } from 'luxon';

import { compileMapping, loadMapping, type Direction } from '../nodes/FieldMapper/mapping';
import { readMapping, type MappingFixture } from './fixtures/mappings/read.cjs';

const NOW = DateTime.fromISO('2026-03-10T08:09:10', { zone: 'Europe/Prague' });

function mapper(yaml: string, direction: Direction, defaultCountry?: string) {
	return compileMapping(loadMapping(yaml), {
		direction,
		timeZone: 'Europe/Prague',
		now: () => NOW,
		defaultCountry,
	});
}

const fixture = (name: MappingFixture, direction: Direction) =>
	mapper(readMapping(name), direction);

const yaml = (entries: string[], lookup = 'email') =>
	['entity: contact', `lookup_field: ${lookup}`, 'mappings:', ...entries.map((e) => `  ${e}`)].join(
		'\n',
	);

describe('SDK FieldMapperTest', () => {
	it('simple CRM -> CC mapping', () => {
		const m = mapper(
			yaml(['- {cc_field: title, crm_field: full_name}', '- {cc_field: email, crm_field: email}']),
			'toDaktela',
		);
		expect(m.map({ full_name: 'John Doe', email: 'john@example.com' }).record).toEqual({
			title: 'John Doe',
			email: 'john@example.com',
		});
	});

	it('CC -> CRM mapping', () => {
		const m = mapper(
			yaml(
				['- {cc_field: name, crm_field: external_id}', '- {cc_field: title, crm_field: subject}'],
				'name',
			),
			'toCrm',
		);
		expect(m.map({ name: 'call-123', title: 'Incoming call' }).record).toEqual({
			external_id: 'call-123',
			subject: 'Incoming call',
		});
	});

	it('dot notation read and write', () => {
		const entries = ['- {cc_field: customFields.industry, crm_field: industry}'];
		expect(
			mapper(yaml(entries), 'toCrm').map({ customFields: { industry: 'Technology' } }).record,
		).toEqual({ industry: 'Technology' });
		expect(mapper(yaml(entries), 'toDaktela').map({ industry: 'Finance' }).record).toEqual({
			customFields: { industry: 'Finance' },
		});
	});

	it('transformer chain', () => {
		const m = mapper(
			yaml([
				'- {cc_field: number, crm_field: phone, transformers: [{name: phone_normalize, params: {format: e164}}]}',
			]),
			'toDaktela',
		);
		expect(m.map({ phone: '(420) 123-456-789' }).record.number).toBe('+420123456789');
	});

	it('null value passed through (the key is written)', () => {
		const m = mapper(yaml(['- {cc_field: title, crm_field: full_name}']), 'toDaktela');
		expect(m.map({}).record).toEqual({ title: null });
	});

	it('relation: the value goes to the Daktela node to resolve, unchanged in the record', () => {
		const m = mapper(
			yaml([
				'- {cc_field: account, crm_field: company_id, relation: {entity: account, resolve_from: id, resolve_to: name}}',
			]),
			'toDaktela',
		);
		const result = m.map({ company_id: 'crm-acc-123' });
		expect(result.record.account).toBe('crm-acc-123');
		expect(result.relations).toEqual({
			account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: 'crm-acc-123' },
		});
	});

	it('relation skips null values', () => {
		const m = mapper(
			yaml([
				'- {cc_field: account, crm_field: company_id, relation: {entity: account, resolve_from: id, resolve_to: name}}',
			]),
			'toDaktela',
		);
		const result = m.map({});
		expect(result.record.account).toBeNull();
		expect(result.relations).toBeUndefined();
	});

	it('multi_value split and join', () => {
		expect(
			mapper(
				yaml([
					'- {cc_field: customFields.tags, crm_field: tags, multi_value: {strategy: split, separator: ","}}',
				]),
				'toDaktela',
			).map({ tags: 'web,mobile,api' }).record,
		).toEqual({ customFields: { tags: ['web', 'mobile', 'api'] } });
		expect(
			mapper(
				yaml([
					'- {cc_field: customFields.interests, crm_field: interests, multi_value: {strategy: join, separator: ", "}}',
				]),
				'toCrm',
			).map({ customFields: { interests: ['sports', 'music'] } }).record,
		).toEqual({ interests: 'sports, music' });
	});

	it('relation and multi_value combined', () => {
		const m = mapper(
			yaml([
				'- {cc_field: account, crm_field: company_id, relation: {entity: account, resolve_from: id, resolve_to: name}}',
				'- {cc_field: customFields.tags, crm_field: tags, multi_value: {strategy: split, separator: ","}}',
			]),
			'toDaktela',
		);
		const result = m.map({ company_id: 'acc-1', tags: 'vip,enterprise' });
		expect(result.relations?.account.value).toBe('acc-1');
		expect(result.record.customFields).toEqual({ tags: ['vip', 'enterprise'] });
	});

	it('append merges arrays and skips empty values', () => {
		const entries = [
			'- {cc_field: customFields.number, crm_field: tel1, transformers: [wrap_array]}',
			'- {cc_field: customFields.number, crm_field: tel2, transformers: [wrap_array], append: true}',
		];
		const m = mapper(yaml(entries), 'toDaktela');
		expect(m.map({ tel1: '+420111222333', tel2: '+420444555666' }).record).toEqual({
			customFields: { number: ['+420111222333', '+420444555666'] },
		});
		expect(m.map({ tel1: '+420111222333', tel2: '' }).record).toEqual({
			customFields: { number: ['+420111222333'] },
		});
	});

	it('append to a missing key creates an array', () => {
		const m = mapper(
			yaml(['- {cc_field: customFields.tags, crm_field: extra_tag, append: true}']),
			'toDaktela',
		);
		expect(m.map({ extra_tag: 'vip' }).record).toEqual({ customFields: { tags: ['vip'] } });
	});

	it('append with multi_value join collapses the accumulated values, skipping nulls', () => {
		const m = mapper(
			yaml([
				'- {crm_field: firstName, cc_field: title, append: true}',
				'- {crm_field: lastName, cc_field: title, append: true, multi_value: {strategy: join, separator: " "}}',
			]),
			'toDaktela',
		);
		expect(m.map({ firstName: 'Kristýna', lastName: 'Kovandová' }).record.title).toBe(
			'Kristýna Kovandová',
		);
		expect(m.map({ lastName: 'Kovandová' }).record.title).toBe('Kovandová');
	});
});

describe('the CRM id is text, as the SDK entities cast it', () => {
	it('a numeric id 123 maps to "123" in the name, a custom field and the lookup key', () => {
		const m = mapper(
			yaml(
				[
					'- {cc_field: name, crm_field: id}',
					'- {cc_field: customFields.crm_id, crm_field: id, transformers: [{name: wrap_array}]}',
					'- {cc_field: description, crm_field: id, transformers: [{name: string_case, params: {case: upper}}]}',
					'- {cc_field: title, crm_field: name}',
				],
				'name',
			),
			'toDaktela',
		);
		const result = m.map({ id: 123, name: 'Jan' });
		expect(result.record).toEqual({
			name: '123',
			customFields: { crm_id: ['123'] },
			description: '123',
			title: 'Jan',
		});
		expect(result.lookup).toEqual({ field: 'name', value: '123' });
	});

	it('only the record id is cast: other numbers stay numbers', () => {
		const m = mapper(yaml(['- {cc_field: customFields.score, crm_field: score}']), 'toDaktela');
		expect(m.map({ id: 5, score: 7 }).record).toEqual({ customFields: { score: 7 } });
	});
});

describe('docs/03-field-mapping.md examples', () => {
	it('nested CRM field: contact_info.email', () => {
		const m = mapper(yaml(['- {cc_field: email, crm_field: contact_info.email}']), 'toDaktela');
		expect(m.map({ contact_info: { email: 'a@b.cz' } }).record).toEqual({ email: 'a@b.cz' });
		expect(
			mapper(yaml(['- {cc_field: email, crm_field: contact_info.email}']), 'toCrm').map({
				email: 'a@b.cz',
			}).record,
		).toEqual({ contact_info: { email: 'a@b.cz' } });
	});

	it('transformer chain: default_value then string_case', () => {
		const m = mapper(
			yaml([
				'- cc_field: title',
				'  crm_field: t',
				'  transformers:',
				'    - {name: default_value, params: {value: unknown}}',
				'    - {name: string_case, params: {case: upper}}',
			]),
			'toDaktela',
		);
		expect(m.map({}).record.title).toBe('UNKNOWN');
		expect(m.map({ t: 'abc' }).record.title).toBe('ABC');
	});

	it('prefix example and strip_prefix example', () => {
		expect(
			mapper(
				yaml([
					'- {cc_field: name, crm_field: id, transformers: [{name: prefix, params: {value: crm_}}]}',
				]),
				'toDaktela',
			).map({ id: '12345' }).record.name,
		).toBe('crm_12345');
		expect(
			mapper(
				yaml([
					'- {cc_field: name, crm_field: id, transformers: [{name: strip_prefix, params: {value: crm_}}]}',
				]),
				'toCrm',
			).map({ name: 'crm_12345' }).record.id,
		).toBe('12345');
	});

	it('url example with an inline ${VAR} resolved from Variables', () => {
		const spec = loadMapping(
			yaml(
				[
					'- {cc_field: description, crm_field: id, transformers: [{name: url, params: {template: "https://crm.example.com/${CRM_INSTANCE}/?entity=Person&id={value}"}}]}',
				],
				'description',
			),
			{ variables: { CRM_INSTANCE: 'acme' } },
		);
		expect(
			compileMapping(spec, { direction: 'toDaktela' }).map({ id: '42' }).record.description,
		).toBe('https://crm.example.com/acme/?entity=Person&id=42');
	});

	it('multi_value first: one disposition', () => {
		const m = mapper(
			yaml([
				'- {cc_field: customFields.disposition, crm_field: primary_disposition, multi_value: {strategy: first}}',
			]),
			'toCrm',
		);
		expect(m.map({ customFields: { disposition: ['sale', 'callback'] } }).record).toEqual({
			primary_disposition: 'sale',
		});
	});
});

describe('SDK example mapping files', () => {
	it('contacts.yaml, CRM -> Daktela: phone E.164, tags split, interests joined, account relation', () => {
		const result = fixture('contacts', 'toDaktela').map({
			full_name: 'John Doe',
			email: 'john@example.com',
			phone: '(420) 123-456-789',
			company_id: 'crm-acc-123',
			notes: 'VIP customer',
			tags: 'web,mobile,api',
			interests: ['sports', 'music'],
		});
		expect(result.record).toEqual({
			title: 'John Doe',
			email: 'john@example.com',
			number: '+420123456789',
			account: 'crm-acc-123',
			description: 'VIP customer',
			customFields: { tags: ['web', 'mobile', 'api'], interests: 'sports, music' },
		});
		expect(result.lookup).toEqual({ field: 'email', value: 'john@example.com' });
		expect(result.relations).toEqual({
			account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: 'crm-acc-123' },
		});
	});

	it('contacts.yaml, Daktela -> CRM: "Daktela [sports, music] -> CRM sports, music"; relation objects reduce to the name', () => {
		const result = fixture('contacts', 'toCrm').map({
			title: 'John Doe',
			email: 'john@example.com',
			number: '+420123456789',
			account: { name: 'acme', title: 'ACME s.r.o.', _sys: {} },
			customFields: { tags: ['web', 'mobile'], interests: ['sports', 'music'] },
		});
		expect(result.record).toEqual({
			full_name: 'John Doe',
			email: 'john@example.com',
			phone: '+420123456789',
			company_id: 'acme',
			notes: null,
			tags: ['web', 'mobile'],
			interests: 'sports, music',
		});
		expect(result.lookup).toBeUndefined();
	});

	it('accounts.yaml: industry lower-cased, categories kept as an array', () => {
		const result = fixture('accounts', 'toDaktela').map({
			company_name: 'ACME s.r.o.',
			external_id: 'crm_company_9',
			description: 'Anvils',
			industry: 'Manufacturing',
			categories: 'b2b',
		});
		expect(result.record).toEqual({
			title: 'ACME s.r.o.',
			name: 'crm_company_9',
			description: 'Anvils',
			customFields: { industry: 'manufacturing', categories: ['b2b'] },
		});
		expect(result.lookup).toEqual({ field: 'name', value: 'crm_company_9' });
	});

	it('activities.yaml, Daktela -> CRM: dates to ISO 8601 (c), first disposition', () => {
		const result = fixture('activities', 'toCrm').map({
			name: 'activities_629f5020a5988094907979',
			title: 'Incoming call',
			time_start: '2025-06-01 10:00:00',
			time_close: '2025-06-01 10:05:30',
			direction: 'in',
			contact: 'crm_person_123',
			customFields: { disposition: ['sale', 'callback'] },
		});
		expect(result.record).toEqual({
			external_id: 'activities_629f5020a5988094907979',
			subject: 'Incoming call',
			start_time: '2025-06-01T10:00:00+02:00',
			end_time: '2025-06-01T10:05:30+02:00',
			direction: 'in',
			contact_id: 'crm_person_123',
			disposition: 'sale',
		});
	});

	it('account-contact.yaml: a contact made from an account, name prefixed with company_', () => {
		const result = fixture('account-contact', 'toDaktela').map({
			company_name: 'ACME s.r.o.',
			external_id: '9',
			email: 'info@acme.cz',
			phone: '+420 777 000 111',
		});
		expect(result.record).toEqual({
			title: 'ACME s.r.o.',
			name: 'company_9',
			email: 'info@acme.cz',
			number: '+420 777 000 111',
		});
		expect(result.lookup).toEqual({ field: 'name', value: 'company_9' });
	});

	it('Raynet contacts (SDK 0.x format): crm_to_cc entries apply to Daktela only', () => {
		const spec = loadMapping(readMapping('raynet-contacts'), {
			variables: { RAYNET_INSTANCE_NAME: 'acme' },
		});
		const toDaktela = compileMapping(spec, { direction: 'toDaktela' }).map({
			id: 123,
			fullName: 'Jan Novák',
			email: 'jan@example.com',
			company_id: 9,
		});
		expect(toDaktela.record).toEqual({
			title: 'Jan Novák',
			name: 'raynet_person_123',
			customFields: { email: ['jan@example.com'] },
			description: 'https://app.raynet.cz/acme/?view=DetailView&en=Person&ei=123',
			account: 9,
		});
		expect(toDaktela.relations?.account.value).toBe('9');
		expect(compileMapping(spec, { direction: 'toCrm' }).map({ name: 'x' }).record).toEqual({});
	});
});
