/**
 * Sandbox CRM: an in-memory Odoo that speaks the three external APIs n8n's own Odoo node uses
 * (n8n-nodes-base 2.41.1, nodes/Odoo):
 *
 *  - `POST /jsonrpc` (Odoo <= 18, node v1 and v2 with "Username & Password"):
 *      service `common`: `login`, `authenticate`, `version`;
 *      service `object`: `execute` (positional args) and `execute_kw` (args + kwargs).
 *  - `POST /json/2/<model>/<method>` (Odoo 19+, node v2 with "API Key"): flat kwargs body,
 *      `Authorization: bearer <key>`, `X-Odoo-Database`; errors as HTTP 4xx/5xx.
 *  - `POST /web/session/authenticate` + `/web/dataset/call_kw[/...]` (session cookie), which
 *      scripts and some HTTP Request based workflows use.
 *
 * Model methods: search_read, search, search_count, read, create, write, unlink, fields_get,
 * default_get, name_search, check_access_rights. Domains in Odoo's prefix notation (`&`, `|`, `!`)
 * with =, !=, >, >=, <, <=, like, ilike, not like, not ilike, =like, =ilike, in, not in, child_of.
 * Records with `active = false` are hidden unless the domain mentions `active`, as in Odoo.
 * Datetimes are Odoo's UTC "YYYY-MM-DD HH:MM:SS"; `write_date` / `create_date` are stamped by the
 * server. A datetime compared in a domain may also be ISO 8601: like PostgreSQL's `timestamp
 * without time zone`, any offset in it is ignored (so send UTC).
 *
 * Models with a schema (unknown fields are rejected, like Odoo's "Invalid field"): res.partner,
 * mail.activity, mail.activity.type, mail.message, crm.lead, note.note, ir.model, res.users.
 * Any other model name works as a schemaless custom model (the node's "Custom Resource").
 *
 * Test knobs: request counters, `failRecord(...)` to make writes of chosen records fail with an
 * Odoo ValidationError, an injectable clock, direct access to the store.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Schema

type FieldType =
	| 'char'
	| 'text'
	| 'html'
	| 'boolean'
	| 'integer'
	| 'float'
	| 'date'
	| 'datetime'
	| 'selection'
	| 'many2one'
	| 'one2many'
	| 'many2many';

interface FieldDef {
	type: FieldType;
	string: string;
	required?: boolean;
	readonly?: boolean;
	relation?: string;
	selection?: Array<[string, string]>;
	/** one2many: the many2one field on `relation` pointing back. */
	inverse?: string;
	default?: unknown;
	/** Computed on read from the record (not stored, not writable). */
	compute?: (record: OdooRecord, store: OdooStore) => unknown;
}

type ModelSchema = Record<string, FieldDef>;

export type OdooValue = string | number | boolean | null | number[] | OdooValue[] | undefined;
export interface OdooRecord {
	id: number;
	/** Odoo UTC "YYYY-MM-DD HH:MM:SS", stamped by the sandbox. */
	write_date?: unknown;
	create_date?: unknown;
	[field: string]: unknown;
}

const COMMON: ModelSchema = {
	id: { type: 'integer', string: 'ID', readonly: true },
	display_name: {
		type: 'char',
		string: 'Display Name',
		readonly: true,
		compute: (r) => (typeof r.name === 'string' ? r.name : `${r.id}`),
	},
	create_date: { type: 'datetime', string: 'Created on', readonly: true },
	write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
	create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', readonly: true },
	write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', readonly: true },
};

function partnerDisplayName(record: OdooRecord, store: OdooStore): string {
	const name = typeof record.name === 'string' ? record.name : '';
	const parentId = record.parent_id;
	if (typeof parentId === 'number' && !record.is_company) {
		const parent = store.peek('res.partner', parentId);
		if (parent && typeof parent.name === 'string')
			return name ? `${parent.name}, ${name}` : parent.name;
	}
	return name;
}

