/**
 * A contact or account resource: its Operation parameter, the parameters of every operation and
 * the operations themselves. Contacts and accounts have the same shape, so the code in record/
 * serves both; Contact.resource.ts and Account.resource.ts only name the entity.
 */
import type { INodeProperties } from 'n8n-workflow';

import { operationProperty, type RecordEntity } from './common';
import * as create from './create';
import * as del from './delete';
import * as get from './get';
import * as getMany from './getMany';
import * as update from './update';
import * as upsert from './upsert';

export function recordResource(entity: RecordEntity) {
	const description: INodeProperties[] = [
		operationProperty(entity),
		...create.description(entity),
		...update.description(entity),
		...upsert.description(entity),
		...get.description(entity),
		...getMany.description(entity),
		...del.description(entity),
	];
	return {
		description,
		create: { execute: create.execute(entity) },
		delete: { execute: del.execute(entity) },
		get: { execute: get.execute(entity) },
		getMany: { execute: getMany.execute(entity) },
		update: { execute: update.execute(entity) },
		upsert: { execute: upsert.execute(entity) },
	};
}
