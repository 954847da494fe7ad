/**
 * `node --require` hook for the e2e tests' n8n process ONLY (given through that process's
 * NODE_OPTIONS by test/sandbox/hubspot.cts `n8nEnv()`): TLS connections to api.hubapi.com go to
 * the sandbox HubSpot at N8N_DAKTELA_E2E_HUBSPOT ("127.0.0.1:<port>") instead.
 *
 * What changes, and nothing else:
 *  - tls.connect for host api.hubapi.com: host and port are swapped for the sandbox's; the TLS
 *    server name stays api.hubapi.com, so SNI and the certificate check are the real ones (the
 *    sandbox's certificate is trusted through NODE_EXTRA_CA_CERTS, nothing is switched off);
 *  - dns.lookup of api.hubapi.com answers 127.0.0.1, so no other path (plain HTTP, a library
 *    with its own TLS) can reach the real HubSpot from this process.
 * Every other host is untouched. Without N8N_DAKTELA_E2E_HUBSPOT the hook does nothing.
 */
'use strict';

const dns = require('node:dns');
const tls = require('node:tls');

const HOST = 'api.hubapi.com';
const target = process.env.N8N_DAKTELA_E2E_HUBSPOT;

if (target) {
	const [address, port] = target.split(':');
	const isHubspot = (host) =>
		typeof host === 'string' && host.toLowerCase().replace(/\.$/, '') === HOST;

	const connect = tls.connect;
	tls.connect = function connectToSandbox(...args) {
		// tls.connect(options[, cb]) is what https.Agent calls; (port, host, options, cb) is rewritten too.
		if (args[0] !== null && typeof args[0] === 'object' && isHubspot(args[0].host)) {
			args[0] = { ...args[0], host: address, port: Number(port), servername: HOST };
		} else if (typeof args[0] === 'number' && isHubspot(args[1])) {
			const options = args[2] !== null && typeof args[2] === 'object' ? args[2] : {};
			const rest = options === args[2] ? args.slice(3) : args.slice(2);
			args = [{ ...options, host: address, port: Number(port), servername: HOST }, ...rest];
		}
		return connect.apply(this, args);
	};

	const lookup = dns.lookup;
	dns.lookup = function lookupSandbox(hostname, options, callback) {
		if (!isHubspot(hostname)) return lookup.apply(this, arguments);
		const cb = typeof options === 'function' ? options : callback;
		const all = options !== null && typeof options === 'object' && options.all;
		process.nextTick(() =>
			all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4),
		);
		return {};
	};
	const lookupPromise = dns.promises.lookup;
	dns.promises.lookup = function lookupSandboxPromise(hostname, options) {
		if (!isHubspot(hostname)) return lookupPromise.apply(this, arguments);
		const all = options !== null && typeof options === 'object' && options.all;
		return Promise.resolve(
			all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 },
		);
	};
}