const SCHEMAS: Record<string, ModelSchema> = {
	'res.partner': {
		...COMMON,
		display_name: {
			type: 'char',
			string: 'Display Name',
			readonly: true,
			compute: partnerDisplayName,
		},
		complete_name: {
			type: 'char',
			string: 'Complete Name',
			readonly: true,
			compute: partnerDisplayName,
		},
		name: { type: 'char', string: 'Name' },
		is_company: { type: 'boolean', string: 'Is a Company', default: false },
		company_type: {
			type: 'selection',
			string: 'Company Type',
			selection: [
				['person', 'Individual'],
				['company', 'Company'],
			],
			readonly: true,
			compute: (r) => (r.is_company ? 'company' : 'person'),
		},
		parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
		child_ids: {
			type: 'one2many',
			string: 'Contact',
			relation: 'res.partner',
			inverse: 'parent_id',
		},
		commercial_company_name: {
			type: 'char',
			string: 'Company Name Entity',
			readonly: true,
			compute: (r, s) => {
				if (r.is_company) return r.name ?? false;
				const parent =
					typeof r.parent_id === 'number' ? s.peek('res.partner', r.parent_id) : undefined;
				return parent?.name ?? false;
			},
		},
		company_name: { type: 'char', string: 'Company Name' },
		type: {
			type: 'selection',
			string: 'Address Type',
			selection: [
				['contact', 'Contact'],
				['invoice', 'Invoice Address'],
				['delivery', 'Delivery Address'],
				['other', 'Other Address'],
			],
			default: 'contact',
		},
		function: { type: 'char', string: 'Job Position' },
		email: { type: 'char', string: 'Email' },
		phone: { type: 'char', string: 'Phone' },
		mobile: { type: 'char', string: 'Mobile' },
		website: { type: 'char', string: 'Website Link' },
		vat: { type: 'char', string: 'Tax ID' },
		ref: { type: 'char', string: 'Reference' },
		street: { type: 'char', string: 'Street' },
		street2: { type: 'char', string: 'Street2' },
		city: { type: 'char', string: 'City' },
		zip: { type: 'char', string: 'Zip' },
		country_code: { type: 'char', string: 'Country Code' },
		lang: { type: 'char', string: 'Language', default: 'en_US' },
		comment: { type: 'html', string: 'Notes' },
		active: { type: 'boolean', string: 'Active', default: true },
		user_id: { type: 'many2one', string: 'Salesperson', relation: 'res.users' },
	},
	'mail.activity.type': {
		...COMMON,
		name: { type: 'char', string: 'Name', required: true },
		category: {
			type: 'selection',
			string: 'Action',
			selection: [
				['default', 'None'],
				['phonecall', 'Phonecall'],
				['meeting', 'Meeting'],
				['upload_file', 'Upload Document'],
			],
			default: 'default',
		},
		active: { type: 'boolean', string: 'Active', default: true },
	},
	'mail.activity': {
		...COMMON,
		display_name: {
			type: 'char',
			string: 'Display Name',
			readonly: true,
			compute: (r) => (typeof r.summary === 'string' && r.summary ? r.summary : `Activity ${r.id}`),
		},
		res_model_id: {
			type: 'many2one',
			string: 'Document Model',
			relation: 'ir.model',
			required: true,
		},
		res_model: {
			type: 'char',
			string: 'Related Document Model',
			readonly: true,
			compute: (r, s) =>
				typeof r.res_model_id === 'number'
					? (s.peek('ir.model', r.res_model_id)?.model ?? false)
					: false,
		},
		res_id: { type: 'integer', string: 'Related Document ID', required: true },
		res_name: {
			type: 'char',
			string: 'Document Name',
			readonly: true,
			compute: (r, s) => {
				const model =
					typeof r.res_model_id === 'number'
						? s.peek('ir.model', r.res_model_id)?.model
						: undefined;
				if (typeof model !== 'string' || typeof r.res_id !== 'number') return false;
				const target = s.peek(model, r.res_id);
				return target ? s.displayName(model, target) : false;
			},
		},
		activity_type_id: { type: 'many2one', string: 'Activity Type', relation: 'mail.activity.type' },
		summary: { type: 'char', string: 'Summary' },
		note: { type: 'html', string: 'Note' },
		date_deadline: { type: 'date', string: 'Due Date', required: true },
		date_done: { type: 'date', string: 'Done Date' },
		user_id: { type: 'many2one', string: 'Assigned to', relation: 'res.users' },
		state: {
			type: 'selection',
			string: 'State',
			selection: [
				['overdue', 'Overdue'],
				['today', 'Today'],
				['planned', 'Planned'],
				['done', 'Done'],
			],
			readonly: true,
			compute: () => 'planned',
		},
		active: { type: 'boolean', string: 'Active', default: true },
	},
	'mail.message': {
		...COMMON,
		model: { type: 'char', string: 'Related Document Model' },
		res_id: { type: 'integer', string: 'Related Document ID' },
		body: { type: 'html', string: 'Contents' },
		subject: { type: 'char', string: 'Subject' },
		message_type: {
			type: 'selection',
			string: 'Type',
			selection: [
				['email', 'Email'],
				['comment', 'Comment'],
				['notification', 'System notification'],
			],
			default: 'comment',
		},
		date: { type: 'datetime', string: 'Date' },
		author_id: { type: 'many2one', string: 'Author', relation: 'res.partner' },
	},
	'crm.lead': {
		...COMMON,
		name: { type: 'char', string: 'Opportunity', required: true },
		partner_id: { type: 'many2one', string: 'Customer', relation: 'res.partner' },
		email_from: { type: 'char', string: 'Email' },
		phone: { type: 'char', string: 'Phone' },
		expected_revenue: { type: 'float', string: 'Expected Revenue', default: 0 },
		probability: { type: 'float', string: 'Probability', default: 10 },
		type: {
			type: 'selection',
			string: 'Type',
			selection: [
				['lead', 'Lead'],
				['opportunity', 'Opportunity'],
			],
			default: 'opportunity',
		},
		description: { type: 'html', string: 'Notes' },
		active: { type: 'boolean', string: 'Active', default: true },
	},
	'note.note': {
		...COMMON,
		name: { type: 'char', string: 'Note Summary' },
		memo: { type: 'html', string: 'Note Content' },
	},
	'ir.model': {
		...COMMON,
		name: { type: 'char', string: 'Model Description', required: true },
		model: { type: 'char', string: 'Model', required: true },
	},
	'res.users': {
		...COMMON,
		name: { type: 'char', string: 'Name', required: true },
		login: { type: 'char', string: 'Login', required: true },
		email: { type: 'char', string: 'Email' },
		active: { type: 'boolean', string: 'Active', default: true },
	},
};

const DEFAULT_ORDER: Record<string, string> = {
	'res.partner': 'complete_name asc, id desc',
	'mail.activity': 'date_deadline asc, id asc',
	'mail.message': 'id desc',
	'crm.lead': 'priority desc, id desc',
};

// ---------------------------------------------------------------------------------------------
// Errors (shaped like Odoo's)

export class OdooError extends Error {
	constructor(
		/** Python exception name, e.g. odoo.exceptions.ValidationError */
		readonly odooName: string,
		message: string,
		/** HTTP status for /json/2 */
		readonly httpStatus: number,
	) {
		super(message);
	}
}

const validationError = (message: string) =>
	new OdooError('odoo.exceptions.ValidationError', message, 422);
