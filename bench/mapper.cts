/**
 * Field Mapper benchmark: 100k CRM records of 20 fields through the compiled YAML mapping, against
 * a hand-written plain JS function that does the same mapping (same output, checked first), in
 * the same process.
 *
 *   npx tsx bench/mapper.cts     -> one JSON line per metric
 *
 * Metrics:
 * - mapper_items_per_second: value = mapper throughput, baseline = hand-written throughput,
 *   ratio = value / baseline (1 = as fast; the goal is >= 1/3, "within 3x").
 * - mapper_heap_per_item: heap the mapped items take per item (after a full GC), against the
 *   hand-written function's outputs (goal <= 1.25: the mapper holds its output, not more).
 * - mapper_peak_rss_mb: peak resident memory while mapping (inputs and outputs held), no baseline.
 *
 * Outputs are kept, as n8n keeps a node's output items, so the garbage collection each side causes
 * counts. On CPU time alone (outputs dropped at once, young-generation GC only) the compiled mapping
 * is about 3.5-4x slower than the hand-written function: the remaining cost is property access by
 * key name, which a mapping that is data (not generated code) cannot avoid.
 */
import { deepStrictEqual } from 'node:assert';
import { createRequire } from 'node:module';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

type Engine = typeof import('../nodes/FieldMapper/mapping');

/**
 * The engine is TypeScript. Under `tsx bench/mapper.cts` on Node 20 a .cts entry's require() of
 * .ts files is not transformed, so tsx's CommonJS hook is registered when it is missing.
 */
function loadEngine(): Engine {
	const load = createRequire(__filename);
	try {
		return load('../nodes/FieldMapper/mapping') as Engine;
	} catch (error) {
		if (!(error instanceof SyntaxError)) throw error;
	}
	(load('tsx/cjs/api') as { register(): void }).register();
	return load('../nodes/FieldMapper/mapping') as Engine;
}

export interface BenchMetric {
	metric: string;
	value: number;
	unit: string;
	baseline: number | null;
	ratio: number | null;
}

const ITEMS = 100_000;
const ROUNDS = 7;

export const BENCH_MAPPING = `entity: contact
lookup_field: name
mappings:
  - cc_field: name
    crm_field: id
    transformers: [{ name: prefix, params: { value: crm_person_ } }]
  - { cc_field: firstname, crm_field: first_name }
  - { cc_field: lastname, crm_field: last_name }
  - { cc_field: title, template: "{first_name} {last_name}" }
  - cc_field: customFields.email
    crm_field: email
    transformers: [{ name: string_case, params: { case: lower } }, wrap_array]
  - cc_field: customFields.number
    crm_field: phone
    transformers: [{ name: phone_normalize, params: { format: e164 } }, wrap_array]
  - cc_field: account
    crm_field: company.id
    transformers: [{ name: prefix, params: { value: crm_account_ } }]
    relation: { entity: account, resolve_from: id, resolve_to: name }
  - { cc_field: description, crm_field: notes }
  - { cc_field: database, value: default }
  - { cc_field: user, crm_field: owner.login }
  - { cc_field: customFields.city, crm_field: address.city }
  - { cc_field: customFields.zip, crm_field: address.zip }
  - cc_field: customFields.country
    crm_field: address.country
    transformers: [{ name: string_case, params: { case: upper } }]
  - cc_field: customFields.tags
    crm_field: tags
    multi_value: { strategy: split, separator: "," }
  - { cc_field: customFields.vip, crm_field: is_vip, transformers: [boolean] }
  - cc_field: customFields.segment
    crm_field: segment
    transformers: [{ name: value_map, params: { map: { a: Gold, b: Silver, c: Bronze }, fallback: Other } }]
  - cc_field: customFields.source
    crm_field: source
    transformers: [{ name: default_value, params: { value: crm } }]
  - { cc_field: customFields.website, crm_field: website, transformers: [trim] }
  - cc_field: customFields.crm_url
    crm_field: id
    transformers: [{ name: url, params: { template: "https://crm.example.com/people/{value}" } }]
  - cc_field: customFields.language
    crm_field: lang
    transformers: [{ name: string_case, params: { case: lower } }]
`;

type Rec = Record<string, unknown>;

