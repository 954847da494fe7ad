/**
 * Generates workflows-templates/*.json: {hubspot, odoo} x {batch CRM -> Daktela, batch activities
 * -> CRM, real-time Daktela -> CRM, real-time CRM -> Daktela}.
 *
 *     npx tsx test/e2e/scenarios/lib/build-templates.cts     # rewrites the JSON files
 *
 * The JSON files are the product (users import them); this script keeps the eight consistent.
 * Parameter names and values are those of n8n 2.41.1 (n8n-nodes-base) and of this package.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	ACTIVITY_TO_HUBSPOT_CALL,
	ACTIVITY_TO_HUBSPOT_NOTE,
	ACTIVITY_TO_ODOO_MESSAGE,
	HUBSPOT_COMPANY_TO_ACCOUNT,
	HUBSPOT_CONTACT_TO_CONTACT,
	ODOO_COMPANY_TO_ACCOUNT,
	ODOO_PERSON_TO_CONTACT,
} from './mappings.cjs';
import {
	credential,
	rl,
	stableUuid,
	WorkflowBuilder,
	type TemplateWorkflow,
} from './workflow-builder.cjs';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'workflows-templates');

// Node types and the versions the templates use (all known to n8n 2.41.1).
const N = {
	schedule: ['n8n-nodes-base.scheduleTrigger', 1.2],
	manual: ['n8n-nodes-base.manualTrigger', 1],
	webhook: ['n8n-nodes-base.webhook', 2.1],
	respond: ['n8n-nodes-base.respondToWebhook', 1.5],
	if: ['n8n-nodes-base.if', 2.2],
	set: ['n8n-nodes-base.set', 3.4],
	splitOut: ['n8n-nodes-base.splitOut', 1],
	noOp: ['n8n-nodes-base.noOp', 1],
	http: ['n8n-nodes-base.httpRequest', 4.2],
	odoo: ['n8n-nodes-base.odoo', 2],
	checkpoint: ['n8n-nodes-daktela.syncCheckpoint', 1],
	mapper: ['n8n-nodes-daktela.fieldMapper', 1],
	daktela: ['n8n-nodes-daktela.daktela', 1],
	trigger: ['n8n-nodes-daktela.daktelaTrigger', 1],
	dataTable: ['n8n-nodes-base.dataTable', 1.1],
} as const;

type Kind = keyof typeof N;

function add(
	wf: WorkflowBuilder,
	kind: Kind,
	name: string,
	position: [number, number],
	parameters: Record<string, unknown>,
	extra: Parameters<WorkflowBuilder['node']>[5] = {},
): string {
	const [type, version] = N[kind];
	return wf.node(name, type, version, position, parameters, extra);
}

/** If v2.2 conditions: every condition a boolean expression that must be true. */
function allTrue(seed: string, expressions: string[]): Record<string, unknown> {
	return {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: expressions.map((leftValue, i) => ({
				id: stableUuid(`${seed}/${i}`),
				leftValue,
				rightValue: '',
				operator: { type: 'boolean', operation: 'true', singleValue: true },
			})),
			combinator: 'and',
		},
		options: {},
	};
}

/** Set v3.4 "manual" assignments. */
function assignments(
	seed: string,
	fields: Array<[name: string, type: 'string' | 'number' | 'array' | 'object', value: string]>,
): Record<string, unknown> {
	return {
		assignments: {
			assignments: fields.map(([name, type, value]) => ({
				id: stableUuid(`${seed}/${name}`),
				name,
				value,
				type,
			})),
		},
		options: {},
	};
}

const CONTINUE = { onError: 'continueRegularOutput' as const };

// ---------------------------------------------------------------------------------------------
// Sticky notes (plain words for n8n admins who are not developers)

const SETTINGS_NOTE = `**Good to know**
- The checkpoint is kept in this workflow's saved data. n8n saves it after scheduled runs and \`n8n execute\`, **not after runs you start in the editor**: there, every run starts from the beginning (it still only writes what differs).
- Let one run finish before the next starts: set \`N8N_CONCURRENCY_PRODUCTION_LIMIT=1\` or keep the interval longer than a run. In queue mode the checkpoint is not kept between runs.`;

const STEP = { width: 240, height: 330 };
const STEP_Y = -400;

interface BatchCrmNames {
	crm: 'Odoo' | 'HubSpot';
	sync: string;
	/** Keeps the checkpoint in a Data Table (queue mode, n8n Cloud). */
	scaled?: boolean;
	/** Ends with a Sync Checkpoint Inspect node, "Show sync state". */
	inspect?: boolean;
}

const SCALED_NOTE = `**Scaled: for queue mode (workers) and n8n Cloud**
- The checkpoint is kept in the Data Table \`daktela_sync_state\` (created on the first run), not in the workflow's saved data, which n8n does not keep there. Runs started in the editor use and move it too.
- Runs may overlap: a run saves its checkpoint only if no other run saved since it started; otherwise the other run's checkpoint stays and the next run reads the rest again. Nothing is skipped.
- To start again from scratch, delete this sync's rows in the Data Table.`;

function batchCrmToDaktelaNotes(wf: WorkflowBuilder, o: BatchCrmNames, crmNote: string): void {
	wf.sticky(
		`## ${o.crm} → Daktela: companies and people\nEvery 15 minutes this workflow copies the companies and people that changed in ${o.crm} into Daktela: companies become Daktela **accounts**, people become Daktela **contacts**. Accounts run first (upper row) so a contact's company already exists.\n\n**Set up**\n1. Open the Daktela and ${o.crm} nodes and pick your credentials.\n2. Check the two mappings in the *Map …* nodes.\n3. Save, then activate (publish) the workflow. The first run copies everything, later runs only what changed.\n\n${o.scaled ? SCALED_NOTE : SETTINGS_NOTE}`,
		[-760, STEP_Y],
		{ width: 520, height: 760 },
		4,
	);
	const steps = [
		o.scaled
			? `### 1. When\nThe **schedule** starts the sync every 15 minutes: change the interval here.\n\n**Run by hand** starts the same sync from the editor. (Not \`n8n execute\`: the command line does not load Data Tables.)`
			: `### 1. When\nThe **schedule** starts the sync every 15 minutes: change the interval here.\n\n**Run by hand** starts the same sync from the editor (or \`n8n execute\` on the command line).`,
		o.scaled
			? `### 2. Since when?\n**Read … state** loads the checkpoint from the Data Table; **Get Cursor** hands out \`since\`: "changed since this time" (a minute earlier, to be safe).\n\nAccounts and contacts each have their own checkpoint row (sync "${o.sync}").`
			: `### 2. Since when?\n**Get Cursor** remembers up to when the last run synced and hands out \`since\`: "changed since this time" (a minute earlier, to be safe).\n\nAccounts and contacts each have their own checkpoint (sync "${o.sync}").`,
		crmNote,
		`### 4. Skip repeats\nRecords changed right at the checkpoint are read twice on purpose, so nothing is missed. **Skip Processed** drops the ones this sync already wrote.\n\n*Record ID* and *Cursor Value* point at the CRM's id and "last modified" fields.`,
		`### 5. Translate fields\nThe **Field Mapper** turns a ${o.crm} record into a Daktela one with the YAML mapping: \`cc_field\` is the Daktela field, \`crm_field\` the ${o.crm} field.\n\nAdd or remove lines to change what is copied; a mistake is reported with its line number.`,
		`### 6. Write to Daktela\n**Create or Update** finds each record by its external ID (\`crm_account_<id>\`, \`crm_person_<id>\`), creates new ones, updates changed ones and leaves the rest alone.\n\nOn error it **continues**, so one bad record does not stop the others.`,
		`### 7. Save the checkpoint\n**Commit** moves the checkpoint past the records that were written. If one failed, the checkpoint stays before it and the next run tries again (as the Daktela CRM Sync SDK does).\n\nIts output is the run's summary: created, updated, unchanged, failed.${o.scaled ? '\n\n**Save … state** writes it to the Data Table.' : ''}${o.inspect ? '\n\n**Show sync state** (Inspect) lists the cursor of each entity.' : ''}`,
	];
	steps.forEach((content, i) => wf.sticky(content, [i * 260 - 40, STEP_Y], STEP, i === 2 ? 3 : 7));
}