const missingError = (model: string, ids: number[]) =>
	new OdooError(
		'odoo.exceptions.MissingError',
		`Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')}), User: 2)`,
		404,
	);
const valueError = (message: string) => new OdooError('builtins.ValueError', message, 422);
const accessDenied = () => new OdooError('odoo.exceptions.AccessDenied', 'Access Denied', 401);

// ---------------------------------------------------------------------------------------------
// Store

export type Domain = unknown[];

export interface FailureRule {
	model?: string;
	/** Record id (write / unlink / and create when the created id would be this). */
	id?: number;
	/** Any predicate over the write: create has no id; vals are the values sent. */
	match?: (write: {
		model: string;
		method: string;
		id?: number;
		vals?: Record<string, unknown>;
	}) => boolean;
	message?: string;
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** Odoo's datetime format (UTC, seconds). */
export function odooDatetime(date: Date): string {
	return (
		`${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
		`${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
	);
}

/**
 * A datetime value as PostgreSQL's `timestamp without time zone` reads it: "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS[.fff]]" or ISO with "T"; a trailing offset / Z is ignored.
 */
function normaliseDatetime(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const m =
		/^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
			value.trim(),
		);
	if (!m) return undefined;
	return `${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
}

function likeToRegExp(pattern: string, wrap: boolean, flags: string): RegExp {
	let source = '';
	for (const ch of pattern) {
		if (ch === '%') source += '.*';
		else if (ch === '_') source += '.';
		else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(wrap ? `^.*${source}.*$` : `^${source}$`, `s${flags}`);
}

export class OdooStore {
	private readonly tables = new Map<string, Map<number, OdooRecord>>();
	private readonly nextIds = new Map<string, number>();
	readonly failures: FailureRule[] = [];

	constructor(private readonly clock: () => Date) {}

	schema(model: string): ModelSchema | undefined {
		return SCHEMAS[model];
	}

	models(): string[] {
		return [...new Set([...Object.keys(SCHEMAS), ...this.tables.keys()])].sort();
	}

	private table(model: string): Map<number, OdooRecord> {
		let table = this.tables.get(model);
		if (!table) {
			table = new Map();
			this.tables.set(model, table);
		}
		return table;
	}

	/** The stored record (raw: many2one as id), or undefined. Does not count as a request. */
	peek(model: string, id: number): OdooRecord | undefined {
		return this.tables.get(model)?.get(id);
	}

	/** All stored records of a model (raw, including archived), by id ascending. */
	all(model: string): OdooRecord[] {
		return [...(this.tables.get(model)?.values() ?? [])].sort((a, b) => a.id - b.id);
	}

	displayName(model: string, record: OdooRecord): string {
		const def = this.schema(model)?.display_name;
		if (def?.compute) return String(def.compute(record, this));
		return typeof record.name === 'string' ? record.name : `${model},${record.id}`;
	}

	now(): string {
		return odooDatetime(this.clock());
	}

	/** Sets write_date directly (tests that need records "changed before / after" a cursor). */
	setWriteDate(model: string, id: number, when: Date | string): void {
		const record = this.peek(model, id);
		if (!record) throw missingError(model, [id]);
		record.write_date =
			typeof when === 'string' ? (normaliseDatetime(when) ?? when) : odooDatetime(when);
	}

	private checkFailure(
		model: string,
		method: string,
		id: number | undefined,
		vals?: Record<string, unknown>,
	) {
		for (const rule of this.failures) {
			if (rule.model !== undefined && rule.model !== model) continue;
			if (rule.id !== undefined && rule.id !== id) continue;
			if (rule.match && !rule.match({ model, method, id, vals })) continue;
			throw validationError(
				rule.message ?? `Sandbox: writing ${model}(${id ?? 'new'}) is set to fail`,
			);
		}
	}

	private coerce(model: string, field: string, def: FieldDef | undefined, value: unknown): unknown {
		if (!def) return value;
		if (value === null || value === undefined) return false;
		switch (def.type) {
			case 'many2one': {
				if (value === false || value === 0 || value === '') return false;
				const id = Array.isArray(value) ? Number(value[0]) : Number(value);
				if (!Number.isInteger(id))
					throw valueError(`Wrong value for ${model}.${field}: ${JSON.stringify(value)}`);
				if (def.relation && SCHEMAS[def.relation] && !this.peek(def.relation, id)) {
					throw missingError(def.relation, [id]);
				}
				return id;
			}
			case 'boolean':
				return Boolean(value);
			case 'integer': {
				if (value === false) return 0;
				const n = Number(value);
				if (!Number.isFinite(n))
					throw valueError(`invalid input syntax for type integer: "${String(value)}"`);
				return Math.trunc(n);
			}
			case 'float': {
				if (value === false) return 0;
				const n = Number(value);
				if (!Number.isFinite(n))
					throw valueError(`invalid input syntax for type double: "${String(value)}"`);
				return n;
			}
			case 'datetime': {
				if (value === false) return false;
				// Odoo's Datetime.to_datetime accepts only its own format (or a date).
				if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value)) {
					throw valueError(
						`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d %H:%M:%S'`,
					);
				}
				return value.length === 10 ? `${value} 00:00:00` : value;
			}
			case 'date': {
				if (value === false) return false;
				if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
					throw valueError(`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d'`);
				}
				return value.slice(0, 10);
			}
			case 'selection': {
				if (value === false) return false;
				if (def.selection && !def.selection.some(([key]) => key === value)) {
					throw valueError(`Wrong value for ${model}.${field}: '${String(value)}'`);
				}
				return value;
			}
			case 'one2many':
			case 'many2many':
				return Array.isArray(value) ? value : [];
			default:
				if (value === false) return false;
				return typeof value === 'object' ? JSON.stringify(value) : String(value);
		}
	}

	private applyVals(
		model: string,
		record: OdooRecord,
		vals: Record<string, unknown>,
		creating: boolean,
	) {
		const schema = this.schema(model);
		for (const [field, value] of Object.entries(vals)) {
			if (field === 'id') continue;
			const def = schema?.[field];
			if (schema && !def) throw valueError(`Invalid field '${field}' on model '${model}'`);
			if (def?.compute || (def?.readonly && !creating)) continue; // Odoo ignores these
			if (def?.type === 'one2many') continue;
			record[field] = this.coerce(model, field, def, value);
		}
	}

	create(model: string, vals: Record<string, unknown>): number {
		if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
			throw valueError(`create() of ${model} expects a dict of values`);
		}
		const table = this.table(model);
		const id = this.nextIds.get(model) ?? 1;
		this.checkFailure(model, 'create', id, vals);
		const now = this.now();
		const record: OdooRecord = { id };
		const schema = this.schema(model);
		for (const [field, def] of Object.entries(schema ?? {})) {
			if (def.compute || def.type === 'one2many' || field in COMMON) continue;
			record[field] = def.default ?? (def.type === 'many2many' ? [] : false);
		}
		if (model === 'mail.activity' && record.date_deadline === false)
			record.date_deadline = now.slice(0, 10);
		this.applyVals(model, record, vals, true);
		if (model === 'res.partner' && (typeof record.name !== 'string' || record.name.trim() === '')) {
			if (!(record.type !== 'contact' && record.parent_id)) {
				throw validationError('Contacts require a name');
			}
		}
		for (const [field, def] of Object.entries(schema ?? {})) {
			if (
				def.required &&
				!def.compute &&
				(record[field] === false || record[field] === undefined)
			) {
				throw validationError(
					`The operation cannot be completed: Missing required field '${field}' on ${model}`,
				);
			}
		}
		record.create_date = typeof vals.create_date === 'string' ? vals.create_date : now;
		record.write_date = typeof vals.write_date === 'string' ? vals.write_date : now;
		record.create_uid = 2;
		record.write_uid = 2;
		table.set(id, record);
		this.nextIds.set(model, id + 1);
		return id;
	}

	private existing(model: string, ids: unknown): OdooRecord[] {
		const list = (Array.isArray(ids) ? ids : [ids]).map(Number);
		const table = this.tables.get(model);
		const missing = list.filter((id) => !table?.has(id));
		if (missing.length) throw missingError(model, missing);
		return list.map((id) => table!.get(id)!);
	}

	write(model: string, ids: unknown, vals: Record<string, unknown>): true {
		if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
			throw valueError(`write() of ${model} expects a dict of values`);
		}
		const records = this.existing(model, ids);
		for (const record of records) this.checkFailure(model, 'write', record.id, vals);
		const now = this.now();
		for (const record of records) {
			// Apply on a copy first so a bad value leaves the record untouched.
			const next = { ...record };
			this.applyVals(model, next, vals, false);
			next.write_date = now;
			next.write_uid = 2;
			Object.assign(record, next);
		}
		return true;
	}

	unlink(model: string, ids: unknown): true {
		const records = this.existing(model, ids);
		for (const record of records) this.checkFailure(model, 'unlink', record.id);
		for (const record of records) this.tables.get(model)!.delete(record.id);
		return true;
	}

	/** Odoo's read(): many2one as [id, display_name], computed fields included. */
	present(model: string, record: OdooRecord, fields?: string[]): Record<string, unknown> {
		const schema = this.schema(model);
		const names =
			fields && fields.length > 0 ? fields : schema ? Object.keys(schema) : Object.keys(record);
		const out: Record<string, unknown> = { id: record.id };
		for (const field of names) {
			if (field === 'id') continue;
			const def = schema?.[field];
			if (schema && !def) throw valueError(`Invalid field '${field}' on model '${model}'`);
			if (def?.compute) {
				out[field] = def.compute(record, this);
			} else if (def?.type === 'one2many' && def.relation && def.inverse) {
				out[field] = this.all(def.relation)
					.filter((r) => r[def.inverse!] === record.id && r.active !== false)
					.map((r) => r.id);
			} else if (def?.type === 'many2one') {
				const id = record[field];
				if (typeof id === 'number') {
					const target = def.relation ? this.peek(def.relation, id) : undefined;
					out[field] = [
						id,
						target && def.relation ? this.displayName(def.relation, target) : `${id}`,
					];
				} else {
					out[field] = false;
				}
			} else {
				const value = record[field];
				out[field] = value === undefined || value === null ? false : value;
			}
		}
		return out;
	}

	read(model: string, ids: unknown, fields?: string[]): Array<Record<string, unknown>> {
		return this.existing(model, ids).map((record) => this.present(model, record, fields));
	}

	/** Ids matching a domain, ordered and paged like Odoo's search(). */
	search(
		model: string,
		domain: Domain = [],
		options: { offset?: number; limit?: number | false | null; order?: string } = {},
	): number[] {
		const records = this.all(model);
		const schema = this.schema(model);
		const mentionsActive = JSON.stringify(domain ?? []).includes('"active"');
		const activeTest = schema?.active !== undefined && !mentionsActive;
		const matched = records.filter(
			(record) =>
				(!activeTest || record.active !== false) && this.matches(model, record, domain ?? []),
		);
		const order = (options.order || DEFAULT_ORDER[model] || 'id asc')
			.split(',')
			.map((part) => part.trim().split(/\s+/))
			.filter(([field]) => field);
		matched.sort((a, b) => {
			for (const [field, dir] of order) {
				const av = this.sortValue(model, a, field);
				const bv = this.sortValue(model, b, field);
				if (av === bv) continue;
				const cmp = av < bv ? -1 : 1;
				return (dir ?? 'asc').toLowerCase() === 'desc' ? -cmp : cmp;
			}
			return 0;
		});
		const offset = Number(options.offset ?? 0) || 0;
		const limit = options.limit ? Number(options.limit) : undefined;
		return matched.slice(offset, limit === undefined ? undefined : offset + limit).map((r) => r.id);
	}

	private sortValue(model: string, record: OdooRecord, field: string): string | number {
		const def = this.schema(model)?.[field];
		let value: unknown = def?.compute ? def.compute(record, this) : record[field];
		if (value === false || value === undefined || value === null) value = '';
		if (typeof value === 'boolean') return value ? 1 : 0;
		return typeof value === 'number' ? value : String(value).toLowerCase();
	}

	private fieldValue(model: string, record: OdooRecord, path: string): unknown {
		const [field, ...rest] = path.split('.');
		const def = this.schema(model)?.[field];
		let value: unknown;
		if (field === 'id') value = record.id;
		else if (def?.compute) value = def.compute(record, this);
		else if (def?.type === 'one2many' && def.relation && def.inverse) {
			value = this.all(def.relation)
				.filter((r) => r[def.inverse!] === record.id)
				.map((r) => r.id);
		} else value = record[field];
		if (rest.length && def?.relation && typeof value === 'number') {
			const target = this.peek(def.relation, value);
			return target ? this.fieldValue(def.relation, target, rest.join('.')) : false;
		}
		return value === undefined ? false : value;
	}

	matches(model: string, record: OdooRecord, domain: Domain): boolean {
		if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
		// Prefix notation: evaluate right to left with a stack; implicit '&' between leaves.
		const stack: boolean[] = [];
		for (let i = domain.length - 1; i >= 0; i--) {
			const token = domain[i];
			if (token === '&' || token === '|') {
				const a = stack.pop();
				const b = stack.pop();
				if (a === undefined || b === undefined)
					throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
				stack.push(token === '&' ? a && b : a || b);
			} else if (token === '!') {
				const a = stack.pop();
				if (a === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
				stack.push(!a);
			} else if (Array.isArray(token) && token.length === 3) {
				stack.push(this.leaf(model, record, token as [string, string, unknown]));
			} else {
				throw valueError(`Invalid leaf ${JSON.stringify(token)}`);
			}
		}
		return stack.every(Boolean);
	}

	private leaf(
		model: string,
		record: OdooRecord,
		[path, rawOperator, target]: [string, string, unknown],
	) {
		// Odoo's TRUE_LEAF / FALSE_LEAF: (1, '=', 1) and (0, '=', 1).
		if (typeof path === 'number') return path === target;
		const operator = String(rawOperator).toLowerCase();
		const schema = this.schema(model);
		const [head] = String(path).split('.');
		const def = schema?.[head];
		if (schema && !def && head !== 'id')
			throw valueError(
				`Invalid field ${model}.${head} in leaf ${JSON.stringify([path, rawOperator, target])}`,
			);
		const value = this.fieldValue(model, record, String(path));
		const isDatetime = def?.type === 'datetime' && !String(path).includes('.');
		const norm = (v: unknown) => {
			if (isDatetime && typeof v === 'string') return normaliseDatetime(v) ?? v;
			if (Array.isArray(v) && def?.type === 'many2one' && v.length === 2) return v[0];
			return v;
		};
		const left = norm(value);
		const right = norm(target);
		const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
		switch (operator) {
			case '=':
			case '==':
				if (right === false || right === null)
					return left === false || left === null || left === '';
				if (Array.isArray(left)) return left.includes(right as never);
				return left === right || (typeof left === 'number' && left === Number(right));
			case '!=':
			case '<>':
				if (right === false || right === null)
					return !(left === false || left === null || left === '');
				if (Array.isArray(left)) return !left.includes(right as never);
				return !(left === right || (typeof left === 'number' && left === Number(right)));
			case '>':
			case '>=':
			case '<':
			case '<=': {
				if (left === false || left === null) return false; // SQL NULL compares false
				const a = typeof left === 'number' ? left : String(left);
				const b = typeof left === 'number' ? Number(right) : String(right);
				if (operator === '>') return a > b;
				if (operator === '>=') return a >= b;
				if (operator === '<') return a < b;
				return a <= b;
			}
			case 'in':
				if (Array.isArray(left)) return list(right).some((v) => left.includes(v as never));
				return list(right).some(
					(v) => v === left || (v === false && (left === false || left === '')),
				);
			case 'not in':
				if (Array.isArray(left)) return !list(right).some((v) => left.includes(v as never));
				return !list(right).some((v) => v === left);
			case 'like':
			case 'ilike':
			case 'not like':
			case 'not ilike':
			case '=like':
			case '=ilike': {
				const wrap = !operator.startsWith('=');
				const insensitive = operator.includes('ilike');
				const text =
					def?.type === 'many2one' && typeof left === 'number' && def.relation
						? this.displayName(def.relation, this.peek(def.relation, left) ?? { id: left })
						: left === false || left === null
							? ''
							: String(left);
				const hit = likeToRegExp(String(right), wrap, insensitive ? 'i' : '').test(text);
				if (operator.startsWith('not')) return !hit;
				return left === false || left === null ? false : hit;
			}
			case 'child_of':
			case 'parent_of': {
				// Hierarchy on parent_id (res.partner): record is target or below it.
				const roots = new Set(list(right).map(Number));
				let cursor: OdooRecord | undefined = record;
				const seen = new Set<number>();
				while (cursor && !seen.has(cursor.id)) {
					if (roots.has(cursor.id)) return true;
					seen.add(cursor.id);
					cursor =
						typeof cursor.parent_id === 'number' ? this.peek(model, cursor.parent_id) : undefined;
				}
				return false;
			}
			default:
				throw valueError(`Invalid domain operator ${JSON.stringify(rawOperator)}`);
		}
	}

	fieldsGet(model: string, attributes?: string[]): Record<string, Record<string, unknown>> {
		const schema = this.schema(model);
		const out: Record<string, Record<string, unknown>> = {};
		const entries: Array<[string, FieldDef]> = schema
			? Object.entries(schema)
			: [
					['id', { type: 'integer', string: 'ID', readonly: true }],
					...[...new Set(this.all(model).flatMap((r) => Object.keys(r)))]
						.filter((k) => k !== 'id')
						.map((k): [string, FieldDef] => [k, { type: 'char', string: k }]),
				];
		for (const [name, def] of entries) {
			const full: Record<string, unknown> = {
				name,
				type: def.type,
				string: def.string,
				help: '',
				required: Boolean(def.required),
				readonly: Boolean(def.readonly || def.compute),
				store: !def.compute,
				searchable: true,
				sortable: !def.compute || name === 'display_name',
			};
			if (def.relation) full.relation = def.relation;
			if (def.selection) full.selection = def.selection;
			out[name] =
				attributes && attributes.length
					? Object.fromEntries(Object.entries(full).filter(([k]) => attributes.includes(k)))
					: full;
		}
		return out;
	}
}

