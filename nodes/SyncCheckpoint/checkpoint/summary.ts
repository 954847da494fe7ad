/**
 * What the Sync Checkpoint outputs: the Commit summary, Get's hand-out, Inspect's view, and
 * whether n8n will save the state at all.
 *
 * PURE: plain objects in, plain JSON-ready objects out.
 */
import { toIso } from './cursor';
import type { CommitDecision, CommitReason, CursorView, GetPlan } from './policy';
import { cursorView } from './policy';
import type { EntityState } from './state';

/** Longest list of records a summary shows; the rest is counted. */
export const MAX_LISTED = 100;

export interface Persistence {
	persisted: boolean;
	persistedReason?: string;
}

/**
 * Whether n8n saves this execution's static data: never for manual (editor) executions, and only
 * for workflows with a saved id of 1-21 characters. It is saved when the run fails, too.
 */
export function persistenceOf(mode: string, workflowId: string | undefined): Persistence {
	if (mode === 'manual') {
		return {
			persisted: false,
			persistedReason:
				'Manual (editor) execution: n8n does not save workflow static data for manual runs, so ' +
				'this state is discarded when the run ends. The decision shown is what a production ' +
				'run would store: activate the workflow and let its trigger run it',
		};
	}
	if (!workflowId || workflowId.length > 21) {
		return {
			persisted: false,
			persistedReason:
				'The workflow has no saved id of 1-21 characters; n8n only saves static data of such workflows',
		};
	}
	return { persisted: true };
}

export interface SummaryContext extends Persistence {
	syncName: string;
	entity: string;
}

const REASONS: Record<CommitReason, (d: CommitDecision) => string> = {
	committed: (d) =>
		d.cursorBefore?.time === d.cursorAfter?.time
			? `All ${d.counts.total} record(s) processed; the cursor stays at ${d.cursorAfter?.time ?? 'none'}`
			: `All ${d.counts.total} record(s) processed; the cursor moved to ${d.cursorAfter?.time}`,
	committedBatch: (d) =>
		`The source returned a full batch (${d.sourceCount} of ${d.limit}) in cursor order: ` +
		`checkpointed at ${d.cursorAfter?.time}; the next run continues after it`,
	committedPastFailures: (d) =>
		`${d.counts.failed} record(s) failed and are on the retry list (or dead letters); the cursor ` +
		`moved past them to ${d.cursorAfter?.time ?? 'none'}`,
	committedPartial: (d) =>
		`${d.counts.failed} record(s) failed: the cursor moved only up to the records before the ` +
		`first failure (${d.cursorAfter?.time ?? 'none'}); the next run reads the failed ones again`,
	noRecords: () => 'No records reached Commit: nothing to commit',
	heldInvalid: (d) =>
		`${d.counts.invalid} item(s) have no record id or no readable cursor value: nothing was ` +
		'committed. Check the Record ID and Cursor Value settings',
	heldFailures: (d) =>
		`${d.counts.failed} record(s) failed: the cursor stays (Hold Cursor, as the CRM Sync SDK) and ` +
		'the next run reads the batch again. "Advance Past Failures" retries only the failed ones',
	heldExhausted: (d) =>
		`The source returned a full batch (${d.sourceCount} of ${d.limit}), so there may be more ` +
		'records, and without "Source Sorted by Cursor" the cursor cannot move safely. The processed ' +
		'records are remembered, so the next run asks for more',
	heldNoGet: () =>
		'No Get Cursor ran for this sync in this execution, so Commit cannot tell whether the batch ' +
		'was complete: the cursor stays ("Source Sorted by Cursor" does not need that)',
};

export function describeCommit(decision: CommitDecision): string {
	return REASONS[decision.reason](decision);
}

function listed<T>(items: T[]): T[] {
	return items.slice(0, MAX_LISTED);
}

