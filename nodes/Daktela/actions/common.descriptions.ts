/**
 * Parameters shared by several operations: resource locators (with list search), the record
 * fields of "Define Below", Get Many's paging / filters / options and the write options.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ACTIVITY_TYPES } from '../../shared/core/entities';
import { isoTimesOption } from '../../shared/n8n/descriptions';
import { FILTER_OPERATORS, type FilterOperator } from '../../shared/transport/query';

type LocatorKind = 'database' | 'account' | 'user' | 'queue' | 'contact';

const LOCATORS: Record<
	LocatorKind,
	{ label: string; method: string; placeholder: string; description: string }
> = {
	database: {
		label: 'Database',
		method: 'searchDatabases',
		placeholder: 'e.g. default',
		description: 'CRM database (its Daktela name)',
	},
	account: {
		label: 'Account',
		method: 'searchAccounts',
		placeholder: 'e.g. crm_company_9',
		description: 'Account (its Daktela name, the external ID)',
	},
	user: {
		label: 'User',
		method: 'searchUsers',
		placeholder: 'e.g. jnovak',
		description: 'Daktela user (login name)',
	},
	queue: {
		label: 'Queue',
		method: 'searchQueues',
		placeholder: 'e.g. 10000',
		description: 'Queue (its Daktela name)',
	},
	contact: {
		label: 'Contact',
		method: 'searchContacts',
		placeholder: 'e.g. crm_person_123',
		description: 'Contact (its Daktela name, the external ID)',
	},
};

/** A resource locator for a Daktela record: pick from a searchable list, or give its name. */
export function locator(
	kind: LocatorKind,
	overrides: Partial<INodeProperties> = {},
): INodeProperties {
	const spec = LOCATORS[kind];
	return {
		displayName: spec.label,
		name: kind,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: spec.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${spec.label.toLowerCase()}...`,
				typeOptions: { searchListMethod: spec.method, searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'id',
				type: 'string',
				placeholder: spec.placeholder,
			},
		],
		...overrides,
	} as INodeProperties;
}

/** "Max Parallel Requests" of the operations that send many requests at once (writes). */
export const concurrencyOption: INodeProperties = {
	displayName: 'Max Parallel Requests',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 50, numberPrecision: 0 },
	default: 10,
	description:
		'How many Daktela requests this node keeps in flight at once (lookups and writes together). Rate limits (429) are still honoured with backoff. Lower it when the Daktela instance is shared or slow.',
};

/** The "Options" collection every operation ends with. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Settings of this operation',
		options,
	};
}

// ------------------------------------------------------------------------------------------
// Record input for Create / Update / Upsert
// ------------------------------------------------------------------------------------------

export const dataModeProperty: INodeProperties = {
	displayName: 'Data to Send',
	name: 'dataMode',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Auto-Map Input Data',
			value: 'autoMap',
			description:
				'Send the input item as the record (for example the Field Mapper output). Keys starting with _ are never sent.',
		},
		{
			name: 'Define Below',
			value: 'defineBelow',
			description: 'Set the record fields in this node',
		},
	],
	default: 'autoMap',
	description: 'Where the record to write comes from',
};

/** Custom fields of "Define Below" / "Update Fields", read by recordFromFields. */
export const customFieldsProperty: INodeProperties = {
	displayName: 'Custom Fields',
	name: 'customFieldsUi',
	type: 'fixedCollection',
	placeholder: 'Add Custom Field',
	typeOptions: { multipleValues: true },
	default: {},
	description:
		'Daktela custom fields such as email or number. Repeat a field to give it several values.',
	options: [
		{
			displayName: 'Custom Field',
			name: 'values',
			values: [
				{
					displayName: 'Field',
					name: 'field',
					type: 'string',
					default: '',
					placeholder: 'e.g. email',
					description: 'Custom field key as configured in Daktela (without "customFields.")',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Value to store; Daktela keeps custom fields as lists of text',
				},
			],
		},
	],
};

const nameField: INodeProperties = {
	displayName: 'External ID (Name)',
	name: 'name',
	type: 'string',
	default: '',
	placeholder: 'e.g. crm_person_123',
	description:
		'Daktela record name. Use the CRM ID with a prefix so that creating the record again is safe and upserts can find it.',
};

const titleField: INodeProperties = {
	displayName: 'Title',
	name: 'title',
	type: 'string',
	default: '',
	description: 'Display name of the record. Daktela requires it when creating.',
};

const descriptionField: INodeProperties = {
	displayName: 'Description',
	name: 'description',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	description: 'Free text note (at most 512 characters)',
};

/** The "Define Below" fields of a contact or account; `withName` adds the external ID. */
export function recordFields(entity: 'contact' | 'account', withName: boolean): INodeProperties[] {
	const fields: INodeProperties[] = [];
	if (entity === 'contact') {
		fields.push(
			locator('account', { description: 'Account the contact belongs to' }),
			customFieldsProperty,
			descriptionField,
			{
				displayName: 'First Name',
				name: 'firstname',
				type: 'string',
				default: '',
				description: 'First name of the contact',
			},
			{
				displayName: 'Last Name',
				name: 'lastname',
				type: 'string',
				default: '',
				description: 'Last name of the contact. Daktela requires it when creating.',
			},
		);
	} else {
		fields.push(customFieldsProperty, descriptionField, {
			displayName: 'SLA',
			name: 'sla',
			type: 'string',
			default: '',
			description: 'Name of the SLA that applies to the account',
		});
	}
	if (withName) fields.push(nameField);
	fields.push(
		titleField,
		locator('user', { displayName: 'Owner', description: 'Daktela user who owns the record' }),
	);
	return fields;
}

export function fieldsCollection(
	entity: 'contact' | 'account',
	withName: boolean,
): INodeProperties {
	return {
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { dataMode: ['defineBelow'] } },
		description: 'Record fields to send',
		options: recordFields(entity, withName),
	};
}

// ------------------------------------------------------------------------------------------
// Write options
// ------------------------------------------------------------------------------------------

const RESOLUTION_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'As Is (Already a Daktela Name)',
		value: 'asIs',
		description: 'Send the value unchanged',
	},
	{
		name: 'CRM ID + Prefix',
		value: 'prefix',
		description: 'The Daktela name is the prefix followed by the CRM ID (no API call)',
	},
	{
		name: 'CRM ID in a Daktela Field',
		value: 'lookup',
		description:
			'Find the Daktela record whose lookup field holds the CRM ID (one request per batch)',
	},
];

/** Options for relation resolution: `field` names the relation (account or contact). */
export function relationOptions(entity: 'account' | 'contact'): INodeProperties[] {
	const label = entity === 'account' ? 'Account' : 'Contact';
	const prefixExample = entity === 'account' ? 'crm_company_' : 'crm_person_';
	return [
		{
			displayName: `${label} Given As`,
			name: `${entity}Resolution`,
			type: 'options',
			options: RESOLUTION_OPTIONS,
			default: 'asIs',
			description: `How the ${entity} relation value (or the Field Mapper's _relations entry) becomes a Daktela ${entity} name`,
		},
		{
			displayName: `${label} ID Prefix`,
			name: `${entity}Prefix`,
			type: 'string',
			default: '',
			placeholder: `e.g. ${prefixExample}`,
			description: `Prefix of Daktela ${entity} names. Used with "CRM ID + Prefix"; a value that already starts with it is kept.`,
			displayOptions: { show: { [`${entity}Resolution`]: ['prefix'] } },
		},
		{
			displayName: `${label} Lookup Field`,
			name: `${entity}LookupField`,
			type: 'string',
			default: '',
			placeholder: 'e.g. customFields.crm_id',
			description: `Field of the Daktela ${entity} that holds the CRM ID. Used with "CRM ID in a Daktela Field".`,
			displayOptions: { show: { [`${entity}Resolution`]: ['lookup'] } },
		},
	];
}

