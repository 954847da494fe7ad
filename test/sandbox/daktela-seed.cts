/**
 * Deterministic generated data for the sandbox Daktela: accounts, contacts linked to them (e-mail
 * and phone in custom fields, as the real instance keeps them) and activities of every type with
 * their channel items, spread over the 60 days before the sandbox clock's "now".
 * The same random seed and clock give the same records.
 */
import { ACTIVITY_TYPES, CHANNEL_BY_TYPE } from './daktela-model.cjs';
import type { Dict } from './daktela-query.cjs';
import { QUEUE_BY_TYPE, type DaktelaStore } from './daktela-store.cjs';

export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data and fault injection. */
export function mulberry32(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface SeedCounts {
	accounts?: number;
	contacts?: number;
	activities?: number;
	randomSeed?: number;
}

const MALE_FIRST = ['Jan', 'Petr', 'Tomáš', 'Martin', 'Pavel', 'Jakub', 'Lukáš', 'Ondřej', 'Jiří'];
const FEMALE_FIRST = [
	'Eva',
	'Jana',
	'Lucie',
	'Kateřina',
	'Tereza',
	'Veronika',
	'Markéta',
	'Barbora',
];
const MALE_LAST = ['Novák', 'Svoboda', 'Dvořák', 'Černý', 'Procházka', 'Kučera', 'Veselý', 'Horák'];
const FEMALE_LAST = [
	'Nováková',
	'Svobodová',
	'Dvořáková',
	'Černá',
	'Procházková',
	'Kučerová',
	'Veselá',
];
const COMPANY_WORDS = [
	'Stavby',
	'Logistika',
	'Software',
	'Energie',
	'Consulting',
	'Potraviny',
	'Textil',
];
const COMPANY_FORMS = ['s.r.o.', 'a.s.', 'k.s.', 'v.o.s.'];
const AGENTS = ['agent_novak', 'agent_svobodova', 'agent_dvorak'];
const DAY = 86_400_000;

function ascii(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

class Gen {
	constructor(private readonly rng: Rng) {}

	int(min: number, max: number): number {
		return min + Math.floor(this.rng() * (max - min + 1));
	}

	pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.rng() * list.length)];
	}

	rng01(): number {
		return this.rng();
	}

	chance(p: number): boolean {
		return this.rng() < p;
	}

	hex(n: number): string {
		let s = '';
		for (let i = 0; i < n; i++) s += Math.floor(this.rng() * 16).toString(16);
		return s;
	}

	digits(n: number): string {
		let s = '';
		for (let i = 0; i < n; i++) s += String(Math.floor(this.rng() * 10));
		return s;
	}

	phone(): string {
		return `+420${this.pick(['601', '602', '603', '604', '605', '720', '721', '731', '777'])}${this.digits(6)}`;
	}

	/** `contact_674eda46162a8403430453`-like names, unique within the table. */
	name(prefix: string, taken: (n: string) => boolean): string {
		for (;;) {
			const name = `${prefix}${this.hex(13)}${this.digits(9)}`;
			if (!taken(name)) return name;
		}
	}
}

