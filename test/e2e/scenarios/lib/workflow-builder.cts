/**
 * A small builder for the workflow templates in workflows-templates/: nodes with stable ids and
 * positions, connections, sticky notes, and the exported-workflow envelope n8n imports.
 * Used by build-templates.cts only; the templates on disk are the product.
 */
import { createHash } from 'node:crypto';

export interface TemplateNode {
	parameters: Record<string, unknown>;
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	notes?: string;
	notesInFlow?: boolean;
}

export type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
>;

export interface TemplateWorkflow {
	id: string;
	name: string;
	nodes: TemplateNode[];
	connections: Connections;
	settings: Record<string, unknown>;
	pinData: Record<string, never>;
	meta: Record<string, unknown>;
	active: false;
	tags: never[];
}

/** n8n-style v4 UUID derived from a seed, so regenerating a template keeps its ids. */
export function stableUuid(seed: string): string {
	const hex = createHash('sha256').update(seed).digest('hex');
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Credential stubs: the user picks their own credential after the import. */
export const CREDENTIALS = {
	daktelaApi: { id: 'daktelaCredential', name: 'Daktela account' },
	odooApiKeyApi: { id: 'odooCredential', name: 'Odoo account' },
	hubspotAppToken: { id: 'hubspotCredential', name: 'HubSpot account' },
	httpHeaderAuth: { id: 'crmWebhookSecret', name: 'CRM webhook secret' },
} as const;

export type CredentialType = keyof typeof CREDENTIALS;

export function credential(...types: CredentialType[]): TemplateNode['credentials'] {
	const out: Record<string, { id: string; name: string }> = {};
	for (const type of types) out[type] = { ...CREDENTIALS[type] };
	return out;
}

/** Resource locator value "by id / by name". */
export const rl = (value: string) => ({ __rl: true, mode: 'id', value });

export class WorkflowBuilder {
	private readonly nodes: TemplateNode[] = [];
	private readonly connections: Connections = {};
	private stickyCount = 0;

	constructor(
		private readonly id: string,
		private readonly name: string,
	) {
		if (id.length > 21) throw new Error(`workflow id ${id} is longer than 21 characters`);
	}

	node(
		name: string,
		type: string,
		typeVersion: number,
		position: [number, number],
		parameters: Record<string, unknown>,
		extra: Partial<TemplateNode> = {},
	): string {
		if (this.nodes.some((n) => n.name === name)) throw new Error(`duplicate node name ${name}`);
		this.nodes.push({
			parameters,
			id: stableUuid(`${this.id}/${name}`),
			name,
			type,
			typeVersion,
			position,
			...extra,
		});
		return name;
	}

	/** A sticky note (n8n-nodes-base.stickyNote); `color` 1-7 (7 = neutral). */
	sticky(
		content: string,
		position: [number, number],
		size: { width: number; height: number },
		color = 7,
	): void {
		this.stickyCount++;
		this.node(`Note ${this.stickyCount}`, 'n8n-nodes-base.stickyNote', 1, position, {
			content,
			height: size.height,
			width: size.width,
			color,
		});
	}

	/** from[output] -> to (input 0). */
	connect(from: string, to: string, output = 0): void {
		for (const name of [from, to]) {
			if (!this.nodes.some((n) => n.name === name)) throw new Error(`no node named ${name}`);
		}
		const outputs = (this.connections[from] ??= { main: [] }).main;
		while (outputs.length <= output) outputs.push([]);
		// A repeated connection makes n8n run the target (and all after it) twice per item.
		if (outputs[output].some((c) => c.node === to)) throw new Error(`${from} -> ${to} twice`);
		outputs[output].push({ node: to, type: 'main', index: 0 });
	}

	chain(...names: string[]): void {
		for (let i = 0; i < names.length - 1; i++) this.connect(names[i], names[i + 1]);
	}

	build(): TemplateWorkflow {
		return {
			id: this.id,
			name: this.name,
			nodes: this.nodes,
			connections: this.connections,
			settings: { executionOrder: 'v1', saveManualExecutions: true },
			pinData: {},
			meta: { templateCredsSetupCompleted: false },
			active: false,
			tags: [],
		};
	}
}
