/**
 * The Data Table store: the sync state as rows of an n8n Data Table, which (unlike workflow
 * static data) survive queue mode and n8n Cloud.
 *
 * PURE: plain row objects in (as n8n's Data Table node outputs them), plain values out.
 *
 * One row per sync and entity, columns:
 *
 *   syncName  string   the Sync Name
 *   entity    string   the Entity
 *   version   number   the commit generation: 1 after the first save, +1 per save
 *   state     string   JSON: { v: 1, cursor, seen, retry, dead, commits, run, last } (see state.ts)
 *
 * Overlapping runs. A run reads the row at version V (Get) and its Commit asks for a save that
 * only updates the row while it is still at V (a Data Table upsert whose filter includes
 * `version = V`; PostgreSQL and SQLite apply it as one UPDATE ... WHERE, so two saves from V cannot
 * both match). A run whose save no longer matches - another run of the same sync saved first - gets
 * its row INSERTED as a second row at V + 1 instead. Readers take the winner: the highest version,
 * then the lowest row id (the first saved). The losing run's commit is superseded: its records are
 * read again from the winner's cursor (so nothing is skipped and the cursor never moves back),
 * the next Get reports it, and the next save (filter `version = V + 1`) overwrites both rows.
 */
import { CheckpointError } from './errors';
import type { EntityState, StoredEntity } from './state';
import { STATE_VERSION, corrupt, emptyEntityState, parseEntity, serializeEntity } from './state';

/** Column names of the state table, as the templates create it. */
export const STATE_COLUMNS = ['syncName', 'entity', 'version', 'state'] as const;

export interface StateRowInfo {
	rowId: number | null;
	version: number;
	runId: string | null;
	cursor: string | null;
	savedAt: string | null;
}

export interface ReadRows {
	/** The winning row's state; empty when there is no row yet (first run, or rows deleted). */
	state: EntityState;
	/** The winning row's version; 0 when there is no row. */
	version: number;
	rowId: number | null;
	/** Rows of this sync and entity found in the input. */
	rows: number;
	/** Rows at the winner's version written by other runs: commits that lost the race. */
	superseded: StateRowInfo[];
	/** Rows at lower versions: earlier losers nothing overwrote; safe to delete. */
	stale: StateRowInfo[];
	warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Data Table numbers come back as numbers; tolerate numeric strings (CSV imports, expressions). */
function toCount(value: unknown): number | undefined {
	const n = typeof value === 'string' && value.trim() ? Number(value) : value;
	return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function rowIdOf(row: Record<string, unknown>): number | null {
	return toCount(row.id) ?? null;
}

interface Candidate {
	index: number;
	row: Record<string, unknown>;
	version: number;
	rowId: number | null;
}

function describeRow(candidate: Candidate): string {
	return candidate.rowId === null ? `input item ${candidate.index}` : `row ${candidate.rowId}`;
}

/** Parses a row's `state` column: JSON text (or an object, if a node already parsed it). */
export function parseRowState(value: unknown, where: string): EntityState {
	if (value === undefined || value === null || value === '') return emptyEntityState();
	let stored: unknown = value;
	if (typeof value === 'string') {
		try {
			stored = JSON.parse(value);
		} catch {
			throw corrupt(where, 'the state column is not JSON');
		}
	}
	if (!isObject(stored)) throw corrupt(where, 'the state column is not a JSON object');
	if (typeof stored.v === 'number' && stored.v > STATE_VERSION) {
		throw new CheckpointError(
			'newerState',
			`Stored sync state in ${where} has layout version ${stored.v}, written by a newer ` +
				`n8n-nodes-daktela; this version reads ${STATE_VERSION}. Update the package instead of resetting`,
		);
	}
	const { v, ...entity } = stored;
	if (v !== STATE_VERSION) throw corrupt(where, 'unknown layout');
	return parseEntity(entity, where);
}

function info(candidate: Candidate, state: EntityState | undefined): StateRowInfo {
	return {
		rowId: candidate.rowId,
		version: candidate.version,
		runId: state?.last?.runId ?? null,
		cursor: state?.last?.cursorAfter ?? null,
		savedAt: state?.last?.at ?? null,
	};
}

/**
 * The state of one sync and entity from the rows in a node's input. Items that are not rows of
 * this sync and entity (other syncs, the empty item of "Always Output Data") are ignored.
 */
export function readStateRows(rows: unknown[], syncName: string, entity: string): ReadRows {
	const candidates: Candidate[] = [];
	rows.forEach((row, index) => {
		if (!isObject(row) || row.syncName !== syncName || row.entity !== entity) return;
		const candidate: Candidate = { index, row, version: 0, rowId: rowIdOf(row) };
		const version = toCount(row.version);
		if (version === undefined) {
			throw corrupt(
				`sync "${syncName}", entity "${entity}" (${describeRow(candidate)})`,
				'the version column is not a whole number',
			);
		}
		candidate.version = version;
		candidates.push(candidate);
	});
	if (!candidates.length) {
		return {
			state: emptyEntityState(),
			version: 0,
			rowId: null,
			rows: 0,
			superseded: [],
			stale: [],
			warnings: [],
		};
	}
	candidates.sort(
		(a, b) =>
			b.version - a.version ||
			(a.rowId ?? Number.MAX_SAFE_INTEGER) - (b.rowId ?? Number.MAX_SAFE_INTEGER) ||
			a.index - b.index,
	);
	const [winner, ...others] = candidates;
	const where = (c: Candidate) => `sync "${syncName}", entity "${entity}" (${describeRow(c)})`;
	const state = parseRowState(winner.row.state, where(winner));
	const superseded: StateRowInfo[] = [];
	const stale: StateRowInfo[] = [];
	for (const other of others) {
		let lost: EntityState | undefined;
		try {
			lost = parseRowState(other.row.state, where(other));
		} catch {
			lost = undefined;
		}
		// A later save updates every row at its version: copies of the winner are not losers.
		const copy = other.version === winner.version && lost?.last?.runId === state.last?.runId;
		if (copy) continue;
		(other.version < winner.version ? stale : superseded).push(info(other, lost));
	}
	const warnings: string[] = [];
	if (superseded.length) {
		const runs = superseded.map((s) => s.runId ?? `row ${s.rowId}`).join(', ');
		warnings.push(
			`${superseded.length} commit(s) of this sync were superseded (run ${runs}): another run ` +
				`of the same sync saved first (run ${state.last?.runId ?? 'unknown'}). Nothing is ` +
				'skipped: what the superseded run processed past the saved cursor is read again. ' +
				'Runs of one sync overlapped; this is shown until the next save replaces those rows',
		);
	}
	return {
		state,
		version: winner.version,
		rowId: winner.rowId,
		rows: candidates.length,
		superseded,
		stale,
		warnings,
	};
}

/** What Commit hands the Data Table save step (an upsert filtered on `expectedVersion`). */
export interface StateSave {
	syncName: string;
	entity: string;
	/** The version to write. */
	version: number;
	/** Only a row still at this version may be updated (0: there was no row). */
	expectedVersion: number;
	/** The state column: JSON text. */
	state: string;
	/** The cursor being saved, for people reading the table. */
	cursor: string | null;
}

export function stateSave(
	syncName: string,
	entity: string,
	expectedVersion: number,
	state: EntityState,
): StateSave {
	const stored: StoredEntity & { v: number } = { v: STATE_VERSION, ...serializeEntity(state) };
	return {
		syncName,
		entity,
		version: expectedVersion + 1,
		expectedVersion,
		state: JSON.stringify(stored),
		cursor: stored.cursor ?? null,
	};
}
