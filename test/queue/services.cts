/**
 * PostgreSQL and Redis for a queue-mode n8n (see cluster.cts), both on 127.0.0.1, on free ports,
 * from data folders of our own in a temp folder: nothing of the machine's own services is used.
 *
 *  - PostgreSQL (Debian's /usr/lib/postgresql/<version>/bin, 15 here): `initdb` + `postgres` run
 *    as the `postgres` OS user (spawned with its uid/gid; the server refuses to run as root),
 *    fsync off, no Unix socket, trust auth (loopback only, throwaway cluster). A role + database
 *    `n8n` is created for n8n.
 *  - Redis: `redis-server --bind 127.0.0.1 --port <free> --save '' --appendonly no`.
 *
 * Missing binaries are installed with `apt-get install -y postgresql` / `redis-server` (we run as
 * root in the dev container; its policy-rc.d keeps apt from starting the system services).
 *
 * Both processes go through test/e2e/n8n.cts's bookkeeping (trackProcess): stopped by PID in
 * `stop()`, and also on exit / SIGINT / SIGTERM. The temp folder is removed by `stop()` (and on
 * Ctrl-C) unless E2E_KEEP=1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	freePort,
	stopProcess,
	tail,
	trackProcess,
	trackTempFolder,
	untrackTempFolder,
} from '../e2e/n8n.cjs';

export interface PostgresInfo {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	pid: number;
	logFile: string;
	/** Data folder (owned by the `postgres` OS user). */
	dataDir: string;
	version: string;
}

export interface RedisInfo {
	host: string;
	port: number;
	pid: number;
	logFile: string;
}

export interface Services {
	/** Temp folder holding the Postgres data folder and both logs. */
	dir: string;
	postgres: PostgresInfo;
	redis: RedisInfo;
	/** DB_* and QUEUE_BULL_REDIS_* variables for every n8n process of the cluster. */
	n8nEnv(): NodeJS.ProcessEnv;
	/**
	 * Runs SQL with psql as the superuser against the n8n database and returns psql's unaligned,
	 * tuples-only output (`-At`; columns separated by `|`), trimmed.
	 */
	sql(query: string): Promise<string>;
	/** Redis first, then PostgreSQL (fast shutdown), by PID; removes the folder unless kept. */
	stop(): Promise<void>;
}

export interface ServicesOptions {
	/** Folder to use (created; removed on stop unless kept). A fresh temp folder by default. */
	dir?: string;
	/** Keep the folder on stop (E2E_KEEP=1 does the same). */
	keep?: boolean;
	/** Progress messages (stderr by default). */
	log?: (message: string) => void;
}

const DATABASE = 'n8n';
const DB_USER = 'n8n';
const DB_PASSWORD = 'n8n-queue-e2e';

// ---------------------------------------------------------------------------------------------
// Binaries (installed with apt-get when missing)

function which(command: string): string | undefined {
	const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	const found = result.stdout.trim();
	return result.status === 0 && found ? found : undefined;
}

/** The newest /usr/lib/postgresql/<version>/bin that has `postgres` and `initdb`. */
function findPostgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((v) => /^\d+$/.test(v))
		.sort((a, b) => Number(b) - Number(a));
	for (const version of versions) {
		const bin = path.join(root, version, 'bin');
		if (
			['postgres', 'initdb', 'psql', 'pg_isready'].every((b) => fs.existsSync(path.join(bin, b)))
		) {
			return bin;
		}
	}
	return undefined;
}

/**
 * `apt-get install -y <package>` (with an `apt-get update` first if the plain install fails).
 * Throws a clear error saying what to install when apt is unavailable or fails.
 */
