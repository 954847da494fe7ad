/**
 * A scripted HTTP server on 127.0.0.1 for the few Daktela error shapes the sandbox does not produce
 * (an HTML gateway page, a 422 ConstraintViolation body, Retry-After as an HTTP date, a 429
 * without Retry-After). Each request takes the next scripted reply (the last one repeats) and is
 * recorded. Node-only, hence `.cts`; specs import './support/raw-server.cjs'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawReply {
	status: number;
	headers?: Record<string, string>;
	/** Sent exactly as given ('' = empty body). */
	body?: string;
}

export interface RawServer {
	/** Instance URL, e.g. http://127.0.0.1:41234 */
	url: string;
	requests: Array<{ method: string; url: string; headers: Record<string, unknown> }>;
	/** Replaces the script; the next request takes the first reply. */
	script(replies: RawReply[]): void;
	close(): Promise<void>;
}

export async function startRawServer(initial: RawReply[] = []): Promise<RawServer> {
	let replies = initial;
	let next = 0;
	const requests: RawServer['requests'] = [];
	const server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			requests.push({
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				headers: { ...req.headers },
			});
			const reply = replies[Math.min(next, replies.length - 1)] ?? { status: 200, body: '' };
			next++;
			res.writeHead(reply.status, reply.headers ?? {});
			res.end(reply.body ?? '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		script(list) {
			replies = list;
			next = 0;
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
