/**
 * n8n glue for the transport (nodes/shared/transport stays free of n8n).
 *
 * - createDaktelaClient(this) reads the `daktelaApi` credential and builds a DaktelaClient whose
 *   HttpSend is n8n's `helpers.httpRequestWithAuthentication` (so the credential's `authenticate`
 *   puts the token in the X-AUTH-TOKEN header, and n8n's proxy / SSRF / cancellation handling
 *   apply). `returnFullResponse` + `ignoreHttpStatusErrors` make every HTTP status resolve with
 *   `{ statusCode, headers, body }` (n8n-core's backend-network `httpRequest` sets axios
 *   `validateStatus: () => true`), so the client sees 404 / 429 / 5xx and Retry-After itself;
 *   only a missing response rejects. A 204's empty body arrives as '' and is fine.
 * - The token never reaches a message: the client scrubs it, and network failures are re-created
 *   here without n8n's wrapped axios error (whose config holds the request headers). Typed errors
 *   become n8n errors in ./errors.ts.
 */
import {
	NodeOperationError,
	sleep,
	type IExecuteFunctions,
	type ICredentialDataDecryptedObject,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import {
	DaktelaClient,
	type DaktelaClientOptions,
	type HttpRequest,
	type HttpResponse,
	type HttpSend,
} from '../transport/client';
import {
	DaktelaInputError,
	DaktelaNetworkError,
	networkFailure,
	scrubSecrets,
} from '../transport/errors';
import { apiBaseUrl } from '../transport/url';

export type DaktelaContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IWebhookFunctions
	| IHookFunctions
	| IPollFunctions;

export interface DaktelaCredentials {
	url: string;
	accessToken: string;
	timeZone?: string;
}

export const DEFAULT_TIME_ZONE = 'Europe/Prague';

function plainHeaders(headers: unknown): HttpResponse['headers'] {
	const out: HttpResponse['headers'] = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (typeof value === 'string') out[key.toLowerCase()] = value;
		else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
		else if (Array.isArray(value)) out[key.toLowerCase()] = value.map(String);
	}
	return out;
}

/**
 * An HttpSend over n8n's authenticated request helper. Exported for tests of the glue itself.
 *
 * `credentials`: the `daktelaApi` credential as this run already read it. Handed to the helper, it
 * spares n8n reading (and, in n8n, loading and decrypting) the credential again for every request
 * of a batch; without it the helper reads it per request.
 */
export function n8nHttpSend(
	ctx: DaktelaContext,
	baseUrl: string,
	secrets: string[],
	credentials?: ICredentialDataDecryptedObject,
): HttpSend {
	const ref = credentials ? ctx.getNode().credentials?.daktelaApi : undefined;
	const reuse = credentials
		? {
				credentialsDecrypted: {
					id: ref?.id ?? '',
					name: ref?.name ?? 'daktelaApi',
					type: 'daktelaApi',
					data: credentials,
				},
			}
		: undefined;
	return async (req: HttpRequest): Promise<HttpResponse> => {
		const options: IHttpRequestOptions = {
			method: req.method as IHttpRequestMethods,
			url: baseUrl + req.path,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (req.qs && Object.keys(req.qs).length) options.qs = req.qs;
		if (req.body !== undefined) options.body = req.body as IHttpRequestOptions['body'];
		let failure: unknown;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				'daktelaApi',
				options,
				reuse,
			)) as { statusCode?: number; headers?: unknown; body?: unknown };
			return {
				statusCode: Number(response.statusCode),
				headers: plainHeaders(response.headers),
				body: response.body,
			};
		} catch (error) {
			failure = error;
		}
		const network = networkFailure(failure);
		if (network) {
			throw new DaktelaNetworkError(network.code, scrubSecrets(network.message, secrets));
		}
		// Not a network failure (cancelled execution, SSRF block, missing credential): n8n's own error.
		throw failure;
	};
}

/**
 * A DaktelaClient for this node run, authenticated with the `daktelaApi` credential.
 * `options` override the client defaults (retries, concurrency, ...).
 */
export async function createDaktelaClient(
	ctx: DaktelaContext,
	options: Partial<Omit<DaktelaClientOptions, 'secrets'>> = {},
): Promise<DaktelaClient> {
	const decrypted = await ctx.getCredentials('daktelaApi');
	const credentials = decrypted as unknown as DaktelaCredentials;
	const token = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
	const secrets = token ? [token] : [];
	try {
		const base = apiBaseUrl(credentials.url);
		return new DaktelaClient(n8nHttpSend(ctx, base, secrets, decrypted), {
			sleep,
			...options,
			timeZone: options.timeZone ?? (credentials.timeZone?.trim() || DEFAULT_TIME_ZONE),
			secrets,
		});
	} catch (error) {
		if (error instanceof DaktelaInputError) {
			throw new NodeOperationError(ctx.getNode(), scrubSecrets(error.message, secrets), {
				description: 'Check the Daktela API credential.',
			});
		}
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
}
