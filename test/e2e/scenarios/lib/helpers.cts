/**
 * Shared pieces of the template scenarios: reading the Sync Checkpoint state out of workflow
 * static data, running a workflow and failing with its output, what the Odoo templates write to
 * Daktela for a partner (computed here independently of the mapping engine), and polling.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import type { N8n, ExecutionResult } from '../../n8n.cjs';
import { nodeOutput } from '../../n8n.cjs';
import type { DaktelaSandbox } from '../../../sandbox/daktela.cjs';
import type { OdooRecord, OdooSandbox } from '../../../sandbox/odoo.cjs';
import type { Workflow } from '../../workflow.cjs';

/** What Commit said: the first summary item of a Commit node. */
export interface CommitSummary {
	syncName: string;
	entity: string;
	committed: boolean;
	reason: string;
	message: string;
	total: number;
	created: number;
	updated: number;
	unchanged: number;
	failed: number;
	invalid: number;
	failedRecords: Array<{ id: string | null; error: string }>;
	cursorBefore: { time: string } | null;
	cursorAfter: { time: string } | null;
	persisted: boolean;
}

export interface EntityCheckpoint {
	cursor?: string;
	seen?: Array<[string, number]>;
	retry?: unknown[];
	commits?: number;
}

/**
 * The stored checkpoints of one sync (global static data, `syncCheckpoint.syncs[sync]`), by entity.
 * One `n8n export:workflow` (a few seconds): read all entities at once.
 */
export async function checkpointsOf(
	n8n: N8n,
	workflowId: string,
	sync: string,
): Promise<Record<string, EntityCheckpoint | undefined>> {
	const data = await n8n.staticData(workflowId);
	const global = (data.global ?? {}) as {
		syncCheckpoint?: { syncs?: Record<string, Record<string, EntityCheckpoint>> };
	};
	return global.syncCheckpoint?.syncs?.[sync] ?? {};
}

/** `n8n execute`, failing with the tail of n8n's output when the run did not succeed. */
export async function runOk(n8n: N8n, workflowId: string, label: string): Promise<ExecutionResult> {
	const result = await n8n.execute(workflowId);
	assert.ok(
		result.ok,
		`${label}: the run failed: ${result.error}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-2000)}`,
	);
	return result;
}

/** The Commit summary of a run, or undefined when the node did not run (nothing to commit). */
export function commitSummary(result: ExecutionResult, node: string): CommitSummary | undefined {
	return nodeOutput(result.run, node)[0] as unknown as CommitSummary | undefined;
}

/** Whether a node ran at all in the execution. */
export function ran(result: ExecutionResult, node: string): boolean {
	return (result.run?.data.resultData.runData[node]?.length ?? 0) > 0;
}

/** Odoo datetime (UTC "YYYY-MM-DD HH:MM:SS") -> ISO with milliseconds, as the checkpoint stores. */
export function odooToIso(value: unknown): string {
	return `${String(value).replace(' ', 'T')}.000Z`;
}

const odooText = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value : null;

/** +420 601 123 456 -> +420601123456 (the sandbox data is already international). */
const e164 = (value: unknown): string | null => {
	const text = odooText(value);
	return text === null ? null : text.replace(/[^\d+]/g, '');
};

const list = (...values: Array<string | null>) => values.filter((v): v is string => v !== null);

/** A Daktela record reduced to what the Odoo templates write (relations by name). */
export function daktelaShape(record: Record<string, unknown>, kind: 'account' | 'contact') {
	const relation = (value: unknown) =>
		value && typeof value === 'object' ? (value as { name?: unknown }).name : (value ?? null);
	const cf = (record.customFields ?? {}) as Record<string, unknown>;
	const values = (key: string) => (Array.isArray(cf[key]) ? (cf[key] as unknown[]) : []);
	const common = {
		name: record.name,
		title: record.title,
		database: relation(record.database),
		email: values('email'),
		number: values('number'),
	};
	if (kind === 'account') return { ...common, web: values('web') };
	return {
		...common,
		firstname: record.firstname || null,
		lastname: record.lastname,
		account: relation(record.account),
		description: record.description || null,
	};
}

/** What the Odoo templates' mappings make of an Odoo partner, in the shape of daktelaShape(). */
export function expectedFromOdoo(partner: OdooRecord, kind: 'account' | 'contact') {
	const name = String(partner.name).trim();
	const email = odooText(partner.email)?.trim().toLowerCase() ?? null;
	if (kind === 'account') {
		return {
			name: `crm_account_${partner.id}`,
			title: name,
			database: 'default',
			email: list(email),
			number: list(e164(partner.phone)),
			web: list(odooText(partner.website)),
		};
	}
	const words = name.split(' ').filter(Boolean);
	const parent = partner.parent_id;
	return {
		name: `crm_person_${partner.id}`,
		title: name,
		database: 'default',
		email: list(email),
		number: list(e164(partner.phone), e164(partner.mobile)),
		firstname: words.slice(0, -1).join(' ') || null,
		lastname: words[words.length - 1],
		account: typeof parent === 'number' && parent ? `crm_account_${parent}` : null,
		description: odooText(partner.function),
	};
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(
	probe: () => Promise<T | undefined> | T | undefined,
	what: string,
	timeoutMs = 20000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(200);
	}
}

/**
 * A copy of a template whose Schedule Trigger fires every `scheduleSeconds` s (null: removed, so
 * that only the test starts runs), plus a Webhook "Run now" at `path` wired like the schedule. It
 * answers once the run has finished (its last node may output nothing).
 */
