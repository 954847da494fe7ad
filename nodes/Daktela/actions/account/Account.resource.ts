import type { INodeProperties } from 'n8n-workflow';

import { operationProperty } from '../record/common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export { create, del as delete, get, getMany, update, upsert };

export const description: INodeProperties[] = [
	operationProperty('account'),
	...create.description,
	...update.description,
	...upsert.description,
	...get.description,
	...getMany.description,
	...del.description,
];