function triggers(wf: WorkflowBuilder): [string, string] {
	const schedule = add(wf, 'schedule', 'Every 15 minutes', [0, 40], {
		rule: { interval: [{ field: 'minutes', minutesInterval: 15 }] },
	});
	const manual = add(wf, 'manual', 'Run by hand', [0, 240], {});
	return [schedule, manual];
}

function getCursor(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	sync: string,
	entity: string,
	options: Record<string, unknown>,
): string {
	const { stateFrom, ...getOptions } = options;
	return add(wf, 'checkpoint', name, position, {
		operation: 'get',
		...(stateFrom ? { stateFrom } : {}),
		syncName: sync,
		entity,
		batchSize: 0,
		lookbackSeconds: 60,
		getOptions,
	});
}

// The scaled templates keep the checkpoint in an n8n Data Table (see README "Scaling out").
export const STATE_TABLE = 'daktela_sync_state';
const STATE_TABLE_REF = { __rl: true, mode: 'name', value: STATE_TABLE };

function condition(keyName: string, keyValue: string) {
	return { keyName, condition: 'eq', keyValue };
}

/** Creates the state table on the first run (afterwards it finds the existing one). */
function stateTable(wf: WorkflowBuilder, position: [number, number]): string {
	return add(
		wf,
		'dataTable',
		'Create sync state table',
		position,
		{
			resource: 'table',
			operation: 'create',
			tableName: STATE_TABLE,
			columns: {
				column: [
					{ name: 'syncName', type: 'string' },
					{ name: 'entity', type: 'string' },
					{ name: 'version', type: 'number' },
					{ name: 'state', type: 'string' },
				],
			},
			options: { createIfNotExists: true },
		},
		// Two first runs at once: one creates the table, the other finds it a moment later.
		{ ...CONTINUE, executeOnce: true },
	);
}

function readState(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	sync: string,
	entity: string,
): string {
	return add(
		wf,
		'dataTable',
		name,
		position,
		{
			resource: 'row',
			operation: 'get',
			dataTableId: STATE_TABLE_REF,
			matchType: 'allConditions',
			filters: { conditions: [condition('syncName', sync), condition('entity', entity)] },
			returnAll: true,
		},
		// No row yet (first run): one empty item, so Get Cursor still runs.
		{ alwaysOutputData: true, executeOnce: true },
	);
}

