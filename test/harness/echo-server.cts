/**
 * A tiny HTTP server on 127.0.0.1 that records every request and answers with JSON, so specs can
 * check what n8n's real request helpers put on the wire (headers, query, body).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path plus query string exactly as received. */
	url: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	/** Raw body text ('' when none). */
	body: string;
}

export interface EchoReply {
	status?: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export interface EchoServer {
	/** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
	url: string;
	requests: RecordedRequest[];
	close(): Promise<void>;
}

/** `reply` decides the answer per request; the default echoes the request back as JSON. */
export async function startEchoServer(
	reply: (request: RecordedRequest) => EchoReply = (request) => ({ body: request }),
): Promise<EchoServer> {
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
			const recorded: RecordedRequest = {
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				path: parsed.pathname,
				query: Object.fromEntries(parsed.searchParams.entries()),
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			requests.push(recorded);
			const answer = reply(recorded);
			res.writeHead(answer.status ?? 200, {
				'content-type': 'application/json',
				...(answer.headers ?? {}),
			});
			res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () =>
			await new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
