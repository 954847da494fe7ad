/**
 * Sandbox HubSpot: an in-memory fake of the HubSpot CRM v3 objects API, as HubSpot documents it
 * (developers.hubspot.com: CRM objects, search, notes, calls, associations, error handling,
 * usage limits), over HTTPS on 127.0.0.1 for n8n's HubSpot node and HTTP Request node.
 *
 *  - `GET  /crm/v3/objects/{type}`               list: limit (<= 100), after, properties;
 *    `archived=true` lists only the archived (deleted) records, each with `archivedAt`
 *  - `GET  /crm/v3/objects/{type}/{id}`          properties, associations (ids of the given types)
 *  - `POST /crm/v3/objects/{type}`               create: properties (+ associations)
 *  - `PATCH /crm/v3/objects/{type}/{id}`         update properties
 *  - `DELETE /crm/v3/objects/{type}/{id}`        archive (HubSpot's "delete"): 204; the record
 *    leaves reads and searches and is listed with `archived=true`
 *  - `POST /crm/v3/objects/{type}/search`        filterGroups (OR of ANDed filters), sorts,
 *    properties, limit (<= 200, default 10), after; `total`, `paging.next.after`; at most 10,000
 *    results per query, as HubSpot.
 *  types: contacts, companies, calls, notes. Ids are numeric strings, unique across types.
 *  Property values are strings (or null); datetimes ISO 8601 UTC with milliseconds. The server
 *  stamps createdate / lastmodifieddate (contacts) and hs_createdate / hs_lastmodifieddate (other
 *  objects), hs_object_id, and `createdAt` / `updatedAt`.
 *
 * A private app's access token (`Authorization: Bearer <token>`, compared in constant time) with
 * granted scopes: 401 INVALID_AUTHENTICATION without / with a wrong token, 403 MISSING_SCOPES when
 * a route needs a scope the token lacks. Errors in HubSpot's shape `{status: "error", message,
 * correlationId, category, errors?, context?}`: 400 VALIDATION_ERROR (unknown or read-only
 * property, bad option value, missing hs_timestamp, bad association), 404 OBJECT_NOT_FOUND,
 * 429 RATE_LIMIT. Every answer carries the rate-limit headers (X-HubSpot-RateLimit-*), except
 * search, which HubSpot documents as having none.
 *
 * Test knobs: `store` (seed, read and change records directly), `rateLimitNext(n)` (the next n
 * requests get 429), `failCreate(rule)` (creates matching a rule fail with 400), a request log and
 * an injectable clock. TLS: a certificate for api.hubapi.com made at start with the openssl CLI;
 * `n8nEnv()` gives the environment that routes n8n's api.hubapi.com connections here (see
 * hubspot-route.cjs).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const HUBSPOT_HOST = 'api.hubapi.com';
/** The --require hook that sends n8n's connections to api.hubapi.com to the sandbox. */
export const ROUTE_HOOK = path.join(__dirname, 'hubspot-route.cjs');

export type ObjectType = 'contacts' | 'companies' | 'calls' | 'notes';
const TYPES: ObjectType[] = ['contacts', 'companies', 'calls', 'notes'];

interface PropertyDef {
	readOnly?: boolean;
	/** Allowed values of an enumeration property. */
	options?: string[];
	datetime?: boolean;
	number?: boolean;
}

const READ_ONLY: PropertyDef = { readOnly: true };
const DATETIME_RO: PropertyDef = { readOnly: true, datetime: true };