/** Saves Commit's `save` only over the version this run read: an overlapping run cannot go back. */
function saveState(wf: WorkflowBuilder, name: string, position: [number, number]): string {
	const column = (id: string, type: 'string' | 'number') => ({
		id,
		displayName: id,
		required: false,
		defaultMatch: false,
		display: true,
		type,
		canBeUsedToMatch: true,
	});
	return add(wf, 'dataTable', name, position, {
		resource: 'row',
		operation: 'upsert',
		dataTableId: STATE_TABLE_REF,
		matchType: 'allConditions',
		filters: {
			conditions: [
				condition('syncName', '={{ $json.save.syncName }}'),
				condition('entity', '={{ $json.save.entity }}'),
				condition('version', '={{ $json.save.expectedVersion }}'),
			],
		},
		columns: {
			mappingMode: 'defineBelow',
			value: {
				syncName: '={{ $json.save.syncName }}',
				entity: '={{ $json.save.entity }}',
				version: '={{ $json.save.version }}',
				state: '={{ $json.save.state }}',
			},
			matchingColumns: [],
			schema: [
				column('syncName', 'string'),
				column('entity', 'string'),
				column('version', 'number'),
				column('state', 'string'),
			],
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		options: {},
	});
}

function skip(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	sync: string,
	entity: string,
	recordId: string,
	cursorValue: string,
	skipOptions: Record<string, unknown> = {},
): string {
	return add(wf, 'checkpoint', name, position, {
		operation: 'skipProcessed',
		syncName: sync,
		entity,
		recordId,
		cursorValue,
		skipOptions,
	});
}

function commit(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	sync: string,
	entity: string,
	commitOptions: Record<string, unknown> = {},
): string {
	return add(wf, 'checkpoint', name, position, {
		operation: 'commit',
		syncName: sync,
		entity,
		recordSource: 'skipStep',
		onFailure: 'hold',
		sortedSource: false,
		failOnFailure: false,
		commitOptions,
	});
}

function mapper(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	entity: 'account' | 'contact' | 'activity',
	mapping: string,
): string {
	return add(
		wf,
		'mapper',
		name,
		position,
		{
			entity,
			direction: entity === 'activity' ? 'toCrm' : 'toDaktela',
			mappingMode: 'yaml',
			mapping,
			options: {},
		},
		CONTINUE,
	);
}

function upsert(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	resource: 'account' | 'contact',
): string {
	return add(
		wf,
		'daktela',
		name,
		position,
		{ resource, operation: 'upsert', matchOn: 'auto', dataMode: 'autoMap', options: {} },
		{ ...CONTINUE, credentials: credential('daktelaApi') },
	);
}

interface SyncRow {
	entity: string;
	y: number;
	get: string;
	commit: string;
}

/**
 * Connects the triggers to each row's Get Cursor; scaled: through the state table (create once,
 * read the row before Get Cursor, save Commit's row after it).
 */
function connectRows(
	wf: WorkflowBuilder,
	starts: string[],
	sync: string,
	rows: SyncRow[],
	scaled: boolean,
): void {
	const table = scaled ? stateTable(wf, [130, 140]) : undefined;
	const targets = table ? [table] : rows.map((row) => row.get);
	for (const start of starts) for (const target of targets) wf.connect(start, target);
	if (!table) return;
	for (const row of rows) {
		const read = readState(wf, `Read ${row.entity} state`, [260, row.y - 120], sync, row.entity);
		wf.connect(table, read);
		wf.connect(read, row.get);
		wf.connect(row.commit, saveState(wf, `Save ${row.entity} state`, [1820, row.y]));
	}
}

// ---------------------------------------------------------------------------------------------
// 1. Batch CRM -> Daktela

const ODOO_PARTNER_FIELDS = 'name,email,phone,mobile,website,function,parent_id,write_date';

function odooPartners(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	companies: boolean,
	active = true,
): string {
	const filter: Array<Record<string, unknown>> = [
		{ fieldName: 'is_company', operator: 'equal', value: `={{ ${companies} }}` },
		// Odoo lists archived records only when the domain names `active`.
		...(active ? [] : [{ fieldName: 'active', operator: 'equal', value: '={{ false }}' }]),
		{
			fieldName: 'write_date',
			operator: 'greaterOrEqual',
			value: "={{ $json.since ?? '1970-01-01 00:00:00' }}",
		},
	];
	if (!companies) filter.push({ fieldName: 'type', operator: 'equal', value: 'contact' });
	return add(
		wf,
		'odoo',
		name,
		position,
		{
			authentication: 'odooApiKeyApi',
			resource: 'custom',
			operation: 'getAll',
			customResource: rl('res.partner'),
			returnAll: true,
			filters: { filter },
			options: { fieldsList: ODOO_PARTNER_FIELDS },
		},
		{ credentials: credential('odooApiKeyApi') },
	);
}

function odooBatchCrmToDaktela(scaled = false): TemplateWorkflow {
	const sync = 'odoo-to-daktela';
	const wf = scaled
		? new WorkflowBuilder(
				'dktOdooBatchScaled',
				'Odoo → Daktela: companies and people (batch, scaled: queue mode and n8n Cloud)',
			)
		: new WorkflowBuilder('dktOdooBatchToDaktela', 'Odoo → Daktela: companies and people (batch)');
	batchCrmToDaktelaNotes(
		wf,
		{ crm: 'Odoo', sync, scaled, inspect: !scaled },
		`### 3. Read what changed in Odoo\n**Swap this node for your CRM** (HubSpot, Pipedrive, Salesforce …): use its "get many" with its *modified since* filter set to \`{{ $json.since }}\`.\n\nHere: Odoo *Custom Resource* \`res.partner\`, filter **write_date ≥ since**; companies have *is_company* true, people false.`,
	);
	const utc = { sinceFormat: 'daktela', timeZone: 'UTC' };
	const rows: Array<{
		y: number;
		entity: 'accounts' | 'contacts';
		resource: 'account' | 'contact';
		label: string;
		crm: string;
		mapping: string;
	}> = [
		{
			y: 40,
			entity: 'accounts',
			resource: 'account',
			label: 'companies',
			crm: 'Odoo: companies changed since',
			mapping: ODOO_COMPANY_TO_ACCOUNT,
		},
		{
			y: 300,
			entity: 'contacts',
			resource: 'contact',
			label: 'people',
			crm: 'Odoo: people changed since',
			mapping: ODOO_PERSON_TO_CONTACT,
		},
	];
	const starts = triggers(wf);
	const wired: SyncRow[] = [];
	for (const row of rows) {
		const noun = row.entity;
		const get = getCursor(wf, `Get ${noun} cursor`, [260, row.y], sync, noun, {
			...utc,
			...(scaled ? { stateFrom: 'inputRows' } : {}),
		});
		const crm = odooPartners(wf, row.crm, [520, row.y], row.resource === 'account');
		const skipped = skip(
			wf,
			`Skip ${noun} already synced`,
			[780, row.y],
			sync,
			noun,
			'={{ $json.id }}',
			'={{ $json.write_date }}',
			{ timeZone: 'UTC' },
		);
		const map = mapper(
			wf,
			`Map ${row.label} to Daktela ${noun}`,
			[1040, row.y],
			row.resource,
			row.mapping,
		);
		const write = upsert(wf, `Daktela: create or update ${noun}`, [1300, row.y], row.resource);
		const done = commit(wf, `Commit ${noun} cursor`, [1560, row.y], sync, noun, {
			timeZone: 'UTC',
		});
		wf.chain(get, crm, skipped, map, write, done);
		wired.push({ entity: noun, y: row.y, get, commit: done });
	}
	// The create / update rows always reach their Commit; a deleted-records row stops early when
	// nothing was deleted, so Show sync state follows the last create / update row.
	const last = wired[wired.length - 1];
	wired.push(
		...odooDeletedRows(wf, sync, { ...utc, ...(scaled ? { stateFrom: 'inputRows' } : {}) }),
	);
	connectRows(wf, starts, sync, wired, scaled);
	if (!scaled) {
		// The stored state of both entities, to read after a run.
		const show = add(wf, 'checkpoint', 'Show sync state', [1820, last.y], {
			operation: 'inspect',
			stateFrom: 'staticData',
			syncName: sync,
			entity: '',
		});
		wf.connect(last.commit, show);
	}
	return wf.build();
}

/** Safety limit of the templates' deletions: at most this many records, and this share, per run. */
export const DELETE_LIMITS = { maxRecords: 100, maxPercent: 20 };

/**
 * Daktela Delete of the records a CRM no longer has: by external ID (prefix + CRM id), only names
 * with the sync's prefix, a missing record counts as done, and the safety limit.
 */
function daktelaDelete(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	resource: 'account' | 'contact',
	prefix: string,
): string {
	return add(
		wf,
		'daktela',
		name,
		position,
		{
			resource,
			operation: 'delete',
			[resource]: { __rl: true, mode: 'id', value: `={{ '${prefix}' + $json.id }}` },
			removeAs: 'delete',
			options: { ignoreMissing: true, onlyPrefix: prefix, ...DELETE_LIMITS },
		},
		{ ...CONTINUE, credentials: credential('daktelaApi') },
	);
}

/** One "deleted since" row: people first, Daktela refuses to delete an account with contacts. */
interface DeletedRow {
	y: number;
	entity: 'deleted-contacts' | 'deleted-accounts';
	resource: 'account' | 'contact';
	prefix: string;
	companies: boolean;
}

const DELETED_ROWS: DeletedRow[] = [
	{
		y: 560,
		entity: 'deleted-contacts',
		resource: 'contact',
		prefix: 'crm_person_',
		companies: false,
	},
	{
		y: 820,
		entity: 'deleted-accounts',
		resource: 'account',
		prefix: 'crm_account_',
		companies: true,
	},
];

/** What a CRM's "deleted since" rows share; the CRM's own part reads the deleted records. */
interface DeletedRowsOptions {
	/** Sticky note: how the CRM deletes, and what the rows read. */
	note: string;
	getOptions: Record<string, unknown>;
	/** The nodes that read the row's deleted records (their ids in `id`): first and last. */
	read(row: DeletedRow): [first: string, last: string];
	/** Skip Processed's Cursor Value: when the record was deleted. */
	cursorValue: string;
	/** Skip Processed's and Commit's options (the time zone of a zone-less cursor value). */
	checkpointOptions?: Record<string, unknown>;
}

/**
 * The "deleted since" rows of a batch CRM -> Daktela template: Get Cursor -> the CRM's records
 * deleted since the cursor -> Skip Processed (drops the ones deleted before the cursor's window and
 * those already removed) -> Daktela Delete -> Commit, contacts first, then accounts.
 */
function deletedRows(wf: WorkflowBuilder, sync: string, o: DeletedRowsOptions): SyncRow[] {
	wf.sticky(o.note, [-760, 420], { width: 520, height: 460 }, 2);
	const checkpointOptions = o.checkpointOptions ?? {};
	return DELETED_ROWS.map((row) => {
		const noun = `${row.resource}s`;
		const get = getCursor(
			wf,
			`Get ${row.entity} cursor`,
			[260, row.y],
			sync,
			row.entity,
			o.getOptions,
		);
		const [first, last] = o.read(row);
		const skipped = skip(
			wf,
			`Skip ${row.entity} already removed`,
			[780, row.y],
			sync,
			row.entity,
			'={{ $json.id }}',
			o.cursorValue,
			checkpointOptions,
		);
		const remove = daktelaDelete(
			wf,
			`Daktela: delete ${noun}`,
			[1300, row.y],
			row.resource,
			row.prefix,
		);
		const done = commit(
			wf,
			`Commit ${row.entity} cursor`,
			[1560, row.y],
			sync,
			row.entity,
			checkpointOptions,
		);
		wf.connect(get, first);
		wf.chain(last, skipped, remove, done);
		return { entity: row.entity, y: row.y, get, commit: done };
	});
}

/** The end of the "deleted since" notes: what is touched, the safety limit, Archive. */
const DELETED_NOTE_LIMITS = `Only records this sync created are touched (names \`crm_person_…\` / \`crm_account_…\`). **Safety limit**: a run that would delete more than ${DELETE_LIMITS.maxRecords} records or ${DELETE_LIMITS.maxPercent}% of them deletes nothing; its items fail with the reason and the checkpoint waits. To keep the records, set the Daktela nodes' *Remove As* to **Archive**.`;

/**
 * The "deleted since" rows of the Odoo batch template: Odoo archives a record (active = false)
 * rather than deleting it, and the archived partners changed since the cursor are removed from
 * Daktela.
 */
function odooDeletedRows(
	wf: WorkflowBuilder,
	sync: string,
	getOptions: Record<string, unknown>,
): SyncRow[] {
	const read = (row: DeletedRow): [string, string] => {
		const label = row.companies ? 'companies' : 'people';
		const crm = odooPartners(
			wf,
			`Odoo: ${label} archived since`,
			[520, row.y],
			row.companies,
			false,
		);
		return [crm, crm];
	};
	return deletedRows(wf, sync, {
		note: `### Deleted in Odoo → removed from Daktela
Odoo **archives** a company or person (*active* = false) instead of deleting it. These rows read the partners archived since the last run and **delete** their Daktela account or contact (people first: Daktela keeps an account that still has contacts).

${DELETED_NOTE_LIMITS}`,
		getOptions,
		read,
		cursorValue: '={{ $json.write_date }}',
		checkpointOptions: { timeZone: 'UTC' },
	});
}

// HubSpot: CRM v3 APIs through the HTTP Request node with the HubSpot private-app credential
// (n8n's HubSpot node 2.2 reads companies, calls and notes through HubSpot's legacy v1 / v2 APIs).
const HUBSPOT_API = 'https://api.hubapi.com/crm/v3/objects';

function hubspotRequest(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	request: {
		method: 'GET' | 'POST';
		url: string;
		jsonBody?: string;
		options?: Record<string, unknown>;
	},
	extra: Parameters<WorkflowBuilder['node']>[5] = {},
): string {
	return add(
		wf,
		'http',
		name,
		position,
		{
			method: request.method,
			url: request.url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'hubspotAppToken',
			...(request.jsonBody
				? { sendBody: true, specifyBody: 'json', jsonBody: request.jsonBody }
				: {}),
			options: request.options ?? {},
		},
		{ ...extra, credentials: credential('hubspotAppToken') },
	);
}

/** The last-modified property HubSpot keeps per object (contacts have their own name for it). */
const HUBSPOT_MODIFIED = {
	companies: 'hs_lastmodifieddate',
	contacts: 'lastmodifieddate',
} as const;
const HUBSPOT_PROPERTIES = {
	companies: ['name', 'phone', 'website', 'description', 'hs_lastmodifieddate'],
	contacts: [
		'firstname',
		'lastname',
		'email',
		'phone',
		'mobilephone',
		'jobtitle',
		'associatedcompanyid',
		'lastmodifieddate',
	],
} as const;

/**
 * HubSpot search: records modified since `since` (ms), oldest first, 100 a page, following
 * `paging.next.after`; at most 100 pages (HubSpot's 10,000 results per query): the checkpoint
 * moves to the last one and the next run goes on from there. A 429 is retried.
 */
function hubspotChangedSince(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	object: 'companies' | 'contacts',
): string {
	const modified = HUBSPOT_MODIFIED[object];
	const properties = HUBSPOT_PROPERTIES[object].map((p) => `'${p}'`).join(', ');
	return hubspotRequest(
		wf,
		name,
		position,
		{
			method: 'POST',
			url: `${HUBSPOT_API}/${object}/search`,
			jsonBody: `={{ JSON.stringify({ filterGroups: [{ filters: [{ propertyName: '${modified}', operator: 'GTE', value: String($json.since ?? 0) }] }], sorts: [{ propertyName: '${modified}', direction: 'ASCENDING' }], properties: [${properties}], limit: 100 }) }}`,
			options: hubspotPaging('body', 100),
		},
		HUBSPOT_RETRY,
	);
}

/** A 429 (or a network error) is retried. */
const HUBSPOT_RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1500 };

