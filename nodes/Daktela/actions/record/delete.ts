/**
 * Delete (or archive) a contact or an account. Output: `{name, deleted, sync: {action: 'deleted',
 * name}}`; an archived record gives `{name, deleted: false, archived: true, sync: {action:
 * 'deleted', name}}` (it left the sync either way). A record that is already gone fails the item,
 * unless "Ignore Missing" is on: then it reports `deleted: false` with sync action 'unchanged' (the
 * end state the workflow wanted holds).
 *
 * For syncs (records deleted in the CRM): "Only External IDs Starting With" refuses records the
 * sync did not create, and the safety limit stops a run that would remove too many before it
 * removes anything (see shared/core/removal.ts).
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { openSession, readLocator, type Session } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import { runPool } from '../../../shared/core/pool';
import { chunkValues } from '../../../shared/core/upsert';
import {
	archivePatch,
	limitProblem,
	prefixPattern,
	refusal,
	type RemovalLimits,
	type RemoveAs,
} from '../../../shared/core/removal';
import { DaktelaApiError } from '../../../shared/transport/errors';
import { cond } from '../../../shared/transport/query';
import { locator, optionsCollection } from '../common.descriptions';
import { Batch } from './batch';
import type { RecordEntity } from './common';

export function description(entity: RecordEntity): INodeProperties[] {
	const def = ENTITIES[entity];
	const properties: INodeProperties[] = [
		locator(entity, { required: true, description: `The ${def.noun} to delete` }),
		{
			displayName: 'Remove As',
			name: 'removeAs',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Delete',
					value: 'delete',
					description: `Delete the ${def.noun} from Daktela`,
				},
				{
					name: 'Archive',
					value: 'archive',
					description: `Keep the ${def.noun} (and its history) and mark it: Daktela has no archive flag, so the Archive Field gets the time and the ${def.noun} can move to an archive database`,
				},
			],
			default: 'delete',
			description: `What happens to the ${def.noun}`,
		},
		{
			displayName: 'Archive Field',
			name: 'archiveField',
			type: 'string',
			default: 'customFields.crm_deleted',
			placeholder: 'e.g. customFields.crm_deleted',
			description: `Field of the ${def.noun} that gets the time it was archived (ISO 8601, UTC). A custom field must exist in the Daktela ${def.noun} form. Empty: no field is written.`,
			displayOptions: { show: { removeAs: ['archive'] } },
		},
		{
			displayName: 'Archive Database',
			name: 'archiveDatabase',
			type: 'string',
			default: '',
			placeholder: 'e.g. archive',
			description: `Name of the Daktela database the ${def.noun} moves to. Empty: it stays where it is.`,
			displayOptions: { show: { removeAs: ['archive'] } },
		},
		optionsCollection([
			{
				displayName: 'Ignore Missing',
				name: 'ignoreMissing',
				type: 'boolean',
				default: false,
				description: `Whether a ${def.noun} that does not exist counts as done (sync action "unchanged") instead of failing the item`,
			},
			{
				displayName: 'Only External IDs Starting With',
				name: 'onlyPrefix',
				type: 'string',
				default: '',
				placeholder: `e.g. crm_${entity === 'account' ? 'account' : 'person'}_`,
				description: `Prefix of the names this sync gives its ${def.nouns}. A ${def.noun} whose name does not start with it was not created by the sync: its item fails and the ${def.noun} is kept. Also the base of Max Percent.`,
			},
			{
				displayName: 'Safety Limit: Max Records',
				name: 'maxRecords',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: `Most ${def.nouns} one run may remove. A run over it removes nothing and fails every item with the reason. 0: no limit.`,
			},
			{
				displayName: 'Safety Limit: Max Percent',
				name: 'maxPercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 0,
				description: `Most ${def.nouns} one run may remove, in percent of the ${def.nouns} in Daktela whose name has the prefix above (all ${def.nouns} without one). A run over it removes nothing and fails every item with the reason. 0: no limit.`,
			},
		]),
	];
	return updateDisplayOptions({ show: { resource: [entity], operation: ['delete'] } }, properties);
}

async function countExisting(
	session: Session,
	endpoint: string,
	targets: Array<{ name: string }>,
): Promise<number> {
	let count = 0;
	for (const chunk of chunkValues([...new Set(targets.map((t) => t.name))])) {
		const page = await session.client.list(endpoint, {
			filter: cond('name', 'in', chunk),
			fields: ['name'],
			take: chunk.length,
		});
		count += page.data.length;
	}
	return count;
}

type Target = { index: number; name: string };

/** 1. Which records to remove: named, and created by this sync (the others fail). */
function readTargets(
	ctx: IExecuteFunctions,
	batch: Batch,
	entity: RecordEntity,
	prefix: string,
): Target[] {
	const targets: Target[] = [];
	for (let index = 0; index < batch.items.length; index++) {
		let name = '';
		try {
			name = readLocator(ctx, entity, index);
			if (!name) throw new RecordError(`no ${ENTITIES[entity].noun} given`, 'name');
			const refused = refusal(name, prefix);
			if (refused) throw new RecordError(refused, 'name');
			targets.push({ index, name });
		} catch (error) {
			batch.fail(index, error, name);
		}
	}
	return targets;
}

