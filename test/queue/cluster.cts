/**
 * A real n8n (runtime.cts: 2.41.1 on Node 24) in QUEUE MODE, the way scaled-out instances and
 * n8n Cloud run: one main (`n8n start`: editor, REST, webhooks, triggers) enqueues every
 * production execution in Redis; N workers (`n8n worker --concurrency=5`, 2 by default) run them;
 * PostgreSQL holds workflows, executions and state. Everything listens on 127.0.0.1
 * (recipe: /work/shared/reference/queue-mode.md).
 *
 *     const cluster = await startQueueCluster({ pkg: buildAndPack(), env: { SANDBOX_URL: ... } });
 *     try {
 *         const id = await cluster.deployWorkflow(workflowJson);   // import + publish + live
 *         await cluster.callWebhook('my-path', { body: {...} });
 *         const [execution] = await cluster.waitForExecutions(id, 1);
 *         execution.worker;                                        // 'worker1' | 'worker2'
 *         nodeOutput(await cluster.execution(execution.id), 'Node');
 *         await cluster.staticData(id);
 *     } finally {
 *         await cluster.stop();
 *     }
 *
 * Every process has its OWN user folder with the packed package installed (test/e2e/n8n.cts
 * `N8n`; a worker without it fails jobs with "Unrecognized node type"; a shared folder makes the
 * workers share an event log whose recovery marks executions crashed), its own task-broker port,
 * and the one shared encryption key (ENCRYPTION_KEY of n8n.cts). Processes are stopped by PID in
 * `stop()` (main, workers, Redis, PostgreSQL) and on exit / SIGINT / SIGTERM (n8n.cts bookkeeping).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	callWebhook as callServerWebhook,
	N8n,
	freePort,
	tail,
	trackTempFolder,
	untrackTempFolder,
	type CredentialInput,
	type ExecutionRun,
	type PackedPackage,
	type ProcessHandle,
	type ServerHandle,
} from '../e2e/n8n.cjs';
import {
	getExecution,
	listExecutions,
	ownerClient,
	waitForPublication,
	type ExecutionSummary,
	type RestClient,
} from '../e2e/rest.cjs';
import { ensureRuntime, type Runtime } from '../e2e/runtime.cjs';
import { readLog, startServices, type Services } from './services.cjs';

export interface QueueClusterOptions {
	/** The packed package (buildAndPack()), installed into every process's user folder. */
	pkg: PackedPackage;
	/** The n8n runtime; ensureRuntime() by default. */
	rt?: Runtime;
	/** Number of workers (default 2). */
	workers?: number;
	/** Jobs each worker runs at once (`--concurrency`, default 5). */
	concurrency?: number;
	/** Extra environment for every n8n process (main, workers and CLI commands). */
	env?: NodeJS.ProcessEnv;
	/** Keep temp folders (logs, databases, user folders) after stop; E2E_KEEP=1 does the same. */
	keep?: boolean;
	/** Progress messages (stderr by default). */
	log?: (message: string) => void;
	/** How long main, then the workers, may take to become ready (default 120 s each). */
	timeoutMs?: number;
}

export interface QueueWorker {
	/** 'worker1', 'worker2', ... (what `QueueExecution.worker` says). */
	name: string;
	pid: number;
	/** The worker's health server (`/healthz`, `/healthz/readiness`). */
	healthUrl: string;
	logFile: string;
	n8n: N8n;
	process: ProcessHandle;
}

/** An execution as listed by main's REST API, plus the worker whose log says it ran it. */
export interface QueueExecution extends ExecutionSummary {
	/** Name of the worker that ran it; undefined when no worker log mentions it (e.g. ran on main). */
	worker?: string;
}

/** One execution with its run data decoded: pass it to n8n.cts `nodeOutput(execution, 'Node')`. */
export type QueueExecutionDetail = QueueExecution & ExecutionRun;

