/**
 * The in-memory records of the sandbox Daktela V6 and the rules of its writes.
 *
 * Records are kept in their written form (relations as names, custom fields as a map of string
 * lists) in one insertion-ordered Map per endpoint, which is also the index by name. Reads render
 * the real read shape: relations expanded into objects `{…, name, _sys}`, an empty `customFields`
 * as `[]`, `name` and `_sys` last.
 *
 * Assumptions about the real API (documented where the reference leaves it open):
 * - PUT is a partial update: top-level fields merge; `customFields` merge per key (a key present
 *   in the body replaces that key's list, other keys stay). `name` in a PUT body is ignored.
 * - `edited` changes on every successful PUT, even when no value changed.
 * - Unknown and read-only fields in a write body are silently dropped, as the real API does with
 *   fields outside its form; they are absent from the response, which is how a client notices.
 * - A custom-field value must be a list (`["a@b.cz"]`); a bare string is a 400 naming the key.
 * - Deleting an account that still has contacts is refused with `{primary:[…]}` (400).
 */
import { DateTime } from 'luxon';

import {
	CHANNEL_BY_TYPE,
	EMAIL_RE,
	ENTITIES,
	MESSAGES,
	emailKeys,
	type EntityDef,
	type Lang,
	type Messages,
} from './daktela-model.cjs';
import {
	compileFilter,
	isDict,
	parseFields,
	parseFilter,
	DATETIME_FIELDS,
	parsePaging,
	parseSort,
	pickFields,
	pinnedCondition,
	scalarsOf,
	sortRecords,
	type Dict,
	type FilterNode,
	type Resolver,
} from './daktela-query.cjs';

export interface Row {
	seq: number;
	hash: number;
	rec: Dict;
}

/**
 * Equality index on one local path (`customFields.email`, `account`, `title`): string value ->
 * rows. Rows whose value is not a string (numbers, booleans) are kept aside in `others` and
 * always offered as candidates, so the full predicate still decides SQL-style numeric equality.
 */
interface FieldIndex {
	path: string[];
	byValue: Map<string, Set<Row>>;
	others: Set<Row>;
}

export class Table {
	/** Insertion-ordered; also the index by key. */
	readonly rows = new Map<string, Row>();

	/** Built on the first `eq`/`in` lookup on a path, then maintained on every write. */
	readonly indexes = new Map<string, FieldIndex>();

	constructor(readonly def: EntityDef) {}

	private static valuesAt(rec: Dict, path: string[]): unknown {
		let cur: unknown = rec;
		for (const seg of path) {
			if (!isDict(cur)) return undefined;
			cur = cur[seg];
		}
		return cur;
	}

	private static addTo(index: FieldIndex, row: Row): void {
		for (const v of scalarsOf(Table.valuesAt(row.rec, index.path))) {
			if (typeof v !== 'string') {
				index.others.add(row);
				continue;
			}
			let set = index.byValue.get(v);
			if (!set) index.byValue.set(v, (set = new Set()));
			set.add(row);
		}
	}

	private static removeFrom(index: FieldIndex, row: Row): void {
		index.others.delete(row);
		for (const v of scalarsOf(Table.valuesAt(row.rec, index.path))) {
			if (typeof v === 'string') index.byValue.get(v)?.delete(row);
		}
	}

	index(path: string[]): FieldIndex {
		const id = path.join('.');
		let index = this.indexes.get(id);
		if (!index) {
			index = { path, byValue: new Map(), others: new Set() };
			for (const row of this.rows.values()) Table.addTo(index, row);
			this.indexes.set(id, index);
		}
		return index;
	}

	add(row: Row): void {
		const key = String(row.rec[this.def.key]);
		const previous = this.rows.get(key);
		if (previous && previous !== row) this.delete(key);
		this.rows.set(key, row);
		for (const index of this.indexes.values()) Table.addTo(index, row);
	}

	/** Replaces a row's record in place (keeps its position), maintaining the indexes. */
	replace(row: Row, rec: Dict): void {
		for (const index of this.indexes.values()) Table.removeFrom(index, row);
		row.rec = rec;
		row.hash++;
		for (const index of this.indexes.values()) Table.addTo(index, row);
	}

	delete(key: string): boolean {
		const row = this.rows.get(key);
		if (!row) return false;
		for (const index of this.indexes.values()) Table.removeFrom(index, row);
		return this.rows.delete(key);
	}
}