/** The properties each object type has (a subset of HubSpot's defaults). */
const SCHEMA: Record<ObjectType, Record<string, PropertyDef>> = {
	contacts: {
		firstname: {},
		lastname: {},
		email: {},
		phone: {},
		mobilephone: {},
		jobtitle: {},
		company: {},
		website: {},
		city: {},
		associatedcompanyid: { number: true },
		lifecyclestage: {},
		createdate: DATETIME_RO,
		lastmodifieddate: DATETIME_RO,
		hs_object_id: READ_ONLY,
	},
	companies: {
		name: {},
		domain: {},
		phone: {},
		website: {},
		description: {},
		city: {},
		createdate: DATETIME_RO,
		hs_lastmodifieddate: DATETIME_RO,
		hs_object_id: READ_ONLY,
	},
	calls: {
		hs_timestamp: { datetime: true },
		hs_call_title: {},
		hs_call_body: {},
		hs_call_duration: { number: true },
		hs_call_status: {
			options: [
				'BUSY',
				'CALLING_CRM_USER',
				'CANCELED',
				'COMPLETED',
				'CONNECTING',
				'FAILED',
				'IN_PROGRESS',
				'NO_ANSWER',
				'QUEUED',
				'RINGING',
			],
		},
		hs_call_direction: { options: ['INBOUND', 'OUTBOUND'] },
		hs_call_from_number: {},
		hs_call_to_number: {},
		hubspot_owner_id: {},
		hs_createdate: DATETIME_RO,
		hs_lastmodifieddate: DATETIME_RO,
		hs_object_id: READ_ONLY,
	},
	notes: {
		hs_timestamp: { datetime: true },
		hs_note_body: {},
		hubspot_owner_id: {},
		hs_attachment_ids: {},
		hs_createdate: DATETIME_RO,
		hs_lastmodifieddate: DATETIME_RO,
		hs_object_id: READ_ONLY,
	},
};

/** Properties a search or a read returns when it names none (HubSpot's defaults). */
const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
	contacts: ['firstname', 'lastname', 'email', 'lastmodifieddate', 'hs_object_id', 'createdate'],
	companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
	calls: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
	notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

const MODIFIED: Record<ObjectType, string> = {
	contacts: 'lastmodifieddate',
	companies: 'hs_lastmodifieddate',
	calls: 'hs_lastmodifieddate',
	notes: 'hs_lastmodifieddate',
};
const CREATED: Record<ObjectType, string> = {
	contacts: 'createdate',
	companies: 'createdate',
	calls: 'hs_createdate',
	notes: 'hs_createdate',
};

/**
 * HubSpot-defined association types the sandbox knows: id -> [from type, to type]
 * (HubSpot's "association type IDs" table).
 */
export const ASSOCIATION_TYPES: Record<number, [ObjectType, ObjectType]> = {
	1: ['contacts', 'companies'], // contact -> company (primary)
	279: ['contacts', 'companies'],
	280: ['companies', 'contacts'],
	194: ['calls', 'contacts'],
	182: ['calls', 'companies'],
	202: ['notes', 'contacts'],
	190: ['notes', 'companies'],
};

/** Scope a route needs: reading / writing an object type. */
function scopeFor(type: ObjectType, write: boolean): string {
	// Engagements (calls, notes) are covered by the scopes of the contacts they are logged on.
	const base = type === 'companies' ? 'companies' : 'contacts';
	return `crm.objects.${base}.${write ? 'write' : 'read'}`;
}

/** The scopes the README tells a HubSpot user to give the private app. */
export const TEMPLATE_SCOPES = [
	'crm.objects.contacts.read',
	'crm.objects.contacts.write',
	'crm.objects.companies.read',
];

export interface HubspotRecord {
	id: string;
	type: ObjectType;
	properties: Record<string, string | null>;
	createdAt: string;
	updatedAt: string;
	archived: boolean;
	/** When it was archived (deleted in HubSpot), ISO 8601 UTC. */
	archivedAt?: string;
	/** Associated ids by the other object type. */
	associations: Partial<Record<ObjectType, Set<string>>>;
}

export class HubspotError extends Error {
	constructor(
		readonly status: number,
		readonly category: string,
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
	}
}

const validation = (message: string, extra: Record<string, unknown> = {}) =>
	new HubspotError(400, 'VALIDATION_ERROR', message, extra);

