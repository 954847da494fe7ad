import {
	DaktelaApiError,
	DaktelaNetworkError,
	errorFromResponse,
	kindForStatus,
	networkFailure,
	normaliseErrorValue,
	scrubSecrets,
} from '../nodes/shared/transport/errors';

const envelope = (error: unknown, result: unknown = null) => ({
	error,
	result,
	_time: '2026-03-11 10:23:15',
});

describe('errorFromResponse: every error shape Daktela sends', () => {
	it('is success for 2xx with an empty error ([] , {}, null, missing) and for a 204 with no body', () => {
		expect(errorFromResponse(200, envelope([]))).toBeUndefined();
		expect(errorFromResponse(201, envelope({}))).toBeUndefined();
		expect(errorFromResponse(200, envelope(null))).toBeUndefined();
		expect(errorFromResponse(200, { result: { data: [], total: 0 } })).toBeUndefined();
		expect(errorFromResponse(204, '')).toBeUndefined();
		expect(errorFromResponse(204, undefined)).toBeUndefined();
	});

	it('plain string: "Object not exist" on 404 is notFound', () => {
		const error = errorFromResponse(404, envelope('Object not exist'))!;
		expect(error).toBeInstanceOf(DaktelaApiError);
		expect(error).toMatchObject({ kind: 'notFound', httpCode: 404, message: 'Object not exist' });
		expect(error.field).toBeUndefined();
	});

	it('array of strings', () => {
		expect(errorFromResponse(404, envelope(['Object not exist']))!.message).toBe(
			'Object not exist',
		);
		expect(errorFromResponse(400, envelope(['One', 'Two']))!.message).toBe('One; Two');
	});

	it('{primary: [...]}', () => {
		const error = errorFromResponse(400, envelope({ primary: ['Record is locked'] }))!;
		expect(error).toMatchObject({ kind: 'validation', message: 'Record is locked' });
	});

	it('{form: {lastname: "Item is mandatory"}} names the field', () => {
		const error = errorFromResponse(
			400,
			envelope({ form: { lastname: 'Item is mandatory' } }, { name: 'echoed', title: 'x' }),
		)!;
		expect(error).toMatchObject({
			kind: 'validation',
			httpCode: 400,
			field: 'lastname',
			message: 'lastname: Item is mandatory',
		});
	});

	it('nested {form: {customFields: {email: [...]}}} gives the dot path', () => {
		const error = errorFromResponse(
			400,
			envelope({ form: { customFields: { email: ['E-mail není ve správném formátu'] } } }),
		)!;
		expect(error.field).toBe('customFields.email');
		expect(error.message).toBe('customFields.email: E-mail není ve správném formátu');
	});

	it('combined primary + form: primary first, then every field', () => {
		const error = errorFromResponse(
			400,
			envelope({
				primary: ['Could not save'],
				form: { lastname: 'Item is mandatory', user: ['Chyba cizího klíče'] },
			}),
		)!;
		expect(error.message).toBe(
			'Could not save; lastname: Item is mandatory; user: Chyba cizího klíče',
		);
		expect(error.field).toBe('lastname');
		expect(error.items).toEqual([
			{ message: 'Could not save' },
			{ field: 'lastname', message: 'Item is mandatory' },
			{ field: 'user', message: 'Chyba cizího klíče' },
		]);
	});

	it('plural errors key', () => {
		const error = errorFromResponse(400, {
			errors: { form: { title: 'Too long' } },
			result: null,
		})!;
		expect(error).toMatchObject({ field: 'title', message: 'title: Too long' });
		expect(errorFromResponse(400, { errors: ['Bad'] })!.message).toBe('Bad');
	});

	it('422 ConstraintViolation {violations: [{propertyPath, message}]}', () => {
		const error = errorFromResponse(422, {
			status: 422,
			detail: 'title: This value is too long.',
			violations: [
				{ propertyPath: 'title', message: 'This value is too long.' },
				{ propertyPath: 'customFields[email]', message: 'Invalid e-mail.' },
			],
		})!;
		expect(error).toMatchObject({ kind: 'validation', httpCode: 422, field: 'title' });
		expect(error.message).toBe(
			'title: This value is too long.; customFields.email: Invalid e-mail.',
		);
	});

	it('an HTML body (a proxy error page) gives the status text and the page title', () => {
		const error = errorFromResponse(
			502,
			'<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
		)!;
		expect(error).toMatchObject({ kind: 'server', httpCode: 502 });
		expect(error.message).toBe('Bad gateway: 502 Bad Gateway');
	});

	it('an empty body still gives a useful message per status', () => {
		expect(errorFromResponse(503, '')!.message).toBe('Service unavailable');
		expect(errorFromResponse(401, undefined)!).toMatchObject({
			kind: 'auth',
			message: 'The access token was not accepted',
		});
		expect(errorFromResponse(418, '')!).toMatchObject({
			kind: 'unknown',
			message: 'Daktela answered HTTP 418',
		});
	});

	it('a JSON body delivered as text is parsed', () => {
		const error = errorFromResponse(
			400,
			JSON.stringify(envelope({ form: { title: 'Required' } })),
		)!;
		expect(error.message).toBe('title: Required');
	});

	it('a 2xx with a non-empty error is still an error', () => {
		const error = errorFromResponse(200, envelope({ form: { title: 'Required' } }))!;
		expect(error).toMatchObject({ kind: 'validation', httpCode: 200, field: 'title' });
	});

	it('removes the token from messages and details when the server echoes it', () => {
		const echoed = ['sandbox', 'token', Math.random().toString(36).slice(2)].join('-');
		const error = errorFromResponse(401, envelope(`Invalid token ${echoed}`), {
			secrets: [echoed],
		})!;
		expect(error.message).toBe('Invalid token ***');
		expect(JSON.stringify(error.details)).not.toContain(echoed);
		expect(error.description).not.toContain(echoed);
	});

	it('describes what was called without the query string', () => {
		const error = errorFromResponse(400, envelope({ form: { title: 'x' } }), {
			method: 'POST',
			path: 'contacts.json',
			attempts: 1,
		})!;
		expect(error.description).toBe('Daktela rejected the data (HTTP 400) on POST contacts.json.');
	});
});

