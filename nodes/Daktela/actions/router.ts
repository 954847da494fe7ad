/**
 * Reads resource and operation once (they cannot come from expressions) and hands all input items
 * to the operation: the write operations work on the whole batch, not item by item.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as account from './account/Account.resource';
import * as activity from './activity/Activity.resource';
import * as contact from './contact/Contact.resource';
import type { DaktelaNodeMap, DaktelaResource } from './node.type';

type Execute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

/** Every resource / operation pair of the description, and nothing else (checked by the types). */
const OPERATIONS: { [R in DaktelaResource]: Record<DaktelaNodeMap[R], { execute: Execute }> } = {
	contact: {
		create: contact.create,
		delete: contact.delete,
		get: contact.get,
		getMany: contact.getMany,
		update: contact.update,
		upsert: contact.upsert,
	},
	account: {
		create: account.create,
		delete: account.delete,
		get: account.get,
		getMany: account.getMany,
		update: account.update,
		upsert: account.upsert,
	},
	activity: {
		get: activity.get,
		getMany: activity.getMany,
		update: activity.update,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as DaktelaResource;
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations: Record<string, { execute: Execute }> | undefined =
		Object.prototype.hasOwnProperty.call(OPERATIONS, resource) ? OPERATIONS[resource] : undefined;
	const handler =
		operations && Object.prototype.hasOwnProperty.call(operations, operation)
			? operations[operation]
			: undefined;
	if (!handler || typeof handler.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for resource "${resource}"`,
		);
	}
	return [await handler.execute.call(this, items)];
}