/**
 * 2. The safety limit, before anything is removed: counts the records that exist (a CRM's list of
 * deleted records also holds ones that never reached Daktela, e.g. on a first run). Over it (or
 * when counting fails) every target fails and false is returned.
 */
async function withinLimits(
	ctx: IExecuteFunctions,
	session: Session,
	batch: Batch,
	entity: RecordEntity,
	targets: Target[],
	limits: RemovalLimits,
	prefix: string,
): Promise<boolean> {
	if (limits.maxRecords <= 0 && limits.maxPercent <= 0) return true;
	const def = ENTITIES[entity];
	let problem: unknown;
	try {
		const count = await countExisting(session, def.endpoint, targets);
		const managed =
			limits.maxPercent > 0
				? await session.client.count(
						def.endpoint,
						prefix ? cond('name', 'like', prefixPattern(prefix)) : undefined,
					)
				: undefined;
		const over = limitProblem(count, managed, limits, def, prefix);
		if (over) {
			ctx.logger.warn(`Daktela remove ${def.nouns}: ${over}`);
			problem = new RecordError(over);
		}
	} catch (error) {
		problem = error;
	}
	if (problem === undefined) return true;
	for (const target of targets) batch.fail(target.index, problem, target.name);
	return false;
}

/** 3. Removes one record: DELETE, or the archive PUT; a missing one is done with Ignore Missing. */
async function removeOne(
	ctx: IExecuteFunctions,
	session: Session,
	batch: Batch,
	entity: RecordEntity,
	removeAs: RemoveAs,
	archivedAt: string,
	{ index, name }: Target,
): Promise<void> {
	const endpoint = ENTITIES[entity].endpoint;
	try {
		const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
		let request: Promise<unknown>;
		if (removeAs === 'archive') {
			const patch = archivePatch(
				(ctx.getNodeParameter('archiveField', index, '') as string).trim(),
				(ctx.getNodeParameter('archiveDatabase', index, '') as string).trim(),
				archivedAt,
			);
			if (Object.keys(patch).length === 0) {
				throw new RecordError('set an Archive Field or an Archive Database to archive');
			}
			request = session.client.update(endpoint, name, patch);
		} else {
			request = session.client.delete(endpoint, name);
		}
		let failure: unknown;
		await request.catch((error: unknown) => {
			failure = error;
		});
		const missing = failure instanceof DaktelaApiError && failure.kind === 'notFound';
		if (failure !== undefined && !(missing && options.ignoreMissing === true)) {
			batch.fail(index, failure, name);
			return;
		}
		const done = failure === undefined;
		const json: IDataObject = {
			name,
			deleted: done && removeAs === 'delete',
			...(removeAs === 'archive' ? { archived: done } : {}),
			sync: { action: done ? 'deleted' : 'unchanged', name },
		};
		batch.succeed(index, { json, pairedItem: { item: index } });
	} catch (error) {
		batch.fail(index, error, name);
	}
}

export function execute(entity: RecordEntity) {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const session = await openSession(this);
		const batch = new Batch(this, items);
		const removeAs = this.getNodeParameter('removeAs', 0, 'delete') as RemoveAs;
		const first = this.getNodeParameter('options', 0, {}) as IDataObject;
		const prefix = String(first.onlyPrefix ?? '').trim();
		const limits: RemovalLimits = {
			maxRecords: Number(first.maxRecords) || 0,
			maxPercent: Number(first.maxPercent) || 0,
		};

		const targets = readTargets(this, batch, entity, prefix);
		batch.throwIfStopped();
		if (!(await withinLimits(this, session, batch, entity, targets, limits, prefix))) {
			return batch.result();
		}
		const archivedAt = new Date().toISOString();
		await runPool(
			targets,
			async (target) => await removeOne(this, session, batch, entity, removeAs, archivedAt, target),
			{ concurrency: session.concurrency, shouldStop: () => batch.stopped },
		);
		return batch.result();
	};
}
