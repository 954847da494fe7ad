/**
 * The checkpoint policies: what Get hands out, which source records Skip Processed drops, and
 * whether (and to what) Commit moves the cursor.
 *
 * PURE: plain values in, plain values out; nothing here reads the clock (callers pass `nowMs`).
 *
 * The model. A cursor is a time T plus `seen`: the version (cursor time) of each record written,
 * for records at or after T - lookback. Get hands out `since = T - lookback` for an inclusive
 * (>=) source filter. A record read again at the version in `seen` is already processed; the ids
 * seen at exactly T are the boundary ids (Airbyte keeps a count there; ids also survive a boundary
 * record being edited away, and do not need the source to order ties by id). The source limit Get
 * hands out is the batch size plus the seen records the source will return again, so every run
 * reaches `batchSize` records it has not processed - even when more records than the batch size
 * share one timestamp. A version is only remembered once settled (older than the read minus the
 * lookback and one clock tick): a later edit within the same second carries the same time.
 *
 * The cursor only ever comes from records that were actually processed, never from the clock:
 * a record modified while a run is writing has a time after everything that run read, so the
 * next run reads it. The clock only ever LOWERS the cursor: it never moves past the time Get ran
 * (before the source was read), so a record stamped in the future (a source clock running ahead,
 * a typo like 2099) cannot make changes made after this run look old; one more than an hour
 * ahead is reported.
 *
 * Assumption: a record's cursor value never decreases, except when a value stamped in the future
 * is corrected (handled: see decideSkip).
 */
import { CONTACT_ACTIONS, type ContactAction } from '../../shared/core/items';
import { fromIso, toIso } from './cursor';
import { CheckpointError } from './errors';
import type { EntityState, LastCommit, RunMarker } from './state';
import { cloneEntityState } from './state';

export type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed' | 'other';
export type FailurePolicy = 'hold' | 'advance';

const SYNC_ACTIONS = new Set(['created', 'updated', 'unchanged', 'deleted', 'failed']);
const CONTACT_ACTION_SET = new Set<string>(CONTACT_ACTIONS);

/** Auto-created contacts of account items (`json.sync.contact.action`), by action. */
export type ContactCounts = Record<ContactAction, number>;
const MAX_ERROR_LENGTH = 500;
const FUTURE_WARNING_MS = 60 * 60_000;
/** The coarsest source clock tick we allow for (Daktela: seconds). */
const TICK_MS = 1000;

/** The boundary of the cursor as outputs show it: time and the ids processed at exactly it. */
export interface CursorView {
	time: string;
	ids: string[];
}

export function cursorView(state: EntityState): CursorView | null {
	if (state.cursor === null) return null;
	const ids = [...state.seen.entries()]
		.filter(([, time]) => time === state.cursor)
		.map(([id]) => id)
		.sort();
	return { time: toIso(state.cursor), ids };
}

/** The run marker of this execution's Get, if Get ran in this execution. */
export function runOf(state: EntityState, runId: string): RunMarker | undefined {
	return state.run && state.run.id === runId ? state.run : undefined;
}

function shortError(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (value && typeof value === 'object' && typeof (value as Error).message === 'string') {
		text = (value as Error).message;
	} else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			text = String(value);
		}
	}
	return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** An account item's `sync.contact.action` (Auto-Create Contact), when it has one. */
function contactActionOf(contact: unknown): ContactAction | undefined {
	if (!contact || typeof contact !== 'object' || Array.isArray(contact)) return undefined;
	const action = (contact as { action?: unknown }).action;
	return typeof action === 'string' && CONTACT_ACTION_SET.has(action)
		? (action as ContactAction)
		: undefined;
}

/**
 * The outcome of one sync-step item. A Daktela write output says it in `json.sync.action` (the
 * sync result contract); any other node's item failed when it carries `json.error` (n8n's
 * Continue On Fail shape) and otherwise succeeded.
 */
