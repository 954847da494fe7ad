/**
 * Sync Checkpoint: incremental sync state in workflow static data that never skips a record.
 * The node only dispatches; the policies are in ./checkpoint (pure) and the n8n glue per
 * operation in ./operations.
 */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './description';
import { commit } from './operations/commit';
import { get } from './operations/get';
import { inspect } from './operations/inspect';
import { reset } from './operations/reset';
import { skipProcessed } from './operations/skipProcessed';

const OPERATIONS = { get, skipProcessed, commit, reset, inspect } as const;

type Operation = keyof typeof OPERATIONS;

export class SyncCheckpoint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sync Checkpoint',
		name: 'syncCheckpoint',
		icon: { light: 'file:syncCheckpoint.svg', dark: 'file:syncCheckpoint.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] + ": " + $parameter["syncName"] + " / " + $parameter["entity"]}}',
		description:
			'Incremental sync state for CRM and Daktela workflows: cursor, retry list and a commit that never skips a record',
		defaults: { name: 'Sync Checkpoint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as Operation;
		return await OPERATIONS[operation].call(this);
	}
}