/** A property value as HubSpot stores it: a string, or null for "no value". */
function asValue(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/** A datetime value (ISO 8601 or milliseconds since the epoch) -> ms, or NaN. */
export function toMillis(value: unknown): number {
	if (typeof value === 'number') return value;
	const text = String(value ?? '').trim();
	if (/^-?\d+$/.test(text)) return Number(text);
	return text ? Date.parse(text) : NaN;
}

export class HubspotStore {
	private readonly records = new Map<string, HubspotRecord>();
	private nextId = 10001;

	constructor(private readonly now: () => Date) {}

	private stamp(): string {
		return this.now().toISOString();
	}

	all(type: ObjectType): HubspotRecord[] {
		return [...this.records.values()].filter((r) => r.type === type && !r.archived);
	}

	/** The archived (deleted) records of a type, as `GET ...?archived=true` lists them. */
	archivedRecords(type: ObjectType): HubspotRecord[] {
		return [...this.records.values()].filter((r) => r.type === type && r.archived);
	}

	/** Archives a record, as a delete in HubSpot (or the API's DELETE) does. */
	archive(type: ObjectType, id: string): HubspotRecord {
		const record = this.get(type, id);
		if (!record) throw notFound(id);
		record.archived = true;
		record.archivedAt = this.stamp();
		record.updatedAt = record.archivedAt;
		return record;
	}

	get(type: ObjectType, id: string): HubspotRecord | undefined {
		const record = this.records.get(String(id));
		return record && record.type === type && !record.archived ? record : undefined;
	}

	/** Checks a write's properties against the schema; values as HubSpot stores them. */
	private checkProperties(
		type: ObjectType,
		properties: Record<string, unknown>,
	): Record<string, string | null> {
		const schema = SCHEMA[type];
		const errors: Array<Record<string, unknown>> = [];
		const out: Record<string, string | null> = {};
		for (const [name, raw] of Object.entries(properties)) {
			const def = schema[name];
			const value = asValue(raw);
			if (!def) {
				errors.push({
					isValid: false,
					message: `Property "${name}" does not exist`,
					error: 'PROPERTY_DOESNT_EXIST',
					name,
				});
				continue;
			}
			if (def.readOnly) {
				errors.push({
					isValid: false,
					message: `"${name}" is a read only property; its value cannot be set.`,
					error: 'READ_ONLY_VALUE',
					name,
				});
				continue;
			}
			if (value !== null && def.options && !def.options.includes(value)) {
				errors.push({
					isValid: false,
					message: `${value} was not one of the allowed options: ${def.options.join(', ')}`,
					error: 'INVALID_OPTION',
					name,
				});
				continue;
			}
			if (value !== null && def.number && !/^-?\d+(\.\d+)?$/.test(value)) {
				errors.push({
					isValid: false,
					message: `${value} was not a valid number`,
					error: 'INVALID_INTEGER',
					name,
				});
				continue;
			}
			if (value !== null && def.datetime) {
				const ms = toMillis(value);
				if (Number.isNaN(ms)) {
					errors.push({
						isValid: false,
						message: `${value} was not a valid date`,
						error: 'INVALID_DATE',
						name,
					});
					continue;
				}
				out[name] = new Date(ms).toISOString();
				continue;
			}
			out[name] = value;
		}
		if (errors.length) {
			throw validation(`Property values were not valid: ${JSON.stringify(errors)}`, {
				errors: errors.map((e) => ({
					message: e.message,
					code: e.error,
					context: { propertyName: [e.name] },
				})),
			});
		}
		return out;
	}

	create(
		type: ObjectType,
		properties: Record<string, unknown>,
		associations: Array<{ to?: { id?: unknown }; types?: unknown }> = [],
	): HubspotRecord {
		const values = this.checkProperties(type, properties);
		if ((type === 'calls' || type === 'notes') && !values.hs_timestamp) {
			throw validation('Property values were not valid: hs_timestamp is required', {
				errors: [
					{
						message: 'The property hs_timestamp is required',
						code: 'REQUIRED_PROPERTY',
						context: { propertyName: ['hs_timestamp'] },
					},
				],
			});
		}
		const links = this.checkAssociations(type, associations);
		const id = String(this.nextId++);
		const at = this.stamp();
		const record: HubspotRecord = {
			id,
			type,
			properties: {
				...values,
				[CREATED[type]]: at,
				[MODIFIED[type]]: at,
				hs_object_id: id,
			},
			createdAt: at,
			updatedAt: at,
			archived: false,
			associations: {},
		};
		this.records.set(id, record);
		for (const [toType, toId] of links) this.associate(record, this.get(toType, toId)!);
		return record;
	}

	/** Changes properties and stamps the last-modified date, like an edit in HubSpot. */
	update(type: ObjectType, id: string, properties: Record<string, unknown>): HubspotRecord {
		const record = this.get(type, id);
		if (!record) throw notFound(id);
		const values = this.checkProperties(type, properties);
		const at = this.stamp();
		Object.assign(record.properties, values, { [MODIFIED[type]]: at });
		record.updatedAt = at;
		return record;
	}

	associate(a: HubspotRecord, b: HubspotRecord): void {
		(a.associations[b.type] ??= new Set()).add(b.id);
		(b.associations[a.type] ??= new Set()).add(a.id);
	}

	private checkAssociations(
		type: ObjectType,
		associations: Array<{ to?: { id?: unknown }; types?: unknown }>,
	): Array<[ObjectType, string]> {
		if (!Array.isArray(associations)) throw validation('associations must be a list');
		const out: Array<[ObjectType, string]> = [];
		for (const [i, association] of associations.entries()) {
			const toId = String(association?.to?.id ?? '');
			const types = Array.isArray(association?.types) ? association.types : [];
			if (!toId || types.length === 0) {
				throw validation(`associations[${i}] needs to.id and types`);
			}
			for (const spec of types as Array<Record<string, unknown>>) {
				const typeId = Number(spec?.associationTypeId);
				const known = ASSOCIATION_TYPES[typeId];
				if (spec?.associationCategory !== 'HUBSPOT_DEFINED' || !known || known[0] !== type) {
					throw validation(
						`${String(spec?.associationCategory)} ${typeId} is not a valid association type for ${type}`,
						{ category: 'VALIDATION_ERROR', subCategory: 'INVALID_ASSOCIATION_TYPE' },
					);
				}
				if (!this.get(known[1], toId)) {
					throw validation(
						`One or more associations are invalid: no ${known[1].replace(/s$/, '')} with id ${toId}`,
						{ context: { ids: [toId] }, subCategory: 'ASSOCIATION_TARGET_NOT_FOUND' },
					);
				}
				out.push([known[1], toId]);
			}
		}
		return out;
	}

	/** A record as the API returns it, with the asked-for properties (and associations). */
	view(
		record: HubspotRecord,
		properties: string[] | undefined,
		associations: ObjectType[] = [],
	): Record<string, unknown> {
		const names = properties?.length ? properties : DEFAULT_PROPERTIES[record.type];
		const schema = SCHEMA[record.type];
		const props: Record<string, string | null> = {};
		// A requested property that is not defined is left out; a defined one without a value is null.
		for (const name of names) if (schema[name]) props[name] = record.properties[name] ?? null;
		const out: Record<string, unknown> = {
			id: record.id,
			properties: props,
			createdAt: record.createdAt,
			updatedAt: record.updatedAt,
			archived: record.archived,
			...(record.archivedAt ? { archivedAt: record.archivedAt } : {}),
		};
		const linked = associations.filter((t) => record.associations[t]?.size);
		if (linked.length) {
			out.associations = Object.fromEntries(
				linked.map((t) => [
					t,
					{
						results: [...record.associations[t]!].map((id) => ({
							id,
							type: `${record.type.replace(/s$/, '')}_to_${t.replace(/ies$/, 'y').replace(/s$/, '')}`,
						})),
					},
				]),
			);
		}
		return out;
	}
}

const notFound = (id: string) =>
	new HubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
		context: { id: [id] },
	});

