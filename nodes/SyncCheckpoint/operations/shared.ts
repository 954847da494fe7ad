/**
 * n8n glue shared by the operations: the stores (workflow static data, or this execution's copy
 * of a Data Table row), the lost-state marker, persistence, the run id, the time zone, and turning
 * the core's typed errors into NodeOperationError.
 */
import type {
	ICheckProcessedOptions,
	IDataObject,
	IExecuteFunctions,
	NodeExecutionHint,
} from 'n8n-workflow';

import { toNodeError as toN8nError } from '../../shared/n8n/errors';
import { checkTimeZone } from '../checkpoint/cursor';
import { CheckpointError } from '../checkpoint/errors';
import type { EntityState } from '../checkpoint/state';
import { CheckpointStore } from '../checkpoint/state';
import type { Persistence } from '../checkpoint/summary';
import { persistenceOf } from '../checkpoint/summary';

const DESCRIPTIONS: Partial<Record<CheckpointError['code'], string>> = {
	corruptState:
		'Use the Inspect operation to see it and Reset to clear it. Reset only takes effect in a production (non-manual) run.',
	newerState: 'Update n8n-nodes-daktela on this n8n instance; do not Reset, the state is fine.',
	invalidTime:
		"Check the Cursor Value expression: it must give the source record's modification time.",
};

/** Every error keeps its message only; a checkpoint error's code may add a description. */
function describeCheckpointError(error: unknown): string {
	return (error instanceof CheckpointError && DESCRIPTIONS[error.code]) || '';
}

/** An error of an operation as an n8n error (shared converter; checkpoint codes described). */
export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number) {
	return toN8nError(ctx.getNode(), error, itemIndex, { describe: describeCheckpointError });
}

/** The workflow's static data and the checkpoint store read from it. */
export function openStore(ctx: IExecuteFunctions) {
	const staticData = ctx.getWorkflowStaticData('global') as Record<string, unknown>;
	let store: CheckpointStore | undefined;
	let problem: unknown;
	try {
		store = CheckpointStore.read(staticData);
	} catch (error) {
		problem = error;
	}
	if (!store) throw toNodeError(ctx, problem);
	const opened = store;
	return { store: opened, save: () => opened.write(staticData) };
}

/** Where an entity's state is kept between runs. */
export type StoreKind = 'staticData' | 'dataTable';

const VERSIONS_KEY = 'syncCheckpointVersions';

function entityKey(syncName: string, entity: string): string {
	return `${syncName}\u0000${entity}`;
}

/**
 * The state of each entity for this execution. Get with "State From: Data Table Rows in Input"
 * puts the row's state (and its version) into the execution's flow context, which Skip Processed
 * and Commit of the same execution read; every other entity lives in workflow static data.
 */
export interface Stores {
	kindOf(syncName: string, entity: string): StoreKind;
	get(syncName: string, entity: string): EntityState;
	set(syncName: string, entity: string, state: EntityState, kind?: StoreKind): void;
	/** The version of the Data Table row Get read (0: no row). */
	versionOf(syncName: string, entity: string): number;
	setVersion(syncName: string, entity: string, version: number): void;
	save(): void;
}

export function openStores(ctx: IExecuteFunctions): Stores {
	const fixed = openStore(ctx);
	const flow = ctx.getContext('flow') as IDataObject;
	let run: CheckpointStore;
	try {
		run = CheckpointStore.read(flow);
	} catch (error) {
		throw toNodeError(ctx, error);
	}
	const versions = { ...(flow[VERSIONS_KEY] as Record<string, number> | undefined) };
	let runChanged = false;
	let fixedChanged = false;
	const kindOf = (syncName: string, entity: string): StoreKind =>
		run.has(syncName, entity) ? 'dataTable' : 'staticData';
	return {
		kindOf,
		get: (syncName, entity) =>
			kindOf(syncName, entity) === 'dataTable'
				? run.get(syncName, entity)
				: fixed.store.get(syncName, entity),
		set(syncName, entity, state, kind = kindOf(syncName, entity)) {
			if (kind === 'dataTable') {
				run.set(syncName, entity, state);
				runChanged = true;
			} else {
				fixed.store.set(syncName, entity, state);
				fixedChanged = true;
			}
		},
		versionOf: (syncName, entity) => versions[entityKey(syncName, entity)] ?? 0,
		setVersion(syncName, entity, version) {
			versions[entityKey(syncName, entity)] = version;
			runChanged = true;
		},
		save() {
			if (runChanged) {
				run.write(flow);
				flow[VERSIONS_KEY] = { ...versions };
			}
			if (fixedChanged) fixed.save();
		},
	};
}