/**
 * The HTTP Request node's pagination over HubSpot's `paging.next.after`: `after` sent in the body
 * (search) or the query string (lists), at most `maxRequests` pages.
 */
function hubspotPaging(where: 'body' | 'qs', maxRequests: number): Record<string, unknown> {
	return {
		pagination: {
			pagination: {
				paginationMode: 'updateAParameterInEachRequest',
				parameters: {
					parameters: [
						{ type: where, name: 'after', value: '={{ $response.body.paging?.next?.after }}' },
					],
				},
				paginationCompleteWhen: 'other',
				completeExpression: '={{ !$response.body.paging?.next?.after }}',
				limitPagesFetched: true,
				maxRequests,
				// HubSpot allows 5 search requests a second per account.
				requestInterval: 250,
			},
		},
	};
}

/** Split Out of a HubSpot page's `results`: one item per record. */
function onePerResult(wf: WorkflowBuilder, name: string, position: [number, number]): string {
	return add(wf, 'splitOut', name, position, {
		fieldToSplitOut: 'results',
		include: 'noOtherFields',
		options: {},
	});
}

/**
 * The "deleted since" rows of the HubSpot batch template: a company or contact deleted in HubSpot
 * is archived (HubSpot keeps it about 90 days). Search does not return archived records and the
 * archived list has no date filter, so each row pages through that list and Skip Processed keeps
 * the records archived since the cursor (`archivedAt`).
 */
function hubspotDeletedRows(
	wf: WorkflowBuilder,
	sync: string,
	getOptions: Record<string, unknown>,
): SyncRow[] {
	const read = (row: DeletedRow): [string, string] => {
		const object = row.companies ? 'companies' : 'contacts';
		const list = hubspotRequest(
			wf,
			`HubSpot: deleted ${object}`,
			[520, row.y],
			{
				method: 'GET',
				url: `${HUBSPOT_API}/${object}?archived=true&limit=100`,
				// 1,000 pages: 100,000 records deleted in HubSpot's 90 days.
				options: hubspotPaging('qs', 1000),
			},
			HUBSPOT_RETRY,
		);
		const split = onePerResult(
			wf,
			`One item per deleted ${row.companies ? 'company' : 'contact'}`,
			[650, row.y + 120],
		);
		wf.connect(list, split);
		return [list, split];
	};
	return deletedRows(wf, sync, {
		note: `### Deleted in HubSpot → removed from Daktela
A company or contact deleted in HubSpot is **archived** there (HubSpot keeps it about 90 days). These rows read HubSpot's list of archived contacts, then companies, keep the ones archived since the last run (**Skip Processed**, by *archivedAt*) and **delete** their Daktela contact or account (contacts first: Daktela keeps an account that still has contacts).

${DELETED_NOTE_LIMITS}`,
		getOptions,
		read,
		cursorValue: '={{ $json.archivedAt }}',
	});
}

function hubspotBatchCrmToDaktela(scaled = false): TemplateWorkflow {
	const sync = 'hubspot-to-daktela';
	const wf = scaled
		? new WorkflowBuilder(
				'dktHubspotBatchScaled',
				'HubSpot → Daktela: companies and contacts (batch, scaled: queue mode and n8n Cloud)',
			)
		: new WorkflowBuilder(
				'dktHubspotBatchToDkt',
				'HubSpot → Daktela: companies and contacts (batch)',
			);
	const stateFrom = scaled ? { stateFrom: 'inputRows' } : {};
	batchCrmToDaktelaNotes(
		wf,
		{ crm: 'HubSpot', sync, scaled },
		`### 3. Read what changed in HubSpot\n**Swap these nodes for your CRM** (Odoo, Pipedrive, Salesforce …): use its "get many" with its *modified since* filter set to \`{{ $json.since }}\`.\n\nHere: HubSpot's CRM **search** (HTTP Request with the HubSpot credential), *last modified ≥ since*, oldest first, page by page; **One item per …** splits the pages. At most 10,000 records per run (HubSpot's search limit): the next run goes on from there.`,
	);
	const starts = triggers(wf);
	const rows = [
		{
			y: 40,
			entity: 'accounts',
			resource: 'account' as const,
			object: 'companies' as const,
			label: 'companies',
			mapping: HUBSPOT_COMPANY_TO_ACCOUNT,
		},
		{
			y: 300,
			entity: 'contacts',
			resource: 'contact' as const,
			object: 'contacts' as const,
			label: 'contacts',
			mapping: HUBSPOT_CONTACT_TO_CONTACT,
		},
	];
	const wired: SyncRow[] = [];
	for (const row of rows) {
		const noun = row.entity;
		const get = getCursor(wf, `Get ${noun} cursor`, [260, row.y], sync, noun, {
			sinceFormat: 'unixMs',
			...stateFrom,
		});
		const crm = hubspotChangedSince(
			wf,
			`HubSpot: ${row.label} changed since`,
			[520, row.y],
			row.object,
		);
		const split = onePerResult(
			wf,
			`One item per ${row.label.replace(/ies$/, 'y').replace(/s$/, '')}`,
			[650, row.y + 120],
		);
		const skipped = skip(
			wf,
			`Skip ${noun} already synced`,
			[780, row.y],
			sync,
			noun,
			'={{ $json.id }}',
			`={{ $json.properties.${HUBSPOT_MODIFIED[row.object]} }}`,
		);
		const map = mapper(
			wf,
			`Map ${row.label} to Daktela ${noun}`,
			[1040, row.y],
			row.resource,
			row.mapping,
		);
		const write = upsert(wf, `Daktela: create or update ${noun}`, [1300, row.y], row.resource);
		const done = commit(wf, `Commit ${noun} cursor`, [1560, row.y], sync, noun);
		wf.chain(get, crm, split, skipped, map, write, done);
		wired.push({ entity: noun, y: row.y, get, commit: done });
	}
	wired.push(...hubspotDeletedRows(wf, sync, stateFrom));
	connectRows(wf, starts, sync, wired, scaled);
	return wf.build();
}

// ---------------------------------------------------------------------------------------------
// 2. Batch Daktela activities -> CRM

const ALL_TYPES = ['CALL', 'EMAIL', 'CHAT', 'SMS', 'FBM', 'IGDM', 'WAP', 'VBR', 'CUSTOM'];

