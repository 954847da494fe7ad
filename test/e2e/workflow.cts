/**
 * Workflow JSON helpers for e2e scenarios: load templates, make a test copy runnable from the CLI
 * (`n8n execute` starts only from a Manual Trigger), point credentials at sandbox ones.
 * Everything returns a deep copy; templates on disk are never modified.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT } from './n8n.cjs';

export const TEMPLATES_DIR = path.join(REPO_ROOT, 'workflows-templates');

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface Workflow {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		Record<string, Array<Array<{ node: string; type: string; index: number }>>>
	>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

export function listTemplates(): string[] {
	if (!fs.existsSync(TEMPLATES_DIR)) return [];
	return fs
		.readdirSync(TEMPLATES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function loadTemplate(file: string): Workflow {
	const full = path.isAbsolute(file) ? file : path.join(TEMPLATES_DIR, file);
	return JSON.parse(fs.readFileSync(full, 'utf8')) as Workflow;
}

export function findNode(
	workflow: Workflow,
	predicate: string | ((node: WorkflowNode) => boolean),
) {
	const match =
		typeof predicate === 'string'
			? (node: WorkflowNode) => node.name === predicate || node.type === predicate
			: predicate;
	return workflow.nodes.find(match);
}

const TRIGGER_TYPES = new Set([
	'n8n-nodes-base.scheduleTrigger',
	'n8n-nodes-base.cron',
	'n8n-nodes-base.interval',
]);

/**
 * For `n8n execute`: replaces every Schedule / Cron / Interval trigger by a Manual Trigger of the
 * same name (connections keep working). Webhook triggers are left alone (use the server for them).
 */
export function withManualTrigger(workflow: Workflow): Workflow {
	const copy = clone(workflow);
	let replaced = 0;
	copy.nodes = copy.nodes.map((node) => {
		if (!TRIGGER_TYPES.has(node.type)) return node;
		replaced++;
		return {
			id: node.id ?? randomUUID(),
			name: node.name,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: node.position,
			parameters: {},
		};
	});
	if (replaced === 0 && !copy.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger')) {
		throw new Error(`${workflow.name}: no schedule or manual trigger to run from the CLI`);
	}
	return copy;
}

/**
 * Points every node credential of the given types at the given stub ({id, name}), e.g. the ids of
 * sandbox credentials imported with `importCredentials`.
 */
export function bindCredentials(
	workflow: Workflow,
	bindings: Record<string, { id: string; name: string }>,
): Workflow {
	const copy = clone(workflow);
	for (const node of copy.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			if (bindings[type]) node.credentials![type] = { ...bindings[type] };
		}
	}
	return copy;
}

/** A minimal workflow: Manual Trigger -> the given nodes in a chain. */
export interface ChainNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export function chain(name: string, nodes: ChainNode[]): Workflow {
	const all: WorkflowNode[] = [
		{
			id: randomUUID(),
			name: 'Manual Trigger',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		...nodes.map((node, i) => ({
			id: randomUUID(),
			...node,
			position: [220 * (i + 1), 0] as [number, number],
		})),
	];
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}
