/**
 * Drives a real n8n 2.41.1 (from runtime.cts) the way a user's instance runs our package:
 * `npm pack` output untarred into `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-daktela`,
 * node types `n8n-nodes-daktela.*`, CLI import / publish / execute, and `n8n start` for webhooks,
 * schedules and the REST API.
 *
 * Every process started here is tracked and stopped by its PID (process group) in `stop()` /
 * `dispose()`, and also when this process exits or gets SIGINT / SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Runtime } from './runtime.cjs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Fixed so credentials imported in one process decrypt in the next (and in the demo). */
export const ENCRYPTION_KEY = 'n8n-nodes-daktela-e2e-not-a-secret';
export const PACKAGE_NAME = 'n8n-nodes-daktela';

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: everything we spawn is killed by PID, also on failure or Ctrl-C.

const live = new Set<ChildProcess>();
/**
 * Services the n8n processes use (PostgreSQL, Redis; see trackProcess): stopped only after every
 * other process, with their own stop signal (n8n hangs in shutdown when Redis is gone first).
 */
const lateStop = new Map<ChildProcess, NodeJS.Signals>();
/** Temp user folders of instances not yet disposed: removed on Ctrl-C as well. */
const tempFolders = new Set<string>();

/**
 * Registers a temp folder for removal on Ctrl-C / SIGTERM (unless E2E_KEEP=1); for helpers outside
 * this module (test/queue) that make their own temp folders. `untrackTempFolder` once removed.
 */
export function trackTempFolder(folder: string): void {
	installExitHooks();
	tempFolders.add(folder);
}

export function untrackTempFolder(folder: string): void {
	tempFolders.delete(folder);
}

function removeTempFolders(): void {
	if (process.env.E2E_KEEP === '1') return;
	for (const folder of tempFolders) fs.rmSync(folder, { recursive: true, force: true });
	tempFolders.clear();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		// Children are spawned detached, so -pid is the group of exactly the process we started
		// (n8n's task runners included).
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// Already gone.
		}
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Synchronous last resort (process 'exit'): SIGTERM every group we started, give them up to 10 s
 * (n8n shuts down gracefully on the first SIGTERM, but can hang if it was still starting), then
 * SIGKILL what is left.
 */
function killAllSync(): void {
	const early = [...live].filter((child) => !lateStop.has(child));
	const late = [...live].filter((child) => lateStop.has(child));
	// n8n processes first, then the services they use (see lateStop).
	for (const group of [early, late]) {
		const pids = group.map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
		for (const child of group) killGroup(child, lateStop.get(child) ?? 'SIGTERM');
		const pause = new Int32Array(new SharedArrayBuffer(4));
		const deadline = Date.now() + 10000;
		while (pids.some(groupAlive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 100);
		for (const pid of pids.filter(groupAlive)) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// Gone meanwhile.
			}
		}
	}
	live.clear();
	lateStop.clear();
}

let hooksInstalled = false;
function installExitHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', killAllSync);
	let stopping = false;
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		// `on`, not `once`, and repeats ignored: under tsx a Ctrl-C arrives twice (from the terminal
		// and relayed by tsx's parent process); with no listener left, the second one would exit
		// at once (and tsx then SIGKILLs us) before the processes below are stopped.
		process.on(signal, () => {
			if (stopping) return;
			stopping = true;
			process.stderr.write(`\n[e2e] ${signal}: stopping ${live.size} process(es)\n`);
			const stopGroup = (late: boolean) =>
				Promise.all(
					[...live]
						.filter((child) => lateStop.has(child) === late)
						.map((child) => stopChild(child, 10000, lateStop.get(child) ?? 'SIGTERM')),
				);
			void stopGroup(false)
				.then(() => stopGroup(true))
				.finally(() => {
					removeTempFolders();
					process.exit(signal === 'SIGINT' ? 130 : 143);
				});
		});
	}
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

