import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAPPINGS } from './mapping/defaults';
import type { Entity } from './mapping/types';

const ENTITY_LABELS: Record<Entity, string> = {
	contact: 'Contact',
	account: 'Account',
	activity: 'Activity',
};

const DIRECTION_OPTIONS = [
	{
		name: 'To Daktela',
		value: 'toDaktela',
		description: 'Read CRM records (crm_field) and write Daktela records (cc_field)',
	},
	{
		name: 'To CRM',
		value: 'toCrm',
		description: 'Read Daktela records (cc_field) and write CRM records (crm_field)',
	},
];

type Mode = 'yaml' | 'visual';

/**
 * The YAML mapping, one definition per entity and mapping mode. It is shown in both modes because
 * n8n's editor drops the value of every parameter its displayOptions hide (NodeHelpers.
 * getNodeParameters with returnNoneDisplayed false): hidden in Visual mode, the user's YAML would
 * be reset to the default on the way back. In Visual mode it is a short box that says it is unused.
 */
function mappingParameter(entity: Entity, mode: Mode): INodeProperties {
	const defaultMapping = DEFAULT_MAPPINGS[entity];
	const inYaml = mode === 'yaml';
	return {
		displayName: inYaml ? 'Mapping (YAML)' : 'Mapping (YAML, Unused in Visual Mode)',
		name: 'mapping',
		type: 'string',
		// n8n has no YAML editor; its code editor in Python mode gives line numbers (the errors name
		// lines), a monospace font, no line wrapping and the right colours for # comments, and it has
		// no linter that would flag YAML as bad Python.
		typeOptions: { editor: 'codeNodeEditor', editorLanguage: 'python', rows: inYaml ? 24 : 4 },
		default: defaultMapping,
		required: inYaml,
		displayOptions: { show: { mappingMode: [mode], entity: [entity] } },
		description:
			'The field mapping in the Daktela CRM Sync SDK format: entity, lookup_field and a list of mappings (cc_field = Daktela field, crm_field = CRM field, optional transformers, multi_value, relation). SDK mapping files can be pasted unchanged.',
		hint: inYaml
			? `One entry per Daktela field: cc_field is the Daktela ${ENTITY_LABELS[entity].toLowerCase()} field, crm_field the CRM field it comes from. Execute step to check it: a mistake is reported with its line number; Options > Preview shows each field's input and result.`
			: 'Visual mode maps with the Fields below; this YAML is kept unchanged for when you switch back to YAML.',
	};
}

const fieldsToDaktela: INodeProperties = {
	displayName: 'Fields',
	name: 'fieldsToDaktela',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['entity', 'direction', 'customFields'],
		resourceMapper: {
			resourceMapperMethod: 'getDaktelaFields',
			mode: 'upsert',
			valuesLabel: 'Values to Send to Daktela',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: false,
			multiKeyMatch: false,
			supportAutoMap: false,
			matchingFieldsLabels: {
				title: 'Lookup Field',
				description: 'The Daktela field that finds an existing record (the upsert key)',
				hint: 'Usually Name (unique ID), which holds the CRM ID with a prefix',
			},
		},
	},
	displayOptions: { show: { mappingMode: ['visual'], direction: ['toDaktela'] } },
	description:
		'For each Daktela field, where its value comes from: drag in a field of the input item, combine several in one expression (e.g. first and last name), or type a fixed value',
};