export function outcomeOf(json: Record<string, unknown>): {
	outcome: Outcome;
	error?: string;
	contact?: ContactAction;
} {
	const sync = json.sync;
	if (sync && typeof sync === 'object' && !Array.isArray(sync)) {
		const { action, error } = sync as { action?: unknown; error?: unknown };
		if (typeof action === 'string' && SYNC_ACTIONS.has(action)) {
			if (action !== 'failed') {
				const contact = contactActionOf((sync as { contact?: unknown }).contact);
				return contact ? { outcome: action as Outcome, contact } : { outcome: action as Outcome };
			}
			return { outcome: 'failed', error: error ? shortError(error) : 'failed' };
		}
	}
	const error = json.error;
	if (error !== undefined && error !== null && error !== '' && error !== false) {
		return { outcome: 'failed', error: shortError(error) };
	}
	return { outcome: 'other' };
}

// ---------------------------------------------------------------------------------------------
// Get
// ---------------------------------------------------------------------------------------------

export interface GetInput {
	state: EntityState;
	runId: string;
	nowMs: number;
	/** Records per run the sync step should process; 0 = no limit. */
	batchSize: number;
	lookbackMs: number;
	forceFullSync: boolean;
	/** `since` of a full sync (first run, after Reset, forced); none = everything. */
	startFromMs?: number;
}

export interface GetPlan {
	/** Epoch ms for the source's inclusive filter; null = no filter (full sync from the start). */
	since: number | null;
	cursor: CursorView | null;
	/** What to ask the source for: batchSize + records it will return again; null = no limit. */
	limit: number | null;
	fullSync: boolean;
	fullSyncReason: 'forced' | 'noCursor' | null;
	retryIds: string[];
	deadLetters: number;
	/** An earlier Get of this entity whose run never reached Commit. */
	previousRun?: RunMarker;
	warnings: string[];
	/** The state with this run's marker. */
	next: EntityState;
}

function checkCount(name: string, value: number, min: number): number {
	if (!Number.isInteger(value) || value < min) {
		throw new CheckpointError('invalidOption', `${name} must be a whole number of at least ${min}`);
	}
	return value;
}

export function planGet(input: GetInput): GetPlan {
	const { state, runId, nowMs } = input;
	const batchSize = checkCount('Batch Size', input.batchSize, 0);
	if (!Number.isFinite(input.lookbackMs) || input.lookbackMs < 0) {
		throw new CheckpointError('invalidOption', 'Lookback must be zero or more seconds');
	}
	const warnings: string[] = [];
	const fullSyncReason = input.forceFullSync ? 'forced' : state.cursor === null ? 'noCursor' : null;
	const fullSync = fullSyncReason !== null;
	const since = fullSync
		? (input.startFromMs ?? null)
		: (state.cursor as number) - Math.round(input.lookbackMs);

	// Seen records at or after `since` come back from an inclusive filter; they are skipped, so
	// they must not eat into the batch (else > batchSize records on one timestamp never pass, and
	// a first full sync from an unsorted source never gets past its first batch).
	let again = 0;
	if (!input.forceFullSync) {
		for (const time of state.seen.values()) if (since === null || time >= since) again++;
	}
	const limit = batchSize > 0 ? batchSize + again : null;

	if (state.cursor !== null && state.cursor > nowMs) {
		warnings.push(
			`The stored cursor ${toIso(state.cursor)} is in the future: the source returns nothing ` +
				'newer until then. If that is wrong, Reset this entity or force a full sync',
		);
	}
	let previousRun: RunMarker | undefined;
	if (state.run && !state.run.closedAt && state.run.id !== runId) {
		previousRun = { ...state.run };
		warnings.push(
			`The previous run (execution ${state.run.id}, started ${state.run.startedAt}) did not ` +
				'reach Commit: it failed, was stopped, found no records, or is still running. ' +
				'Nothing it did was committed; this run starts from the last commit',
		);
	}

	const next = cloneEntityState(state);
	next.run = {
		id: runId,
		startedAt: toIso(nowMs),
		since: since === null ? null : toIso(since),
		limit,
		batchSize,
		lookbackMs: Math.round(input.lookbackMs),
		fullSync,
		forced: input.forceFullSync,
	};
	return {
		since,
		cursor: cursorView(state),
		limit,
		fullSync,
		fullSyncReason,
		retryIds: [...state.retry.keys()],
		deadLetters: state.dead.size,
		previousRun,
		warnings,
		next,
	};
}