function closedActivities(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	types: string[],
): string {
	return add(
		wf,
		'daktela',
		name,
		position,
		{
			resource: 'activity',
			operation: 'getMany',
			returnAll: true,
			filters: {
				action: ['CLOSE'],
				modifiedSince: "={{ $json.since ?? '' }}",
				timeField: 'time_close',
				types,
			},
			// Only activities of contacts that came from the CRM (external ID crm_person_<id>)
			extraFilters: { filter: [{ field: 'contact', operator: 'like', value: 'crm_person_%' }] },
			options: {},
		},
		{ credentials: credential('daktelaApi') },
	);
}

function batchActivitiesNotes(wf: WorkflowBuilder, crm: 'Odoo' | 'HubSpot', write: string): void {
	wf.sticky(
		`## Daktela → ${crm}: activities (batch)\nEvery 15 minutes this workflow copies the calls, e-mails, chats and messages that were **closed** in Daktela since the last run into ${crm}, on the ${crm} contact they belong to.\n\nOnly activities of contacts that came from ${crm} (Daktela contact name \`crm_person_<${crm} id>\`, as the *${crm} → Daktela* workflow creates them) are copied.\n\n**Set up**: pick your Daktela and ${crm} credentials, check the mapping, save and activate. The first run copies every closed activity: to start later, set *Start From* in the Get Cursor node's options.\n\nUse this **or** the real-time activities workflow, not both, or activities are logged twice.\n\n${SETTINGS_NOTE}`,
		[-760, STEP_Y],
		{ width: 520, height: 840 },
		4,
	);
	const steps = [
		`### 1. When\nThe **schedule** starts every 15 minutes. **Run by hand** starts the same from the editor or \`n8n execute\`.`,
		`### 2. Since when?\n**Get Cursor** hands out \`since\`: the close time of the last activity copied (a minute earlier, to be safe).`,
		`### 3. Read closed activities\nThe **Daktela** node reads activities closed since then (*Changed Since* on *Closed*), only those of CRM contacts (filter \`contact like crm_person_%\`).`,
		`### 4. Skip repeats\n**Skip Processed** drops activities this sync already copied (the ones read again right at the checkpoint).`,
		`### 5. Translate fields\nThe **Field Mapper** turns a Daktela activity into ${crm}'s shape with the YAML mapping (\`cc_field\` Daktela, \`crm_field\` ${crm}). The contact's ${crm} id comes from the Daktela contact name.`,
		`### 6. Write to ${crm}\n**Swap this node for your CRM's** "create activity / note / engagement".\n\n${write}\n\nOn error it **continues**, so the checkpoint can hold the failed ones back.`,
		`### 7. Save the checkpoint\n**Commit** moves the checkpoint past what was written; a failed activity holds it, and the next run tries again.`,
	];
	steps.forEach((content, i) => wf.sticky(content, [i * 260 - 40, STEP_Y], STEP, i === 5 ? 3 : 7));
}

function odooLogMessage(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	cont: boolean,
) {
	return add(
		wf,
		'odoo',
		name,
		position,
		{
			authentication: 'odooApiKeyApi',
			resource: 'custom',
			operation: 'create',
			customResource: rl('mail.message'),
			fieldsToSend: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
		},
		{ ...(cont ? CONTINUE : {}), credentials: credential('odooApiKeyApi') },
	);
}

function odooBatchActivitiesToCrm(): TemplateWorkflow {
	const sync = 'daktela-to-odoo';
	const wf = new WorkflowBuilder('dktOdooBatchActs', 'Daktela → Odoo: activities (batch)');
	batchActivitiesNotes(
		wf,
		'Odoo',
		"Here: Odoo *Custom Resource* `mail.message`, *Create*, fields from the input (a message in the contact's chatter). For a to-do instead, use the Odoo node's *Activity* resource.",
	);
	const [schedule, manual] = triggers(wf);
	const get = getCursor(wf, 'Get activities cursor', [260, 140], sync, 'activities', {
		sinceFormat: 'iso',
	});
	const read = closedActivities(wf, 'Daktela: activities closed since', [520, 140], ALL_TYPES);
	const skipped = skip(
		wf,
		'Skip activities already synced',
		[780, 140],
		sync,
		'activities',
		'={{ $json.name }}',
		'={{ $json.time_close }}',
	);
	const map = mapper(
		wf,
		'Map activities to Odoo messages',
		[1040, 140],
		'activity',
		ACTIVITY_TO_ODOO_MESSAGE,
	);
	const write = odooLogMessage(wf, 'Odoo: log message on the contact', [1300, 140], true);
	const done = commit(wf, 'Commit activities cursor', [1560, 140], sync, 'activities');
	wf.connect(schedule, get);
	wf.connect(manual, get);
	wf.chain(get, read, skipped, map, write, done);
	return wf.build();
}

/** An engagement (call or note) on the HubSpot contact, with HubSpot's contact association. */
function hubspotEngagement(
	wf: WorkflowBuilder,
	name: string,
	position: [number, number],
	cont: boolean,
	kind: 'calls' | 'notes',
) {
	const properties =
		kind === 'calls'
			? "hs_timestamp: $json.timestamp, hs_call_title: $json.title, hs_call_body: $json.body, hs_call_duration: String($json.duration_ms ?? 0), hs_call_status: 'COMPLETED'"
			: 'hs_timestamp: $json.timestamp, hs_note_body: $json.body';
	// HubSpot-defined association types: call -> contact 194, note -> contact 202.
	const association = kind === 'calls' ? 194 : 202;
	return hubspotRequest(
		wf,
		name,
		position,
		{
			method: 'POST',
			url: `${HUBSPOT_API}/${kind}`,
			jsonBody: `={{ JSON.stringify({ properties: { ${properties} }, associations: [{ to: { id: String($json.contact_id) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ${association} }] }] }) }}`,
		},
		cont ? CONTINUE : {},
	);
}

function hubspotBatchActivitiesToCrm(): TemplateWorkflow {
	const sync = 'daktela-to-hubspot';
	const wf = new WorkflowBuilder('dktHubspotBatchActs', 'Daktela → HubSpot: activities (batch)');
	batchActivitiesNotes(
		wf,
		'HubSpot',
		'Here: calls (upper row) become HubSpot **calls**, e-mails, chats and messages (lower row) HubSpot **notes**, each on the contact (HTTP Request to the CRM calls / notes API with the HubSpot credential). Each row has its own checkpoint.',
	);
	const [schedule, manual] = triggers(wf);
	const rows = [
		{
			y: 40,
			entity: 'calls',
			types: ['CALL'],
			read: 'Daktela: calls closed since',
			map: 'Map calls to HubSpot calls',
			mapping: ACTIVITY_TO_HUBSPOT_CALL,
			write: (name: string, pos: [number, number]) =>
				hubspotEngagement(wf, name, pos, true, 'calls'),
			writeName: 'HubSpot: log call',
		},
		{
			y: 300,
			entity: 'messages',
			types: ALL_TYPES.filter((t) => t !== 'CALL'),
			read: 'Daktela: e-mails, chats, messages closed since',
			map: 'Map messages to HubSpot notes',
			mapping: ACTIVITY_TO_HUBSPOT_NOTE,
			write: (name: string, pos: [number, number]) =>
				hubspotEngagement(wf, name, pos, true, 'notes'),
			writeName: 'HubSpot: log note',
		},
	];
	for (const row of rows) {
		const get = getCursor(wf, `Get ${row.entity} cursor`, [260, row.y], sync, row.entity, {
			sinceFormat: 'iso',
		});
		const read = closedActivities(wf, row.read, [520, row.y], row.types);
		const skipped = skip(
			wf,
			`Skip ${row.entity} already synced`,
			[780, row.y],
			sync,
			row.entity,
			'={{ $json.name }}',
			'={{ $json.time_close }}',
		);
		const map = mapper(wf, row.map, [1040, row.y], 'activity', row.mapping);
		const write = row.write(row.writeName, [1300, row.y]);
		const done = commit(wf, `Commit ${row.entity} cursor`, [1560, row.y], sync, row.entity);
		wf.connect(schedule, get);
		wf.connect(manual, get);
		wf.chain(get, read, skipped, map, write, done);
	}
	return wf.build();
}