const fieldsToCrm: INodeProperties = {
	displayName: 'Fields',
	name: 'fieldsToCrm',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['entity', 'direction', 'customFields'],
		resourceMapper: {
			resourceMapperMethod: 'getDaktelaFields',
			mode: 'map',
			valuesLabel: 'CRM Field for Each Daktela Field',
			fieldWords: { singular: 'field', plural: 'fields' },
			addAllFields: false,
			supportAutoMap: false,
		},
	},
	displayOptions: { show: { mappingMode: ['visual'], direction: ['toCrm'] } },
	description:
		'For each Daktela field, the name of the CRM field it goes to (dots for nested fields, e.g. contact_info.email)',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Entity',
		name: 'entity',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account', value: 'account', description: 'Companies (CRM -> Daktela by default)' },
			{
				name: 'Activity',
				value: 'activity',
				description: 'Calls, emails, chats (Daktela -> CRM by default)',
			},
			{ name: 'Contact', value: 'contact', description: 'People (CRM -> Daktela by default)' },
		],
		default: 'contact',
		description:
			'The Daktela record type the mapping is for; it picks the default mapping and direction',
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		noDataExpression: true,
		options: DIRECTION_OPTIONS,
		default: 'toDaktela',
		displayOptions: { show: { entity: ['contact', 'account'] } },
		description:
			'Which way records flow (contacts and accounts normally go to Daktela). A mapping whose direction: key names the other way is undone entry by entry.',
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		noDataExpression: true,
		options: DIRECTION_OPTIONS,
		default: 'toCrm',
		displayOptions: { show: { entity: ['activity'] } },
		description:
			'Which way records flow (activities normally go to the CRM). A mapping whose direction: key names the other way is undone entry by entry.',
	},
	{
		displayName: 'Mapping Mode',
		name: 'mappingMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'YAML',
				value: 'yaml',
				description: 'Edit the mapping as YAML (the Daktela CRM Sync SDK format)',
			},
			{
				name: 'Visual',
				value: 'visual',
				description:
					'Pick a value for each Daktela field; gives the same result as the equivalent YAML',
			},
		],
		default: 'yaml',
		description: 'How the mapping is written',
		hint: 'Both give the same result; a visual mapping becomes YAML with Options > Export as YAML. Your YAML is kept while Visual mode is on; the visual fields are not kept in YAML mode.',
	},
	...(['yaml', 'visual'] as const).flatMap((mode) =>
		(['contact', 'account', 'activity'] as const).map((entity) => mappingParameter(entity, mode)),
	),
	fieldsToDaktela,
	fieldsToCrm,
	{
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. industry, tags',
		displayOptions: { show: { mappingMode: ['visual'] } },
		description:
			'Keys of your Daktela custom fields (comma-separated) to offer in the field list under customFields',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Phone numbers, dates, empty values, preview, export and ${NAME} variables',
		options: [
			{
				displayName: 'Add Lookup Key To CRM Output',
				name: 'lookupToCrm',
				type: 'boolean',
				default: false,
				description:
					'Whether to add _lookup (the CRM field that lookup_field maps to, and its value) when mapping to the CRM. To Daktela it is always added.',
			},
			{
				displayName: 'Default Phone Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'e.g. CZ',
				description:
					'Two-letter country code for phone numbers written without an international prefix. When set, phone_normalize gives real E.164 numbers (601 123 456 -> +420601123456) and rejects invalid ones.',
			},
			{
				displayName: 'Empty Values',
				name: 'emptyValues',
				type: 'options',
				options: [
					{
						name: 'Keep (Like the SDK)',
						value: 'keep',
						description: 'Write mapped fields even when they are empty (null, "" or [])',
					},
					{
						name: 'Omit',
						value: 'omit',
						description: 'Leave empty fields out, so an update does not clear them',
					},
				],
				default: 'keep',
				description: 'What to do with fields whose mapped value is empty',
			},
			{
				displayName: 'Export as YAML',
				name: 'exportYaml',
				type: 'boolean',
				default: false,
				description:
					'Whether to output one item with the mapping as YAML (in the field "mapping") instead of the mapped records, e.g. to move a visual mapping into the YAML editor',
			},
			{
				displayName: 'Preview',
				name: 'preview',
				type: 'boolean',
				default: false,
				description:
					'Whether to add _preview to the first items: one line per target field, "source: input value → mapped value"',
				hint: 'See _preview in the Table view of the output, one line per field. The Daktela node ignores it, so Preview can stay on.',
			},
			{
				displayName: 'Preview Items',
				name: 'previewItems',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				// No displayOptions: inside a collection they would name a top-level "preview"
				// parameter, which does not exist, and the option could never be added.
				description: 'With Preview on: how many of the first items get a _preview',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Prague',
				description:
					"Time zone for dates without an offset in date_format (Daktela sends its instance's local time). Empty: the workflow's time zone.",
			},
			{
				displayName: 'Variables',
				name: 'variables',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Variable',
				description:
					'Values for ${NAME} placeholders in the mapping. SDK files read them from environment variables, which n8n nodes cannot do; use e.g. {{ $vars.CRM_INSTANCE }}.',
				options: [
					{
						displayName: 'Variable',
						name: 'variable',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'e.g. CRM_INSTANCE',
								description: 'The NAME in ${NAME}',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								description: 'The text that replaces ${NAME}',
							},
						],
					},
				],
			},
		],
	},
];
