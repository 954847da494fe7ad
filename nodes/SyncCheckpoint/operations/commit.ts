/**
 * Commit: reads the sync step's results (one item per record), groups them by sync and entity,
 * lets the core decide whether and to what the cursor moves, saves the state, and outputs one
 * summary per group. With "Fail Execution on Record Failure" it throws AFTER saving: n8n keeps
 * static data of failed runs, so the error workflow fires and the decision is not lost.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fromIso, toEpochMs, toRecordId } from '../checkpoint/cursor';
import type { FailurePolicy, RecordResult } from '../checkpoint/policy';
import { DEFAULT_COMMIT_OPTIONS, decideCommit, outcomeOf } from '../checkpoint/policy';
import { checkName } from '../checkpoint/state';
import type { CommitSummary } from '../checkpoint/summary';
import { commitSummary, failureText } from '../checkpoint/summary';
import { CHECKPOINT_KEY, type CheckpointMark } from '../../shared/core/items';
import { stateSave, type StateSave } from '../checkpoint/rows';
import {
	addHints,
	openStores,
	persistence,
	recordCommitMarker,
	runIdOf,
	timeZoneOf,
	toNodeError,
} from './shared';

interface Group {
	syncName: string;
	entity: string;
	indexes: number[];
	records: RecordResult[];
}

/** The upstream Skip Processed step whose `_checkpoint` marks Commit follows back. */
function skipStepName(ctx: IExecuteFunctions): string {
	const self = ctx.getNode();
	const steps = ctx
		.getParentNodes(self.name, { includeNodeParameters: true })
		.filter(
			(node) =>
				node.type === self.type && !node.disabled && node.parameters?.operation === 'skipProcessed',
		);
	if (!steps.length) {
		throw new NodeOperationError(self, 'No Skip Processed step of this sync before Commit', {
			description:
				'Add a Sync Checkpoint "Skip Processed" step after the source, or set "Record ID and Cursor From" to Expressions.',
		});
	}
	const same = steps.filter(
		(node) =>
			node.parameters?.syncName === self.parameters.syncName &&
			node.parameters?.entity === self.parameters.entity,
	);
	return (same[0] ?? steps[0]).name;
}

/** True for the empty item n8n emits for "Always Output Data": no record to count. */
function isPlaceholder(item: INodeExecutionData): boolean {
	return !item.error && Object.keys(item.json).length === 0;
}

function readMark(ctx: IExecuteFunctions, step: string, i: number): CheckpointMark | string {
	const name = step.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
	let mark: unknown;
	try {
		mark = ctx.evaluateExpression(`{{ $('${name}').item.json.${CHECKPOINT_KEY} }}`, i);
	} catch (error) {
		return `Cannot follow the item link back to "${step}": ${(error as Error).message}`;
	}
	if (!mark || typeof mark !== 'object') {
		return `The item linked in "${step}" has no ${CHECKPOINT_KEY} mark`;
	}
	return mark as CheckpointMark;
}

/** One input item as a record result: its outcome, id and cursor time, or why it is invalid. */
function readRecord(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	i: number,
	group: Group,
	step: string,
	timeZone: string,
): RecordResult {
	const result = outcomeOf(item.json);
	const record: RecordResult = { index: i, ...result };
	if (item.error && result.outcome !== 'failed') {
		record.outcome = 'failed';
		record.error = item.error?.message;
	}
	if (step) {
		const mark = readMark(ctx, step, i);
		if (typeof mark === 'string') record.invalid = mark;
		else {
			record.id = toRecordId(mark.id);
			record.time = fromIso(mark.cursor);
			if (mark.error) record.invalid = `${step}: ${mark.error}`;
			if (mark.syncName !== group.syncName || mark.entity !== group.entity) {
				record.invalid = `The linked "${step}" step belongs to sync "${mark.syncName}", entity "${mark.entity}"`;
			}
		}
	} else {
		record.id = toRecordId(ctx.getNodeParameter('recordId', i, ''));
		try {
			record.time = toEpochMs(ctx.getNodeParameter('cursorValue', i, ''), timeZone);
		} catch (error) {
			record.invalid = (error as Error).message;
		}
	}
	if (record.id === undefined) record.invalid ??= 'Record ID is empty';
	if (record.time === undefined) record.invalid ??= 'Cursor value is empty';
	return record;
}