// ---------------------------------------------------------------------------------------------
// Skip Processed
// ---------------------------------------------------------------------------------------------

export type SkipReason =
	| 'new' // after everything processed, or a newer version of a processed record
	| 'retry' // on the retry list: always passed
	| 'fullSync' // a forced full sync re-sends everything
	| 'invalid' // no id or cursor value: passed, Commit reports it
	| 'seen' // this version (or a newer one) was processed
	| 'beforeWindow'; // older than the cursor minus lookback: processed by an earlier run

export interface SkipDecision {
	skip: boolean;
	reason: SkipReason;
}

/**
 * Whether a source record was processed already. `run` is this execution's Get marker: without
 * it (Skip Processed without Get) only exact seen versions are skipped, never by the cursor,
 * because the lookback in force is unknown.
 */
export function decideSkip(
	state: EntityState,
	run: RunMarker | undefined,
	record: { id?: string; time?: number },
): SkipDecision {
	const { id, time } = record;
	if (id === undefined || time === undefined) return { skip: false, reason: 'invalid' };
	if (state.retry.has(id)) return { skip: false, reason: 'retry' };
	if (run?.forced) return { skip: false, reason: 'fullSync' };
	// An older version than the one processed is skipped too (a lagging source must not overwrite
	// newer data), unless the processed one is stamped in the future: when that clock is fixed,
	// the next version carries a lower time and is new.
	const seen = state.seen.get(id);
	const horizon = run ? (fromIso(run.startedAt) ?? -Infinity) : -Infinity;
	if (seen !== undefined && (time === seen || (time < seen && seen <= horizon))) {
		return { skip: true, reason: 'seen' };
	}
	if (run && state.cursor !== null && time < state.cursor - run.lookbackMs) {
		return { skip: true, reason: 'beforeWindow' };
	}
	return { skip: false, reason: 'new' };
}

/** Counts Skip Processed's input into this run's marker, for Commit's "batch full" test. */
export function recordSkip(
	state: EntityState,
	runId: string,
	sourceCount: number,
	skipped: number,
): EntityState | undefined {
	const run = runOf(state, runId);
	if (!run) return undefined;
	const next = cloneEntityState(state);
	next.run = {
		...run,
		sourceCount: (run.sourceCount ?? 0) + sourceCount,
		skipped: (run.skipped ?? 0) + skipped,
	};
	return next;
}

// ---------------------------------------------------------------------------------------------
// Commit
// ---------------------------------------------------------------------------------------------

/** One item that reached Commit. */
export interface RecordResult {
	index: number;
	id?: string;
	time?: number;
	outcome: Outcome;
	error?: string;
	/** Why the item could not be read (no record id, no cursor value). */
	invalid?: string;
	/** What happened to the account's auto-created contact, if the item reports one. */
	contact?: ContactAction;
}

export interface CommitOptions {
	onFailure: FailurePolicy;
	/** The source returns records in ascending cursor order (then a full batch can commit). */
	sortedSource: boolean;
	/** Advance Past Failures: attempts before a record becomes a dead letter. */
	maxAttempts: number;
	/** Most processed versions remembered (oldest dropped first; dropping only re-sends). */
	seenLimit: number;
	/** Most dead letters kept (oldest dropped first). */
	deadLetterLimit: number;
}

export const DEFAULT_COMMIT_OPTIONS: CommitOptions = {
	onFailure: 'hold',
	sortedSource: false,
	maxAttempts: 5,
	seenLimit: 10_000,
	deadLetterLimit: 1_000,
};

export interface CommitInput {
	state: EntityState;
	runId: string;
	records: RecordResult[];
	/** Records the source returned (default: Skip Processed's count, else the records here). */
	sourceCount?: number;
	nowMs: number;
	options: CommitOptions;
}