// ---------------------------------------------------------------------------------------------
// 3. Real-time Daktela -> CRM (Daktela Trigger)

const CLOSE_EVENTS = [
	'call_close',
	'email_close',
	'web_close',
	'sms_close',
	'fbm_close',
	'igdm_close',
	'wap_close',
	'vbr_close',
];

function daktelaTrigger(wf: WorkflowBuilder, seed: string): string {
	return add(
		wf,
		'trigger',
		'Daktela Trigger: activity closed',
		[0, 100],
		{
			events: CLOSE_EVENTS,
			authentication: 'headerSecret',
			secret: '',
			refetch: true,
			options: {},
		},
		{ credentials: credential('daktelaApi'), webhookId: stableUuid(`${seed}/webhook`) },
	);
}

const LINKED = "={{ String($json.contact?.name ?? '').startsWith('crm_person_') }}";

function realtimeDaktelaNotes(
	wf: WorkflowBuilder,
	crm: 'Odoo' | 'HubSpot',
	write: string,
	route = '',
): void {
	wf.sticky(
		`## Daktela → ${crm}: activities in real time\nWhen a call, e-mail, chat or message is **closed** in Daktela, a Daktela automation calls this workflow; it loads the activity from Daktela (the request itself is never trusted) and logs it on the ${crm} contact.\n\n**Set up**\n1. Pick your Daktela and ${crm} credentials.\n2. In the **Daktela Trigger**, set a long random **Secret** (e.g. \`openssl rand -hex 32\`).\n3. Save and activate, then copy the trigger's *Production URL*.\n4. In Daktela → Manage → Automations, add one automation per event ("call closed", …) with an **HTTP request**: that URL, POST, header \`X-Webhook-Secret\` = the secret, body \`{"event": "{{event_name}}", "name": "{{object_name}}"}\`.\n\nThe trigger answers at once: 200 accepted (or duplicate / ignored), 400 bad request, 401/403 missing or wrong secret, 503 Daktela unreachable (Daktela may try again).\n\nUse this **or** the batch activities workflow, not both.`,
		[-760, -420],
		{ width: 520, height: 900 },
		4,
	);
	wf.sticky(
		`### 1. Receive and check\nThe **Daktela Trigger** checks the secret, reads \`event\` and \`name\`, loads the activity from Daktela and drops repeated deliveries.`,
		[-40, -420],
		{ width: 240, height: 280 },
	);
	wf.sticky(
		`### 2. A ${crm} contact?\nOnly activities of contacts that came from ${crm} (Daktela contact name \`crm_person_<${crm} id>\`) go on; others end here.${route}`,
		[220, -420],
		{ width: 500, height: 280 },
	);
	wf.sticky(
		`### 3. Translate fields\nThe **Field Mapper** turns the activity into ${crm}'s shape (YAML: \`cc_field\` Daktela, \`crm_field\` ${crm}).`,
		[740, -420],
		{ width: 240, height: 280 },
	);
	wf.sticky(
		`### 4. Write to ${crm}\n**Swap this node for your CRM's** "create activity / note".\n\n${write}\n\nIf it fails the execution fails: retry it from the Executions list.`,
		[1000, -420],
		{ width: 280, height: 280 },
		3,
	);
}

function odooRealtimeDaktelaToCrm(): TemplateWorkflow {
	const id = 'dktOdooRealtimeActs';
	const wf = new WorkflowBuilder(id, 'Daktela → Odoo: activities in real time');
	realtimeDaktelaNotes(
		wf,
		'Odoo',
		"Here: Odoo *Custom Resource* `mail.message`, *Create*: a message in the contact's chatter.",
	);
	const trigger = daktelaTrigger(wf, id);
	const linked = add(
		wf,
		'if',
		'Linked to an Odoo contact?',
		[260, 100],
		allTrue(`${id}/linked`, [LINKED]),
	);
	const map = mapper(
		wf,
		'Map activity to Odoo message',
		[780, 0],
		'activity',
		ACTIVITY_TO_ODOO_MESSAGE,
	);
	const write = odooLogMessage(wf, 'Odoo: log message on the contact', [1040, 0], false);
	const skipIt = add(wf, 'noOp', 'Not an Odoo contact: nothing to do', [520, 220], {});
	wf.connect(trigger, linked);
	wf.connect(linked, map, 0);
	wf.connect(linked, skipIt, 1);
	wf.chain(map, write);
	return wf.build();
}

function hubspotRealtimeDaktelaToCrm(): TemplateWorkflow {
	const id = 'dktHubspotRtActs';
	const wf = new WorkflowBuilder(id, 'Daktela → HubSpot: activities in real time');
	realtimeDaktelaNotes(
		wf,
		'HubSpot',
		'Here: calls become HubSpot **calls**, e-mails, chats and messages HubSpot **notes**, each on the contact (HTTP Request to the CRM calls / notes API with the HubSpot credential).',
		'\n\n**A call?** sends calls to the upper row, e-mails, chats and messages to the lower one.',
	);
	const trigger = daktelaTrigger(wf, id);
	const linked = add(
		wf,
		'if',
		'Linked to a HubSpot contact?',
		[260, 100],
		allTrue(`${id}/linked`, [LINKED]),
	);
	const isCall = add(
		wf,
		'if',
		'A call?',
		[520, 0],
		allTrue(`${id}/call`, ["={{ $json.type === 'CALL' }}"]),
	);
	const mapCall = mapper(
		wf,
		'Map call to HubSpot call',
		[780, -100],
		'activity',
		ACTIVITY_TO_HUBSPOT_CALL,
	);
	const writeCall = hubspotEngagement(wf, 'HubSpot: log call', [1040, -100], false, 'calls');
	const mapNote = mapper(
		wf,
		'Map message to HubSpot note',
		[780, 100],
		'activity',
		ACTIVITY_TO_HUBSPOT_NOTE,
	);
	const writeNote = hubspotEngagement(wf, 'HubSpot: log note', [1040, 100], false, 'notes');
	const skipIt = add(wf, 'noOp', 'Not a HubSpot contact: nothing to do', [520, 260], {});
	wf.connect(trigger, linked);
	wf.connect(linked, isCall, 0);
	wf.connect(linked, skipIt, 1);
	wf.connect(isCall, mapCall, 0);
	wf.connect(isCall, mapNote, 1);
	wf.chain(mapCall, writeCall);
	wf.chain(mapNote, writeNote);
	return wf.build();
}

// ---------------------------------------------------------------------------------------------
// 4. Real-time CRM -> Daktela (Webhook + Respond to Webhook)

const MAX_IDS = 100;

function realtimeCrmNotes(
	wf: WorkflowBuilder,
	crm: 'Odoo' | 'HubSpot',
	path: string,
	fetch: string,
): void {
	wf.sticky(
		`## ${crm} → Daktela in real time\n${crm} (an automation or webhook) calls this workflow when a company or person changes; the workflow loads the record from ${crm}, maps it and creates or updates it in Daktela, then answers with the counts.\n\n**Request**: \`POST <n8n>/webhook/${path}\` with header \`X-Webhook-Secret: <secret>\` and JSON body \`{"entity_type": "contact", "entity_id": 42}\`. *entity_type* is \`contact\` or \`account\`; *entity_id* one id, a list or "1,2,3" (at most ${MAX_IDS}).\n\n**Answers** (like the Daktela CRM Sync SDK's endpoint): **200** all written, **207** some failed, **400** bad request, **403** wrong or missing secret (n8n refuses it before any run). Body: \`{total, created, updated, unchanged, failed, errors}\`.\n\n**Set up**: pick the Daktela and ${crm} credentials; for the webhook create a *Header Auth* credential with name \`X-Webhook-Secret\` and a long random value; save and activate.`,
		[-760, -460],
		{ width: 520, height: 920 },
		4,
	);
	wf.sticky(
		`### 1. Receive\nThe **Webhook** accepts only requests with the secret header. **Read the request** normalises entity_type and the list of ids; a bad request is answered **400** at once.`,
		[-40, -330],
		{ width: 1040, height: 240 },
	);
	wf.sticky(
		`### 2. Load from ${crm}\n**Swap these nodes for your CRM's** "get by id". One item per id; an id ${crm} does not know becomes a failed record.\n\n${fetch}`,
		[1040, -330],
		{ width: 240, height: 240 },
		3,
	);
	wf.sticky(
		`### 3. Map and write\nThe **Field Mapper** (YAML mapping) and Daktela **Create or Update**, both continuing on errors so every id gets a result.`,
		[1300, -330],
		{ width: 440, height: 240 },
	);
	wf.sticky(
		`### 4. Answer\n**Count the results** and answer 200 (all written) or 207 (some failed) with the counts.`,
		[1760, -330],
		{ width: 400, height: 240 },
	);
}