export function seedStore(
	store: DaktelaStore,
	counts: SeedCounts,
	rng: Rng,
): { accounts: number; contacts: number; activities: number } {
	const g = new Gen(rng);
	const now = store.nowMs();
	const accounts = store.table('accounts')!;
	const contacts = store.table('contacts')!;
	const activities = store.table('activities')!;

	const nAccounts = Math.max(0, counts.accounts ?? 0);
	for (let i = 0; i < nAccounts; i++) {
		const surname = g.pick(MALE_LAST);
		const word = g.pick(COMPANY_WORDS);
		const title = `${surname} ${word} ${g.pick(COMPANY_FORMS)}`;
		const created = now - g.int(1, 60) * DAY - g.int(0, DAY - 1);
		const edited = created + g.int(0, now - created);
		const slug = ascii(`${surname}-${word}`);
		store.insert('accounts', {
			name: g.name('account_', (n) => accounts.rows.has(n)),
			title,
			sla: null,
			user: g.chance(0.5) ? g.pick(AGENTS) : null,
			database: 'default',
			description: '',
			customFields: {
				ico: [g.digits(8)],
				web: [`https://www.${slug}.cz`],
				email: [`info@${slug}.cz`],
				number: [g.phone()],
			},
			created: store.formatTime(created),
			edited: store.formatTime(edited),
		});
	}

	const accountNames = Array.from(accounts.rows.keys());
	const nContacts = Math.max(0, counts.contacts ?? 0);
	for (let i = 0; i < nContacts; i++) {
		const female = g.chance(0.5);
		const firstname = g.pick(female ? FEMALE_FIRST : MALE_FIRST);
		const lastname = g.pick(female ? FEMALE_LAST : MALE_LAST);
		const serial = contacts.rows.size + 1;
		const emails = g.chance(0.9)
			? [`${ascii(firstname)}.${ascii(lastname)}.${serial}@example.cz`]
			: [];
		if (emails.length > 0 && g.chance(0.1))
			emails.push(`${ascii(lastname)}${serial}@mail.example.com`);
		const created = now - g.int(0, 60) * DAY - g.int(0, DAY - 1);
		const edited = created + g.int(0, Math.max(0, now - created));
		store.insert('contacts', {
			name: g.name('contact_', (n) => contacts.rows.has(n)),
			title: `${firstname} ${lastname}`,
			firstname,
			lastname,
			account: accountNames.length > 0 && g.chance(0.8) ? g.pick(accountNames) : null,
			user: g.chance(0.5) ? g.pick(AGENTS) : null,
			database: g.chance(0.9) ? 'default' : 'vip',
			description: '',
			nps_score: 0,
			customFields: { email: emails, number: g.chance(0.85) ? [g.phone()] : [] },
			duplicateContacts: null,
			notDuplicateContacts: null,
			created: store.formatTime(created),
			edited: store.formatTime(edited),
		});
	}

	const contactNames = Array.from(contacts.rows.keys());
	const nActivities = Math.max(0, counts.activities ?? 0);
	const offset = activities.rows.size;
	for (let i = 0; i < nActivities; i++) {
		// Round-robin so that every type appears once there are at least nine activities.
		const type = ACTIVITY_TYPES[(offset + i) % ACTIVITY_TYPES.length];
		const contact = contactNames.length > 0 && g.chance(0.9) ? g.pick(contactNames) : null;
		const contactRec = contact ? contacts.rows.get(contact)!.rec : undefined;
		const cf = (contactRec?.customFields ?? {}) as Dict;
		const email = ((cf.email as string[] | undefined) ?? [])[0] ?? `anon${g.digits(4)}@example.net`;
		const phone = ((cf.number as string[] | undefined) ?? [])[0] ?? g.phone();
		const user = g.pick(AGENTS);
		const queue = QUEUE_BY_TYPE[type];
		const startMs = now - g.int(0, 59) * DAY - g.int(60_000, DAY - 1);
		const roll = g.rng01();
		const action = roll < 0.8 ? 'CLOSE' : roll < 0.93 ? 'OPEN' : 'WAIT';
		const wait = g.int(0, 120);
		const duration = action === 'WAIT' ? 0 : g.int(5, 1800);
		const openMs = startMs + wait * 1000;
		const closeMs = openMs + duration * 1000 + g.int(0, 300) * 1000;
		const time = store.formatTime(startMs);
		const answered = action !== 'WAIT' && g.chance(0.85);
		const inbound = g.chance(0.6);

		let item: string | null = null;
		const channel = CHANNEL_BY_TYPE[type];
		if (channel) {
			const table = store.table(channel)!;
			const base = { user, queue, contact, answered, duration, time };
			let rec: Dict;
			if (type === 'CALL') {
				let id = '';
				do id = `${Math.floor(startMs / 1000)}.${g.int(1, 99999)}`;
				while (table.rows.has(id));
				rec = {
					id_call: id,
					call_time: time,
					direction: inbound ? 'in' : 'out',
					answered,
					id_queue: queue,
					id_agent: answered ? user : null,
					clid: inbound ? phone : '+420234100200',
					did: inbound ? '+420234100200' : phone,
					waiting_time: wait,
					ringing_time: g.int(0, 30),
					hold_time: answered ? g.int(0, 60) : 0,
					duration: answered ? duration : 0,
					disposition_cause: answered ? 'ANSWERED' : g.pick(['NO ANSWER', 'BUSY', 'CANCEL']),
					disconnection_cause: g.pick(['CALLER', 'CALLEE']),
					missed_call: !answered && inbound,
					missed_call_time: !answered && inbound ? time : null,
					contact,
					cdr: null,
				};
			} else if (type === 'EMAIL') {
				rec = {
					...base,
					name: g.name('emails_', (n) => table.rows.has(n)),
					title: g.pick(['Dotaz na objednávku', 'Re: Nabídka', 'Reklamace', 'Faktura']),
					address: email,
					direction: inbound ? 'in' : 'out',
					wait_time: wait,
					text: '<p>Dobrý den, posílám dotaz.</p>',
					options: { headers: { from: [{ address: email, display: '' }] } },
					state: inbound ? null : 'SENT',
					files: [],
				};
			} else if (type === 'CHAT') {
				rec = {
					...base,
					name: g.name('chats_', (n) => table.rows.has(n)),
					title: 'Web chat',
					state: action === 'CLOSE' ? 'CLOSE' : 'OPEN',
					connector: null,
					wait_time: wait,
					disconnection: g.pick(['CLIENT', 'AGENT']),
					missed: answered ? 'NO' : 'YES',
					email,
					phone,
					context: { url: 'https://www.example.cz/kontakt' },
				};
			} else {
				const prefix = `${type.toLowerCase()}_`;
				rec = {
					...base,
					name: g.name(prefix, (n) => table.rows.has(n)),
					title: `${type} conversation`,
					sender:
						type === 'SMS' || type === 'WAP' ? phone : `${type.toLowerCase()}-${g.digits(10)}`,
					direction: inbound ? 'IN' : 'OUT',
					state: action === 'CLOSE' ? 'CLOSE' : 'OPEN',
					wait_time: wait,
					missed: answered ? 'NO' : 'YES',
					disconnection: g.pick(['CLIENT', 'AGENT']),
				};
			}
			const row = store.insert(channel, rec);
			item = String(row.rec[table.def.key]);
		}

		store.insert('activities', {
			name: g.name('activities_', (n) => activities.rows.has(n)),
			ticket: null,
			title: type === 'CUSTOM' ? 'Schůzka' : `${type} ${inbound ? 'inbound' : 'outbound'}`,
			action,
			type,
			item,
			queue,
			user,
			contact,
			survey: null,
			record: null,
			statuses: [],
			priority: 0,
			options: null,
			description: '',
			important: false,
			time,
			time_wait: action === 'WAIT' ? time : null,
			time_open: action === 'WAIT' ? null : store.formatTime(Math.min(openMs, now)),
			time_close: action === 'CLOSE' ? store.formatTime(Math.min(closeMs, now)) : null,
			baw: 0,
			aaw: 0,
			duration,
			ringing_time: type === 'CALL' ? g.int(0, 30) : 0,
			created_by: user,
			customFields: {},
		});
	}
	return { accounts: nAccounts, contacts: nContacts, activities: nActivities };
}
