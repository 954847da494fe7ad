/**
 * A DaktelaClient wired to a sandbox over real HTTP (fetch), with a recording sleep: retries take
 * no wall time and the test can read the exact backoff schedule.
 */
import {
	DaktelaClient,
	type DaktelaClientOptions,
	type HttpSend,
	type RetryEvent,
} from '../../nodes/shared/transport/client';
import { fetchSend, type SentRequest } from './fetch-send';

export interface RecordingClient {
	client: DaktelaClient;
	/** Every wait the client asked for, in ms, in order. */
	sleeps: number[];
	retries: RetryEvent[];
	/** Every URL the client sent (token-free, hopefully). */
	sent: SentRequest[];
	/** The HttpSend, for wrapping. */
	send: HttpSend;
}

export function recordingClient(
	target: { url: string; token: string },
	options: Partial<DaktelaClientOptions> = {},
	wrap: (send: HttpSend) => HttpSend = (send) => send,
): RecordingClient {
	const sleeps: number[] = [];
	const retries: RetryEvent[] = [];
	const sent: SentRequest[] = [];
	const send = wrap(fetchSend(target.url, target.token, { onRequest: (r) => sent.push(r) }));
	const client = new DaktelaClient(send, {
		timeZone: 'Europe/Prague',
		random: () => 0.5,
		secrets: [target.token],
		...options,
		sleep: async (ms) => {
			sleeps.push(ms);
			await options.sleep?.(ms);
		},
		onRetry: (event) => {
			retries.push(event);
			options.onRetry?.(event);
		},
	});
	return { client, sleeps, retries, sent, send };
}