/**
 * Puts a process spawned elsewhere (detached, so it leads its own process group) under this
 * module's bookkeeping: stopped by PID on exit / SIGINT / SIGTERM like the n8n processes.
 * `service`: a process the n8n processes use (PostgreSQL, Redis), stopped after all others with
 * `stopSignal` (default SIGTERM; SIGINT is PostgreSQL's fast shutdown).
 */
export function trackProcess(
	child: ChildProcess,
	options: { service?: boolean; stopSignal?: NodeJS.Signals } = {},
): void {
	installExitHooks();
	live.add(child);
	if (options.service) lateStop.set(child, options.stopSignal ?? 'SIGTERM');
	child.once('exit', () => {
		live.delete(child);
		lateStop.delete(child);
	});
}

/**
 * Stops a tracked process by its process group: `signal` (default: the `stopSignal` it was
 * tracked with, else SIGTERM), SIGKILL after `graceMs`.
 */
export async function stopProcess(
	child: ChildProcess,
	graceMs = 15000,
	signal?: NodeJS.Signals,
): Promise<void> {
	await stopChild(child, graceMs, signal ?? lateStop.get(child) ?? 'SIGTERM');
}

async function stopChild(
	child: ChildProcess,
	graceMs = 15000,
	signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
	killGroup(child, signal);
	if (!(await waitForExit(child, graceMs))) {
		killGroup(child, 'SIGKILL');
		await waitForExit(child, 5000);
	}
	live.delete(child);
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Build + pack + install

export interface PackedPackage {
	tarball: string;
	version: string;
	/** Removes the tarball's temp folder. */
	cleanup?(): void;
}

function runSync(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
	const result = spawnSync(command, args, {
		cwd,
		env: env ?? process.env,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n` +
				`${(result.stdout ?? '').slice(-4000)}\n${(result.stderr ?? '').slice(-4000)}`,
		);
	}
	return result.stdout;
}

/**
 * A copy of the working tree (tracked + untracked, not ignored: `git ls-files -co
 * --exclude-standard`) with node_modules linked, so the build writes its own dist/ and never races
 * another `npm run build` in the same checkout (gulp's clean-up step fails when two builds share
 * dist/). Undefined when this is not a git checkout.
 */
function stageWorkingTree(): string | undefined {
	const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (listed.status !== 0) return undefined;
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-build-'));
	for (const file of listed.stdout.split('\0')) {
		if (!file || file.startsWith('node_modules/')) continue;
		const from = path.join(REPO_ROOT, file);
		if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue; // deleted / submodule
		const to = path.join(stage, file);
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
	}
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
	return stage;
}

/**
 * Builds and packs the package; the tarball holds exactly what `files` publishes.
 *  - default: `npm run build` in a staged copy of the working tree (see stageWorkingTree);
 *  - E2E_BUILD_IN_PLACE=1 (or `{ build: 'in-place' }`): `npm run build` in the checkout;
 *  - E2E_SKIP_BUILD=1 (or `{ build: false }`): pack the checkout's existing dist/.
 */
export function buildAndPack(
	options: { build?: 'stage' | 'in-place' | false } = {},
): PackedPackage {
	const mode =
		options.build ??
		(process.env.E2E_SKIP_BUILD === '1'
			? false
			: process.env.E2E_BUILD_IN_PLACE === '1'
				? 'in-place'
				: 'stage');
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	let root = REPO_ROOT;
	let stage: string | undefined;
	if (mode === 'stage') {
		stage = stageWorkingTree();
		if (stage) root = stage;
	}
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-pack-'));
	try {
		if (mode !== false) runSync(npm, ['run', 'build', '--silent'], root);
		const out = runSync(
			npm,
			['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
			root,
		);
		const info = JSON.parse(out.slice(out.indexOf('['))) as Array<{
			filename: string;
			version: string;
		}>;
		const tarball = path.join(destination, info[0].filename);
		if (!fs.existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
		return {
			tarball,
			version: info[0].version,
			cleanup: () => fs.rmSync(destination, { recursive: true, force: true }),
		};
	} finally {
		if (stage) fs.rmSync(stage, { recursive: true, force: true });
	}
}

/**
 * Installs the packed package the way n8n's community-package loader finds it:
 * `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-daktela` plus the ledger `nodes/package.json`
 * that lists it (without the ledger n8n "rebuilds" it and may drop the package).
 */
export function installPackage(userFolder: string, pkg: PackedPackage): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	runSync('tar', ['-xzf', pkg.tarball, '-C', target, '--strip-components=1'], nodesDir);
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE_NAME]: pkg.version },
			},
			null,
			2,
		),
	);
	return target;
}

// ---------------------------------------------------------------------------------------------
// The n8n instance

export interface CredentialInput {
	id: string;
	name: string;
	type: string;
	/** Plain values; import:credentials encrypts them with N8N_ENCRYPTION_KEY. */
	data: Record<string, unknown>;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** What `n8n execute --rawOutput` prints: the IRun of the execution. */
export interface ExecutionResult extends CliResult {
	/** Parsed execution JSON (undefined when n8n printed none, e.g. an unknown node type). */
	run?: ExecutionRun;
	/** True when the process exited 0 and the run has no error. */
	ok: boolean;
	/** The error message of a failed run (from the run JSON or from n8n's output). */
	error?: string;
}

export interface ExecutionRun {
	data: {
		resultData: {
			runData: Record<string, Array<NodeRun>>;
			lastNodeExecuted?: string;
			error?: { message?: string; description?: string; node?: { name?: string } };
		};
	};
	status?: string;
	finished?: boolean;
	mode?: string;
	[key: string]: unknown;
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	[key: string]: unknown;
}

export interface NodeTypeInfo {
	versions: number[];
	credentials: Set<string>;
}

/** A long-running n8n process (`n8n worker`, ...) started by `startProcess`. */
export interface ProcessHandle {
	pid: number;
	/** stdout + stderr so far (last 200 kB, for failure reports). */
	output(): string;
	/** Where stdout + stderr are also written, when a `logFile` was given. */
	logFile?: string;
	/** Exit code or signal once the process has ended, else undefined. */
	exited(): number | string | undefined;
	stop(): Promise<void>;
}

export interface ServerHandle {
	url: string;
	port: number;
	pid: number;
	/** stdout + stderr so far (for failure reports). */
	output(): string;
	/** Where stdout + stderr are also written, when `startServer` got a `logFile`. */
	logFile?: string;
	stop(): Promise<void>;
}

/** Keeps the last 200 kB of a child's stdout + stderr, and appends everything to `logFile`. */
function captureOutput(child: ChildProcess, logFile?: string): () => string {
	let output = '';
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-200000);
		log?.write(chunk);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	child.once('close', () => log?.end());
	return () => output;
}

export interface N8nOptions {
	/** Fresh temp folder by default; the demo passes a stable one. */
	userFolder?: string;
	/** Packed package to install (skip to run n8n without it). */
	pkg?: PackedPackage;
	/** Extra environment for every n8n process. */
	env?: NodeJS.ProcessEnv;
	/** Keep the user folder on dispose (E2E_KEEP=1 does the same). */
	keep?: boolean;
	/** Port for `n8n start` (random free port by default). */
	port?: number;
}

export class N8n {
	readonly userFolder: string;
	private readonly processes = new Set<ChildProcess>();
	private server?: ServerHandle;
	private importCounter = 0;
	private cliCounter = 0;

	private constructor(
		readonly rt: Runtime,
		private readonly options: N8nOptions,
		userFolder: string,
	) {
		this.userFolder = userFolder;
	}

	static async create(rt: Runtime, options: N8nOptions = {}): Promise<N8n> {
		installExitHooks();
		const userFolder =
			options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-e2e-'));
		if (!options.userFolder && !options.keep) tempFolders.add(userFolder);
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		if (options.pkg) installPackage(userFolder, options.pkg);
		return new N8n(rt, options, userFolder);
	}

	/** Where the package is installed in this instance's user folder. */
	get packageDir(): string {
		return path.join(this.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	}

	/** The environment of every n8n process (ports are added per process). */
	env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
		return {
			...this.rt.baseEnv(),
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_LOG_LEVEL: 'info',
			DB_TYPE: 'sqlite',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			// The MCP registry module fetches api.n8n.io at start; nothing here needs it.
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_RUNNERS_ENABLED: undefined,
			...this.options.env,
			...extra,
		};
	}

	private async spawnN8n(
		args: string[],
		extraEnv: NodeJS.ProcessEnv = {},
		stdout: 'pipe' | number = 'pipe',
	): Promise<ChildProcess> {
		const env = this.env({
			N8N_PORT: String(await freePort()),
			// Every n8n process opens a task broker; two on one port -> the second exits 1.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...extraEnv,
		});
		const child = spawn(this.rt.nodeBin, [this.rt.n8nBin, ...args], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', stdout, 'pipe'],
			detached: true,
		});
		live.add(child);
		this.processes.add(child);
		child.once('exit', () => {
			live.delete(child);
			this.processes.delete(child);
		});
		return child;
	}

	/**
	 * Runs one n8n CLI command to completion. Its stdout goes to a file, not a pipe: n8n exits right
	 * after printing, and through a pipe the tail of a large output (an `execute --rawOutput` run of
	 * tens of MB) is lost; writes to a file are not.
	 */
	async cli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
		const started = Date.now();
		const stdoutFile = path.join(this.userFolder, `cli-stdout-${process.pid}-${++this.cliCounter}`);
		const fd = fs.openSync(stdoutFile, 'w');
		let child: ChildProcess;
		try {
			child = await this.spawnN8n(args, options.env, fd);
		} finally {
			fs.closeSync(fd);
		}
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timeoutMs = options.timeoutMs ?? 120000;
		const code = await new Promise<number | null>((resolve) => {
			const timer = setTimeout(() => {
				stderr += `\n[e2e] n8n ${args[0]} timed out after ${timeoutMs} ms; killed\n`;
				void stopChild(child);
			}, timeoutMs);
			child.once('close', (exitCode) => {
				clearTimeout(timer);
				resolve(exitCode);
			});
		});
		const stdout = fs.readFileSync(stdoutFile, 'utf8');
		fs.rmSync(stdoutFile, { force: true });
		return { code, stdout, stderr, ms: Date.now() - started } satisfies CliResult;
	}

	private async cliOk(args: string[], what: string): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${what} failed (exit ${result.code}):\n${tail(result.stdout)}\n${tail(result.stderr)}`,
			);
		}
		return result;
	}

	private writeTemp(name: string, content: unknown): string {
		const dir = path.join(this.userFolder, 'e2e-inputs');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${++this.importCounter}-${name}`);
		fs.writeFileSync(file, JSON.stringify(content, null, 2));
		return file;
	}

	async importCredentials(credentials: CredentialInput[]): Promise<void> {
		const file = this.writeTemp('credentials.json', credentials);
		await this.cliOk(['import:credentials', `--input=${file}`], 'import:credentials');
	}

	/**
	 * Imports one workflow (object, as exported) and returns its id. An id is assigned when the
	 * JSON has none (n8n ids are strings of at most 21 characters). Imports deactivate.
	 */
	async importWorkflow(workflow: Record<string, unknown>): Promise<string> {
		const id =
			typeof workflow.id === 'string' && workflow.id.length > 0
				? workflow.id
				: `e2e${Date.now().toString(36)}${(++this.importCounter).toString(36)}`.slice(0, 21);
		const file = this.writeTemp('workflow.json', { ...workflow, id });
		await this.cliOk(['import:workflow', `--input=${file}`], `import:workflow ${file}`);
		return id;
	}

	/** Activation in n8n 2.x; takes effect at the next `startServer()`. */
	async publishWorkflow(id: string): Promise<void> {
		await this.cliOk(['publish:workflow', `--id=${id}`], `publish:workflow ${id}`);
	}

	/**
	 * `n8n execute --id --rawOutput` (mode `cli`; static data persists between runs). Parses the
	 * execution JSON that follows the log lines. Never throws for a failed run: check `ok`.
	 */
	async execute(id: string): Promise<ExecutionResult> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		const run = parseRunJson(result.stdout);
		const runError = run?.data?.resultData?.error;
		const ok = result.code === 0 && run !== undefined && !runError;
		let error: string | undefined;
		if (!ok) {
			error =
				runError?.message ??
				firstFailedNode(run) ??
				errorFromOutput(`${result.stdout}\n${result.stderr}`) ??
				`exit ${result.code}`;
		}
		return { ...result, run, ok, error };
	}

	/** The stored workflow as `n8n export:workflow` gives it (includes `staticData`). */
	async exportWorkflow(id: string): Promise<Record<string, unknown> & { staticData?: unknown }> {
		const file = path.join(this.userFolder, 'e2e-inputs', `export-${id}-${Date.now()}.json`);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await this.cliOk(
			['export:workflow', `--id=${id}`, `--output=${file}`],
			`export:workflow ${id}`,
		);
		const list = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
		if (!list[0]) throw new Error(`export:workflow ${id} returned nothing`);
		return list[0];
	}

	/**
	 * Workflow static data (where the Sync Checkpoint keeps its cursor), read from the database.
	 * To start a run from a given state, import the workflow with `staticData` set instead.
	 */
	async staticData(id: string): Promise<Record<string, unknown>> {
		const workflow = await this.exportWorkflow(id);
		const data = workflow.staticData;
		if (typeof data === 'string') return JSON.parse(data) as Record<string, unknown>;
		return (data as Record<string, unknown> | null) ?? {};
	}

	/**
	 * Every node type n8n knows (built-in and installed packages), via `n8n export:nodes`:
	 * type -> versions and the credential types any version accepts.
	 */
	async exportNodeTypes(): Promise<Map<string, NodeTypeInfo>> {
		const file = path.join(this.userFolder, 'e2e-inputs', `nodes-${Date.now()}.json`);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await this.cliOk(['export:nodes', `--output=${file}`], 'export:nodes');
		const list = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{
			name: string;
			version: number | number[];
			credentials?: Array<{ name: string }>;
		}>;
		const types = new Map<string, NodeTypeInfo>();
		for (const entry of list) {
			const info = types.get(entry.name) ?? { versions: [], credentials: new Set<string>() };
			info.versions.push(...(Array.isArray(entry.version) ? entry.version : [entry.version]));
			for (const credential of entry.credentials ?? []) info.credentials.add(credential.name);
			types.set(entry.name, info);
		}
		return types;
	}

	/**
	 * Starts a long-running n8n command (e.g. `['worker', '--concurrency=5']`) and returns at once:
	 * waiting until it is ready is the caller's business. Stopped by `stop()` / `dispose()`.
	 */
	async startProcess(
		args: string[],
		options: { env?: NodeJS.ProcessEnv; logFile?: string } = {},
	): Promise<ProcessHandle> {
		const child = await this.spawnN8n(args, options.env);
		const output = captureOutput(child, options.logFile);
		return {
			pid: child.pid ?? -1,
			output,
			logFile: options.logFile,
			exited: () => child.exitCode ?? child.signalCode ?? undefined,
			stop: () => stopChild(child),
		};
	}

	/**
	 * `n8n start`, resolved once published workflows are active and `/healthz/readiness` is 200.
	 * `logFile`: also append stdout + stderr there.
	 */
	async startServer(
		options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; logFile?: string } = {},
	) {
		if (this.server) throw new Error('n8n server already running');
		const port = this.options.port ?? (await freePort());
		const child = await this.spawnN8n(['start'], { N8N_PORT: String(port), ...options.env });
		const output = captureOutput(child, options.logFile);
		const url = `http://127.0.0.1:${port}`;
		const handle: ServerHandle = {
			url,
			port,
			pid: child.pid ?? -1,
			output,
			logFile: options.logFile,
			stop: async () => {
				await stopChild(child);
				if (this.server === handle) this.server = undefined;
			},
		};
		this.server = handle;
		const deadline = Date.now() + (options.timeoutMs ?? 90000);
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) {
				this.server = undefined;
				throw new Error(
					`n8n start exited (${child.exitCode ?? child.signalCode}):\n${tail(output())}`,
				);
			}
			// Readiness answers before published workflows are activated; n8n prints "Editor is
			// now accessible" once activation (webhooks, schedules) is done.
			if (/Editor is now accessible/.test(output())) {
				try {
					const response = await fetch(`${url}/healthz/readiness`);
					if (response.status === 200) break;
				} catch {
					// Not listening yet.
				}
			}
			if (Date.now() > deadline) {
				await handle.stop();
				throw new Error(`n8n did not become ready on ${url}:\n${tail(output())}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		return handle;
	}

	/** Stops every process this instance started and removes its folder (unless kept). */
	async dispose(): Promise<void> {
		await Promise.all([...this.processes].map((child) => stopChild(child)));
		this.server = undefined;
		const keep = this.options.keep ?? process.env.E2E_KEEP === '1';
		if (!keep && !this.options.userFolder) {
			fs.rmSync(this.userFolder, { recursive: true, force: true });
		}
		tempFolders.delete(this.userFolder);
	}
}

/** Calls a production webhook of a running server: `${server.url}/webhook/<path>`. */
export async function callWebhook(
	server: ServerHandle,
	webhookPath: string,
	init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; text: string }> {
	const response = await fetch(`${server.url}/webhook/${webhookPath.replace(/^\//, '')}`, {
		method: init.method ?? 'POST',
		headers: { 'content-type': 'application/json', ...init.headers },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// Not JSON.
	}
	return { status: response.status, body, text };
}

// ---------------------------------------------------------------------------------------------
// Output parsing

export function tail(text: string, chars = 3000): string {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

/** The run JSON: from the first line that starts with `{` to the last line that starts with `}`. */
export function parseRunJson(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) return undefined;
	for (let end = lines.length - 1; end >= start; end--) {
		if (!lines[end].startsWith('}') && !(end === start && lines[end].trimEnd().endsWith('}'))) {
			continue;
		}
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionRun;
		} catch {
			// Try a shorter span.
		}
	}
	return undefined;
}

function firstFailedNode(run: ExecutionRun | undefined): string | undefined {
	if (!run) return undefined;
	for (const [node, runs] of Object.entries(run.data?.resultData?.runData ?? {})) {
		for (const nodeRun of runs) {
			if (nodeRun.error) return `${node}: ${nodeRun.error.message ?? 'failed'}`;
		}
	}
	return undefined;
}

function errorFromOutput(output: string): string | undefined {
	const lines = output
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => /error|unrecognized|failed|problem/i.test(line));
	return lines.length ? lines.slice(0, 5).join(' | ') : undefined;
}

/** Output items (json only) of one node's last run, first output by default. */
export function nodeOutput(
	run: ExecutionRun | undefined,
	node: string,
	output = 0,
): Array<Record<string, unknown>> {
	const runs = run?.data?.resultData?.runData?.[node];
	if (!runs || runs.length === 0) return [];
	const items = runs[runs.length - 1].data?.main?.[output] ?? [];
	return items.map((item) => item.json);
}
