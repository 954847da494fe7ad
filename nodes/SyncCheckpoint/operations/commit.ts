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

export async function commit(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const fromSkipStep = this.getNodeParameter('recordSource', 0) === 'skipStep';
	const step = fromSkipStep ? skipStepName(this) : '';
	const groups = new Map<string, Group>();

	for (let i = 0; i < items.length; i++) {
		let syncName: string;
		let entity: string;
		let timeZone: string;
		try {
			syncName = checkName('Sync name', this.getNodeParameter('syncName', i));
			entity = checkName('Entity', this.getNodeParameter('entity', i));
			const options = this.getNodeParameter('commitOptions', i, {}) as IDataObject;
			timeZone = timeZoneOf(this, options.timeZone);
		} catch (error) {
			throw toNodeError(this, error, i);
		}
		const key = `${syncName}\u0000${entity}`;
		const group = groups.get(key) ?? { syncName, entity, indexes: [], records: [] };
		groups.set(key, group);
		group.indexes.push(i);
		if (isPlaceholder(items[i])) continue;

		const result = outcomeOf(items[i].json);
		const record: RecordResult = { index: i, ...result };
		if (items[i].error && result.outcome !== 'failed') {
			record.outcome = 'failed';
			record.error = items[i].error?.message;
		}
		if (fromSkipStep) {
			const mark = readMark(this, step, i);
			if (typeof mark === 'string') record.invalid = mark;
			else {
				record.id = toRecordId(mark.id);
				record.time = fromIso(mark.cursor);
				if (mark.error) record.invalid = `${step}: ${mark.error}`;
				if (mark.syncName !== syncName || mark.entity !== entity) {
					record.invalid = `The linked "${step}" step belongs to sync "${mark.syncName}", entity "${mark.entity}"`;
				}
			}
		} else {
			record.id = toRecordId(this.getNodeParameter('recordId', i, ''));
			try {
				record.time = toEpochMs(this.getNodeParameter('cursorValue', i, ''), timeZone);
			} catch (error) {
				record.invalid = (error as Error).message;
			}
		}
		if (record.id === undefined) record.invalid ??= 'Record ID is empty';
		if (record.time === undefined) record.invalid ??= 'Cursor value is empty';
		group.records.push(record);
	}

	const stores = openStores(this);
	const saved = persistence(this);
	const runId = runIdOf(this);
	const nowMs = Date.now();
	const summaries: Array<{ summary: CommitSummary & { save?: StateSave }; indexes: number[] }> = [];
	const warnings: string[] = [];
	for (const group of groups.values()) {
		const first = group.indexes[0];
		const options = this.getNodeParameter('commitOptions', first, {}) as IDataObject;
		const onFailure = this.getNodeParameter('onFailure', first) as FailurePolicy;
		let decision;
		try {
			decision = decideCommit({
				state: stores.get(group.syncName, group.entity),
				runId,
				records: group.records,
				sourceCount: options.sourceCount ? Number(options.sourceCount) : undefined,
				nowMs,
				options: {
					...DEFAULT_COMMIT_OPTIONS,
					onFailure,
					sortedSource: this.getNodeParameter('sortedSource', first) as boolean,
					maxAttempts:
						onFailure === 'advance'
							? (this.getNodeParameter('maxAttempts', first) as number)
							: DEFAULT_COMMIT_OPTIONS.maxAttempts,
					seenLimit: (options.seenLimit as number | undefined) ?? DEFAULT_COMMIT_OPTIONS.seenLimit,
					deadLetterLimit:
						(options.deadLetterLimit as number | undefined) ??
						DEFAULT_COMMIT_OPTIONS.deadLetterLimit,
				},
			});
		} catch (error) {
			throw toNodeError(this, error, first);
		}
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
	if (this.getNodeParameter('failOnFailure', 0) as boolean) {
		const bad = summaries.find(({ summary }) => summary.failed + summary.invalid > 0);
		if (bad) {
			const { message, description } = failureText(bad.summary);
			if (!this.continueOnFail()) {
				throw new NodeOperationError(this.getNode(), message, {
					description,
					itemIndex: bad.indexes[0],
				});
			}
			for (const item of out) {
				const s = item.json as unknown as CommitSummary;
				if (s.failed + s.invalid > 0) item.json.error = failureText(s).message;
			}
		}
	}
	return [out];
}
