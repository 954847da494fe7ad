/**
 * Loading path smoke test: a throwaway workflow Manual Trigger -> Daktela node (type
 * `n8n-nodes-daktela.daktela`, credential pointing at the sandbox Daktela), imported and run with
 * `n8n execute`. Deliberately generic so it keeps passing as the node grows: it asserts that n8n
 * loaded the node from the installed package and ran it, not what the node did.
 */
import assert from 'node:assert/strict';

import type { E2EContext } from '../context.cjs';
import { PACKAGE_NAME } from '../n8n.cjs';
import { bindCredentials, chain } from '../workflow.cjs';

export async function checkSmoke(ctx: E2EContext): Promise<string> {
	const type = `${PACKAGE_NAME}.daktela`;
	const info = ctx.nodeTypes.get(type);
	assert.ok(info, `${type} missing from n8n export:nodes`);
	const daktela = await ctx.daktela();
	const n8n = await ctx.n8n();
	const creds = await ctx.sandboxCredentials(n8n, { daktela });
	const workflow = bindCredentials(
		chain('e2e smoke: Daktela node loads', [
			{
				name: 'Daktela',
				type,
				typeVersion: Math.max(...info.versions),
				parameters: {},
				credentials: { daktelaApi: { id: 'x', name: 'x' } },
			},
		]),
		creds,
	);
	const id = await n8n.importWorkflow(workflow);
	const result = await n8n.execute(id);
	const output = `${result.stdout}\n${result.stderr}`;
	assert.ok(
		!/unrecognized node type|unknown node type|node type .* is not known/i.test(output),
		`n8n did not know ${type}:\n${output.slice(-3000)}`,
	);
	assert.ok(
		result.run,
		`no execution JSON from n8n execute (exit ${result.code}):\n${output.slice(-3000)}`,
	);
	const runs = result.run.data.resultData.runData.Daktela;
	assert.ok(
		runs && runs.length > 0,
		`the Daktela node did not run: ${JSON.stringify(result.run.data.resultData).slice(0, 1500)}`,
	);
	const outcome = result.ok
		? `ran OK (${runs[0].data?.main?.[0]?.length ?? 0} item(s) out)`
		: `ran and reported: ${result.error}`;
	return `${type} v${Math.max(...info.versions)} loaded from the package; ${outcome}; ${(result.ms / 1000).toFixed(1)} s`;
}