export type CommitReason =
	| 'committed'
	| 'committedBatch'
	| 'committedPastFailures'
	| 'committedPartial'
	| 'noRecords'
	| 'heldInvalid'
	| 'heldFailures'
	| 'heldExhausted'
	| 'heldNoGet';

export interface RecordProblem {
	index: number;
	id: string | null;
	error: string;
}

export interface CommitDecision {
	committed: boolean;
	reason: CommitReason;
	next: EntityState;
	counts: {
		total: number;
		created: number;
		updated: number;
		unchanged: number;
		deleted: number;
		other: number;
		failed: number;
		invalid: number;
	};
	/** Auto-created contacts of account items by action; null when no item reports one. */
	contacts: ContactCounts | null;
	failedRecords: RecordProblem[];
	invalidRecords: RecordProblem[];
	cursorBefore: CursorView | null;
	cursorAfter: CursorView | null;
	/** Source count reached the limit Get handed out; null when unknown (no Get in this run). */
	exhausted: boolean | null;
	sourceCount: number;
	limit: number | null;
	fullSync: boolean;
	/** Sorted-source rules applied (the option is on and the records really arrived in order). */
	sorted: boolean;
	/** Whose run marker Commit found: this execution's Get, another open one, or none. */
	run: { id: string | null; match: 'this' | 'other' | 'none' };
	retry: { added: string[]; resolved: string[]; pending: string[] };
	deadLetters: { added: string[]; recovered: string[]; total: number };
	warnings: string[];
}

function checkOptions(options: CommitOptions): void {
	checkCount('Max Attempts', options.maxAttempts, 1);
	checkCount('Max Remembered Records', options.seenLimit, 0);
	checkCount('Max Dead Letters', options.deadLetterLimit, 0);
}

type Valid = RecordResult & { id: string; time: number };

function isValid(record: RecordResult): record is Valid {
	return !record.invalid && record.id !== undefined && record.time !== undefined;
}

/** Records arrived in ascending cursor order (retried records, fetched by id, may sit anywhere). */
function arrivedInOrder(records: Valid[], retry: EntityState['retry']): boolean {
	let last: Valid | undefined;
	for (const record of records) {
		if (retry.has(record.id)) continue;
		if (last && record.time < last.time) return false;
		last = record;
	}
	return true;
}

/** The records of a commit sorted into counts, problems and the valid ones by outcome. */
function classifyRecords(records: RecordResult[]) {
	const counts: CommitDecision['counts'] = {
		total: records.length,
		created: 0,
		updated: 0,
		unchanged: 0,
		deleted: 0,
		other: 0,
		failed: 0,
		invalid: 0,
	};
	const failedRecords: RecordProblem[] = [];
	const invalidRecords: RecordProblem[] = [];
	const valid: Valid[] = [];
	for (const record of records) {
		if (!isValid(record)) {
			counts.invalid++;
			invalidRecords.push({
				index: record.index,
				id: record.id ?? null,
				error: record.invalid ?? 'no record id or cursor value',
			});
			continue;
		}
		valid.push(record);
		counts[record.outcome]++;
		if (record.outcome === 'failed') {
			failedRecords.push({ index: record.index, id: record.id, error: record.error ?? 'failed' });
		}
	}
	const failures = valid.filter((r) => r.outcome === 'failed');
	const successes = valid.filter((r) => r.outcome !== 'failed');
	return {
		counts,
		contacts: contactCounts(valid),
		failedRecords,
		invalidRecords,
		valid,
		failures,
		successes,
	};
}

/** Counts of the accounts' auto-created contacts (Auto-Create Contact); null without any. */
function contactCounts(records: RecordResult[]): ContactCounts | null {
	let counts: ContactCounts | null = null;
	for (const record of records) {
		if (!record.contact) continue;
		counts ??= { created: 0, updated: 0, unchanged: 0, skipped: 0 };
		counts[record.contact]++;
	}
	return counts;
}

type Classified = ReturnType<typeof classifyRecords>;