function aptInstall(pkg: string, log: (message: string) => void): void {
	const hint = `install it yourself (Debian/Ubuntu: sudo apt-get install -y ${pkg}) and run again`;
	if (!which('apt-get'))
		throw new Error(`${pkg} is not installed and apt-get is not available: ${hint}`);
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(`${pkg} is not installed and we are not root (apt-get needs root): ${hint}`);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
			encoding: 'utf8',
			env,
			maxBuffer: 64 * 1024 * 1024,
		});
	log(`${pkg} is missing: apt-get install -y ${pkg} (one-off, about a minute)`);
	let result = install();
	if (result.status !== 0) {
		log(`apt-get install failed; running apt-get update and retrying`);
		spawnSync('apt-get', ['update'], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
		result = install();
	}
	if (result.status !== 0) {
		throw new Error(
			`apt-get install -y ${pkg} failed (exit ${result.status ?? result.signal}): ${hint}\n` +
				tail(`${result.stdout}\n${result.stderr}`, 2000),
		);
	}
	log(`${pkg} installed`);
}

function ensurePostgres(log: (message: string) => void): string {
	let bin = findPostgresBin();
	if (!bin) {
		aptInstall('postgresql', log);
		bin = findPostgresBin();
	}
	if (!bin)
		throw new Error('PostgreSQL binaries not found in /usr/lib/postgresql/*/bin after install');
	return bin;
}

function ensureRedis(log: (message: string) => void): string {
	let bin = which('redis-server');
	if (!bin) {
		aptInstall('redis-server', log);
		bin = which('redis-server');
	}
	if (!bin) throw new Error('redis-server not found on PATH after apt-get install -y redis-server');
	return bin;
}

/** uid / gid of the `postgres` OS user (created by Debian's postgresql packages). */
function postgresUser(): { uid: number; gid: number } {
	const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) {
		throw new Error(
			'there is no `postgres` OS user to run PostgreSQL as (apt-get install -y postgresql creates it)',
		);
	}
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Spawns a service detached (own process group) with stdout + stderr appended to `logFile`. */
function spawnService(
	command: string,
	args: string[],
	options: {
		logFile: string;
		cwd: string;
		uid?: number;
		gid?: number;
		stopSignal?: NodeJS.Signals;
	},
): ChildProcess {
	const log = fs.openSync(options.logFile, 'a');
	try {
		const child = spawn(command, args, {
			cwd: options.cwd,
			stdio: ['ignore', log, log],
			detached: true,
			uid: options.uid,
			gid: options.gid,
			env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
		});
		// A service: on Ctrl-C / exit it is stopped after the n8n processes that use it.
		trackProcess(child, { service: true, stopSignal: options.stopSignal });
		return child;
	} finally {
		fs.closeSync(log); // the child has its own copy of the descriptor
	}
}

function exited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