/** The same mapping written by hand, with the same semantics (nulls written, lists, lookup). */
export function handWritten(src: Rec): {
	record: Rec;
	lookup: { field: string; value: unknown };
	relations?: Rec;
} {
	const s = src as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
	const id = s.id;
	const name = id === null || id === undefined || id === '' ? (id ?? null) : `crm_person_${id}`;
	const first = s.first_name ?? null;
	const last = s.last_name ?? null;
	const title = first === null && last === null ? null : `${first ?? ''} ${last ?? ''}`.trim();
	const email = typeof s.email === 'string' ? s.email.toLowerCase() : (s.email ?? null);
	let phone = s.phone ?? null;
	if (phone !== null && phone !== '') {
		const digits = String(phone).replace(/[^\d+]/g, '');
		if (digits !== '') phone = digits.startsWith('+') ? digits : `+${digits}`;
	}
	const companyId = s.company?.id ?? null;
	const account = companyId === null || companyId === '' ? companyId : `crm_account_${companyId}`;
	const country = s.address?.country;
	const tags = s.tags;
	const segment = s.segment;
	const vip = s.is_vip;
	const website = s.website;
	const record: Rec = {
		name,
		firstname: first,
		lastname: last,
		title,
		customFields: {
			email: email === null || email === '' ? [] : Array.isArray(email) ? email : [email],
			number: phone === null || phone === '' ? [] : [phone],
			city: s.address?.city ?? null,
			zip: s.address?.zip ?? null,
			country: typeof country === 'string' ? country.toUpperCase() : (country ?? null),
			tags:
				tags === null || tags === undefined || tags === ''
					? []
					: Array.isArray(tags)
						? tags
						: String(tags)
								.split(',')
								.map((t) => t.trim()),
			vip:
				typeof vip === 'string'
					? ['1', 'true', 'yes', 'on'].includes(vip.toLowerCase())
					: Boolean(vip),
			segment:
				segment === null || segment === undefined
					? null
					: segment === 'a'
						? 'Gold'
						: segment === 'b'
							? 'Silver'
							: segment === 'c'
								? 'Bronze'
								: 'Other',
			source: s.source ?? 'crm',
			website: typeof website === 'string' ? website.trim() : (website ?? null),
			crm_url:
				id === null || id === undefined || id === ''
					? (id ?? null)
					: `https://crm.example.com/people/${id}`,
			language: typeof s.lang === 'string' ? s.lang.toLowerCase() : (s.lang ?? null),
		},
		account,
		description: s.notes ?? null,
		database: 'default',
		user: s.owner?.login ?? null,
	};
	const result: { record: Rec; lookup: { field: string; value: unknown }; relations?: Rec } = {
		record,
		lookup: { field: 'name', value: name },
	};
	if (typeof account === 'string' && account !== '') {
		result.relations = {
			account: { entity: 'account', resolveFrom: 'id', resolveTo: 'name', value: account },
		};
	}
	return result;
}

/** Deterministic CRM records with a realistic share of missing and odd values. */
export function makeRecords(count: number): Rec[] {
	const records: Rec[] = [];
	for (let i = 0; i < count; i++) {
		records.push({
			id: 100000 + i,
			first_name: `First${i % 97}`,
			last_name: i % 50 === 0 ? null : `Last${i % 89}`,
			email: `Person.${i}@Example.COM`,
			phone:
				i % 10 === 0
					? ''
					: `+420 601 ${String(i % 1000).padStart(3, '0')} ${String(i % 777).padStart(3, '0')}`,
			company: i % 7 === 0 ? null : { id: i % 300, name: `Company ${i % 300}` },
			notes: i % 3 === 0 ? `Note ${i}` : null,
			owner: { login: `agent${i % 12}` },
			address: { city: 'Praha', zip: `1${i % 9}000`, country: i % 2 ? 'cz' : 'sk' },
			tags: i % 4 === 0 ? 'vip, b2b,web' : 'web',
			is_vip: i % 5 === 0 ? 'yes' : 'no',
			segment: ['a', 'b', 'c', 'x'][i % 4],
			source: i % 6 === 0 ? null : 'import',
			website: `  https://site${i}.example.com `,
			lang: i % 2 ? 'CS' : 'EN',
		});
	}
	return records;
}