// ---------------------------------------------------------------------------------------------
// Search

interface Filter {
	propertyName?: unknown;
	operator?: unknown;
	value?: unknown;
	highValue?: unknown;
	values?: unknown;
}

const OPERATORS = new Set([
	'EQ',
	'NEQ',
	'LT',
	'LTE',
	'GT',
	'GTE',
	'BETWEEN',
	'IN',
	'NOT_IN',
	'HAS_PROPERTY',
	'NOT_HAS_PROPERTY',
	'CONTAINS_TOKEN',
	'NOT_CONTAINS_TOKEN',
]);

function compareValues(type: ObjectType, name: string, a: string, b: unknown): number {
	const def = SCHEMA[type][name];
	if (def?.datetime) return toMillis(a) - toMillis(b);
	if (def?.number || name === 'hs_object_id') return Number(a) - Number(b);
	return a.localeCompare(String(b));
}

function matches(type: ObjectType, record: HubspotRecord, filter: Filter): boolean {
	const name = String(filter.propertyName ?? '');
	const operator = String(filter.operator ?? 'EQ');
	if (!SCHEMA[type][name]) {
		throw validation(`There was a problem with the request: property ${name} does not exist`);
	}
	if (!OPERATORS.has(operator)) throw validation(`Unknown filter operator ${operator}`);
	const value = name === 'hs_object_id' ? record.id : record.properties[name];
	if (operator === 'HAS_PROPERTY') return value !== null && value !== undefined;
	if (operator === 'NOT_HAS_PROPERTY') return value === null || value === undefined;
	if (value === null || value === undefined) return operator === 'NEQ' || operator === 'NOT_IN';
	const cmp = (other: unknown) => compareValues(type, name, value, other);
	switch (operator) {
		case 'EQ':
			return cmp(filter.value) === 0;
		case 'NEQ':
			return cmp(filter.value) !== 0;
		case 'LT':
			return cmp(filter.value) < 0;
		case 'LTE':
			return cmp(filter.value) <= 0;
		case 'GT':
			return cmp(filter.value) > 0;
		case 'GTE':
			return cmp(filter.value) >= 0;
		case 'BETWEEN':
			return cmp(filter.value) >= 0 && cmp(filter.highValue) <= 0;
		case 'IN':
			return Array.isArray(filter.values) && filter.values.some((v) => cmp(v) === 0);
		case 'NOT_IN':
			return Array.isArray(filter.values) && !filter.values.some((v) => cmp(v) === 0);
		default: {
			const token = String(filter.value ?? '')
				.toLowerCase()
				.replace(/\*/g, '');
			const has = value.toLowerCase().includes(token);
			return operator === 'CONTAINS_TOKEN' ? has : !has;
		}
	}
}

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_RESULTS = 10000;