/** Whether and why the cursor moves; `moveBy` are the records whose times it may move to. */
function decideReason(
	records: Classified,
	state: EntityState,
	sorted: boolean,
	advance: boolean,
	exhausted: boolean | null,
): { reason: CommitReason; moveBy: Valid[] } {
	const { valid, failures, successes } = records;
	if (!records.counts.total) return { reason: 'noRecords', moveBy: [] };
	if (records.invalidRecords.length) return { reason: 'heldInvalid', moveBy: [] };
	if (sorted) {
		// Only records of the since query move a sorted cursor: records on the retry list may have
		// been fetched by id from beyond the batch (and stay tracked by the list until they succeed).
		const inBatch = (r: Valid) => !state.retry.has(r.id);
		const batchFailures = failures.filter(inBatch);
		if (batchFailures.length && !advance) {
			// Everything before the first failure (in cursor order) is done; the failed record's
			// id is not in `seen`, so the next run reads it again at its time.
			const firstFailure = Math.min(...batchFailures.map((r) => r.time));
			const moveBy = successes.filter((r) => inBatch(r) && r.time <= firstFailure);
			return { reason: 'committedPartial', moveBy };
		}
		const reason: CommitReason = failures.length
			? advance
				? 'committedPastFailures'
				: 'committedPartial'
			: exhausted
				? 'committedBatch'
				: 'committed';
		return { reason, moveBy: (advance ? valid : successes).filter(inBatch) };
	}
	if (exhausted === null) return { reason: 'heldNoGet', moveBy: [] };
	if (exhausted) return { reason: 'heldExhausted', moveBy: [] };
	if (failures.length && !advance) return { reason: 'heldFailures', moveBy: [] };
	return {
		reason: failures.length ? 'committedPastFailures' : 'committed',
		moveBy: advance ? valid : successes,
	};
}

/**
 * `seen` holds the version now in the target: the last one written, even when an older one than
 * before (so a newer version read later is not mistaken for processed). Only settled versions: a
 * later edit in the same clock tick (visible up to the lookback late) would carry the SAME time
 * and must not look processed, so versions newer than the read minus tick and lookback are sent
 * again next run instead. Versions far in the future are remembered (exact match only, see
 * decideSkip) so they cannot fill every batch.
 */
function rememberWritten(
	next: EntityState,
	successes: Valid[],
	settled: number,
	nowMs: number,
): void {
	const written = new Map<string, number>();
	for (const record of successes) {
		written.set(record.id, Math.max(written.get(record.id) ?? -Infinity, record.time));
	}
	for (const [id, time] of written) {
		if (time <= settled || time > nowMs + FUTURE_WARNING_MS) next.seen.set(id, time);
		else next.seen.delete(id);
	}
}

/** Succeeded records leave the retry and dead-letter lists; with "advance" failures join them. */
function settleRetries(
	next: EntityState,
	records: Classified,
	advance: boolean,
	maxAttempts: number,
	nowIso: string,
	retry: CommitDecision['retry'],
	dead: CommitDecision['deadLetters'],
): void {
	for (const record of records.successes) {
		if (next.retry.delete(record.id)) retry.resolved.push(record.id);
		if (next.dead.delete(record.id)) dead.recovered.push(record.id);
	}
	if (!advance) return;
	for (const record of records.failures) {
		const previous = next.retry.get(record.id);
		const attempts = (previous?.attempts ?? next.dead.get(record.id)?.attempts ?? 0) + 1;
		const error = record.error ?? 'failed';
		if (attempts >= maxAttempts) {
			next.retry.delete(record.id);
			next.dead.delete(record.id);
			next.dead.set(record.id, { id: record.id, attempts, failedAt: nowIso, error });
			dead.added.push(record.id);
		} else {
			if (!previous) retry.added.push(record.id);
			next.retry.set(record.id, {
				id: record.id,
				attempts,
				firstFailedAt: previous?.firstFailedAt ?? nowIso,
				lastFailedAt: nowIso,
				error,
			});
		}
	}
}