export type WriteOutcome =
	| { ok: true; status: number; record: Dict | null }
	| { ok: false; status: number; error: unknown; result: Dict | null };

export interface StoreClock {
	timeZone: string;
	now: () => Date;
}

/** Relations nest this deep; beyond it an embedded record is reduced to `{title, name, _sys}`. */
const MAX_DEPTH = 3;

/** The user every sandbox token belongs to (owner of API-created activities, whoim's user). */
export const TOKEN_USER = 'administrator';

function clone<T>(value: T): T {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(clone) as T;
	const out: Dict = {};
	for (const key of Object.keys(value)) out[key] = clone((value as Dict)[key]);
	return out as T;
}

function relationName(value: unknown): string | null {
	if (isDict(value)) value = value.name ?? value.id_call ?? null;
	if (value === null || value === undefined || value === '') return null;
	return String(value);
}

export class DaktelaStore {
	readonly tables = new Map<string, Table>();

	private seq = 0;

	private uniq = 0;

	private readonly offsets = new Map<number, number>();

	constructor(private readonly clock: StoreClock) {
		this.reset();
	}

	get timeZone(): string {
		return this.clock.timeZone;
	}

	/** Empties every table and restores the reference data (databases, users, queues). */
	reset(): void {
		this.tables.clear();
		for (const def of ENTITIES) this.tables.set(def.endpoint, new Table(def));
		this.seedReferenceData();
	}

