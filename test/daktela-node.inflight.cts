/**
 * A forwarding HTTP proxy on 127.0.0.1 that counts the requests in flight through it, so a spec
 * can measure the Daktela node's real parallelism (n8n's HTTP helper -> proxy -> sandbox) without
 * touching the client. Node-only (node:http), hence `.cts`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InFlightProxy {
	/** Use as the credential's instance URL. */
	url: string;
	/** Most requests in flight at once since the last reset. */
	peak(): number;
	/** Requests forwarded since the last reset. */
	count(): number;
	reset(): void;
	close(): Promise<void>;
}

export async function startInFlightProxy(target: string): Promise<InFlightProxy> {
	const base = new URL(target);
	let inFlight = 0;
	let peak = 0;
	let count = 0;
	const server = http.createServer((req, res) => {
		inFlight++;
		count++;
		peak = Math.max(peak, inFlight);
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			inFlight--;
		};
		const upstream = http.request(
			{
				host: base.hostname,
				port: base.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: base.host },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
				answer.on('end', finish);
			},
		);
		upstream.on('error', () => {
			finish();
			res.destroy();
		});
		res.on('close', finish);
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		peak: () => peak,
		count: () => count,
		reset: () => {
			peak = inFlight;
			count = 0;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