function search(store: HubspotStore, type: ObjectType, body: Record<string, unknown>) {
	const groups = Array.isArray(body.filterGroups) ? body.filterGroups : [];
	if (groups.length > 5) throw validation('Too many filter groups: at most 5');
	const limit = body.limit === undefined ? 10 : Number(body.limit);
	if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
		throw validation(`limit must be between 1 and ${SEARCH_MAX_LIMIT}`);
	}
	const after = body.after === undefined || body.after === '' ? 0 : Number(body.after);
	if (!Number.isInteger(after) || after < 0)
		throw validation(`after ${String(body.after)} is invalid`);
	if (after + limit > SEARCH_MAX_RESULTS) {
		throw validation(`Search can return at most ${SEARCH_MAX_RESULTS} results per query`);
	}
	let found = store
		.all(type)
		.filter(
			(record) =>
				groups.length === 0 ||
				groups.some((group: { filters?: Filter[] }) =>
					(Array.isArray(group?.filters) ? group.filters : []).every((f) =>
						matches(type, record, f),
					),
				),
		);
	const sorts = (Array.isArray(body.sorts) ? body.sorts : []).map((sort: unknown) =>
		typeof sort === 'string'
			? {
					propertyName: sort.replace(/^-/, ''),
					direction: sort.startsWith('-') ? 'DESCENDING' : 'ASCENDING',
				}
			: (sort as { propertyName?: string; direction?: string }),
	);
	if (sorts.length > 1) throw validation('Search accepts one sort');
	const [sort] = sorts;
	found = found.sort((a, b) => {
		if (sort?.propertyName) {
			const name = sort.propertyName;
			const va = name === 'hs_object_id' ? a.id : a.properties[name];
			const vb = name === 'hs_object_id' ? b.id : b.properties[name];
			const c =
				va === null || va === undefined
					? 1
					: vb === null || vb === undefined
						? -1
						: compareValues(type, name, va, vb);
			if (c !== 0) return sort.direction === 'DESCENDING' ? -c : c;
		}
		return Number(a.id) - Number(b.id);
	});
	const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
	const page = found.slice(after, after + limit);
	const next = after + limit < found.length ? String(after + limit) : undefined;
	return {
		total: found.length,
		results: page.map((record) => store.view(record, properties)),
		...(next ? { paging: { next: { after: next } } } : {}),
	};
}

