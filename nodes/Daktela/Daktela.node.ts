import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './actions/versionDescription';
import { listSearch } from './methods';

/**
 * Daktela Contact Centre V6: contacts, accounts and activities. Contact and account operations
 * live once in actions/record/ (for both), activity operations in actions/activity/; the writes of contacts and accounts work on the
 * whole batch of input items (bulk lookups, unchanged records skipped, bounded concurrency).
 */
export class Daktela implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Daktela',
		name: 'daktela',
		icon: { light: 'file:../../icons/daktela.svg', dark: 'file:../../icons/daktela.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read and write contacts, accounts and activities in Daktela Contact Centre V6, with batch upserts',
		defaults: { name: 'Daktela' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'daktelaApi', required: true }],
		properties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
