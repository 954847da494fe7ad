/**
 * Every template's node parameters as n8n 2.41.1 itself judges them: for each node, the node
 * type's description for its version (from n8n-nodes-base and from the installed package) and
 * n8n-workflow's NodeHelpers - getNodeParametersIssues (what the editor marks on a node and what
 * blocks activation) and getNodeParameters (a parameter that is not in the description, or not
 * shown with the other settings, is dropped). Run by the runtime's own Node 24 in its folder, so
 * the code is n8n's, not a copy. Option values are checked too (n8n's issue check does not).
 *
 * Allowed issue: the Daktela Trigger's empty Secret (templates ship no secret; the user sets one).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import type { Scenario } from '../context.cjs';
import { PACKAGE_NAME } from '../n8n.cjs';
import { listTemplates, TEMPLATES_DIR } from '../workflow.cjs';

const PROBE = `
const path = require('path');
const fs = require('fs');
const { NodeHelpers } = require('n8n-workflow');
const [, ourDir, ...files] = process.argv; // node -e: no script path in argv
const baseDir = path.dirname(require.resolve('n8n-nodes-base/package.json'));
const packages = {
	'n8n-nodes-base': [baseDir, require(path.join(baseDir, 'package.json')).n8n.nodes],
	[require(path.join(ourDir, 'package.json')).name]: [ourDir, require(path.join(ourDir, 'package.json')).n8n.nodes],
};
const cache = new Map();
function description(type, version) {
	if (!cache.has(type)) {
		const [pkg, name] = type.split('.');
		const [dir, list] = packages[pkg] ?? [];
		const file = list && list.find((f) => path.basename(f).toLowerCase() === name.toLowerCase() + '.node.js');
		if (!file) throw new Error('no node file for ' + type);
		const mod = require(path.join(dir, file));
		const NodeClass = Object.values(mod).find((v) => typeof v === 'function');
		cache.set(type, new NodeClass());
	}
	const node = cache.get(type);
	return node.nodeVersions ? node.nodeVersions[version].description : node.description;
}
// A value of an options / multiOptions parameter must be one of its options. Checked against
// every definition of that name at its level (n8n repeats a parameter with other options under
// other displayOptions), so it catches values no variant offers; expressions are not checked.
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function checkOptions(properties, values, where, out) {
	const byName = new Map();
	for (const property of properties ?? []) {
		if (!byName.has(property.name)) byName.set(property.name, []);
		byName.get(property.name).push(property);
	}
	for (const [name, value] of Object.entries(values ?? {})) {
		const defs = byName.get(name) ?? [];
		const here = where ? where + '.' + name : name;
		if (typeof value === 'string' && value.startsWith('=')) continue;
		const fixed = defs.filter((d) => ['options', 'multiOptions'].includes(d.type) && Array.isArray(d.options) && !d.typeOptions?.loadOptionsMethod && !d.typeOptions?.loadOptions);
		if (fixed.length && fixed.length === defs.length) {
			const allowed = new Set(fixed.flatMap((d) => d.options.map((o) => o.value)));
			for (const v of Array.isArray(value) ? value : [value]) {
				if (!allowed.has(v)) out.push({ parameter: here, messages: ['value ' + JSON.stringify(v) + ' is not one of its options'] });
			}
		}
		for (const def of defs) {
			if (def.type === 'collection' && isObject(value)) checkOptions(def.options, value, here, out);
			if (def.type === 'fixedCollection' && isObject(value)) {
				for (const group of def.options ?? []) {
					if (!(group.name in value)) continue;
					const rows = Array.isArray(value[group.name]) ? value[group.name] : [value[group.name]];
					rows.forEach((row, i) => checkOptions(group.values, row, here + '.' + group.name + '[' + i + ']', out));
				}
			}
		}
	}
}
const report = {};
for (const file of files) {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
	const problems = [];
	for (const node of workflow.nodes) {
		const desc = description(node.type, node.typeVersion);
		const issues = NodeHelpers.getNodeParametersIssues(desc.properties, node, desc);
		for (const [parameter, messages] of Object.entries(issues?.parameters ?? {})) {
			problems.push({ node: node.name, type: node.type, parameter, messages });
		}
		const optionProblems = [];
		checkOptions(desc.properties, node.parameters, '', optionProblems);
		for (const problem of optionProblems) problems.push({ node: node.name, type: node.type, ...problem });
		const kept = NodeHelpers.getNodeParameters(desc.properties, node.parameters, true, false, node, desc) ?? {};
		for (const key of Object.keys(node.parameters)) {
			if (!(key in kept)) problems.push({ node: node.name, type: node.type, parameter: key, messages: ['not a parameter of this node (or hidden by the other settings)'] });
		}
	}
	report[path.basename(file)] = problems;
}
process.stdout.write(JSON.stringify(report));
`;

export const scenario: Scenario = {
	template: 'hubspot-batch-crm-to-daktela.json',
	title: 'Every template: parameters valid for n8n 2.41.1 (editor issues, unknown parameters)',
	async run(ctx) {
		const n8n = await ctx.n8n();
		const installed = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		const files = listTemplates().map((file) => path.join(TEMPLATES_DIR, file));
		const result = spawnSync(ctx.rt.nodeBin, ['-e', PROBE, installed, ...files], {
			cwd: ctx.rt.dir,
			env: { ...ctx.rt.baseEnv(), NODE_PATH: path.join(ctx.rt.dir, 'node_modules') },
			encoding: 'utf8',
			maxBuffer: 16 * 1024 * 1024,
		});
		assert.equal(result.status, 0, `probe failed:\n${result.stderr.slice(-3000)}`);
		const report = JSON.parse(result.stdout) as Record<
			string,
			Array<{ node: string; type: string; parameter: string; messages: string[] }>
		>;
		assert.equal(Object.keys(report).length, files.length);
		const unexpected: string[] = [];
		for (const [file, problems] of Object.entries(report)) {
			for (const problem of problems) {
				const emptySecret =
					problem.type === `${PACKAGE_NAME}.daktelaTrigger` && problem.parameter === 'secret';
				if (!emptySecret) {
					unexpected.push(`${file}: "${problem.node}" ${problem.parameter}: ${problem.messages}`);
				}
			}
		}
		assert.deepEqual(unexpected, [], unexpected.join('\n'));
		ctx.log(`${files.length} templates, every node's parameters accepted by n8n 2.41.1`);
	},
};
