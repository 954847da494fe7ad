import type {
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { DAKTELA_FIELDS } from './mapping/fields';
import { ENTITIES, type Entity } from './mapping/types';

function entityOf(value: unknown): Entity {
	return (ENTITIES as readonly unknown[]).includes(value) ? (value as Entity) : 'contact';
}

/** Splits the "Custom Fields" parameter into keys. */
export function customFieldKeys(text: unknown): string[] {
	if (typeof text !== 'string') return [];
	return text
		.split(/[,\n]/)
		.map((key) => key.trim().replace(/^customFields\./, ''))
		.filter((key) => /^[\w-]+$/.test(key));
}

/**
 * The Daktela fields of the chosen entity for the visual mapper. To Daktela only writable fields
 * are offered, with their input types; to CRM every field is offered and the value is a CRM field
 * name (text).
 */
export async function getDaktelaFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const entity = entityOf(this.getCurrentNodeParameter('entity'));
	const toCrm = this.getCurrentNodeParameter('direction') === 'toCrm';
	const known = DAKTELA_FIELDS[entity].filter((f) => toCrm || !f.readOnly);
	const custom = customFieldKeys(this.getCurrentNodeParameter('customFields'))
		.map((key) => `customFields.${key}`)
		.filter((id) => !known.some((f) => f.id === id));
	const fields: ResourceMapperField[] = [
		...known.map((f) => ({
			id: f.id,
			displayName: f.required && !toCrm ? `${f.displayName} (Required to Create)` : f.displayName,
			required: false,
			defaultMatch: f.id === 'name',
			canBeUsedToMatch: !toCrm && Boolean(f.canMatch),
			display: true,
			type: toCrm ? ('string' as const) : f.type,
			...(f.options && !toCrm
				? { options: f.options.map((o) => ({ name: o === '' ? '(None)' : o, value: o })) }
				: {}),
		})),
		...custom.map((id) => ({
			id,
			displayName: `${id.slice('customFields.'.length)} (Custom Field)`,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: !toCrm,
			display: true,
			type: 'string' as const,
		})),
	];
	return { fields };
}