export function withRunNowWebhook(
	template: Workflow,
	path: string,
	scheduleSeconds: number | null,
): Workflow {
	const workflow = structuredClone(template);
	const schedule = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	assert.ok(schedule, 'the template has no Schedule Trigger');
	const connections = workflow.connections as Record<string, unknown>;
	connections['Run now'] = structuredClone(connections[schedule.name]);
	if (scheduleSeconds === null) {
		workflow.nodes = workflow.nodes.filter((node) => node !== schedule);
		delete connections[schedule.name];
	} else {
		schedule.parameters = {
			rule: { interval: [{ field: 'seconds', secondsInterval: scheduleSeconds }] },
		};
	}
	workflow.nodes.push({
		id: randomUUID(),
		name: 'Run now',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 480],
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'noData',
			options: {},
		},
	} as Workflow['nodes'][number]);
	return workflow;
}

/** The latest write_date of Odoo's companies (or people), as the checkpoint stores it. */
export function latestWriteDate(odoo: OdooSandbox, companies: boolean): string {
	return odooToIso(
		odoo.store
			.all('res.partner')
			.filter((p) => Boolean(p.is_company) === companies)
			.map((p) => String(p.write_date))
			.sort()
			.pop(),
	);
}

/** Daktela's accounts and contacts equal Odoo's companies and people, every mapped field. */
export function checkPartnersLanded(
	label: string,
	odoo: OdooSandbox,
	daktela: DaktelaSandbox,
): void {
	const partners = odoo.store.all('res.partner');
	for (const [kind, endpoint, records] of [
		['account', 'accounts', partners.filter((p) => p.is_company)],
		['contact', 'contacts', partners.filter((p) => !p.is_company)],
	] as const) {
		assert.equal(
			daktela.store.list(endpoint).length,
			records.length,
			`${label}: ${endpoint} count`,
		);
		for (const partner of records) {
			const expected = expectedFromOdoo(partner, kind);
			const record = daktela.store.get(endpoint, expected.name);
			assert.ok(record, `${label}: ${expected.name} missing in Daktela`);
			assert.deepEqual(daktelaShape(record, kind), expected, `${label}: ${expected.name}`);
		}
	}
}

/**
 * Before the real-time templates' delete events: a contact made by hand (`manual_1`, which no
 * delete may touch) and ten synced contacts `crm_person_10..19` (and, with `accounts`, accounts
 * `crm_account_10..19`), so that one deletion is under the templates' 20% safety limit.
 */
export function putForDeletes(daktela: DaktelaSandbox, accounts: boolean): void {
	putManualContact(daktela);
	for (let i = 10; i < 20; i++) {
		if (accounts) {
			daktela.store.put('accounts', {
				name: `crm_account_${i}`,
				title: `Company ${i}`,
				database: 'default',
			});
		}
		daktela.store.put('contacts', {
			name: `crm_person_${i}`,
			title: `Person ${i}`,
			lastname: `Person ${i}`,
			database: 'default',
		});
	}
}

/** A contact made by hand in Daktela, `manual_1`: no delete of a sync may touch it. */
export function putManualContact(daktela: DaktelaSandbox): string {
	daktela.store.put('contacts', {
		name: 'manual_1',
		title: 'By hand',
		lastname: 'Hand',
		database: 'default',
	});
	return 'manual_1';
}

/** The DELETE requests Daktela got, in order, relative to the API (`contacts/crm_person_1.json`). */
export function daktelaDeletes(daktela: DaktelaSandbox): string[] {
	return daktela.requests
		.filter((r) => r.method === 'DELETE')
		.map((r) => r.path.replace(/^.*\/api\/v6\//, ''));
}

/**
 * A batch run whose contacts to delete are over the templates' 20% safety limit: no DELETE, the
 * Commit of `node` counts them all failed with the reason (`removed` of `managed` contacts).
 */
export function assertBatchOverTheLimit(
	daktela: DaktelaSandbox,
	result: ExecutionResult,
	node: string,
	removed: number,
	managed: number,
): string {
	assert.deepEqual(daktelaDeletes(daktela), [], 'deleted over the limit');
	const held = commitSummary(result, node);
	assert.equal(held?.failed, removed, JSON.stringify(held));
	const percent = Math.round((removed / managed) * 100);
	assert.match(
		String(held?.failedRecords[0]?.error),
		new RegExp(
			`safety limit: this run would remove ${removed} contacts \\(${percent}% of the ${managed} contacts named crm_person_… in Daktela\\), but Max Percent is 20%; nothing was removed`,
		),
	);
	return String(held?.failedRecords[0]?.error);
}

/** A real-time template's answer to a delete event that removed the one contact it named. */
export const ONE_CONTACT_DELETED = {
	entity_type: 'contact',
	event: 'delete',
	total: 1,
	created: 0,
	updated: 0,
	deleted: 1,
	unchanged: 0,
	failed: 0,
	errors: 0,
};

/** A delete event over the safety limit: 207, every id failed with the reason, no DELETE sent. */
export function assertOverTheLimit(
	daktela: DaktelaSandbox,
	answer: {
		status: number;
		text: string;
		counts: { failed: number; errors?: Array<{ error: string }> };
	},
	ids: number,
): void {
	assert.equal(answer.status, 207, answer.text);
	assert.equal(answer.counts.failed, ids, answer.text);
	assert.match(String(answer.counts.errors?.[0]?.error), /safety limit/, answer.text);
	assert.equal(
		daktela.requests.filter((r) => r.method === 'DELETE').length,
		0,
		'deleted over the limit',
	);
}
