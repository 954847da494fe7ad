import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { activeEntries } from './dedup';
import { properties } from './description';
import { handleDelivery, readSettings, recordDeliveries, settingsProblem } from './webhook';

export class DaktelaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Daktela Trigger',
		name: 'daktelaTrigger',
		icon: { light: 'file:../../icons/daktela.svg', dark: 'file:../../icons/daktela.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Events: " + ($parameter["events"] || []).join(", ")}}',
		description:
			'Starts the workflow when a Daktela automation reports a call, email, chat, message, contact or account event',
		defaults: { name: 'Daktela Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'daktelaApi',
				required: true,
				displayOptions: { show: { refetch: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n then answers with the JSON webhook() returns (its default, 'firstEntryJson',
				// would be sent as the literal text in this response mode).
				responseData: '',
				path: 'webhook',
			},
		],
		properties,
	};

	/**
	 * Daktela has no API to register webhooks: an admin adds the automation by hand (see the notice
	 * in the node). So there is nothing remote to check or remove; `create` is where activation
	 * refuses a configuration that would reject or mishandle every delivery, and tidies the dedup
	 * store.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const problem = settingsProblem(readSettings(this));
				if (problem) {
					throw new NodeOperationError(this.getNode(), `Daktela Trigger: ${problem}`, {
						description: 'Fix the node settings, then activate the workflow again.',
					});
				}
				const staticData = this.getWorkflowStaticData('node');
				if (staticData.dedup !== undefined) {
					staticData.dedup = activeEntries(staticData.dedup, Math.floor(Date.now() / 1000));
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				// The automation lives in Daktela and only its admin can remove it. The dedup store is
				// kept, so re-activating within the window still recognises redeliveries.
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery(this);
	}

	/**
	 * Runs as the first step of the execution webhook() started (n8n runs execute() of a start node
	 * that has one, like the Wait node): stores the deliveries' dedup keys in static data, which is
	 * saved with the execution, checks them in n8n's processed-data store that all n8n processes
	 * share, and passes on the items no other execution handled.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await recordDeliveries(this);
	}
}
