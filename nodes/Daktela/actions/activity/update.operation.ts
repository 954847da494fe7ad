/**
 * Update an activity: its statuses, description, title, state, priority, owner, queue, contact
 * link and custom fields. The contact can be given as a CRM id and resolved to the Daktela
 * contact in bulk (prefix or lookup), like a contact's account.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import { openSession } from '../../../shared/n8n/session';
import { RecordError } from '../../../shared/core/errors';
import type { DaktelaRecord } from '../../../shared/core/normalise';
import {
	concurrencyOption,
	customFieldsProperty,
	isoTimesOption,
	locator,
	optionsCollection,
	relationOptions,
} from '../common.descriptions';
import {
	Batch,
	mergeStoredCustomFields,
	readRecords,
	recordFromFields,
	relationStrategies,
	resolveRelations,
	writeUpdates,
} from '../record/batch';
import { ACTIVITY_ACTIONS, activityName } from './common';

const properties: INodeProperties[] = [
	activityName,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Activity fields to change; fields not added here stay as they are',
		options: [
			{
				displayName: 'Action',
				name: 'action',
				type: 'options',
				options: ACTIVITY_ACTIONS,
				default: 'CLOSE',
				description: 'State of the activity',
			},
			locator('contact', { description: 'Contact the activity belongs to' }),
			{
				...customFieldsProperty,
				description: 'Activity custom fields; repeat a field to give it several values',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'Note on the activity (HTML allowed)',
			},
			{
				displayName: 'Important',
				name: 'important',
				type: 'boolean',
				default: false,
				description: 'Whether the activity is marked as important',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'number',
				default: 0,
				description: 'Priority of the activity',
			},
			locator('queue', { description: 'Queue of the activity' }),
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'string',
				default: '',
				placeholder: 'e.g. status_resolved,status_callback',
				description:
					'Comma-separated Daktela status names; they replace the activity statuses (empty clears them)',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				description: 'Title of the activity (at most 128 characters)',
			},
			locator('user', { description: 'User who owns the activity' }),
		],
	},
	optionsCollection([...relationOptions('contact'), isoTimesOption, concurrencyOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activity'], operation: ['update'] } },
	properties,
);

/** The Update Fields collection -> an activity patch (statuses as a list). */
function activityPatch(fields: IDataObject): DaktelaRecord {
	const hasStatuses = Object.prototype.hasOwnProperty.call(fields, 'statuses');
	const { statuses, ...rest } = fields;
	const patch = recordFromFields(rest);
	if (hasStatuses) {
		patch.statuses = String(statuses ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s !== '');
	}
	return patch;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const session = await openSession(this);
	const batch = new Batch(this, items);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const isoTimes = options.isoTimes !== false;
	const def = ENTITIES.activity;

	readRecords(this, batch, def, session, (i) =>
		activityPatch(this.getNodeParameter('updateFields', i, {}) as IDataObject),
	);
	for (const entry of [...batch.entries.values()]) {
		try {
			const name = String(this.getNodeParameter('activity', entry.index, '')).trim();
			if (!name) throw new RecordError('no activity given', 'name');
			if (!Object.keys(entry.record).length) {
				throw new RecordError('nothing to update: add at least one field under Update Fields');
			}
			entry.name = name;
		} catch (error) {
			batch.fail(entry.index, error);
		}
	}
	batch.throwIfStopped();
	await resolveRelations(this, batch, session, relationStrategies(this, options), {
		contact: 'contact',
	});
	await mergeStoredCustomFields(this, batch, session, def.endpoint);
	batch.throwIfStopped();

	await writeUpdates(batch, session, def.endpoint, isoTimes);
	return batch.result();
}
