/**
 * n8n glue shared by the operations: the static-data store, persistence, the run id, the time
 * zone, and turning the core's typed errors into NodeOperationError.
 */
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkTimeZone } from '../checkpoint/cursor';
import { CheckpointError } from '../checkpoint/errors';
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

export function toNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex?: number,
): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	const description = error instanceof CheckpointError ? DESCRIPTIONS[error.code] : undefined;
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
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
