/**
 * The sandbox Daktela in its own process, for the benchmarks.
 *
 * A real Daktela does not share the client's CPU. Run in the benchmark's own process, the sandbox
 * (parsing, filtering, JSON) would compete with the code being measured for one event loop, and
 * the more requests a client has in flight the more that costs it. So the benchmarks fork the
 * sandbox and reach its counters and knobs over IPC.
 *
 *   const sandbox = await startSandboxProcess({ latencyMs: 20 });
 *   ... requests to sandbox.url with sandbox.token ...
 *   await sandbox.count('POST', 'contacts'); await sandbox.close();
 */
import { fork, type ChildProcess } from 'node:child_process';

import type { DaktelaSandboxOptions, FaultOptions } from '../test/sandbox/daktela.cjs';
import type { SeedCounts } from '../test/sandbox/daktela-seed.cjs';

type Op =
	| { op: 'count'; method?: string; endpoint?: string }
	| { op: 'snapshot' }
	| { op: 'resetCounters' }
	| { op: 'reset' }
	| { op: 'seed'; counts: SeedCounts }
	| { op: 'setLatency'; ms: number }
	| { op: 'setFaults'; faults?: FaultOptions }
	| { op: 'records'; endpoint: string }
	| { op: 'cpu' }
	| { op: 'close' };

interface Reply {
	id: number;
	ok: boolean;
	result?: unknown;
	error?: string;
}

export interface SandboxProcess {
	url: string;
	token: string;
	/** Requests received (all, or of one method and/or endpoint), as the sandbox counts them. */
	count(method?: string, endpoint?: string): Promise<number>;
	snapshot(): Promise<Record<string, number>>;
	resetCounters(): Promise<void>;
	/** Empties the records (databases, users and queues stay) and the counters. */
	reset(): Promise<void>;
	seed(counts: SeedCounts): Promise<void>;
	setLatency(ms: number): Promise<void>;
	setFaults(faults?: FaultOptions): Promise<void>;
	/** Number of records of an endpoint (read out of band: not counted). */
	records(endpoint: string): Promise<number>;
	/** CPU time the sandbox process has used so far (user + system), in ms. */
	cpuMs(): Promise<number>;
	close(): Promise<void>;
}

type StartOptions = Pick<DaktelaSandboxOptions, 'latencyMs' | 'seed' | 'timeZone' | 'maxTake'>;

/** Forks this file as a child running the sandbox; resolves once it listens. */
export async function startSandboxProcess(options: StartOptions = {}): Promise<SandboxProcess> {
	const child: ChildProcess = fork(__filename, ['--child'], {
		execArgv: ['--require', 'tsx/cjs'],
		env: { ...process.env, BENCH_SANDBOX_OPTIONS: JSON.stringify(options) },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	let nextId = 1;
	let exited = false;
	child.on('message', (message: Reply & { ready?: { url: string; token: string } }) => {
		if (message.ready) return;
		const waiter = pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id);
		if (message.ok) waiter.resolve(message.result);
		else waiter.reject(new Error(message.error));
	});
	child.on('exit', () => {
		exited = true;
		for (const waiter of pending.values()) waiter.reject(new Error('sandbox process exited'));
		pending.clear();
	});

	const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
		const onMessage = (message: { ready?: { url: string; token: string } }) => {
			if (!message.ready) return;
			child.off('message', onMessage);
			resolve(message.ready);
		};
		child.on('message', onMessage);
		child.once('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
	});

	function call<T>(request: Op): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (exited) {
				reject(new Error('sandbox process exited'));
				return;
			}
			const id = nextId++;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, ...request });
		});
	}

	return {
		...ready,
		count: (method, endpoint) => call<number>({ op: 'count', method, endpoint }),
		snapshot: () => call<Record<string, number>>({ op: 'snapshot' }),
		resetCounters: () => call<void>({ op: 'resetCounters' }),
		reset: () => call<void>({ op: 'reset' }),
		seed: (counts) => call<void>({ op: 'seed', counts }),
		setLatency: (ms) => call<void>({ op: 'setLatency', ms }),
		setFaults: (faults) => call<void>({ op: 'setFaults', faults }),
		records: (endpoint) => call<number>({ op: 'records', endpoint }),
		cpuMs: () => call<number>({ op: 'cpu' }),
		close: async () => {
			if (exited) return;
			const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			await call<void>({ op: 'close' }).catch(() => undefined);
			await gone;
		},
	};
}

async function runChild(): Promise<void> {
	// Loaded here only: the parent never needs the sandbox code itself.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startDaktelaSandbox } =
		require('../test/sandbox/daktela.cjs') as typeof import('../test/sandbox/daktela.cjs');
	const options = JSON.parse(process.env.BENCH_SANDBOX_OPTIONS ?? '{}') as StartOptions;
	const sandbox = await startDaktelaSandbox(options);
	const send = (message: unknown) => process.send?.(message);
	process.on('message', (message: Op & { id: number }) => {
		void (async () => {
			try {
				let result: unknown;
				switch (message.op) {
					case 'count':
						result = sandbox.counters.get(message.method, message.endpoint);
						break;
					case 'snapshot':
						result = sandbox.counters.snapshot();
						break;
					case 'resetCounters':
						sandbox.counters.reset();
						sandbox.requests.length = 0;
						break;
					case 'reset':
						sandbox.reset();
						break;
					case 'seed':
						sandbox.seed(message.counts);
						break;
					case 'setLatency':
						sandbox.setLatency(message.ms);
						break;
					case 'setFaults':
						sandbox.setFaults(message.faults);
						break;
					case 'records':
						result = sandbox.store.list(message.endpoint).length;
						break;
					case 'cpu': {
						const { user, system } = process.cpuUsage();
						result = (user + system) / 1000;
						break;
					}
					case 'close':
						await sandbox.close();
						send({ id: message.id, ok: true });
						process.disconnect?.();
						process.exit(0);
				}
				send({ id: message.id, ok: true, result });
			} catch (error) {
				send({ id: message.id, ok: false, error: (error as Error).message });
			}
		})();
	});
	// The parent went away: do not linger.
	process.on('disconnect', () => {
		void sandbox.close().finally(() => process.exit(0));
	});
	send({ ready: { url: sandbox.url, token: sandbox.token } });
}

if (process.argv.includes('--child') && typeof process.send === 'function') {
	runChild().catch((error: Error) => {
		process.stderr.write(`sandbox process: ${error.stack ?? error.message}\n`);
		process.exit(1);
	});
}