/** The committed cursor: the latest time it may follow, never past the ceiling or backwards. */
function moveCursor(
	next: EntityState,
	state: EntityState,
	forced: boolean,
	moveBy: Valid[],
	sorted: boolean,
	ceiling: number,
): void {
	const times = moveBy.map((r) => r.time);
	// An unsorted batch below the limit held every record at or after since: those not
	// processed now were skipped as seen, so the cursor may follow them too.
	if (!sorted) for (const time of next.seen.values()) if (time <= ceiling) times.push(time);
	let candidate: number | null = times.length ? Math.max(...times) : null;
	if (candidate !== null && candidate > ceiling) candidate = ceiling;
	const base = forced ? null : state.cursor;
	next.cursor = base === null ? candidate : candidate === null ? base : Math.max(base, candidate);
	next.commits++;
}

/** Forgets what the lookback no longer reaches and keeps the lists within their limits. */
function trimState(
	next: EntityState,
	lookbackMs: number,
	options: CommitOptions,
	warnings: string[],
): void {
	const floor = next.cursor === null ? -Infinity : next.cursor - lookbackMs;
	for (const [id, time] of next.seen) if (time < floor) next.seen.delete(id);
	if (next.seen.size > options.seenLimit) {
		const keep = [...next.seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, options.seenLimit);
		warnings.push(
			`More than ${options.seenLimit} processed records to remember: the oldest ` +
				`${next.seen.size - keep.length} are forgotten and may be sent again`,
		);
		next.seen = new Map(keep);
	}
	if (next.dead.size > options.deadLetterLimit) {
		const all = [...next.dead.entries()];
		next.dead = new Map(all.slice(all.length - options.deadLetterLimit));
	}
}

/** Whose run this is: this execution's Get, another execution's open run, or none. */
function matchRun(
	state: EntityState,
	runId: string,
	warnings: string[],
): { run: RunMarker | undefined; match: CommitDecision['run']['match'] } {
	const run = runOf(state, runId);
	const match = run ? 'this' : state.run && !state.run.closedAt ? 'other' : 'none';
	if (match === 'other') {
		warnings.push(
			`The open run marker belongs to execution ${state.run?.id}: either another execution ran ` +
				'Get for this sync after this one (overlapping runs overwrite each other) or this ' +
				'execution ran no Get',
		);
	}
	return { run, match };
}

/** "Source Sorted by Cursor" holds only if the records arrived in ascending cursor order. */
function checkSorted(
	options: CommitOptions,
	valid: Valid[],
	state: EntityState,
	warnings: string[],
): boolean {
	if (!options.sortedSource) return false;
	if (arrivedInOrder(valid, state.retry)) return true;
	warnings.push(
		'"Source Sorted by Cursor" is on but the records did not arrive in ascending cursor ' +
			'order: the unsorted rules applied (a full batch holds the cursor)',
	);
	return false;
}

/** Records stamped more than an hour after the commit: the cursor does not follow them. */
function warnFuture(valid: Valid[], nowMs: number, warnings: string[]): void {
	const ahead = valid.filter((r) => r.time > nowMs + FUTURE_WARNING_MS).map((r) => r.id);
	if (ahead.length) {
		warnings.push(
			`${ahead.length} record(s) have a cursor value more than an hour in the future ` +
				`(${ahead.slice(0, 5).join(', ')}): the cursor does not follow them past the time Get ran. ` +
				'Check the source clock or data',
		);
	}
}