// ---------------------------------------------------------------------------------------------
// Seed: the same companies and people as the sandbox Odoo.

export const SEED = {
	companies: [
		{
			name: 'Acme s.r.o.',
			domain: 'acme.example',
			phone: '+420 222 111 000',
			website: 'https://acme.example',
			description: 'Wholesale',
		},
		{ name: 'Globex a.s.', domain: 'globex.example', phone: '+420 544 333 222' },
	],
	contacts: [
		{
			firstname: 'Jana',
			lastname: 'Nováková',
			email: 'Jana.Novakova@acme.example',
			phone: '+420 601 123 456',
			jobtitle: 'Buyer',
			company: 0,
		},
		{
			firstname: 'Petr',
			lastname: 'Svoboda',
			email: 'petr.svoboda@acme.example',
			mobilephone: '+420 602 234 567',
			company: 0,
		},
		{
			firstname: 'Eva',
			lastname: 'Dvořáková',
			email: 'eva.dvorakova@globex.example',
			phone: '+420 603 345 678',
			company: 1,
		},
		{
			firstname: 'Tomáš',
			lastname: 'Černý',
			email: 'tomas.cerny@example.com',
			phone: '+420 604 456 789',
		},
	],
};

export function seedStore(store: HubspotStore): void {
	const companies = SEED.companies.map((c) => store.create('companies', c));
	for (const { company, ...person } of SEED.contacts) {
		const parent = company === undefined ? undefined : companies[company];
		const contact = store.create('contacts', {
			...person,
			...(parent ? { associatedcompanyid: parent.id } : {}),
		});
		if (parent) store.associate(contact, parent);
	}
}

// ---------------------------------------------------------------------------------------------
// HTTPS server

export interface HubspotSandboxOptions {
	/** Private app access token (default a fixed pat-na1-… string). */
	token?: string;
	/** Scopes granted to the token (default TEMPLATE_SCOPES). */
	scopes?: string[];
	/** Seed the companies and contacts (default true). */
	seed?: boolean;
	/** Clock for createdate / lastmodifieddate (default: real time). */
	now?: () => Date;
}

export interface HubspotRequestLog {
	method: string;
	path: string;
	/** The query string (`?archived=true&after=100`), or '' without one. */
	query: string;
	status: number;
	body?: unknown;
}

export interface CreateFailureRule {
	type: ObjectType;
	/** Fails when it returns true for the create's body. */
	match(body: { properties?: Record<string, unknown>; associations?: unknown[] }): boolean;
	message?: string;
}

export interface HubspotSandbox {
	/** https://127.0.0.1:<port> (certificate for api.hubapi.com). */
	url: string;
	port: number;
	token: string;
	store: HubspotStore;
	requests: HubspotRequestLog[];
	/** Requests of a method (and path prefix) since the last reset. */
	count(method: string, pathPrefix?: string): number;
	resetRequests(): void;
	/** The next `n` requests (matching `pathPrefix`, if given) are answered 429. */
	rateLimitNext(n: number, pathPrefix?: string): void;
	failCreate(rule: CreateFailureRule): void;
	clearFailures(): void;
	/** The PEM certificate n8n must trust (NODE_EXTRA_CA_CERTS). */
	certFile: string;
	/**
	 * Environment for the n8n process only: NODE_OPTIONS with the route hook, the certificate,
	 * and where the hook sends api.hubapi.com.
	 */
	n8nEnv(): NodeJS.ProcessEnv;
	/** `n8n import:credentials` entry: a hubspotAppToken credential with the token. */
	credential(id?: string): {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	};
	close(): Promise<void>;
}

