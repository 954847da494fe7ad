/**
 * `npm run sandbox`: the sandbox Daktela V6 alone, seeded, until Ctrl+C.
 *
 *   npm run sandbox -- --port 8640 --accounts 20 --contacts 200 --activities 500 \
 *     --latency 50 --fault-rate 0.1 --token sandbox-token --seed 42
 *
 * The port also comes from DAKTELA_SANDBOX_PORT (default 8640).
 */
import { startDaktelaSandbox } from './daktela.cjs';

const USAGE = `Usage: npm run sandbox -- [options]
  --port <n>          port on 127.0.0.1 (default $DAKTELA_SANDBOX_PORT or 8640; 0 = random)
  --token <t>         access token (default sandbox-token)
  --accounts <n>      seeded accounts (default 20)
  --contacts <n>      seeded contacts (default 200)
  --activities <n>    seeded activities of every type (default 500)
  --seed <n>          random seed of the generated data (default 42)
  --latency <ms>      added to every request (default 0)
  --fault-rate <0..1> share of requests answered 429 / 500 / dropped (default 0)
  --time-zone <tz>    instance time zone (default Europe/Prague)
  --help`;

function parseArgs(argv: string[]): Map<string, string> {
	const args = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
		const eq = arg.indexOf('=');
		if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
		else if (arg === '--help') args.set('help', '1');
		else {
			const value = argv[i + 1];
			if (value === undefined) throw new Error(`Missing value for ${arg}`);
			args.set(arg.slice(2), value);
			i++;
		}
	}
	return args;
}

function number(args: Map<string, string>, name: string, fallback: number): number {
	const raw = args.get(name);
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
	return n;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.has('help')) {
		console.log(USAGE);
		return;
	}
	const port = number(args, 'port', Number(process.env.DAKTELA_SANDBOX_PORT ?? 8640));
	const faultRate = number(args, 'fault-rate', 0);
	if (faultRate > 1) throw new Error('--fault-rate must be between 0 and 1');
	const sandbox = await startDaktelaSandbox({
		port,
		token: args.get('token'),
		timeZone: args.get('time-zone'),
		latencyMs: number(args, 'latency', 0),
		faults: faultRate > 0 ? { rate: faultRate } : undefined,
		seed: {
			accounts: number(args, 'accounts', 20),
			contacts: number(args, 'contacts', 200),
			activities: number(args, 'activities', 500),
			randomSeed: number(args, 'seed', 42),
		},
	});
	const counts = ['accounts', 'contacts', 'activities']
		.map((e) => `${sandbox.store.list(e).length} ${e}`)
		.join(', ');
	console.log(`Sandbox Daktela V6 listening on ${sandbox.url}`);
	console.log(`  API      ${sandbox.url}/api/v6/<endpoint>.json`);
	console.log(`  token    ${sandbox.token}   (header X-AUTH-TOKEN)`);
	console.log(`  records  ${counts}`);
	console.log(
		`  check    curl -H 'X-AUTH-TOKEN: ${sandbox.token}' ${sandbox.url}/api/v6/whoim.json`,
	);
	console.log('Ctrl+C to stop.');

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping after ${sandbox.counters.total()} requests.`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(error.message);
	console.error(USAGE);
	process.exit(1);
});