/** What was seen, the retry and dead-letter lists, the cursor: `next` updated for this commit. */
function updateState(
	next: EntityState,
	commit: {
		state: EntityState;
		run: RunMarker | undefined;
		classified: Classified;
		reason: CommitReason;
		moveBy: ReturnType<typeof decideReason>['moveBy'];
		sorted: boolean;
		ceiling: number;
		lookbackMs: number;
		nowMs: number;
		options: CommitOptions;
		warnings: string[];
	},
): { retry: CommitDecision['retry']; dead: CommitDecision['deadLetters'] } {
	const { state, run, classified, reason, moveBy, sorted, ceiling, lookbackMs, nowMs } = commit;
	const { options, warnings } = commit;
	const committed = reason.startsWith('committed');
	const advance = options.onFailure === 'advance';
	const retry = { added: [] as string[], resolved: [] as string[], pending: [] as string[] };
	const dead = { added: [] as string[], recovered: [] as string[], total: 0 };
	if (reason !== 'noRecords' && reason !== 'heldInvalid') {
		// A committed forced full sync replaces what was seen: its catch-up runs re-send everything.
		if (committed && run?.forced) next.seen.clear();
		rememberWritten(next, classified.successes, ceiling - lookbackMs - TICK_MS, nowMs);
		settleRetries(next, classified, advance, options.maxAttempts, toIso(nowMs), retry, dead);
		if (committed) moveCursor(next, state, run?.forced ?? false, moveBy, sorted, ceiling);
		trimState(next, lookbackMs, options, warnings);
	}
	retry.pending = [...next.retry.keys()];
	dead.total = next.dead.size;
	if (dead.added.length) {
		warnings.push(
			`${dead.added.length} record(s) failed ${options.maxAttempts} times and are now dead ` +
				`letters: ${dead.added.slice(0, 5).join(', ')}`,
		);
	}
	return { retry, dead };
}

/** The summary of this commit in the state, and the run closed. */
function closeRun(
	next: EntityState,
	run: RunMarker | undefined,
	last: Omit<LastCommit, 'at'>,
	nowMs: number,
): void {
	if (run) next.run = { ...run, closedAt: toIso(nowMs) };
	next.last = { at: toIso(nowMs), ...last };
}

export function decideCommit(input: CommitInput): CommitDecision {
	const { state, runId, records, nowMs, options } = input;
	checkOptions(options);
	const warnings: string[] = [];
	const next = cloneEntityState(state);

	// Whose run this is, and what its Get handed out.
	const { run, match } = matchRun(state, runId, warnings);
	const fullSync = run?.fullSync ?? false;
	const lookbackMs = run?.lookbackMs ?? 0;
	const limit = run ? run.limit : null;
	const sourceCount = input.sourceCount ?? run?.sourceCount ?? records.length;
	const exhausted = run ? limit !== null && sourceCount >= limit : null;

	const classified = classifyRecords(records);
	const { counts, failedRecords, invalidRecords, valid } = classified;
	const advance = options.onFailure === 'advance';
	const sorted = checkSorted(options, valid, state, warnings);
	const { reason, moveBy } = decideReason(classified, state, sorted, advance, exhausted);
	const committed = reason.startsWith('committed');

	// The source was read after Get ran: nothing it returned can be newer than that, except records
	// stamped in the future. Without Get, the commit time is the best bound there is.
	const ceiling = run ? (fromIso(run.startedAt) ?? nowMs) : nowMs;
	warnFuture(valid, nowMs, warnings);

	// Update the state: what was seen, the retry and dead-letter lists, the cursor.
	const { retry, dead } = updateState(next, {
		state,
		run,
		classified,
		reason,
		moveBy,
		sorted,
		ceiling,
		lookbackMs,
		nowMs,
		options,
		warnings,
	});

	// The summary, and the run closed.
	const cursorBefore = cursorView(state);
	const cursorAfter = cursorView(next);
	closeRun(
		next,
		run,
		{
			runId,
			committed,
			reason,
			total: counts.total,
			failed: counts.failed + counts.invalid,
			cursorBefore: cursorBefore?.time ?? null,
			cursorAfter: cursorAfter?.time ?? null,
		},
		nowMs,
	);

	return {
		committed,
		reason,
		next,
		counts,
		contacts: classified.contacts,
		failedRecords,
		invalidRecords,
		cursorBefore,
		cursorAfter,
		exhausted,
		sourceCount,
		limit,
		fullSync,
		sorted,
		run: { id: state.run?.id ?? null, match },
		retry,
		deadLetters: dead,
		warnings,
	};
}