// ---------------------------------------------------------------------------------------------
// The lost-state marker: Commit records "this sync has committed" in n8n's processed-data store
// (a database table that workers and n8n Cloud keep), so Get can tell a first run from static data
// that n8n did not keep. Best effort: where the store is unavailable, nothing is detected.

const MARKER_OPTIONS: ICheckProcessedOptions = { mode: 'entries' };

function markerOf(syncName: string, entity: string): string {
	return `n8n-nodes-daktela:sync-checkpoint:${entityKey(syncName, entity)}`;
}

export async function recordCommitMarker(
	ctx: IExecuteFunctions,
	syncName: string,
	entity: string,
): Promise<void> {
	try {
		await ctx.helpers.checkProcessedAndRecord(
			[markerOf(syncName, entity)],
			'workflow',
			MARKER_OPTIONS,
		);
	} catch {
		// No processed-data store here: detection is off, the sync itself is unaffected.
	}
}

export async function removeCommitMarker(
	ctx: IExecuteFunctions,
	syncName: string,
	entity: string,
): Promise<void> {
	try {
		await ctx.helpers.removeProcessed([markerOf(syncName, entity)], 'workflow', MARKER_OPTIONS);
	} catch {
		// As above.
	}
}

/** Whether this sync committed before (true), never did (false), or it cannot be told. */
export async function committedBefore(
	ctx: IExecuteFunctions,
	syncName: string,
	entity: string,
): Promise<boolean | undefined> {
	const marker = markerOf(syncName, entity);
	try {
		const found = await ctx.helpers.checkProcessedAndRecord([marker], 'workflow', MARKER_OPTIONS);
		if (found.processed.length) return true;
		// There is no read-only check: undo the record that looking made.
		await ctx.helpers.removeProcessed([marker], 'workflow', MARKER_OPTIONS);
		return false;
	} catch {
		return undefined;
	}
}

export function persistence(ctx: IExecuteFunctions): Persistence {
	return persistenceOf(ctx.getMode(), ctx.getWorkflow().id);
}

/** Ties Get's run marker to this execution's Commit. */
export function runIdOf(ctx: IExecuteFunctions): string {
	return String(ctx.getExecutionId() ?? '') || 'unknown';
}

export function timeZoneOf(ctx: IExecuteFunctions, option: unknown): string {
	const zone = typeof option === 'string' && option.trim() ? option : ctx.getTimezone();
	return checkTimeZone(zone);
}

/** Warnings and the manual-run notice, shown above the node's output in the editor. */
export function addHints(ctx: IExecuteFunctions, saved: Persistence, warnings: string[]): void {
	const hints: NodeExecutionHint[] = warnings.map((message) => ({
		message,
		type: 'warning',
		location: 'outputPane',
	}));
	if (!saved.persisted && saved.persistedReason) {
		hints.unshift({ message: saved.persistedReason, type: 'info', location: 'outputPane' });
	}
	if (hints.length) ctx.addExecutionHints(...hints);
}

/** Reads a boolean parameter that may come from an expression as a string. */
export function asBoolean(value: unknown): boolean {
	if (typeof value === 'string') return ['true', '1', 'yes'].includes(value.trim().toLowerCase());
	return value === true || value === 1;
}
