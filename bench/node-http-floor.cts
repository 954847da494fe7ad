/**
 * The floor under the floor: the same POSTs as bench/bare-helper.cts, `parallel` at a time, but
 * straight through Node's own `http` module with one keep-alive agent (connections reused), not
 * through n8n. What it reaches is what this machine and the sandbox allow at the given latency;
 * against it, the bare helper's rate shows what n8n's HTTP helper costs (it builds new agents, so a
 * new connection, for every request: IHttpRequestOptions.agentOptions cannot change that), and
 * the Daktela node's rate what n8n and our code cost together.
 *
 * A measuring instrument, kept out of the package (a community node must use n8n's helper).
 */
import * as http from 'node:http';

import type { IDataObject } from 'n8n-workflow';

export async function postAll(options: {
	url: string;
	token: string;
	items: IDataObject[];
	parallel: number;
}): Promise<number> {
	const target = new URL(`${options.url.replace(/\/+$/, '')}/api/v6/contacts.json`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.parallel });
	const post = (record: IDataObject) =>
		new Promise<number>((resolve, reject) => {
			const body = JSON.stringify(record);
			const request = http.request(
				{
					hostname: target.hostname,
					port: target.port,
					path: target.pathname,
					method: 'POST',
					agent,
					headers: {
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(body),
						'X-AUTH-TOKEN': options.token,
					},
				},
				(response) => {
					response.resume();
					response.once('end', () => resolve(response.statusCode ?? 0));
				},
			);
			request.once('error', reject);
			request.end(body);
		});
	let next = 0;
	let written = 0;
	const worker = async () => {
		while (next < options.items.length) {
			const status = await post(options.items[next++]);
			if (status >= 200 && status < 300) written++;
		}
	};
	try {
		await Promise.all(Array.from({ length: options.parallel }, worker));
	} finally {
		agent.destroy();
	}
	return written;
}