// ---------------------------------------------------------------------------------------------
// Model method dispatch (shared by /jsonrpc, /json/2 and /web/dataset/call_kw)

export interface Counters {
	/** Every HTTP request. */
	requests: number;
	/** `<model>.<method>` -> calls (after authentication). */
	calls: Record<string, number>;
	/** create + write + unlink calls that succeeded. */
	writes: number;
	/** Successful logins (common.login / authenticate / session). */
	logins: number;
	/** Requests answered with an error. */
	errors: number;
}

function asObject(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

function callMethod(
	store: OdooStore,
	model: string,
	method: string,
	args: unknown[],
	kwargs: Record<string, unknown>,
	counters: Counters,
): unknown {
	counters.calls[`${model}.${method}`] = (counters.calls[`${model}.${method}`] ?? 0) + 1;
	const arg = (i: number, name: string, fallback?: unknown) =>
		name in kwargs ? kwargs[name] : args.length > i ? args[i] : fallback;
	const fieldsArg = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
	let result: unknown;
	switch (method) {
		case 'search_read': {
			const ids = store.search(model, arg(0, 'domain', []) as Domain, {
				offset: arg(2, 'offset', 0) as number,
				limit: arg(3, 'limit', undefined) as number,
				order: arg(4, 'order', undefined) as string,
			});
			return store.read(model, ids, fieldsArg(arg(1, 'fields', [])));
		}
		case 'search':
			return store.search(model, arg(0, 'domain', []) as Domain, {
				offset: arg(1, 'offset', 0) as number,
				limit: arg(2, 'limit', undefined) as number,
				order: arg(3, 'order', undefined) as string,
			});
		case 'search_count':
			return store.search(model, arg(0, 'domain', []) as Domain).length;
		case 'read':
			return store.read(model, arg(0, 'ids', []), fieldsArg(arg(1, 'fields', [])));
		case 'create': {
			const vals = arg(0, 'vals_list', undefined) ?? kwargs.vals;
			if (Array.isArray(vals)) result = vals.map((v) => store.create(model, asObject(v)));
			else result = store.create(model, asObject(vals));
			counters.writes++;
			return result;
		}
		case 'write':
			result = store.write(model, arg(0, 'ids', []), asObject(arg(1, 'vals', {})));
			counters.writes++;
			return result;
		case 'unlink':
			result = store.unlink(model, arg(0, 'ids', []));
			counters.writes++;
			return result;
		case 'fields_get':
			return store.fieldsGet(model, fieldsArg(arg(1, 'attributes', [])));
		case 'default_get': {
			const schema = store.schema(model) ?? {};
			const wanted = fieldsArg(arg(0, 'fields_list', []));
			return Object.fromEntries(
				wanted.filter((f) => schema[f]?.default !== undefined).map((f) => [f, schema[f].default]),
			);
		}
		case 'name_search': {
			const name = String(arg(0, 'name', '') ?? '');
			const domain = (arg(1, 'args', []) ?? arg(1, 'domain', [])) as Domain;
			const limit = (arg(3, 'limit', 100) as number) || 100;
			const ids = store.search(model, [...(domain ?? []), ['display_name', 'ilike', name]], {
				limit,
			});
			return ids.map((id) => [id, store.displayName(model, store.peek(model, id)!)]);
		}
		case 'check_access_rights':
			return true;
		default:
			throw new OdooError(
				'builtins.AttributeError',
				`The method '${method}' does not exist on the model '${model}'`,
				404,
			);
	}
}

// ---------------------------------------------------------------------------------------------
// HTTP server

export interface OdooSandboxOptions {
	port?: number;
	db?: string;
	user?: string;
	password?: string;
	/** Bearer key for /json/2. */
	apiKey?: string;
	/** server_version reported by common.version. */
	version?: string;
	/** Seed demo data (default true). */
	seed?: boolean;
	/** Clock for write_date / create_date (default: real time). */
	now?: () => Date;
}

export interface OdooSandbox {
	url: string;
	db: string;
	user: string;
	password: string;
	apiKey: string;
	uid: number;
	counters: Counters;
	store: OdooStore;
	/** Make writes (create/write/unlink) of a record fail with a ValidationError. */
	failRecord(target: number | FailureRule, message?: string): void;
	clearFailures(): void;
	resetCounters(): void;
	/** `n8n import:credentials` entries for this sandbox: `odooApi` and `odooApiKeyApi`. */
	credentials(ids?: { odooApi?: string; odooApiKeyApi?: string }): Array<{
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}>;
	close(): Promise<void>;
}

export const SEED = {
	companies: [
		{
			name: 'Acme s.r.o.',
			email: 'info@acme.example',
			phone: '+420 222 111 000',
			vat: 'CZ12345678',
			city: 'Praha',
		},
		{
			name: 'Globex a.s.',
			email: 'office@globex.example',
			phone: '+420 544 333 222',
			city: 'Brno',
		},
	],
	people: [
		{
			name: 'Jana Nováková',
			email: 'jana.novakova@acme.example',
			phone: '+420 601 123 456',
			function: 'Buyer',
			company: 0,
		},
		{
			name: 'Petr Svoboda',
			email: 'petr.svoboda@acme.example',
			mobile: '+420 602 234 567',
			company: 0,
		},
		{
			name: 'Eva Dvořáková',
			email: 'eva.dvorakova@globex.example',
			phone: '+420 603 345 678',
			company: 1,
		},
		{ name: 'Tomáš Černý', email: 'tomas.cerny@example.com', phone: '+420 604 456 789' },
	],
};

function seedBase(store: OdooStore): void {
	// ids match a fresh Odoo: admin user 2, activity types Email 1 / Call 2 / Meeting 3 / To-Do 4.
	store.create('res.users', { name: 'OdooBot', login: '__system__', active: false });
	store.create('res.users', { name: 'Mitchell Admin', login: 'admin', email: 'admin@example.com' });
	for (const [name, category] of [
		['Email', 'default'],
		['Call', 'phonecall'],
		['Meeting', 'meeting'],
		['To-Do', 'default'],
	]) {
		store.create('mail.activity.type', { name, category });
	}
	const models: Array<[string, string]> = [
		['res.partner', 'Contact'],
		['crm.lead', 'Lead/Opportunity'],
		['mail.activity', 'Activity'],
		['mail.activity.type', 'Activity Type'],
		['mail.message', 'Message'],
		['note.note', 'Note'],
		['res.users', 'User'],
		['ir.model', 'Models'],
	];
	for (const [model, name] of models) store.create('ir.model', { model, name });
}

function seedDemo(store: OdooStore): void {
	const companyIds = SEED.companies.map((c) =>
		store.create('res.partner', { ...c, is_company: true }),
	);
	for (const { company, ...person } of SEED.people) {
		store.create('res.partner', {
			...person,
			is_company: false,
			...(company !== undefined ? { parent_id: companyIds[company] } : {}),
		});
	}
}

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

export async function startOdooSandbox(options: OdooSandboxOptions = {}): Promise<OdooSandbox> {
	const db = options.db ?? 'sandbox';
	const user = options.user ?? 'admin';
	const password = options.password ?? 'admin';
	const apiKey = options.apiKey ?? 'odoo-sandbox-api-key';
	const version = options.version ?? '17.0';
	const uid = 2;
	const store = new OdooStore(options.now ?? (() => new Date()));
	seedBase(store);
	if (options.seed !== false) seedDemo(store);
	const counters: Counters = { requests: 0, calls: {}, writes: 0, logins: 0, errors: 0 };
	const sessions = new Set<string>();

	const checkPassword = (dbName: unknown, login: unknown, pass: unknown) =>
		dbName === db &&
		login === user &&
		typeof pass === 'string' &&
		(safeEqual(pass, password) || safeEqual(pass, apiKey));

	const rpcError = (id: unknown, error: unknown) => {
		const e =
			error instanceof OdooError
				? error
				: new OdooError('builtins.Exception', String((error as Error)?.message ?? error), 500);
		return {
			jsonrpc: '2.0',
			id,
			error: {
				code: 200,
				message: 'Odoo Server Error',
				data: {
					name: e.odooName,
					debug: `Traceback (most recent call last):\n  (sandbox)\n${e.odooName}: ${e.message}`,
					message: e.message,
					arguments: [e.message],
					context: {},
				},
			},
		};
	};

	const handleJsonRpc = (params: Record<string, unknown>): unknown => {
		const service = params.service;
		const method = params.method;
		const args = Array.isArray(params.args) ? params.args : [];
		if (service === 'common') {
			if (method === 'version') {
				const [major, minor] = version.split('.').map(Number);
				return {
					server_version: version,
					server_version_info: [major, minor, 0, 'final', 0, ''],
					server_serie: version,
					protocol_version: 1,
				};
			}
			if (method === 'login' || method === 'authenticate') {
				if (!checkPassword(args[0], args[1], args[2])) return false;
				counters.logins++;
				return uid;
			}
			throw new OdooError(
				'builtins.NameError',
				`method ${String(method)} not found on common`,
				404,
			);
		}
		if (service === 'object' && (method === 'execute' || method === 'execute_kw')) {
			const [dbName, userId, pass, model, modelMethod, ...rest] = args;
			if (dbName !== db)
				throw new OdooError(
					'psycopg2.OperationalError',
					`FATAL: database "${String(dbName)}" does not exist`,
					500,
				);
			if (
				userId !== uid ||
				typeof pass !== 'string' ||
				!(safeEqual(pass, password) || safeEqual(pass, apiKey))
			) {
				throw accessDenied();
			}
			const callArgs = method === 'execute_kw' ? (Array.isArray(rest[0]) ? rest[0] : []) : rest;
			const kwargs = method === 'execute_kw' ? asObject(rest[1]) : {};
			return callMethod(store, String(model), String(modelMethod), callArgs, kwargs, counters);
		}
		if (service === 'db' && method === 'list') return [db];
		throw new OdooError(
			'builtins.Exception',
			`unknown service ${String(service)}.${String(method)}`,
			404,
		);
	};

	const server = http.createServer(async (req, res) => {
		counters.requests++;
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			if (status >= 400) counters.errors++;
			res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
			res.end(JSON.stringify(body));
		};
		let payload: Record<string, unknown> = {};
		try {
			const raw = await readBody(req);
			payload = raw ? asObject(JSON.parse(raw)) : {};
		} catch {
			send(400, { error: 'invalid JSON' });
			return;
		}
		if (req.method !== 'POST') {
			if (url.pathname === '/web/webclient/version_info' || url.pathname === '/web/health') {
				send(200, { status: 'pass', server_version: version });
				return;
			}
			send(405, { error: 'method not allowed' });
			return;
		}

		// Odoo 19 External JSON-2 API
		const json2 = /^\/json\/2\/([a-z0-9_.]+)\/([a-z_][a-z0-9_]*)$/i.exec(url.pathname);
		if (json2) {
			const auth = req.headers.authorization ?? '';
			const match = /^bearer\s+(.+)$/i.exec(auth);
			const headerDb = req.headers['x-odoo-database'];
			if (!match || !safeEqual(match[1], apiKey)) {
				send(401, {
					name: 'werkzeug.exceptions.Unauthorized',
					message: 'Invalid apikey',
					arguments: [],
					context: {},
					debug: '',
				});
				return;
			}
			if (headerDb !== undefined && headerDb !== db) {
				send(404, {
					name: 'werkzeug.exceptions.NotFound',
					message: `database ${String(headerDb)} not found`,
					arguments: [],
					context: {},
					debug: '',
				});
				return;
			}
			try {
				const [, model, method] = json2;
				const { ids, ...kwargs } = payload;
				let result: unknown;
				// On /json/2, record methods take `ids` as the recordset; create takes vals_list.
				if (method === 'read' || method === 'write' || method === 'unlink') {
					result = callMethod(store, model, method, [ids ?? []], kwargs, counters);
				} else {
					result = callMethod(store, model, method, [], kwargs, counters);
				}
				send(200, result);
			} catch (error) {
				const e =
					error instanceof OdooError
						? error
						: new OdooError('builtins.Exception', String(error), 500);
				send(e.httpStatus, {
					name: e.odooName,
					message: e.message,
					arguments: [e.message],
					context: {},
					debug: '',
				});
			}
			return;
		}

		const params = asObject(payload.params);
		const id = payload.id ?? null;
		try {
			if (url.pathname === '/jsonrpc') {
				const result = handleJsonRpc(params);
				send(200, { jsonrpc: '2.0', id, result });
				return;
			}
			if (url.pathname === '/web/session/authenticate') {
				if (!checkPassword(params.db, params.login, params.password)) throw accessDenied();
				counters.logins++;
				const sid = randomBytes(20).toString('hex');
				sessions.add(sid);
				send(
					200,
					{
						jsonrpc: '2.0',
						id,
						result: {
							uid,
							db,
							username: user,
							name: 'Mitchell Admin',
							server_version: version,
							user_context: { lang: 'en_US', tz: 'UTC', uid },
						},
					},
					{ 'Set-Cookie': `session_id=${sid}; Path=/; HttpOnly` },
				);
				return;
			}
			if (url.pathname.startsWith('/web/dataset/call_kw')) {
				const cookie = /(?:^|;\s*)session_id=([0-9a-f]+)/.exec(req.headers.cookie ?? '');
				if (!cookie || !sessions.has(cookie[1])) {
					send(200, {
						jsonrpc: '2.0',
						id,
						error: {
							code: 100,
							message: 'Odoo Session Expired',
							data: {
								name: 'odoo.http.SessionExpiredException',
								message: 'Session expired',
								arguments: ['Session expired'],
								context: {},
								debug: '',
							},
						},
					});
					counters.errors++;
					return;
				}
				const result = callMethod(
					store,
					String(params.model),
					String(params.method),
					Array.isArray(params.args) ? params.args : [],
					asObject(params.kwargs),
					counters,
				);
				send(200, { jsonrpc: '2.0', id, result });
				return;
			}
			send(404, { error: `no route ${url.pathname}` });
		} catch (error) {
			counters.errors++;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(rpcError(id, error)));
		}
	});
	server.keepAliveTimeout = 1000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;

	return {
		url,
		db,
		user,
		password,
		apiKey,
		uid,
		counters,
		store,
		failRecord(target, message) {
			store.failures.push(
				typeof target === 'number'
					? { id: target, model: 'res.partner', message }
					: { ...target, message: target.message ?? message },
			);
		},
		clearFailures() {
			store.failures.length = 0;
		},
		resetCounters() {
			counters.requests = 0;
			counters.calls = {};
			counters.writes = 0;
			counters.logins = 0;
			counters.errors = 0;
		},
		credentials(ids = {}) {
			return [
				{
					id: ids.odooApi ?? 'odooSandboxRpc',
					name: 'Odoo sandbox (username & password)',
					type: 'odooApi',
					data: { url, username: user, password, db },
				},
				{
					id: ids.odooApiKeyApi ?? 'odooSandboxKey',
					name: 'Odoo sandbox (API key)',
					type: 'odooApiKeyApi',
					data: { url, apiKey, db },
				},
			];
		},
		close() {
			return new Promise<void>((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			});
		},
	};
}