/** A key and a certificate for api.hubapi.com, made now with the openssl CLI, in `dir`. */
function makeCertificate(dir: string): { key: string; cert: string } {
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			key,
			'-out',
			cert,
			'-days',
			'2',
			'-subj',
			`/CN=${HUBSPOT_HOST}`,
			'-addext',
			`subjectAltName=DNS:${HUBSPOT_HOST}`,
		],
		{ stdio: 'pipe' },
	);
	return { key, cert };
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

const RATE = { daily: 250000, interval: 10000, max: 190 };

export async function startHubspotSandbox(
	options: HubspotSandboxOptions = {},
): Promise<HubspotSandbox> {
	const token = options.token ?? 'pat-na1-sandbox-0c3f9d2e-5b71-4a8e-9d40-hubspot';
	const scopes = new Set(options.scopes ?? TEMPLATE_SCOPES);
	const store = new HubspotStore(options.now ?? (() => new Date()));
	if (options.seed !== false) seedStore(store);
	const requests: HubspotRequestLog[] = [];
	const limited: Array<{ left: number; prefix?: string }> = [];
	const failures: CreateFailureRule[] = [];
	let dailyUsed = 0;
	let window: number[] = [];

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubspot-sandbox-'));
	const { key, cert } = makeCertificate(dir);

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', `https://${HUBSPOT_HOST}`);
		const raw = await readBody(req);
		let body: Record<string, unknown> = {};
		const entry: HubspotRequestLog = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.search,
			status: 0,
		};
		requests.push(entry);
		const isSearch = /\/search$/.test(url.pathname);
		const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
			entry.status = status;
			const now = Date.now();
			window = window.filter((t) => now - t < RATE.interval);
			const rateHeaders: Record<string, string> = isSearch
				? {}
				: {
						'X-HubSpot-RateLimit-Daily': String(RATE.daily),
						'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, RATE.daily - dailyUsed)),
						'X-HubSpot-RateLimit-Interval-Milliseconds': String(RATE.interval),
						'X-HubSpot-RateLimit-Max': String(RATE.max),
						'X-HubSpot-RateLimit-Remaining': String(Math.max(0, RATE.max - window.length)),
					};
			res.writeHead(status, {
				'Content-Type': 'application/json;charset=utf-8',
				...rateHeaders,
				...headers,
			});
			res.end(status === 204 ? undefined : JSON.stringify(payload));
		};
		const fail = (error: HubspotError) =>
			send(error.status, {
				status: 'error',
				message: error.message,
				correlationId: randomUUID(),
				category: error.category,
				...error.extra,
			});

		const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		if (!auth || !safeEqual(auth[1].trim(), token)) {
			fail(
				new HubspotError(
					401,
					'INVALID_AUTHENTICATION',
					auth
						? 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview'
						: 'Authentication credentials not found.',
				),
			);
			return;
		}
		dailyUsed++;
		window.push(Date.now());
		const limit = limited.find(
			(l) => l.left > 0 && (!l.prefix || url.pathname.startsWith(l.prefix)),
		);
		if (limit) {
			limit.left--;
			fail(
				new HubspotError(429, 'RATE_LIMITS', 'You have reached your secondly limit.', {
					errorType: 'RATE_LIMIT',
					policyName: isSearch ? 'SEARCH' : 'SECONDLY',
				}),
			);
			return;
		}
		try {
			body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
		} catch {
			fail(validation('Invalid input JSON on line 1'));
			return;
		}
		entry.body = raw ? body : undefined;

		const route = /^\/crm\/v3\/objects\/([a-z_]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
		const type = route?.[1] as ObjectType | undefined;
		if (!route || !type || !TYPES.includes(type)) {
			fail(
				new HubspotError(404, 'OBJECT_NOT_FOUND', `Unable to route ${req.method} ${url.pathname}`),
			);
			return;
		}
		const sub = route[2];
		const write = req.method !== 'GET' && sub !== 'search';
		const needed = scopeFor(type, write);
		if (!scopes.has(needed)) {
			fail(
				new HubspotError(
					403,
					'MISSING_SCOPES',
					"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
					{
						errors: [
							{
								message: 'One or more of the following scopes are required.',
								context: { requiredGranularScopes: [needed] },
							},
						],
					},
				),
			);
			return;
		}
		const listParam = (name: string) =>
			url.searchParams
				.getAll(name)
				.flatMap((v) => v.split(','))
				.map((v) => v.trim())
				.filter(Boolean);
		try {
			if (req.method === 'POST' && sub === 'search') {
				send(200, search(store, type, body));
				return;
			}
			if (req.method === 'POST' && sub === undefined) {
				const rule = failures.find((f) => f.type === type && f.match(body));
				if (rule) throw validation(rule.message ?? 'Sandbox: this record was refused');
				const properties = (body.properties ?? {}) as Record<string, unknown>;
				const record = store.create(
					type,
					properties,
					(body.associations as Array<{ to?: { id?: unknown }; types?: unknown }>) ?? [],
				);
				send(201, store.view(record, Object.keys(record.properties)));
				return;
			}
			if (req.method === 'GET' && sub === undefined) {
				const take = Number(url.searchParams.get('limit') ?? 10);
				if (!Number.isInteger(take) || take < 1 || take > 100) {
					throw validation('limit must be between 1 and 100');
				}
				const after = Number(url.searchParams.get('after') ?? 0);
				const archived = url.searchParams.get('archived') === 'true';
				const all = (archived ? store.archivedRecords(type) : store.all(type)).sort(
					(a, b) => Number(a.id) - Number(b.id),
				);
				const page = all.slice(after, after + take);
				const props = listParam('properties');
				send(200, {
					results: page.map((r) => store.view(r, props)),
					...(after + take < all.length
						? { paging: { next: { after: String(after + take) } } }
						: {}),
				});
				return;
			}
			if (req.method === 'GET' && sub !== undefined) {
				const record = store.get(type, sub);
				if (!record) throw notFound(sub);
				const associations = listParam('associations').filter((t): t is ObjectType =>
					TYPES.includes(t as ObjectType),
				);
				send(200, store.view(record, listParam('properties'), associations));
				return;
			}
			if (req.method === 'PATCH' && sub !== undefined) {
				const record = store.update(type, sub, (body.properties ?? {}) as Record<string, unknown>);
				send(200, store.view(record, Object.keys(record.properties)));
				return;
			}
			if (req.method === 'DELETE' && sub !== undefined) {
				store.archive(type, sub);
				send(204, undefined);
				return;
			}
			fail(new HubspotError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`));
		} catch (error) {
			if (error instanceof HubspotError) fail(error);
			else fail(new HubspotError(500, 'INTERNAL_ERROR', String((error as Error).message)));
		}
	};

	const server = https.createServer(
		{ key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
		(req, res) => {
			handle(req, res).catch((error: unknown) => {
				res.writeHead(500);
				res.end(String(error));
			});
		},
	);
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	return {
		url: `https://127.0.0.1:${port}`,
		port,
		token,
		store,
		requests,
		count(method, pathPrefix) {
			return requests.filter(
				(r) => r.method === method && (!pathPrefix || r.path.startsWith(pathPrefix)),
			).length;
		},
		resetRequests() {
			requests.length = 0;
		},
		rateLimitNext(n, pathPrefix) {
			limited.push({ left: n, prefix: pathPrefix });
		},
		failCreate(rule) {
			failures.push(rule);
		},
		clearFailures() {
			failures.length = 0;
		},
		certFile: cert,
		n8nEnv() {
			return {
				NODE_OPTIONS: `--require ${ROUTE_HOOK}`,
				NODE_EXTRA_CA_CERTS: cert,
				N8N_DAKTELA_E2E_HUBSPOT: `127.0.0.1:${port}`,
			};
		},
		credential(id = 'hubspotSandbox') {
			return {
				id,
				name: 'HubSpot sandbox (private app)',
				type: 'hubspotAppToken',
				data: { appToken: token },
			};
		},
		close() {
			return new Promise<void>((resolve) => {
				server.closeAllConnections?.();
				server.close(() => {
					fs.rmSync(dir, { recursive: true, force: true });
					resolve();
				});
			});
		},
	};
}