/** A log file's text ('' when it does not exist yet). */
export function readLog(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Polls `ready()` every 100 ms; throws with the log tail when the process exits or time runs out. */
async function waitUntil(
	what: string,
	child: ChildProcess,
	logFile: string,
	ready: () => Promise<boolean>,
	timeoutMs = 30000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited(child)) {
			throw new Error(
				`${what} exited (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${tail(readLog(logFile))}`,
			);
		}
		if (await ready()) return;
		if (Date.now() > deadline) {
			throw new Error(
				`${what} not ready after ${timeoutMs} ms; log ${logFile}:\n${tail(readLog(logFile))}`,
			);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Sends PING over a plain socket; true on +PONG. */
function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

function run(
	command: string,
	args: string[],
	options: { uid?: number; gid?: number; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd ?? os.tmpdir(),
			uid: options.uid,
			gid: options.gid,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PGCONNECT_TIMEOUT: '5' },
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

// ---------------------------------------------------------------------------------------------

/** Starts PostgreSQL and Redis; on any failure stops what already started and rethrows. */
export async function startServices(options: ServicesOptions = {}): Promise<Services> {
	const log =
		options.log ?? ((message: string) => process.stderr.write(`[queue services] ${message}\n`));
	const pgBin = ensurePostgres(log);
	const redisBin = ensureRedis(log);
	const pgUser = postgresUser();
	const keep = options.keep ?? process.env.E2E_KEEP === '1';

	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-services-'));
	fs.mkdirSync(dir, { recursive: true });
	trackTempFolder(dir);
	// The postgres user must be able to enter the folder (mkdtemp makes it 0700 root).
	fs.chmodSync(dir, 0o755);
	const pgDir = path.join(dir, 'postgres');
	fs.mkdirSync(pgDir, { recursive: true });
	fs.chownSync(pgDir, pgUser.uid, pgUser.gid);
	const dataDir = path.join(pgDir, 'data');
	const pgLog = path.join(dir, 'postgres.log');
	const redisLog = path.join(dir, 'redis.log');
	fs.writeFileSync(pgLog, '');
	fs.chownSync(pgLog, pgUser.uid, pgUser.gid);

	let postgres: ChildProcess | undefined;
	let redis: ChildProcess | undefined;
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		if (redis) await stopProcess(redis, 10000);
		if (postgres) await stopProcess(postgres, 15000); // SIGINT, see spawnService below
		if (!keep) fs.rmSync(dir, { recursive: true, force: true });
		untrackTempFolder(dir);
	};

	try {
		// PostgreSQL: initdb (as postgres), then the server.
		const versionOut = spawnSync(path.join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' });
		const version = /(\d+(\.\d+)?)/.exec(versionOut.stdout)?.[1] ?? 'unknown';
		const init = await run(
			path.join(pgBin, 'initdb'),
			['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
			{ ...pgUser, cwd: pgDir },
		);
		if (init.code !== 0) {
			throw new Error(`initdb failed (exit ${init.code}):\n${tail(init.stdout + init.stderr)}`);
		}
		const pgPort = await freePort();
		postgres = spawnService(
			path.join(pgBin, 'postgres'),
			[
				'-D',
				dataDir,
				'-p',
				String(pgPort),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'unix_socket_directories=', // TCP only: no socket in /var/run/postgresql
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=200',
			],
			// SIGINT = fast shutdown (SIGTERM would wait for every client to disconnect).
			{ logFile: pgLog, cwd: pgDir, ...pgUser, stopSignal: 'SIGINT' },
		);
		const isReady = () =>
			run(path.join(pgBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(pgPort)]).then(
				(result) => result.code === 0,
			);
		await waitUntil(`postgres (port ${pgPort})`, postgres, pgLog, isReady);

		const psql = async (database: string, query: string) => {
			const result = await run(path.join(pgBin, 'psql'), [
				'-X',
				'-q',
				'-At',
				'-v',
				'ON_ERROR_STOP=1',
				'-h',
				'127.0.0.1',
				'-p',
				String(pgPort),
				'-U',
				'postgres',
				'-d',
				database,
				'-c',
				query,
			]);
			if (result.code !== 0) {
				throw new Error(`psql failed (exit ${result.code}) for: ${query}\n${result.stderr}`);
			}
			return result.stdout.trim();
		};
		await psql('postgres', `CREATE ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASSWORD}'`);
		await psql('postgres', `CREATE DATABASE ${DATABASE} OWNER ${DB_USER}`);

		// Redis: no persistence at all.
		const redisPort = await freePort();
		redis = spawnService(
			redisBin,
			[
				'--bind',
				'127.0.0.1',
				'--port',
				String(redisPort),
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
			],
			{ logFile: redisLog, cwd: dir },
		);
		await waitUntil(`redis-server (port ${redisPort})`, redis, redisLog, () =>
			redisPing(redisPort),
		);

		const pgInfo: PostgresInfo = {
			host: '127.0.0.1',
			port: pgPort,
			database: DATABASE,
			user: DB_USER,
			password: DB_PASSWORD,
			pid: postgres.pid ?? -1,
			logFile: pgLog,
			dataDir,
			version,
		};
		const redisInfo: RedisInfo = {
			host: '127.0.0.1',
			port: redisPort,
			pid: redis.pid ?? -1,
			logFile: redisLog,
		};
		return {
			dir,
			postgres: pgInfo,
			redis: redisInfo,
			n8nEnv: () => ({
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: pgInfo.host,
				DB_POSTGRESDB_PORT: String(pgInfo.port),
				DB_POSTGRESDB_DATABASE: pgInfo.database,
				DB_POSTGRESDB_USER: pgInfo.user,
				DB_POSTGRESDB_PASSWORD: pgInfo.password,
				QUEUE_BULL_REDIS_HOST: redisInfo.host,
				QUEUE_BULL_REDIS_PORT: String(redisInfo.port),
			}),
			sql: (query) => psql(DATABASE, query),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