export interface WebhookProcess {
	url: string;
	pid: number;
	/** Calls a production webhook on this process (POST JSON by default). */
	callWebhook(
		webhookPath: string,
		init?: { method?: string; body?: unknown; headers?: Record<string, string> },
	): Promise<{ status: number; body: unknown; text: string }>;
}

export interface QueueCluster {
	rt: Runtime;
	services: Services;
	/** The main's N8n (its user folder; CLI commands run from here against the shared database). */
	main: N8n;
	server: ServerHandle;
	/** Main's base URL, e.g. http://127.0.0.1:41234 (webhooks at `${url}/webhook/<path>`). */
	url: string;
	/** REST client logged in as the instance owner (test/e2e/rest.cts). */
	client: RestClient;
	workers: QueueWorker[];
	/** Log file of every process: main, worker1.., postgres, redis. */
	logFiles: Record<string, string>;
	/** Temp folder with the logs and the services' data. */
	dir: string;
	/** How long startQueueCluster took, ms. */
	startMs: number;

	/** `n8n import:credentials` (plain data, encrypted on import) into the shared database. */
	importCredentials(credentials: CredentialInput[]): Promise<void>;
	/** `n8n import:workflow`; returns the id (assigned when the JSON has none). Imports deactivate. */
	importWorkflow(workflow: Record<string, unknown>): Promise<string>;
	/**
	 * `n8n publish:workflow`, then waits until the RUNNING main has activated every trigger
	 * (publication outbox, polled every second with the env set here).
	 */
	publishWorkflow(id: string, timeoutMs?: number): Promise<void>;
	/** importWorkflow + publishWorkflow: the workflow's webhooks / schedules are live on return. */
	deployWorkflow(workflow: Record<string, unknown>): Promise<string>;
	/** Calls a production webhook on main (POST JSON by default). */
	callWebhook(
		webhookPath: string,
		init?: { method?: string; body?: unknown; headers?: Record<string, string> },
	): Promise<{ status: number; body: unknown; text: string }>;
	/**
	 * Starts an `n8n webhook` process (its own user folder, port and log): in queue mode it answers
	 * production webhooks and enqueues their executions as main does, so one delivery can reach
	 * main and its redelivery this process. Stopped with the cluster, right after main.
	 */
	startWebhookProcess(): Promise<WebhookProcess>;
	/** Executions of a workflow, newest first, with the worker that ran each. */
	executions(workflowId: string): Promise<QueueExecution[]>;
	/** Waits until at least `count` executions of the workflow have ended; returns them all. */
	waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs?: number,
	): Promise<QueueExecution[]>;
	/** One execution with its full run data (node outputs) via REST. */
	execution(id: string): Promise<QueueExecutionDetail>;
	/** Which worker ran an execution (from the workers' logs), or undefined. */
	workerOf(executionId: string): string | undefined;
	/** The workflow's stored static data (`{}` when none), read from PostgreSQL. */
	staticData(workflowId: string): Promise<Record<string, unknown>>;
	/** SQL against n8n's database (psql -At output; see services.cts). */
	sql(query: string): Promise<string>;
	/** The last `chars` of every log, headed by its name (for failure reports). */
	logTails(chars?: number): string;
	/** Stops main, then the workers, then Redis, then PostgreSQL (all by PID); removes temp folders. */
	stop(): Promise<{ ms: number }>;
}

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits until GET `url` answers 200, failing early when the process has exited. */
async function waitForHttp(
	what: string,
	url: string,
	handle: ProcessHandle,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const exited = handle.exited();
		if (exited !== undefined) throw new Error(`${what} exited (${exited}) before it was ready`);
		try {
			const response = await fetch(url);
			if (response.status === 200) return;
		} catch {
			// Not listening yet.
		}
		if (Date.now() > deadline) throw new Error(`${what} not ready at ${url} after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Starts PostgreSQL + Redis, main, then the workers; on failure prints the log tails, stops all. */
export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const started = Date.now();
	const log = options.log ?? ((message: string) => process.stderr.write(`[queue] ${message}\n`));
	const keep = options.keep ?? process.env.E2E_KEEP === '1';
	const rt = options.rt ?? (await ensureRuntime());
	const workerCount = options.workers ?? 2;
	const concurrency = options.concurrency ?? 5;
	const timeoutMs = options.timeoutMs ?? 120000;

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-queue-'));
	trackTempFolder(dir);
	fs.chmodSync(dir, 0o755); // the services folder inside must be reachable by the postgres user
	const logDir = path.join(dir, 'logs');
	fs.mkdirSync(logDir);
	const logFiles: Record<string, string> = {};

	// Everything below registers what it started here, so a failure can undo it in order.
	let services: Services | undefined;
	let main: N8n | undefined;
	let server: ServerHandle | undefined;
	const workers: QueueWorker[] = [];
	const workerN8ns: N8n[] = [];
	const webhookProcesses: ProcessHandle[] = [];
	let stopped = false;

	const logTails = (chars = 3000) =>
		Object.entries(logFiles)
			.map(([name, file]) => `--- ${name} (${file}) ---\n${tail(readLog(file), chars)}`)
			.join('\n');

	const stopAll = async () => {
		if (stopped) return;
		stopped = true;
		// Main first (it stops enqueueing and answering webhooks), then the workers, then the
		// services they use. dispose() stops anything left of an instance and removes its folder.
		if (server) await server.stop();
		if (main) await main.dispose();
		await Promise.all(webhookProcesses.map((handle) => handle.stop()));
		await Promise.all(workers.map((worker) => worker.process.stop()));
		await Promise.all(workerN8ns.map((n8n) => n8n.dispose()));
		if (services) await services.stop();
		if (!keep) fs.rmSync(dir, { recursive: true, force: true });
		untrackTempFolder(dir);
	};

	try {
		let t = Date.now();
		services = await startServices({ dir: path.join(dir, 'services'), keep, log });
		logFiles.postgres = services.postgres.logFile;
		logFiles.redis = services.redis.logFile;
		log(
			`PostgreSQL ${services.postgres.version} on :${services.postgres.port} (pid ${services.postgres.pid}), ` +
				`Redis on :${services.redis.port} (pid ${services.redis.pid}) in ${Date.now() - t} ms`,
		);

		// The env every n8n process shares (N8n.env() adds the single-instance defaults under it).
		const queueEnv: NodeJS.ProcessEnv = {
			...services.n8nEnv(),
			EXECUTIONS_MODE: 'queue',
			// A running main applies CLI publishes within a second (default: much later).
			N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '1000',
			N8N_WORKFLOW_PUBLICATION_RECONCILE_INTERVAL_SECONDS: '1',
			...options.env,
		};

		// Main first: it runs the database migrations the workers rely on.
		t = Date.now();
		main = await N8n.create(rt, { pkg: options.pkg, env: queueEnv, keep });
		logFiles.main = path.join(logDir, 'main.log');
		server = await main.startServer({ logFile: logFiles.main, timeoutMs });
		log(`main ${server.url} (pid ${server.pid}) ready in ${Date.now() - t} ms`);

		t = Date.now();
		for (let i = 1; i <= workerCount; i++) {
			const name = `worker${i}`;
			const n8n = await N8n.create(rt, { pkg: options.pkg, env: queueEnv, keep });
			workerN8ns.push(n8n);
			const healthPort = await freePort();
			logFiles[name] = path.join(logDir, `${name}.log`);
			const handle = await n8n.startProcess(['worker', `--concurrency=${concurrency}`], {
				logFile: logFiles[name],
				env: {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
			});
			workers.push({
				name,
				pid: handle.pid,
				healthUrl: `http://127.0.0.1:${healthPort}/healthz`,
				logFile: logFiles[name],
				n8n,
				process: handle,
			});
		}
		// Readiness checks the worker's database and Redis connections.
		await Promise.all(
			workers.map((worker) =>
				waitForHttp(worker.name, `${worker.healthUrl}/readiness`, worker.process, timeoutMs),
			),
		);
		log(
			`${workers.map((w) => `${w.name} (pid ${w.pid})`).join(', ')} ready in ${Date.now() - t} ms`,
		);

		const client = await ownerClient(server);
		const startMs = Date.now() - started;
		const mainN8n = main;
		const mainServer = server;
		const liveServices = services;

		const workerOf = (executionId: string): string | undefined => {
			const pattern = new RegExp(`Worker started execution ${executionId} \\(job`);
			return workers.find((worker) => pattern.test(readLog(worker.logFile)))?.name;
		};
		const executions = async (workflowId: string): Promise<QueueExecution[]> =>
			(await listExecutions(client, workflowId)).map((execution) => ({
				...execution,
				worker: workerOf(execution.id),
			}));
		const publishWorkflow = async (id: string, publishTimeoutMs = 30000) => {
			await mainN8n.publishWorkflow(id);
			await waitForPublication(client, id, publishTimeoutMs);
		};

		return {
			rt,
			services,
			main,
			server,
			url: server.url,
			client,
			workers,
			logFiles,
			dir,
			startMs,
			importCredentials: (credentials) => mainN8n.importCredentials(credentials),
			importWorkflow: (workflow) => mainN8n.importWorkflow(workflow),
			publishWorkflow,
			async deployWorkflow(workflow) {
				const id = await mainN8n.importWorkflow(workflow);
				await publishWorkflow(id);
				return id;
			},
			callWebhook: (webhookPath, init) => callServerWebhook(mainServer, webhookPath, init),
			async startWebhookProcess() {
				const t0 = Date.now();
				const name = `webhook${webhookProcesses.length + 1}`;
				const n8n = await N8n.create(rt, { pkg: options.pkg, env: queueEnv, keep });
				workerN8ns.push(n8n);
				const port = await freePort();
				logFiles[name] = path.join(logDir, `${name}.log`);
				const handle = await n8n.startProcess(['webhook'], {
					logFile: logFiles[name],
					env: { N8N_PORT: String(port) },
				});
				webhookProcesses.push(handle);
				const url = `http://127.0.0.1:${port}`;
				await waitForHttp(name, `${url}/healthz/readiness`, handle, timeoutMs);
				log(`${name} ${url} (pid ${handle.pid}) ready in ${Date.now() - t0} ms`);
				const server = { url } as ServerHandle;
				return {
					url,
					pid: handle.pid,
					callWebhook: (webhookPath, init) => callServerWebhook(server, webhookPath, init),
				};
			},
			executions,
			async waitForExecutions(workflowId, count, waitMs = 60000) {
				const deadline = Date.now() + waitMs;
				for (;;) {
					const list = await executions(workflowId);
					const ended = list.filter((execution) => TERMINAL.has(execution.status));
					if (ended.length >= count) return list;
					if (Date.now() > deadline) {
						throw new Error(
							`${ended.length} of ${count} executions of ${workflowId} ended after ${waitMs} ms: ` +
								JSON.stringify(list.map((e) => ({ id: e.id, status: e.status }))),
						);
					}
					await new Promise((r) => setTimeout(r, 250));
				}
			},
			async execution(id) {
				const execution = await getExecution(client, id, rt.dir);
				return { ...execution, worker: workerOf(id) } as QueueExecutionDetail;
			},
			workerOf,
			async staticData(workflowId) {
				const text = await liveServices.sql(
					`SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId.replace(/'/g, "''")}'`,
				);
				return text ? (JSON.parse(text) as Record<string, unknown>) : {};
			},
			sql: (query) => liveServices.sql(query),
			logTails,
			async stop() {
				const stopStarted = Date.now();
				await stopAll();
				return { ms: Date.now() - stopStarted };
			},
		};
	} catch (error) {
		log(`start failed: ${(error as Error).message.split('\n')[0]}`);
		process.stderr.write(`${logTails()}\n`);
		await stopAll();
		throw error;
	}
}