	/** `YYYY-MM-DD HH:MM:SS` in the instance zone. Offsets are cached per quarter hour (seeding is hot). */
	formatTime(ms: number): string {
		const slot = Math.floor(ms / 900_000);
		let offset = this.offsets.get(slot);
		if (offset === undefined) {
			if (this.offsets.size > 50_000) this.offsets.clear();
			offset = DateTime.fromMillis(slot * 900_000, { zone: this.clock.timeZone }).offset;
			this.offsets.set(slot, offset);
		}
		const d = new Date(ms + offset * 60_000);
		const p = (n: number) => (n < 10 ? `0${n}` : String(n));
		return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(
			d.getUTCHours(),
		)}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
	}

	nowMs(): number {
		return this.clock.now().getTime();
	}

	nowString(): string {
		return this.formatTime(this.nowMs());
	}

	table(endpoint: string): Table | undefined {
		return this.tables.get(endpoint);
	}

	/** Inserts a record in written form as is (seeding, reference data). */
	insert(endpoint: string, rec: Dict): Row {
		const table = this.mustTable(endpoint);
		const key = String(rec[table.def.key]);
		rec[table.def.key] = key;
		const row: Row = { seq: ++this.seq, hash: 1, rec };
		table.add(row);
		return row;
	}

	private mustTable(endpoint: string): Table {
		const table = this.tables.get(endpoint);
		if (!table) throw new Error(`Unknown sandbox endpoint: ${endpoint}`);
		return table;
	}

	/** A fresh name in the real format: prefix + uniqid-like hex + digits. */
	newName(def: EntityDef): string {
		const table = this.mustTable(def.endpoint);
		for (;;) {
			this.uniq++;
			const sec = Math.floor(this.nowMs() / 1000);
			const name =
				def.key === 'id_call'
					? `${sec}.${this.uniq}`
					: `${def.prefix}${sec.toString(16).padStart(8, '0')}${(this.uniq % 0x100000)
							.toString(16)
							.padStart(5, '0')}${String((this.uniq * 7919) % 1e9).padStart(9, '0')}`;
			if (!table.rows.has(name)) return name;
		}
	}

	// -------------------------------------------------------------------------------------------
	// Reading

	relationTarget(def: EntityDef, field: string, rec: Dict): string | undefined {
		if (field === 'item' && def.endpoint === 'activities') return CHANNEL_BY_TYPE[String(rec.type)];
		return def.relations[field];
	}

	/** Resolves a dotted path; relations are followed through their tables (`account.title`). */
	resolvePath(def: EntityDef, rec: Dict, path: string[]): unknown {
		let curDef: EntityDef | undefined = def;
		let cur: unknown = rec;
		for (let i = 0; i < path.length; i++) {
			if (!isDict(cur)) return undefined;
			const seg = path[i];
			const value = cur[seg];
			if (i === path.length - 1) return value;
			const target = curDef ? this.relationTarget(curDef, seg, cur) : undefined;
			if (target) {
				const table = this.tables.get(target);
				const row = value == null ? undefined : table?.rows.get(String(value));
				if (!table || !row) return undefined;
				cur = row.rec;
				curDef = table.def;
			} else {
				cur = value;
				curDef = undefined;
			}
		}
		return undefined;
	}

	render(def: EntityDef, rec: Dict, hash: number | null, depth = 0): Dict {
		const out: Dict = {};
		for (const field of def.fields) {
			const value = rec[field];
			const target = this.relationTarget(def, field, rec);
			if (target !== undefined || field in def.relations) {
				out[field] = target ? this.renderRelation(target, value, depth + 1) : null;
			} else if (field === 'customFields') {
				out[field] = isDict(value) && Object.keys(value).length > 0 ? clone(value) : [];
			} else {
				out[field] = value === undefined ? null : clone(value);
			}
		}
		out[def.key] = rec[def.key];
		const sys: Dict = { hash: hash === null ? null : String(hash), model: def.endpoint };
		if (def.cfScheme) sys.cfScheme = clone(def.cfScheme);
		out._sys = sys;
		return out;
	}

	private renderRelation(endpoint: string, name: unknown, depth: number): Dict | null {
		if (name === null || name === undefined || name === '') return null;
		const table = this.tables.get(endpoint);
		const row = table?.rows.get(String(name));
		if (!table || !row) return null;
		if (depth >= MAX_DEPTH) {
			return {
				title: row.rec.title ?? null,
				[table.def.key]: row.rec[table.def.key],
				_sys: { hash: String(row.hash), model: endpoint },
			};
		}
		return this.render(table.def, row.rec, row.hash, depth);
	}

	renderRow(endpoint: string, row: Row): Dict {
		return this.render(this.mustTable(endpoint).def, row.rec, row.hash);
	}

	list(endpoint: string, query: Dict, maxTake: number): { data: Dict[]; total: number } {
		const table = this.mustTable(endpoint);
		const def = table.def;
		const filter = parseFilter(query.filter);
		const sort = parseSort(query.sort);
		const fields = parseFields(query.fields);
		const { skip, take } = parsePaging(query, maxTake);
		const q = typeof query.q === 'string' ? query.q.trim().toLowerCase() : '';
		const resolve: Resolver<Row> = (row, path) => this.resolvePath(def, row.rec, path);

		let rows = this.candidates(table, filter);
		if (filter) rows = rows.filter(compileFilter(filter, resolve));
		if (q !== '') {
			const paths = def.search.map((f) => f.split('.'));
			rows = rows.filter((row) =>
				paths.some((p) =>
					scalarsOf(resolve(row, p)).some((v) => String(v).toLowerCase().includes(q)),
				),
			);
		}
		const total = rows.length;
		const page = sortRecords(rows, sort, resolve).slice(skip, skip + take);
		const data = page.map((row) => {
			const out = this.render(def, row.rec, row.hash);
			return fields ? pickFields(out, fields) : out;
		});
		return { data, total };
	}

	/**
	 * Rows that may match: when a top-level AND pins a local path with case-sensitive `eq`/`in`
	 * (the upsert lookup by name or by `customFields.email`), only the indexed rows, in insertion
	 * order; otherwise every row. The full predicate still runs on the candidates.
	 */
	private candidates(table: Table, filter: FilterNode | undefined): Row[] {
		const pin = pinnedCondition(filter, (field) => {
			const path = field.split('.');
			if (field === table.def.key) return true;
			if (DATETIME_FIELDS.has(path[path.length - 1])) return false;
			return path.length === 1 || !this.relationTarget(table.def, path[0], { type: 'CALL' });
		});
		if (!pin) return Array.from(table.rows.values());
		const found = new Set<Row>();
		if (pin.field === table.def.key) {
			for (const value of pin.values) {
				const row = table.rows.get(value);
				if (row) found.add(row);
			}
		} else {
			const index = table.index(pin.field.split('.'));
			for (const value of pin.values)
				for (const row of index.byValue.get(value) ?? []) found.add(row);
			for (const row of index.others) found.add(row);
		}
		if (found.size > table.rows.size / 2) return Array.from(table.rows.values());
		return Array.from(found).sort((a, b) => a.seq - b.seq);
	}

	getOne(endpoint: string, name: string, query: Dict): Dict | undefined {
		const table = this.mustTable(endpoint);
		const row = table.rows.get(name);
		if (!row) return undefined;
		const out = this.render(table.def, row.rec, row.hash);
		const fields = parseFields(query.fields);
		return fields ? pickFields(out, fields) : out;
	}

	// -------------------------------------------------------------------------------------------
	// Writing through the API

	private defaultsFor(def: EntityDef): Dict {
		const rec: Dict = {};
		for (const field of def.fields) rec[field] = null;
		for (const [field, value] of Object.entries(def.defaults ?? {})) rec[field] = clone(value);
		return rec;
	}

	/** Normalises the allowed fields of `body` into `rec`, collecting form errors. */
	private applyFields(
		def: EntityDef,
		rec: Dict,
		body: Dict,
		allowed: string[],
		m: Messages,
		form: Dict,
	): void {
		for (const field of allowed) {
			if (field === def.key || !(field in body)) continue;
			const raw = body[field];
			const kind = def.relations[field] ? 'relation' : (def.kinds[field] ?? 'text');
			switch (kind) {
				case 'customFields':
					this.mergeCustomFields(def, rec, raw, m, form);
					break;
				case 'relation':
				case 'text':
					if (raw === null || raw === undefined) rec[field] = null;
					else if (typeof raw === 'string' || typeof raw === 'number') rec[field] = String(raw);
					else if (typeof raw === 'boolean' && kind === 'text') rec[field] = raw ? '1' : '';
					else form[field] = m.invalid;
					if (kind === 'relation' && rec[field] === '') rec[field] = null;
					break;
				case 'bool': {
					const v = typeof raw === 'string' ? raw.toLowerCase() : raw;
					if (v === null || v === true || v === false) rec[field] = v;
					else if (v === 1 || v === '1' || v === 'true') rec[field] = true;
					else if (v === 0 || v === '0' || v === 'false' || v === '') rec[field] = false;
					else form[field] = m.invalid;
					break;
				}
				case 'int': {
					const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
					if (raw === null) rec[field] = null;
					else if (typeof n === 'number' && Number.isFinite(n)) rec[field] = Math.trunc(n);
					else form[field] = m.invalid;
					break;
				}
				case 'list':
					if (raw === null) rec[field] = [];
					else if (
						Array.isArray(raw) &&
						raw.every((v) => typeof v === 'string' || typeof v === 'number')
					) {
						rec[field] = raw.map(String);
					} else form[field] = m.invalid;
					break;
				case 'json':
					rec[field] = clone(raw);
					break;
			}
		}
	}

	private mergeCustomFields(
		def: EntityDef,
		rec: Dict,
		raw: unknown,
		m: Messages,
		form: Dict,
	): void {
		if (raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0)) return;
		if (!isDict(raw)) {
			form.customFields = m.invalid;
			return;
		}
		const merged: Dict = isDict(rec.customFields) ? { ...rec.customFields } : {};
		const errors: Dict = {};
		const emailKeysOfDef = emailKeys(def);
		for (const [key, value] of Object.entries(raw)) {
			if (value === null) {
				merged[key] = [];
				continue;
			}
			if (!Array.isArray(value)) {
				errors[key] = [m.notArray];
				continue;
			}
			const list: string[] = [];
			let bad = false;
			for (const element of value) {
				if (element === null || element === undefined) continue;
				if (typeof element === 'string') list.push(element);
				else if (typeof element === 'number' || typeof element === 'boolean')
					list.push(String(element));
				else bad = true;
			}
			if (bad) {
				errors[key] = [m.invalid];
				continue;
			}
			if (emailKeysOfDef.has(key) && list.some((e) => e !== '' && !EMAIL_RE.test(e))) {
				errors[key] = [m.email];
			}
			merged[key] = list; // echoed even when invalid, as the real 400 does
		}
		rec.customFields = merged;
		if (Object.keys(errors).length > 0) form.customFields = errors;
	}

	/** Required, length, enum and foreign-key checks shared by POST and PUT. */
	private check(
		def: EntityDef,
		rec: Dict,
		written: (field: string) => boolean,
		m: Messages,
		form: Dict,
	): void {
		for (const field of def.required ?? []) {
			if (!written(field) || field in form) continue;
			const v = rec[field];
			if (v === null || v === undefined || (v === '' && !def.emptyAllowed?.includes(field))) {
				form[field] = m.required;
			}
		}
		for (const [field, max] of Object.entries(def.maxLength ?? {})) {
			const v = rec[field];
			if (
				written(field) &&
				!(field in form) &&
				typeof v === 'string' &&
				Array.from(v).length > max
			) {
				form[field] = m.maxLength(max);
			}
		}
		for (const [field, values] of Object.entries(def.enums ?? {})) {
			const v = rec[field];
			if (
				written(field) &&
				!(field in form) &&
				v !== null &&
				v !== undefined &&
				!values.includes(String(v))
			) {
				form[field] = m.invalid;
			}
		}
		for (const [field, target] of Object.entries(def.relations)) {
			const v = rec[field];
			if (!written(field) || field in form || v === null || v === undefined) continue;
			if (!this.tables.get(target)?.rows.has(String(v))) {
				form[field] = m.foreignKey;
				rec[field] = null; // the real 400 echoes the broken relation as null
			}
		}
	}

	private static errorShape(primary: string[], form: Dict): unknown {
		const hasForm = Object.keys(form).length > 0;
		if (primary.length > 0 && hasForm) return { primary, form };
		if (primary.length > 0) return { primary };
		return { form };
	}

	create(endpoint: string, body: Dict, lang: Lang): WriteOutcome {
		const table = this.mustTable(endpoint);
		const def = table.def;
		const m = MESSAGES[lang];
		const rec = this.defaultsFor(def);
		const form: Dict = {};
		const primary: string[] = [];
		const now = this.nowString();

		const rawKey = body[def.key];
		if (def.create?.includes(def.key) && rawKey !== undefined && rawKey !== null && rawKey !== '') {
			if (typeof rawKey !== 'string' && typeof rawKey !== 'number') {
				form[def.key] = m.invalid;
				rec[def.key] = this.newName(def);
			} else {
				rec[def.key] = String(rawKey);
				if (table.rows.has(String(rawKey))) form[def.key] = m.unique;
			}
		} else {
			rec[def.key] = this.newName(def);
		}
		this.applyFields(def, rec, body, def.create ?? [], m, form);
		this.check(def, rec, () => true, m, form);

		if (endpoint === 'activities') {
			const type = rec.type;
			if (typeof type === 'string' && form.type === m.invalid)
				primary.push(m.badActivityType(type));
			rec.item = null;
			rec.created_by = TOKEN_USER;
			rec.time = now;
			const action = rec.action;
			if (action === 'WAIT') rec.time_wait = now;
			if (action === 'OPEN' || action === 'POSTPONE' || action === 'CLOSE') rec.time_open = now;
			if (action === 'CLOSE') rec.time_close = now;
		} else if (def.fields.includes('time')) {
			rec.time = now;
		}
		if (def.stamped) {
			rec.created = now;
			rec.edited = now;
		}
		if (primary.length > 0 || Object.keys(form).length > 0) {
			return {
				ok: false,
				status: 400,
				error: DaktelaStore.errorShape(primary, form),
				result: this.render(def, rec, null),
			};
		}
		const row = this.insert(endpoint, rec);
		return { ok: true, status: 201, record: this.render(def, row.rec, row.hash) };
	}

	update(endpoint: string, name: string, body: Dict, lang: Lang): WriteOutcome {
		const table = this.mustTable(endpoint);
		const def = table.def;
		const row = table.rows.get(name);
		if (!row) return { ok: false, status: 404, error: 'Object not exist', result: null };
		const m = MESSAGES[lang];
		const rec: Dict = { ...row.rec };
		if (isDict(rec.customFields)) rec.customFields = { ...rec.customFields };
		const form: Dict = {};
		const allowed = def.update ?? [];
		this.applyFields(def, rec, body, allowed, m, form);
		this.check(def, rec, (f) => allowed.includes(f) && f in body, m, form);
		const now = this.nowString();
		if (endpoint === 'activities' && rec.action !== row.rec.action) {
			if (rec.action === 'WAIT') rec.time_wait = rec.time_wait ?? now;
			if (rec.action === 'OPEN' || rec.action === 'POSTPONE') rec.time_open = rec.time_open ?? now;
			if (rec.action === 'CLOSE') {
				rec.time_open = rec.time_open ?? now;
				rec.time_close = now;
			}
		}
		if (def.stamped) rec.edited = now;
		if (Object.keys(form).length > 0) {
			return {
				ok: false,
				status: 400,
				error: DaktelaStore.errorShape([], form),
				result: this.render(def, rec, row.hash),
			};
		}
		table.replace(row, rec);
		return { ok: true, status: 200, record: this.render(def, row.rec, row.hash) };
	}

	remove(endpoint: string, name: string, lang: Lang): WriteOutcome {
		const table = this.mustTable(endpoint);
		if (!table.rows.has(name)) {
			return { ok: false, status: 404, error: 'Object not exist', result: null };
		}
		if (endpoint === 'accounts') {
			let linked = 0;
			for (const row of this.mustTable('contacts').rows.values())
				if (row.rec.account === name) linked++;
			if (linked > 0) {
				return {
					ok: false,
					status: 400,
					error: { primary: [MESSAGES[lang].accountHasContacts(linked)] },
					result: null,
				};
			}
		}
		table.delete(name);
		return { ok: true, status: 204, record: null };
	}

	// -------------------------------------------------------------------------------------------
	// Out-of-band access for tests

	/** Insert or replace without validation; relations may be names or objects. */
	put(endpoint: string, record: Dict): Dict {
		const table = this.mustTable(endpoint);
		const def = table.def;
		const rec = this.defaultsFor(def);
		for (const [field, value] of Object.entries(record)) {
			if (field === '_sys') continue;
			if (field === 'item' && endpoint === 'activities') {
				const channel = CHANNEL_BY_TYPE[String(record.type)];
				rec.item =
					isDict(value) && channel
						? (this.put(channel, value)[this.mustTable(channel).def.key] as string)
						: relationName(value);
			} else if (def.relations[field]) rec[field] = relationName(value);
			else if (field === 'customFields') rec[field] = isDict(value) ? clone(value) : {};
			else rec[field] = clone(value);
		}
		const rawKey = rec[def.key];
		const key =
			rawKey === null || rawKey === undefined || rawKey === '' ? this.newName(def) : String(rawKey);
		rec[def.key] = key;
		const existing = table.rows.get(key);
		const now = this.nowString();
		if (def.stamped) {
			rec.created = record.created ?? existing?.rec.created ?? now;
			rec.edited = record.edited ?? now;
		}
		if (def.fields.includes('time') && (rec.time === null || rec.time === undefined))
			rec.time = now;
		if (existing) {
			table.replace(existing, rec);
			return this.render(def, rec, existing.hash);
		}
		const row = this.insert(endpoint, rec);
		return this.render(def, row.rec, row.hash);
	}

	// -------------------------------------------------------------------------------------------
	// Reference data for the resource locators

	private seedReferenceData(): void {
		this.insert('databases', {
			name: 'default',
			title: 'Default',
			description: '',
			stage: 'OPEN',
			deleted: false,
		});
		this.insert('databases', {
			name: 'vip',
			title: 'VIP customers',
			description: 'Key accounts',
			stage: 'OPEN',
			deleted: false,
		});
		const users: Array<[string, string, string, string]> = [
			[TOKEN_USER, 'Administrator', 'admin@example.cz', '500'],
			['agent_novak', 'Jan Novák', 'jan.novak@example.cz', '501'],
			['agent_svobodova', 'Eva Svobodová', 'eva.svobodova@example.cz', '502'],
			['agent_dvorak', 'Petr Dvořák', 'petr.dvorak@example.cz', '503'],
		];
		for (const [name, title, email, extension] of users) {
			this.insert('users', {
				name,
				title,
				alias: '',
				email,
				extension,
				description: '',
				deactivated: false,
				deleted: false,
			});
		}
		// Real queue names are numbers (JSON `3001`); the sandbox keeps them as numeric strings.
		const queues: Array<[string, string, string, string]> = [
			['3000', 'Inbound line', 'in', 'in'],
			['3001', 'Support e-mail', 'email', 'in'],
			['3002', 'Web chat', 'chat', 'in'],
			['3003', 'SMS', 'sms', 'in'],
			['3004', 'Messenger', 'fbm', 'in'],
			['3005', 'Instagram', 'igdm', 'in'],
			['3006', 'WhatsApp', 'wap', 'in'],
			['3007', 'Viber', 'vbr', 'in'],
			['3008', 'Outbound sales', 'out', 'out'],
		];
		for (const [name, title, type, direction] of queues) {
			this.insert('queues', {
				name,
				title,
				alias: '',
				type,
				direction,
				description: '',
				deactivated: false,
			});
		}
	}
}

/** Queue used for each activity type when seeding. */
export const QUEUE_BY_TYPE: Record<string, string> = {
	CALL: '3000',
	EMAIL: '3001',
	CHAT: '3002',
	SMS: '3003',
	FBM: '3004',
	IGDM: '3005',
	WAP: '3006',
	VBR: '3007',
	CUSTOM: '3008',
};