function requestNodes(wf: WorkflowBuilder, id: string, path: string, crm: 'Odoo' | 'HubSpot') {
	const webhook = add(
		wf,
		'webhook',
		`${crm} webhook`,
		[0, 100],
		{
			httpMethod: 'POST',
			path,
			authentication: 'headerAuth',
			responseMode: 'responseNode',
			options: {},
		},
		{ credentials: credential('httpHeaderAuth'), webhookId: stableUuid(`${id}/webhook`) },
	);
	const read = add(
		wf,
		'set',
		'Read the request',
		[220, 100],
		assignments(`${id}/read`, [
			[
				'entity_type',
				'string',
				"={{ String($json.body?.entity_type ?? '').trim().toLowerCase() }}",
			],
			[
				'ids',
				'array',
				"={{ [].concat($json.body?.entity_id ?? []).flatMap(v => String(v ?? '').split(',')).map(v => v.trim()).filter(v => v !== '') }}",
			],
		]),
	);
	const valid = add(
		wf,
		'if',
		'Valid request?',
		[440, 100],
		allTrue(`${id}/valid`, [
			"={{ ['contact', 'account'].includes($json.entity_type) }}",
			`={{ $json.ids.length > 0 && $json.ids.length <= ${MAX_IDS} && $json.ids.every(v => /^[0-9]+$/.test(v)) }}`,
		]),
	);
	const badRequest = add(wf, 'respond', 'Answer 400 (bad request)', [660, 300], {
		respondWith: 'json',
		responseBody: `={{ { error: 'bad_request', message: "Send entity_type ('contact' or 'account') and entity_id (an id, a list of ids or \\"1,2,3\\"; at most ${MAX_IDS})", received: { entity_type: $json.entity_type, ids: $json.ids.slice(0, 10) }, total: 0, created: 0, updated: 0, unchanged: 0, failed: 0 } }}`,
		options: { responseCode: 400 },
	});
	const split = add(wf, 'splitOut', 'One item per id', [660, 80], {
		fieldToSplitOut: 'ids',
		include: 'selectedOtherFields',
		fieldsToInclude: 'entity_type',
		options: { destinationFieldName: 'id' },
	});
	const isAccount = add(
		wf,
		'if',
		'Account or contact?',
		[880, 80],
		allTrue(`${id}/account`, ["={{ $json.entity_type === 'account' }}"]),
	);
	wf.chain(webhook, read, valid);
	wf.connect(valid, split, 0);
	wf.connect(valid, badRequest, 1);
	wf.connect(split, isAccount);
	return { isAccount };
}

function countResults(
	wf: WorkflowBuilder,
	seed: string,
	name: string,
	position: [number, number],
	entity: 'account' | 'contact',
	fetchNode: string,
	/** The fetch's error as text, from the fetch node's output item `i`. */
	fetchError = `$('${fetchNode}').all()[i]?.json.error`,
): string {
	const ok = "['created', 'updated', 'unchanged']";
	const count = (action: string) =>
		`={{ $input.all().filter(item => item.json.sync?.action === '${action}').length }}`;
	return add(
		wf,
		'set',
		name,
		position,
		assignments(seed, [
			['entity_type', 'string', entity],
			['total', 'number', "={{ $('Read the request').first().json.ids.length }}"],
			['created', 'number', count('created')],
			['updated', 'number', count('updated')],
			['unchanged', 'number', count('unchanged')],
			[
				'failed',
				'number',
				`={{ $input.all().filter(item => !${ok}.includes(item.json.sync?.action)).length }}`,
			],
			[
				'errors',
				'array',
				// Input item i comes from id i (one item per id all the way). A failed CRM fetch has the
				// clearest message; otherwise Daktela's (or the mapping's, as the Daktela node reports it).
				`={{ $input.all().map((item, i) => ({ id: $('One item per id').all()[i]?.json.id ?? null, name: item.json.sync?.name || null, error: ${fetchError} ?? item.json.sync?.error ?? null })).filter(e => e.error) }}`,
			],
		]),
		{ executeOnce: true },
	);
}

function answer(wf: WorkflowBuilder, position: [number, number]): string {
	return add(wf, 'respond', 'Answer with the counts', position, {
		respondWith: 'firstIncomingItem',
		options: { responseCode: '={{ $json.failed > 0 ? 207 : 200 }}' },
	});
}

function odooRealtimeCrmToDaktela(): TemplateWorkflow {
	const id = 'dktOdooRealtimeToDkt';
	const path = 'odoo-to-daktela';
	const wf = new WorkflowBuilder(id, 'Odoo → Daktela: companies and people in real time');
	realtimeCrmNotes(
		wf,
		'Odoo',
		path,
		'Here: Odoo *Custom Resource* `res.partner`, *Get* by the id. In Odoo, an automated action (webhook) on Contact can send the request.',
	);
	const { isAccount } = requestNodes(wf, id, path, 'Odoo');
	const rows = [
		{
			y: -20,
			output: 0,
			entity: 'account' as const,
			fetch: 'Odoo: get company',
			map: 'Map company to Daktela account',
			mapping: ODOO_COMPANY_TO_ACCOUNT,
			write: 'Daktela: create or update account',
			count: 'Count account results',
		},
		{
			y: 180,
			output: 1,
			entity: 'contact' as const,
			fetch: 'Odoo: get person',
			map: 'Map person to Daktela contact',
			mapping: ODOO_PERSON_TO_CONTACT,
			write: 'Daktela: create or update contact',
			count: 'Count contact results',
		},
	];
	const respond = answer(wf, [2000, 80]);
	odooRealtimeDeleteNote(wf);
	for (const row of rows) {
		const isDelete = deleteRow(wf, id, row, isAccount, respond, DELETE_EVENT);
		const fetch = add(
			wf,
			'odoo',
			row.fetch,
			[1100, row.y],
			{
				authentication: 'odooApiKeyApi',
				resource: 'custom',
				operation: 'get',
				customResource: rl('res.partner'),
				recordId: rl('={{ $json.id }}'),
				options: { fieldsList: ODOO_PARTNER_FIELDS },
			},
			{ ...CONTINUE, credentials: credential('odooApiKeyApi') },
		);
		const map = mapper(wf, row.map, [1320, row.y], row.entity, row.mapping);
		const write = upsert(wf, row.write, [1540, row.y], row.entity);
		const count = countResults(
			wf,
			`${id}/${row.count}`,
			row.count,
			[1760, row.y],
			row.entity,
			row.fetch,
		);
		wf.connect(isDelete, fetch, 1);
		wf.chain(fetch, map, write, count, respond);
	}
	return wf.build();
}

/**
 * The delete branch of a real-time CRM -> Daktela row: "Delete <entity>?" on the request's event,
 * then Daktela Delete of the sync's own records and the counts, answered like the writes. Returns
 * the If: its false output (1) goes on to the CRM's "get by id".
 */
function deleteRow(
	wf: WorkflowBuilder,
	id: string,
	row: { y: number; output: number; entity: 'account' | 'contact' },
	isAccount: string,
	respond: string,
	deleteEvent: string,
): string {
	const isDelete = add(
		wf,
		'if',
		`Delete ${row.entity}?`,
		[1100, row.y + 460],
		allTrue(`${id}/delete-${row.entity}`, [deleteEvent]),
	);
	const remove = daktelaDelete(
		wf,
		`Daktela: delete ${row.entity}`,
		[1320, row.y + 460],
		row.entity,
		row.entity === 'account' ? 'crm_account_' : 'crm_person_',
	);
	const counted = countDeletions(wf, `${id}/count-deleted-${row.entity}`, row.entity, [
		1540,
		row.y + 460,
	]);
	wf.connect(isAccount, isDelete, row.output);
	wf.connect(isDelete, remove, 0);
	wf.chain(remove, counted, respond);
	return isDelete;
}