/** The Commit output item (one per sync and entity). */
export function commitSummary(context: SummaryContext, decision: CommitDecision) {
	const d = decision;
	const failedRecords = [...d.failedRecords, ...d.invalidRecords]
		.sort((a, b) => a.index - b.index)
		.map(({ id, error }) => ({ id, error }));
	return {
		syncName: context.syncName,
		entity: context.entity,
		committed: d.committed,
		reason: d.reason,
		message: describeCommit(d),
		total: d.counts.total,
		created: d.counts.created,
		updated: d.counts.updated,
		unchanged: d.counts.unchanged,
		deleted: d.counts.deleted,
		other: d.counts.other,
		failed: d.counts.failed,
		invalid: d.counts.invalid,
		// The accounts' auto-created contacts (Daktela node, Auto-Create Contact), when any.
		...(d.contacts ? { contacts: d.contacts } : {}),
		failedRecords: listed(failedRecords),
		failedRecordsOmitted: Math.max(0, failedRecords.length - MAX_LISTED),
		cursorBefore: d.cursorBefore,
		cursorAfter: d.cursorAfter,
		batch: {
			sourceCount: d.sourceCount,
			limit: d.limit,
			exhausted: d.exhausted,
			sorted: d.sorted,
			fullSync: d.fullSync,
		},
		retry: {
			added: listed(d.retry.added),
			resolved: listed(d.retry.resolved),
			pending: d.retry.pending.length,
		},
		deadLetters: {
			added: listed(d.deadLetters.added),
			recovered: listed(d.deadLetters.recovered),
			total: d.deadLetters.total,
		},
		run: d.run,
		persisted: context.persisted,
		...(context.persistedReason ? { persistedReason: context.persistedReason } : {}),
		warnings: d.warnings,
	};
}

export type CommitSummary = ReturnType<typeof commitSummary>;

/** Error message and description for "Fail Execution on Record Failure". */
export function failureText(summary: CommitSummary): { message: string; description: string } {
	const bad = summary.failed + summary.invalid;
	const lines = summary.failedRecords
		.slice(0, 10)
		.map((r) => `- ${r.id ?? '(no id)'}: ${r.error}`)
		.join('\n');
	const more = bad > 10 ? `\n… and ${bad - 10} more` : '';
	return {
		message: `${bad} of ${summary.total} record(s) failed in sync "${summary.syncName}", entity "${summary.entity}"`,
		description:
			`${summary.message}. The state was ${summary.persisted ? 'saved' : 'not saved'} before ` +
			`this error (committed: ${summary.committed}).\n${lines}${more}`,
	};
}

/** The Get output item. `since` is already in the source's format. */
export function getOutput(
	context: SummaryContext,
	plan: GetPlan,
	since: string | number | null,
	extra: { batchSize: number; lookbackSeconds: number; runId: string },
) {
	return {
		syncName: context.syncName,
		entity: context.entity,
		since,
		cursor: plan.cursor,
		batchSize: extra.batchSize,
		limit: plan.limit,
		lookbackSeconds: extra.lookbackSeconds,
		fullSync: plan.fullSync,
		fullSyncReason: plan.fullSyncReason,
		retry: plan.retryIds,
		deadLetters: plan.deadLetters,
		runId: extra.runId,
		previousRun: plan.previousRun
			? { id: plan.previousRun.id, startedAt: plan.previousRun.startedAt }
			: null,
		persisted: context.persisted,
		...(context.persistedReason ? { persistedReason: context.persistedReason } : {}),
		warnings: plan.warnings,
	};
}

/** One Inspect output item: the stored state of one entity, readable. */
export function inspectView(
	syncName: string,
	entity: string,
	state: EntityState | undefined,
	sizeBytes: number,
) {
	if (!state) return { syncName, entity, exists: false };
	const cursor: CursorView | null = cursorView(state);
	return {
		syncName,
		entity,
		exists: true,
		cursor,
		seen: state.seen.size,
		seenSince: state.seen.size ? toIso(Math.min(...state.seen.values())) : null,
		retry: [...state.retry.values()],
		deadLetters: [...state.dead.values()],
		commits: state.commits,
		lastCommit: state.last ?? null,
		lastRun: state.run ?? null,
		sizeBytes,
	};
}
