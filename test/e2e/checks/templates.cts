/**
 * Every workflow template must import into a real n8n with the package and use only node types
 * (and versions, and credential types) that n8n knows: `n8n-nodes-daktela.*` from the package,
 * `n8n-nodes-base.*` from n8n.
 */
import assert from 'node:assert/strict';

import type { N8n, NodeTypeInfo } from '../n8n.cjs';
import { loadTemplate, type Workflow } from '../workflow.cjs';

/** Problems with node types / versions / credentials; empty when the template is fine. */
export function nodeTypeProblems(
	workflow: Workflow,
	nodeTypes: Map<string, NodeTypeInfo>,
): string[] {
	const problems: string[] = [];
	if (!Array.isArray(workflow.nodes) || workflow.nodes.length === 0) return ['no nodes'];
	if (!workflow.connections || typeof workflow.connections !== 'object')
		problems.push('no connections');
	// Every credential type some node declares (a predefined type must be one of these).
	const knownCredentials = new Set<string>();
	for (const type of nodeTypes.values()) {
		for (const name of type.credentials) knownCredentials.add(name);
	}
	const names = new Set<string>();
	for (const node of workflow.nodes) {
		const label = `node "${node.name}" (${node.type})`;
		if (names.has(node.name)) problems.push(`${label}: duplicate node name`);
		names.add(node.name);
		if (!/^(n8n-nodes-daktela|n8n-nodes-base|@n8n\/n8n-nodes-langchain)\./.test(node.type)) {
			problems.push(`${label}: type is neither n8n-nodes-daktela.* nor n8n-nodes-base.*`);
		}
		const info = nodeTypes.get(node.type);
		if (!info) {
			problems.push(`${label}: unknown node type`);
			continue;
		}
		if (!info.versions.includes(node.typeVersion)) {
			problems.push(
				`${label}: typeVersion ${node.typeVersion} not in [${info.versions.join(', ')}]`,
			);
		}
		// The HTTP Request node takes any credential type that n8n can apply to a request
		// ("Predefined Credential Type"); export:nodes does not list those.
		const predefined =
			node.parameters?.authentication === 'predefinedCredentialType'
				? node.parameters.nodeCredentialType
				: undefined;
		for (const credentialType of Object.keys(node.credentials ?? {})) {
			if (credentialType === predefined && knownCredentials.has(credentialType)) continue;
			if (!info.credentials.has(credentialType)) {
				problems.push(`${label}: credential type ${credentialType} is not one this node accepts`);
			}
		}
	}
	for (const [source, outputs] of Object.entries(workflow.connections ?? {})) {
		if (!names.has(source)) problems.push(`connection from unknown node "${source}"`);
		for (const branches of Object.values(outputs)) {
			for (const branch of branches ?? []) {
				for (const target of branch ?? []) {
					if (!names.has(target.node)) problems.push(`connection to unknown node "${target.node}"`);
				}
			}
		}
	}
	return problems;
}

export async function checkTemplate(
	file: string,
	catalog: N8n,
	nodeTypes: Map<string, NodeTypeInfo>,
): Promise<string> {
	const workflow = loadTemplate(file);
	const problems = nodeTypeProblems(workflow, nodeTypes);
	assert.equal(problems.length, 0, `${file}:\n  - ${problems.join('\n  - ')}`);
	const id = await catalog.importWorkflow(workflow);
	const types = [...new Set(workflow.nodes.map((n) => n.type))].sort();
	return `imported as ${id}; ${workflow.nodes.length} nodes of ${types.length} known types`;
}