/** The request's `event`: "delete" (or Odoo's "unlink") removes the records from Daktela. */
const DELETE_EVENT =
	"={{ ['delete', 'unlink'].includes(String($('Odoo webhook').first().json.body?.event ?? '').trim().toLowerCase()) }}";

function odooRealtimeDeleteNote(wf: WorkflowBuilder): void {
	wf.sticky(
		`### Deleted in Odoo
Add \`"event": "delete"\` to the request (an Odoo automated action *On deletion* or *On archive*) and the ids' Daktela records are **deleted** instead of loaded and written: only records this sync created (\`crm_account_…\`, \`crm_person_…\`), an id Daktela does not know counts as done, and a request that would delete more than ${DELETE_LIMITS.maxRecords} records or ${DELETE_LIMITS.maxPercent}% of them deletes nothing (207 with the reason). Answer: \`{total, deleted, unchanged, failed, errors}\`. To keep the records, set *Remove As* to **Archive**.`,
		[1040, 300],
		{ width: 700, height: 170 },
		2,
	);
}

function countDeletions(
	wf: WorkflowBuilder,
	seed: string,
	entity: 'account' | 'contact',
	position: [number, number],
): string {
	const count = (action: string) =>
		`={{ $input.all().filter(item => item.json.sync?.action === '${action}').length }}`;
	return add(
		wf,
		'set',
		`Count ${entity} deletions`,
		position,
		assignments(seed, [
			['entity_type', 'string', entity],
			['event', 'string', 'delete'],
			['total', 'number', "={{ $('Read the request').first().json.ids.length }}"],
			['created', 'number', '={{ 0 }}'],
			['updated', 'number', '={{ 0 }}'],
			['deleted', 'number', count('deleted')],
			['unchanged', 'number', count('unchanged')],
			[
				'failed',
				'number',
				"={{ $input.all().filter(item => !['deleted', 'unchanged'].includes(item.json.sync?.action)).length }}",
			],
			[
				'errors',
				'array',
				"={{ $input.all().map((item, i) => ({ id: $('One item per id').all()[i]?.json.id ?? null, name: item.json.sync?.name || null, error: item.json.sync?.error ?? item.json.error ?? null })).filter(e => e.error) }}",
			],
		]),
		{ executeOnce: true },
	);
}

function hubspotRealtimeCrmToDaktela(): TemplateWorkflow {
	const id = 'dktHubspotRealtimeDkt';
	const path = 'hubspot-to-daktela';
	const wf = new WorkflowBuilder(id, 'HubSpot → Daktela: companies and contacts in real time');
	realtimeCrmNotes(
		wf,
		'HubSpot',
		path,
		"Here: HubSpot's CRM API *get a company / contact* by the id (HTTP Request with the HubSpot credential). In HubSpot, a workflow's *Send a webhook* action can send the request.",
	);
	const { isAccount } = requestNodes(wf, id, path, 'HubSpot');
	const rows = [
		{
			y: -20,
			output: 0,
			entity: 'account' as const,
			object: 'companies' as const,
			fetch: 'HubSpot: get company',
			map: 'Map company to Daktela account',
			mapping: HUBSPOT_COMPANY_TO_ACCOUNT,
			write: 'Daktela: create or update account',
			count: 'Count account results',
		},
		{
			y: 180,
			output: 1,
			entity: 'contact' as const,
			object: 'contacts' as const,
			fetch: 'HubSpot: get contact',
			map: 'Map contact to Daktela contact',
			mapping: HUBSPOT_CONTACT_TO_CONTACT,
			write: 'Daktela: create or update contact',
			count: 'Count contact results',
		},
	];
	const respond = answer(wf, [2000, 80]);
	hubspotRealtimeDeleteNote(wf);
	for (const row of rows) {
		// "Valid request?" let only numeric ids through, so the id is safe in the URL.
		const fetch = hubspotRequest(
			wf,
			row.fetch,
			[1100, row.y],
			{
				method: 'GET',
				url: `=${HUBSPOT_API}/${row.object}/{{ $json.id }}?properties=${HUBSPOT_PROPERTIES[row.object].join(',')}`,
				// HubSpot's answer as the item also on an error (404 "Object not found." ...), so
				// the counts below can report HubSpot's own message for that id.
				options: { response: { response: { neverError: true } } },
			},
			CONTINUE,
		);
		const map = mapper(wf, row.map, [1320, row.y], row.entity, row.mapping);
		const write = upsert(wf, row.write, [1540, row.y], row.entity);
		const count = countResults(
			wf,
			`${id}/${row.count}`,
			row.count,
			[1760, row.y],
			row.entity,
			row.fetch,
			`($('${row.fetch}').all()[i]?.json.status === 'error' ? $('${row.fetch}').all()[i].json.category + ': ' + $('${row.fetch}').all()[i].json.message : null)`,
		);
		const isDelete = deleteRow(wf, id, row, isAccount, respond, HUBSPOT_DELETE_EVENT);
		wf.connect(isDelete, fetch, 1);
		wf.chain(fetch, map, write, count, respond);
	}
	return wf.build();
}

/**
 * The request's `event`: "delete", or the name of HubSpot's own deletion event
 * (`contact.deletion`, `company.deletion`, `contact.privacyDeletion`), removes the records.
 */
const HUBSPOT_DELETE_EVENT =
	"={{ ['delete', 'contact.deletion', 'company.deletion', 'contact.privacydeletion'].includes(String($('HubSpot webhook').first().json.body?.event ?? '').trim().toLowerCase()) }}";

function hubspotRealtimeDeleteNote(wf: WorkflowBuilder): void {
	wf.sticky(
		`### Deleted in HubSpot
Add \`"event": "delete"\` to the request (or HubSpot's event name: \`contact.deletion\`, \`company.deletion\`, \`contact.privacyDeletion\`) and the ids' Daktela records are **deleted** instead of loaded and written: only records this sync created (\`crm_account_…\`, \`crm_person_…\`), an id Daktela does not know counts as done, and a request that would delete more than ${DELETE_LIMITS.maxRecords} records or ${DELETE_LIMITS.maxPercent}% of them deletes nothing (207 with the reason). Answer: \`{total, deleted, unchanged, failed, errors}\`. A HubSpot workflow cannot start on a deletion and HubSpot's app webhooks are signed, not sent with this secret header: forward them (\`objectId\`, \`subscriptionType\`) as this body. To keep the records, set *Remove As* to **Archive**.`,
		[1040, 300],
		{ width: 700, height: 190 },
		2,
	);
}

// ---------------------------------------------------------------------------------------------

export function buildTemplates(): Record<string, TemplateWorkflow> {
	return {
		'hubspot-batch-crm-to-daktela.json': hubspotBatchCrmToDaktela(),
		'hubspot-batch-crm-to-daktela-scaled.json': hubspotBatchCrmToDaktela(true),
		'hubspot-batch-activities-to-crm.json': hubspotBatchActivitiesToCrm(),
		'hubspot-realtime-daktela-to-crm.json': hubspotRealtimeDaktelaToCrm(),
		'hubspot-realtime-crm-to-daktela.json': hubspotRealtimeCrmToDaktela(),
		'odoo-batch-crm-to-daktela.json': odooBatchCrmToDaktela(),
		'odoo-batch-crm-to-daktela-scaled.json': odooBatchCrmToDaktela(true),
		'odoo-batch-activities-to-crm.json': odooBatchActivitiesToCrm(),
		'odoo-realtime-daktela-to-crm.json': odooRealtimeDaktelaToCrm(),
		'odoo-realtime-crm-to-daktela.json': odooRealtimeCrmToDaktela(),
	};
}

export function writeTemplates(dir = TEMPLATES_DIR): string[] {
	fs.mkdirSync(dir, { recursive: true });
	const written: string[] = [];
	for (const [file, workflow] of Object.entries(buildTemplates())) {
		fs.writeFileSync(path.join(dir, file), `${JSON.stringify(workflow, null, '\t')}\n`);
		written.push(file);
	}
	return written;
}

if (require.main === module) {
	for (const file of writeTemplates()) process.stdout.write(`workflows-templates/${file}\n`);
}
