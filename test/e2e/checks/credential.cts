/**
 * The Daktela API credential's connection test, run the way the editor runs it on a real n8n:
 * POST /rest/credentials/test against the sandbox Daktela. It must call whoim.json with the token
 * in the X-AUTH-TOKEN header, pass for a valid token and FAIL when result.user is null.
 */
import assert from 'node:assert/strict';

import type { E2EContext } from '../context.cjs';
import { createCredential, ownerClient, testCredential, testSavedCredential } from '../rest.cjs';

export async function checkCredentialTest(ctx: E2EContext): Promise<string> {
	const daktela = await ctx.daktela();
	const n8n = await ctx.n8n();
	const server = await n8n.startServer();
	const client = await ownerClient(server);
	const type = 'daktelaApi';
	const base = { url: daktela.url, accessToken: daktela.token, timeZone: 'Europe/Prague' };
	const wrongToken = 'wrong-token-4d1c9a';

	daktela.counters.reset();
	const good = await testCredential(client, { name: 'Daktela', type, data: base });
	assert.equal(good.status, 'OK', `valid token: ${JSON.stringify(good)}`);

	// The instance URL may come with a trailing slash or the /api/v6 suffix.
	for (const url of [`${daktela.url}/`, `${daktela.url}/api/v6`, `${daktela.url}/api/v6/`]) {
		const variant = await testCredential(client, { name: 'Daktela', type, data: { ...base, url } });
		assert.equal(variant.status, 'OK', `valid token, url ${url}: ${JSON.stringify(variant)}`);
	}

	const bad = await testCredential(client, {
		name: 'Daktela',
		type,
		data: { ...base, accessToken: wrongToken },
	});
	assert.equal(bad.status, 'Error', `wrong token must fail: ${JSON.stringify(bad)}`);
	assert.ok(bad.message.length > 0, 'wrong token: an error message');
	assert.ok(!bad.message.includes(wrongToken), `the message leaks the token: ${bad.message}`);

	// Saved credentials, tested as the editor does (secrets redacted in the request).
	const savedGood = await createCredential(client, { name: 'Daktela ok', type, data: base });
	const savedBad = await createCredential(client, {
		name: 'Daktela wrong',
		type,
		data: { ...base, accessToken: wrongToken },
	});
	const savedGoodResult = await testSavedCredential(client, savedGood);
	assert.equal(savedGoodResult.status, 'OK', `saved valid: ${JSON.stringify(savedGoodResult)}`);
	const savedBadResult = await testSavedCredential(client, savedBad);
	assert.equal(savedBadResult.status, 'Error', `saved wrong: ${JSON.stringify(savedBadResult)}`);

	const whoim = daktela.requests.filter((r) => /whoim/.test(r.path));
	assert.equal(whoim.length, 7, `whoim.json calls: ${JSON.stringify(daktela.requests)}`);
	for (const request of whoim) {
		assert.equal(request.method, 'GET');
		assert.equal(
			request.auth,
			'header',
			`token must travel in X-AUTH-TOKEN: ${JSON.stringify(request)}`,
		);
		assert.ok(!request.url.includes(daktela.token) && !request.url.includes(wrongToken));
	}
	await server.stop();
	return `OK for a valid token (4 URL forms + saved), "Error: ${bad.message}" for a wrong one`;
}
