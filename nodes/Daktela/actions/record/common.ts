/** What the shared contact / account operations have in common. */
import type { INodeProperties } from 'n8n-workflow';

import { ENTITIES } from '../../../shared/core/entities';
import type { RelationEntity } from '../../../shared/core/relations';

/** Contacts and accounts have the same shape and operations; the code is shared. */
export type RecordEntity = 'contact' | 'account';

/** Relation fields that the relation options (prefix / lookup) resolve: a contact's account. */
export const RELATION_FIELDS: Record<RecordEntity, Partial<Record<string, RelationEntity>>> = {
	contact: { account: 'account' },
	account: {},
};

/** The Operation parameter of a contact or account resource. */
export function operationProperty(entity: RecordEntity): INodeProperties {
	const { noun, nouns } = ENTITIES[entity];
	const a = /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [entity] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: `Create a new ${noun}`,
				action: `Create ${a}`,
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: `Create or update ${a}`,
			},
			{
				name: 'Delete',
				value: 'delete',
				description: `Delete ${a}`,
				action: `Delete ${a}`,
			},
			{
				name: 'Get',
				value: 'get',
				description: `Get ${a} by its name (external ID)`,
				action: `Get ${a}`,
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: `Get many ${nouns}, optionally only those modified since a time`,
				action: `Get many ${nouns}`,
			},
			{
				name: 'Update',
				value: 'update',
				description: `Update ${a}`,
				action: `Update ${a}`,
			},
		],
		default: 'upsert',
	};
}
