import { DaktelaInputError } from '../nodes/shared/transport/errors';
import {
	apiBaseUrl,
	encodeRecordName,
	listPath,
	normaliseInstanceUrl,
	recordPath,
} from '../nodes/shared/transport/url';

describe('normaliseInstanceUrl: every accepted form of the instance URL', () => {
	it.each([
		'https://x.daktela.com',
		'https://x.daktela.com/',
		'https://x.daktela.com//',
		'https://x.daktela.com/api/v6',
		'https://x.daktela.com/api/v6/',
		'https://x.daktela.com/API/V6/',
		'  https://x.daktela.com/api/v6  ',
		'HTTPS://X.Daktela.com',
		'x.daktela.com',
		'x.daktela.com/api/v6/',
	])('%j -> https://x.daktela.com', (input) => {
		expect(normaliseInstanceUrl(input)).toBe('https://x.daktela.com');
		expect(apiBaseUrl(input)).toBe('https://x.daktela.com/api/v6/');
	});

	it('keeps a port, plain http (local sandboxes) and a reverse-proxy path prefix', () => {
		expect(normaliseInstanceUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
		expect(apiBaseUrl('http://127.0.0.1:8080/api/v6')).toBe('http://127.0.0.1:8080/api/v6/');
		expect(normaliseInstanceUrl('https://proxy.example.com/daktela/api/v6/')).toBe(
			'https://proxy.example.com/daktela',
		);
	});

	it.each([
		['', /empty/],
		['   ', /empty/],
		['https://x.daktela.com/api/v6?accessToken=secret', /query string/],
		['https://x.daktela.com?x=1', /query string/],
		['https://user:pass@x.daktela.com', /user name or password/],
		['https://x.daktela.com/#top', /fragment/],
		['ftp://x.daktela.com', /must start with https/],
		['https://exa mple.com', /not a valid/],
		['https://', /not a valid/],
	])('refuses %j', (input, message) => {
		expect(() => normaliseInstanceUrl(input)).toThrow(DaktelaInputError);
		expect(() => normaliseInstanceUrl(input)).toThrow(message);
	});

	it('never echoes a token found in a refused URL back in the error', () => {
		expect(() => normaliseInstanceUrl('https://x.daktela.com/?accessToken=s3cr3t')).toThrow(
			expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
		);
	});
});

describe('normaliseInstanceUrl: what WHATWG URL would quietly accept or rewrite is refused', () => {
	it.each([
		['https://@x.daktela.com', /not a valid/],
		['https:///x.daktela.com', /not a valid/],
		['https://x.daktela.com\\api\\v6', /not a valid/],
		['https://x.dak\ntela.com', /not a valid/],
		['https://x.daktela.com/api v6', /not a valid/],
		['https://x.daktela.com/a\u0001b', /not a valid/],
		['https://%78.daktela.com', /not a valid/],
		['https://d\u00e4ktela.com', /not a valid/],
		['http://127.1', /not a valid/],
		['https://x_y.daktela.com', /not a valid/],
		['https://x.daktela.com:', /not a valid/],
		['https://x.daktela.com:99999', /not a valid/],
		['https://x.daktela.com/?', /query string/],
		['https://x.daktela.com/#', /fragment/],
		['https://x.daktela.com/#a?b', /fragment/],
	])('refuses %j', (input, message) => {
		expect(() => normaliseInstanceUrl(input)).toThrow(DaktelaInputError);
		expect(() => normaliseInstanceUrl(input)).toThrow(message);
	});

	it('keeps an IPv6 host with its port', () => {
		expect(normaliseInstanceUrl('http://[::1]:8080/api/v6/')).toBe('http://[::1]:8080');
	});

	it('never echoes credentials or a query of a URL that does not parse', () => {
		for (const input of ['https://u:s3cr3t@exa mple.com', 'https://exa mple.com?accessToken=s3cr3t']) {
			expect(() => normaliseInstanceUrl(input)).toThrow(/not a valid/);
			expect(() => normaliseInstanceUrl(input)).toThrow(
				expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
			);
		}
	});
});

describe('API paths', () => {
	it('appends .json and encodes record names, dots included', () => {
		expect(listPath('contacts')).toBe('contacts.json');
		expect(listPath('activitiesCall')).toBe('activitiesCall.json');
		expect(recordPath('contacts', 'crm_person_1')).toBe('contacts/crm_person_1.json');
		expect(recordPath('contacts', 'crm.person/1 ä')).toBe(
			'contacts/crm%2Eperson%2F1%20%C3%A4.json',
		);
		expect(encodeRecordName('a.b.json')).toBe('a%2Eb%2Ejson');
	});

	it('refuses empty names and odd endpoints', () => {
		expect(() => recordPath('contacts', '')).toThrow(DaktelaInputError);
		expect(() => listPath('../etc')).toThrow(/Invalid Daktela endpoint/);
		expect(() => listPath('contacts.json?x')).toThrow(/Invalid Daktela endpoint/);
	});
});
