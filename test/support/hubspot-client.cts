/**
 * For test/sandbox-hubspot.test.ts: HTTPS requests to the sandbox HubSpot that trust only its own
 * certificate for api.hubapi.com, and a child Node process run with a given environment.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { promisify } from 'node:util';

import type { HubspotSandbox } from '../sandbox/hubspot.cjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export function hubspotCall(
	hs: HubspotSandbox,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = hs.token,
): Promise<{ status: number; headers: Record<string, unknown>; json: Json }> {
	return new Promise((resolve, reject) => {
		const req = https.request(
			{
				host: '127.0.0.1',
				port: hs.port,
				servername: 'api.hubapi.com',
				ca: fs.readFileSync(hs.certFile),
				method,
				path,
				headers: {
					'content-type': 'application/json',
					...(token === null ? {} : { authorization: `Bearer ${token}` }),
				},
			},
			(res) => {
				let text = '';
				res.on('data', (chunk: Buffer) => (text += chunk.toString()));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						json: text ? (JSON.parse(text) as Json) : {},
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

/** `node -e script` with the caller's environment plus `env`; resolves with its stdout. */
export async function runNode(script: string, env: NodeJS.ProcessEnv): Promise<string> {
	const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
		env: { ...process.env, ...env },
	});
	return stdout;
}