const CHUNK = 5_000;

/**
 * Times each function over `records` in chunks, interleaved chunk by chunk, and keeps per chunk the
 * median of the rounds: a busy machine slows one chunk of one round, not one side of the
 * comparison, while the garbage collection each side causes still counts.
 */
function bestChunkTimes(
	fns: Array<(r: Rec) => unknown>,
	records: Rec[],
	rounds: number,
	sink: unknown[],
	onRound: () => void,
): number[] {
	const chunks = Math.ceil(records.length / CHUNK);
	const times = fns.map(() => Array.from({ length: chunks }, () => [] as number[]));
	for (let round = 0; round < rounds; round++) {
		for (let c = 0; c < chunks; c++) {
			const end = Math.min(records.length, (c + 1) * CHUNK);
			fns.forEach((fn, f) => {
				const start = performance.now();
				for (let i = c * CHUNK; i < end; i++) sink[i] = fn(records[i]);
				times[f][c].push(performance.now() - start);
			});
		}
		onRound();
	}
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	return times.map((perChunk) => perChunk.reduce((sum, xs) => sum + median(xs), 0));
}

/** A full GC on demand, in a process started without --expose-gc (the bench's own). */
function fullGc(): () => void {
	v8.setFlagsFromString('--expose-gc');
	return vm.runInNewContext('gc') as () => void;
}

/** Heap the outputs of `fn` over `records` take, per item, once everything else is collected. */
function heldPerItem(fn: (r: Rec) => unknown, records: Rec[], gc: () => void): number {
	gc();
	const before = v8.getHeapStatistics().used_heap_size;
	const outputs = records.map(fn);
	gc();
	const held = v8.getHeapStatistics().used_heap_size - before;
	if (outputs.length !== records.length) throw new Error('outputs lost');
	return held / records.length;
}

export async function runMapperBench(items = ITEMS, rounds = ROUNDS): Promise<BenchMetric[]> {
	const { compileMapping, loadMapping } = loadEngine();
	const compiled = compileMapping(loadMapping(BENCH_MAPPING), { direction: 'toDaktela' });
	const mapper = (r: Rec) => compiled.map(r);
	const records = makeRecords(items);

	// Same mapping: identical output on a sample before anything is timed.
	for (const record of records.slice(0, 2000)) deepStrictEqual(mapper(record), handWritten(record));

	const sink: unknown[] = new Array(items);
	let peakRss = process.memoryUsage().rss;
	const sampleRss = () => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	};
	// Warm-up (JIT), then the measured rounds.
	bestChunkTimes([mapper, handWritten], records.slice(0, 20_000), 1, sink, sampleRss);
	const [mapperMs, handMs] = bestChunkTimes(
		[mapper, handWritten],
		records,
		rounds,
		sink,
		sampleRss,
	);
	const best = { mapper: mapperMs, hand: handMs };

	sink.fill(undefined);
	const gc = fullGc();
	const heldMapper = heldPerItem(mapper, records, gc);
	const heldHand = heldPerItem(handWritten, records, gc);

	const perSecond = (ms: number) => Math.round((items / ms) * 1000);
	const mapperRate = perSecond(best.mapper);
	const handRate = perSecond(best.hand);
	return [
		{
			metric: 'mapper_items_per_second',
			value: mapperRate,
			unit: 'items/s',
			baseline: handRate,
			ratio: Math.round((mapperRate / handRate) * 1000) / 1000,
		},
		{
			metric: 'mapper_heap_per_item',
			value: Math.round(heldMapper),
			unit: 'bytes/item',
			baseline: Math.round(heldHand),
			ratio: Math.round((heldMapper / heldHand) * 1000) / 1000,
		},
		{
			metric: 'mapper_peak_rss_mb',
			value: Math.round((peakRss / 1024 / 1024) * 10) / 10,
			unit: 'MB',
			baseline: null,
			ratio: null,
		},
	];
}

if (require.main === module) {
	runMapperBench().then(
		(metrics) => {
			for (const metric of metrics) process.stdout.write(`${JSON.stringify(metric)}\n`);
		},
		(error: unknown) => {
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