describe('kindForStatus', () => {
	it('tells 404 from validation, auth, rate limit and server errors', () => {
		expect([404, 400, 422, 401, 403, 429, 500, 503, 405, 409].map(kindForStatus)).toEqual([
			'notFound',
			'validation',
			'validation',
			'auth',
			'auth',
			'rateLimit',
			'server',
			'server',
			'unknown',
			'unknown',
		]);
	});
});

describe('normaliseErrorValue', () => {
	it('flattens deep forms in key order and ignores empty entries', () => {
		expect(normaliseErrorValue({ form: { a: [], b: { c: 'x', d: ['', 'y'] }, e: null } })).toEqual([
			{ field: 'b.c', message: 'x' },
			{ field: 'b.d', message: 'y' },
		]);
	});
});

describe('networkFailure', () => {
	it('recognises Node, undici and axios network errors and says whether anything may have landed', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
			code: 'ECONNREFUSED',
		});
		expect(networkFailure(refused)).toMatchObject({
			code: 'ECONNREFUSED',
			nothingSent: true,
			retryable: true,
		});
		const undici = new TypeError('fetch failed', {
			cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
		});
		expect(networkFailure(undici)).toMatchObject({ code: 'UND_ERR_SOCKET', nothingSent: false });
		expect(networkFailure(new Error('socket hang up'))).toMatchObject({ code: 'ECONNRESET' });
		expect(networkFailure(new DaktelaNetworkError('ETIMEDOUT', 'timeout'))).toMatchObject({
			code: 'ETIMEDOUT',
			nothingSent: false,
		});
		expect(networkFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toMatchObject({
			retryable: false,
		});
	});

	it('does not mistake other failures for network errors', () => {
		expect(networkFailure(new Error('boom'))).toBeUndefined();
		expect(
			networkFailure(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' })),
		).toBeUndefined();
	});
});

describe('scrubSecrets', () => {
	it('replaces secrets everywhere, also URL-encoded', () => {
		expect(scrubSecrets({ a: ['x tok/en y'], b: 'tok%2Fen' }, ['tok/en'])).toEqual({
			a: ['x *** y'],
			b: '***',
		});
	});
});
