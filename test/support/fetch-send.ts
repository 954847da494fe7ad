/**
 * An HttpSend over the global fetch, for specs and benchmarks that talk to the sandbox without n8n.
 *
 * Same contract as the n8n glue (nodes/shared/n8n/client.ts): the token goes in the
 * X-AUTH-TOKEN header, never in the URL; every HTTP status resolves; only a failure to get a
 * response rejects, with a DaktelaNetworkError whose `code` the client classifies (ECONNRESET,
 * ECONNREFUSED, UND_ERR_SOCKET, ...). The bracket query keys go out as `URLSearchParams` writes
 * them (percent-encoded brackets), which PHP and the sandbox decode like literal ones.
 */
import type { HttpRequest, HttpResponse, HttpSend } from '../../nodes/shared/transport/client';
import { DaktelaNetworkError, networkFailure } from '../../nodes/shared/transport/errors';
import { apiBaseUrl } from '../../nodes/shared/transport/url';

export interface SentRequest {
	method: string;
	url: string;
}

export interface FetchSendOptions {
	/** Called before each request with its full URL (handy to assert the token never appears). */
	onRequest?: (request: SentRequest) => void;
}

export function fetchSend(
	instanceUrl: string,
	token: string,
	options: FetchSendOptions = {},
): HttpSend {
	const base = apiBaseUrl(instanceUrl);
	return async (req: HttpRequest): Promise<HttpResponse> => {
		const query = new URLSearchParams(req.qs ?? {}).toString();
		const url = base + req.path + (query ? `?${query}` : '');
		const headers: Record<string, string> = {
			Accept: 'application/json',
			'X-AUTH-TOKEN': token,
		};
		if (req.body !== undefined) headers['Content-Type'] = 'application/json';
		options.onRequest?.({ method: req.method, url });
		let response: Response;
		let text: string;
		try {
			response = await fetch(url, {
				method: req.method,
				headers,
				body: req.body === undefined ? undefined : JSON.stringify(req.body),
			});
			text = await response.text();
		} catch (error) {
			const failure = networkFailure(error);
			// undici reports some socket failures with no code at all ("fetch failed"); no response
			// arrived, so it is a network failure of unknown timing: call it a reset.
			return Promise.reject(
				new DaktelaNetworkError(failure?.code ?? 'ECONNRESET', failure?.message ?? String(error)),
			);
		}
		const responseHeaders: Record<string, string> = {};
		response.headers.forEach((value, key) => {
			responseHeaders[key] = value;
		});
		let body: unknown = text;
		if (text.trim() && /json/i.test(response.headers.get('content-type') ?? '')) {
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
		}
		return { statusCode: response.status, headers: responseHeaders, body };
	};
}