export { isoTimesOption };

// ------------------------------------------------------------------------------------------
// Get Many
// ------------------------------------------------------------------------------------------

export function pagingProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

const OPERATOR_LABELS: Record<FilterOperator, string> = {
	eq: 'Equal (eq)',
	neq: 'Not Equal (neq)',
	gt: 'Greater Than (gt)',
	gte: 'Greater or Equal (gte)',
	lt: 'Less Than (lt)',
	lte: 'Less or Equal (lte)',
	like: 'Like (like)',
	notlike: 'Not Like (notlike)',
	in: 'In List (in)',
	notin: 'Not in List (notin)',
	isnull: 'Is Empty (isnull)',
	isnotnull: 'Is Not Empty (isnotnull)',
};

const OPERATOR_OPTIONS: INodePropertyOptions[] = FILTER_OPERATORS.map((op) => ({
	name: OPERATOR_LABELS[op],
	value: op,
})).sort((a, b) => a.name.localeCompare(b.name));

export const extraFiltersProperty: INodeProperties = {
	displayName: 'Extra Filters',
	name: 'extraFilters',
	type: 'fixedCollection',
	placeholder: 'Add Filter',
	typeOptions: { multipleValues: true },
	default: {},
	description: 'More conditions, all of which must hold (Daktela filter syntax)',
	options: [
		{
			displayName: 'Filter',
			name: 'filter',
			values: [
				{
					displayName: 'Field',
					name: 'field',
					type: 'string',
					default: '',
					placeholder: 'e.g. customFields.email',
					description: 'Field to filter on; relations (account, user, queue) by name',
				},
				{
					displayName: 'Operator',
					name: 'operator',
					type: 'options',
					options: OPERATOR_OPTIONS,
					default: 'eq',
					description: 'Comparison; "like" takes SQL wildcards (%), "in" a comma-separated list',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Value to compare with (ignored by isnull / isnotnull)',
				},
			],
		},
	],
};

export function sortOption(defaultField: string): INodeProperties {
	return {
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		placeholder: 'Add Sort Rule',
		typeOptions: { multipleValues: true },
		default: {},
		description: `Order of the results (default: by ${defaultField} when Modified Since is set)`,
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Field',
						name: 'field',
						type: 'string',
						default: defaultField,
						description: 'Field to sort by',
					},
					{
						displayName: 'Direction',
						name: 'dir',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 'asc' },
							{ name: 'Descending', value: 'desc' },
						],
						default: 'asc',
						description: 'Sort direction',
					},
				],
			},
		],
	};
}

export const fieldsOption: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'string',
	default: '',
	placeholder: 'e.g. name,title,customFields,edited',
	description: 'Comma-separated fields to return; all fields when empty',
};

export const searchOption: INodeProperties = {
	displayName: 'Search',
	name: 'q',
	type: 'string',
	default: '',
	description: 'Full-text search over the records',
};

export const activityTypeOptions: INodePropertyOptions[] = ACTIVITY_TYPES.map((type) => ({
	name: type === 'CHAT' ? 'CHAT (Web Chat)' : type,
	value: type,
}));