/** The input items grouped by sync and entity, in input order. */
function collectGroups(ctx: IExecuteFunctions, items: INodeExecutionData[], step: string) {
	const groups = new Map<string, Group>();
	for (let i = 0; i < items.length; i++) {
		let syncName: string;
		let entity: string;
		let timeZone: string;
		try {
			syncName = checkName('Sync name', ctx.getNodeParameter('syncName', i));
			entity = checkName('Entity', ctx.getNodeParameter('entity', i));
			const options = ctx.getNodeParameter('commitOptions', i, {}) as IDataObject;
			timeZone = timeZoneOf(ctx, options.timeZone);
		} catch (error) {
			throw toNodeError(ctx, error, i);
		}
		const key = `${syncName}\u0000${entity}`;
		const group = groups.get(key) ?? { syncName, entity, indexes: [], records: [] };
		groups.set(key, group);
		group.indexes.push(i);
		if (isPlaceholder(items[i])) continue;
		group.records.push(readRecord(ctx, items[i], i, group, step, timeZone));
	}
	return groups;
}

/** The commit decision of one group, with the options of its first item. */
function decideGroup(
	ctx: IExecuteFunctions,
	group: Group,
	stores: ReturnType<typeof openStores>,
	runId: string,
	nowMs: number,
) {
	const first = group.indexes[0];
	const options = ctx.getNodeParameter('commitOptions', first, {}) as IDataObject;
	const onFailure = ctx.getNodeParameter('onFailure', first) as FailurePolicy;
	try {
		return decideCommit({
			state: stores.get(group.syncName, group.entity),
			runId,
			records: group.records,
			sourceCount: options.sourceCount ? Number(options.sourceCount) : undefined,
			nowMs,
			options: {
				...DEFAULT_COMMIT_OPTIONS,
				onFailure,
				sortedSource: ctx.getNodeParameter('sortedSource', first) as boolean,
				maxAttempts:
					onFailure === 'advance'
						? (ctx.getNodeParameter('maxAttempts', first) as number)
						: DEFAULT_COMMIT_OPTIONS.maxAttempts,
				seenLimit: (options.seenLimit as number | undefined) ?? DEFAULT_COMMIT_OPTIONS.seenLimit,
				deadLetterLimit:
					(options.deadLetterLimit as number | undefined) ?? DEFAULT_COMMIT_OPTIONS.deadLetterLimit,
			},
		});
	} catch (error) {
		throw toNodeError(ctx, error, first);
	}
}

type Summary = { summary: CommitSummary & { save?: StateSave }; indexes: number[] };

/** "Fail Execution on Record Failure": throws (after saving), or marks the summaries with error. */
function failOnRecordFailure(
	ctx: IExecuteFunctions,
	summaries: Summary[],
	out: INodeExecutionData[],
): void {
	const bad = summaries.find(({ summary }) => summary.failed + summary.invalid > 0);
	if (!bad) return;
	const { message, description } = failureText(bad.summary);
	if (!ctx.continueOnFail()) {
		throw new NodeOperationError(ctx.getNode(), message, {
			description,
			itemIndex: bad.indexes[0],
		});
	}
	for (const item of out) {
		const s = item.json as unknown as CommitSummary;
		if (s.failed + s.invalid > 0) item.json.error = failureText(s).message;
	}
}

export async function commit(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const fromSkipStep = this.getNodeParameter('recordSource', 0) === 'skipStep';
	const groups = collectGroups(this, items, fromSkipStep ? skipStepName(this) : '');

	const stores = openStores(this);
	const saved = persistence(this);
	const runId = runIdOf(this);
	const nowMs = Date.now();
	const summaries: Summary[] = [];
	const warnings: string[] = [];
	for (const group of groups.values()) {
		const decision = decideGroup(this, group, stores, runId, nowMs);
		const { syncName, entity } = group;
		stores.set(syncName, entity, decision.next);
		if (stores.kindOf(syncName, entity) === 'dataTable') {
			// The Data Table step after Commit saves it (in manual runs too).
			const version = stores.versionOf(syncName, entity);
			const save = stateSave(syncName, entity, version, decision.next);
			stores.setVersion(syncName, entity, save.version);
			const summary = commitSummary({ syncName, entity, persisted: true }, decision);
			summaries.push({ summary: { ...summary, save }, indexes: group.indexes });
		} else {
			if (saved.persisted && decision.next.cursor !== null) {
				await recordCommitMarker(this, syncName, entity);
			}
			summaries.push({
				summary: commitSummary({ syncName, entity, ...saved }, decision),
				indexes: group.indexes,
			});
		}
		warnings.push(...decision.warnings);
	}
	stores.save();
	const allRows = summaries.every(({ summary }) => summary.save);
	addHints(this, allRows ? { persisted: true } : saved, warnings);

	const out: INodeExecutionData[] = summaries.map(({ summary, indexes }) => ({
		json: summary as unknown as IDataObject,
		pairedItem: indexes.map((item) => ({ item })),
	}));
	if (this.getNodeParameter('failOnFailure', 0) as boolean)
		failOnRecordFailure(this, summaries, out);
	return [out];
}
