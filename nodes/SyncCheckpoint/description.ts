/**
 * The Sync Checkpoint's parameters, grouped by operation. Defaults fit the Daktela node and the
 * package's templates: Get -> source (filter `>= {{ $json.since }}`, limit `{{ $json.limit }}`)
 * -> Skip Processed -> Field Mapper / Daktela -> Commit.
 */
import type { INodeProperties } from 'n8n-workflow';

const only = (...operation: string[]) => ({ show: { operation } });

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'get',
	// As an AI agent's tool (n8n names that node type "...Tool") only Inspect is offered: the
	// other operations move, reset or record sync state, which only the sync workflow may do.
	displayOptions: { hide: { '@tool': [true] } },
	options: [
		{
			name: 'Commit',
			value: 'commit',
			description:
				'Read the results of the sync step, decide whether and to what the cursor moves, and save it',
			action: 'Commit the results of a sync run',
		},
		{
			name: 'Get Cursor',
			value: 'get',
			description:
				'Output the since value, source limit and retry list for this run (none for a full sync)',
			action: 'Get the cursor for an incremental sync',
		},
		{
			name: 'Inspect',
			value: 'inspect',
			description: 'Output the stored state: cursor, retry list, dead letters, last commit',
			action: 'Inspect the stored sync state',
		},
		{
			name: 'Reset',
			value: 'reset',
			description:
				'Forget the cursor, retry list and dead letters of one entity or of all (in static data; for the Data Table store, delete the rows)',
			action: 'Reset the sync state',
		},
		{
			name: 'Skip Processed',
			value: 'skipProcessed',
			description:
				'Drop source records this sync already processed (re-read at the cursor boundary or in the lookback)',
			action: 'Skip records already processed',
		},
	],
};

/** The Operation parameter of the tool variant: reading the state is all an agent may do. */
export const toolOperationProperty: INodeProperties = {
	...operationProperty,
	default: 'inspect',
	displayOptions: { show: { '@tool': [true] } },
	options: (operationProperty.options ?? []).filter(
		(option) => 'value' in option && option.value === 'inspect',
	),
};

const notice: INodeProperties = {
	displayName:
		'Workflow static data (the default store) is only kept by a single n8n instance, after production runs. In queue mode (workers) or on n8n Cloud, keep the state in a Data Table: set State From to "Data Table Rows in Input" on Get Cursor (see the README, "Scaling out").',
	name: 'stateNotice',
	type: 'notice',
	default: '',
	displayOptions: only('get', 'inspect'),
};

const stateFromOptions = [
	{
		name: 'Workflow Static Data',
		value: 'staticData',
		description:
			'Nothing to set up. Kept by a single n8n instance after production runs; not in queue mode or on n8n Cloud.',
	},
	{
		name: 'Data Table Rows in Input',
		value: 'inputRows',
		description:
			'The input items are the rows of a state Data Table (columns syncName, entity, version, state) read by a Data Table node; Commit outputs the row to save. Works in queue mode and on n8n Cloud, and with overlapping runs.',
	},
];

const stateFrom: INodeProperties = {
	displayName: 'State From',
	name: 'stateFrom',
	type: 'options',
	noDataExpression: true,
	default: 'staticData',
	description:
		'Where the sync state is kept between runs. Skip Processed and Commit of the same run follow Get Cursor automatically.',
	options: stateFromOptions,
	displayOptions: only('get'),
};

const stateFromInspect: INodeProperties = {
	...stateFrom,
	description:
		"Which state to show: workflow static data, or the state Data Table rows in the input (e.g. read again after the save step, to see whether this run's commit was saved)",
	displayOptions: only('inspect'),
};

const syncName: INodeProperties = {
	displayName: 'Sync Name',
	name: 'syncName',
	type: 'string',
	required: true,
	default: 'crm-daktela',
	description:
		"Names this sync's state. Use the same Sync Name and Entity in the Get Cursor, Skip Processed and Commit steps of one sync, and another name for every other sync in the workflow. Renaming the node keeps the state; changing this name starts afresh.",
	hint: 'The same in Get Cursor, Skip Processed and Commit of one sync; changing it starts the sync afresh',
	displayOptions: only('get', 'skipProcessed', 'commit', 'reset'),
};

const syncNameInspect: INodeProperties = {
	...syncName,
	required: false,
	default: '',
	description: 'The sync to show; leave empty to show every sync of this workflow',
	hint: 'Execute step to see the stored cursor, retry list and last run of each entity',
	displayOptions: only('inspect'),
};

const entity: INodeProperties = {
	displayName: 'Entity',
	name: 'entity',
	type: 'string',
	required: true,
	default: 'contacts',
	description:
		'What this sync moves (e.g. contacts, accounts, activities): each entity has its own cursor',
	displayOptions: only('get', 'skipProcessed', 'commit'),
};

const entityOptional: INodeProperties = {
	...entity,
	required: false,
	default: '',
	description: 'The entity to reset or show; leave empty for every entity of the sync',
	displayOptions: only('reset', 'inspect'),
};

const timeZoneOption: INodeProperties = {
	displayName: 'Time Zone',
	name: 'timeZone',
	type: 'string',
	default: '',
	placeholder: 'Europe/Prague',
	description:
		"IANA time zone for cursor values without an offset (Daktela's YYYY-MM-DD HH:MM:SS) and for the Daktela since format. Empty: the workflow time zone.",
};

const getProperties: INodeProperties[] = [
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 100,
		description:
			'How many records not yet processed one run should handle; 0 for no limit. Give the source the limit this step outputs as its limit: it adds the records the source will return again.',
		displayOptions: only('get'),
	},
	{
		displayName: 'Lookback (Seconds)',
		name: 'lookbackSeconds',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 60,
		description:
			'Since is the cursor minus this much, to catch records that became visible in the source late (replication or search-index lag, long transactions). Re-read records are dropped by Skip Processed.',
		displayOptions: only('get'),
	},
	{
		displayName: 'Force Full Sync',
		name: 'forceFullSync',
		type: 'boolean',
		default: false,
		description:
			'Whether to ignore the cursor this run and send everything again (since is empty, or Start From). Accepts an expression, e.g. {{ $now.weekday === 7 }} for a weekly full sync.',
		displayOptions: only('get'),
	},
	{
		displayName: 'Options',
		name: 'getOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: only('get'),
		options: [
			{
				displayName: 'Since Format',
				name: 'sinceFormat',
				type: 'options',
				default: 'iso',
				description: 'The format the source\'s "modified since" filter takes',
				options: [
					{
						name: 'Daktela (YYYY-MM-DD HH:MM:SS)',
						value: 'daktela',
						description: 'Wall time in the time zone, rounded down to the second',
					},
					{
						name: 'ISO 8601 (UTC)',
						value: 'iso',
						description: 'For example 2026-03-01T10:00:00Z (UTC, milliseconds included)',
					},
					{
						name: 'Unix Milliseconds',
						value: 'unixMs',
						description: 'For example 1772359200000 (HubSpot)',
					},
					{
						name: 'Unix Seconds',
						value: 'unixSeconds',
						description: 'For example 1772359200, rounded down',
					},
				],
			},
			{
				displayName: 'Stop When State Is Lost',
				name: 'stopOnLostState',
				type: 'boolean',
				default: false,
				description:
					"Whether to fail the execution, instead of running a full sync with a warning, when this sync committed before but n8n's static data came back without its state (queue mode, n8n Cloud)",
			},
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'string',
				default: '',
				placeholder: '2026-01-01T00:00:00Z',
				description:
					'Since for a full sync (the first run, after Reset, or forced); empty: everything',
			},
			timeZoneOption,
		],
	},
];

const recordIdSkip: INodeProperties = {
	displayName: 'Record ID',
	name: 'recordId',
	type: 'string',
	required: true,
	default: '={{ $json.id ?? $json.name }}',
	description:
		"The source record's ID (an expression on the source record). Get Cursor's retry list holds these IDs.",
	displayOptions: only('skipProcessed'),
};

const cursorValueSkip: INodeProperties = {
	displayName: 'Cursor Value',
	name: 'cursorValue',
	type: 'string',
	required: true,
	default: '={{ $json.edited ?? $json.updatedAt ?? $json.time }}',
	description:
		"The source record's modification time, the field the source filters on (Daktela contacts and accounts: edited; activities: time; HubSpot: updatedAt)",
	displayOptions: only('skipProcessed'),
};

const skipProperties: INodeProperties[] = [
	recordIdSkip,
	cursorValueSkip,
	{
		displayName: 'Options',
		name: 'skipOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: only('skipProcessed'),
		options: [timeZoneOption],
	},
];

const commitProperties: INodeProperties[] = [
	{
		displayName: 'Record ID and Cursor From',
		name: 'recordSource',
		type: 'options',
		default: 'skipStep',
		description: "Where Commit reads each result's source record ID and cursor value",
		displayOptions: only('commit'),
		options: [
			{
				name: 'Skip Processed Step',
				value: 'skipStep',
				description:
					'What the Skip Processed step of this sync read from the source record, through the item link (nothing to set)',
			},
			{
				name: 'Expressions',
				value: 'expressions',
				description: 'The Record ID and Cursor Value expressions below',
			},
		],
	},
	{
		...recordIdSkip,
		default: '={{ $json.sync?.name ?? $json.id ?? $json.name }}',
		description:
			"The source record's ID: the one the source can be queried by, as the retry list holds these IDs (and the one Skip Processed reads, if used). The default reads the Daktela node's sync result, i.e. the external ID; when that is not the source ID use the item link, e.g. {{ $('HubSpot').item.json.id }}.",
		displayOptions: { show: { operation: ['commit'], recordSource: ['expressions'] } },
	},
	{
		...cursorValueSkip,
		default: '',
		placeholder: "={{ $('Get Contacts').item.json.updatedAt }}",
		description:
			"The SOURCE record's modification time, through the item link (not the time of the write: that would skip changes made during the run)",
		displayOptions: { show: { operation: ['commit'], recordSource: ['expressions'] } },
	},
	{
		displayName: 'On Failed Records',
		name: 'onFailure',
		type: 'options',
		default: 'hold',
		description: 'What a failed record does to the cursor',
		displayOptions: only('commit'),
		options: [
			{
				name: 'Hold Cursor (SDK)',
				value: 'hold',
				description:
					'Like the CRM Sync SDK: the cursor does not move past a failed record; the next run reads it again',
			},
			{
				name: 'Advance Past Failures',
				value: 'advance',
				description:
					'Failed records go to a retry list that Get Cursor outputs on later runs until they succeed or reach Max Attempts (then dead letters); the cursor moves on',
			},
		],
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 5,
		description: 'Failures of one record before it becomes a dead letter',
		displayOptions: { show: { operation: ['commit'], onFailure: ['advance'] } },
	},
	{
		displayName: 'Source Sorted by Cursor',
		name: 'sortedSource',
		type: 'boolean',
		default: false,
		description:
			'Whether the source returns records in ascending cursor order (Daktela: sort by edited ascending; HubSpot search: sort by lastmodifieddate ascending). Then a full batch is checkpointed and the next run continues after it; otherwise a full batch holds the cursor, as the SDK does.',
		displayOptions: only('commit'),
	},
	{
		displayName: 'Fail Execution on Record Failure',
		name: 'failOnFailure',
		type: 'boolean',
		default: false,
		description:
			"Whether to fail the execution (after saving the state) when any record failed, so the workflow's error workflow raises an alert - the SDK's exit code 1",
		displayOptions: only('commit'),
	},
	{
		displayName: 'Options',
		name: 'commitOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: only('commit'),
		options: [
			{
				displayName: 'Max Dead Letters',
				name: 'deadLetterLimit',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 1000,
				description: 'Dead letters kept in the state; the oldest go first',
			},
			{
				displayName: 'Max Remembered Records',
				name: 'seenLimit',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 10000,
				description:
					'Processed records remembered for Skip Processed; the oldest are forgotten first (and may be sent again)',
			},
			{
				displayName: 'Records Returned by Source',
				name: 'sourceCount',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description:
					"How many records the source returned, to tell a full batch. By default the count Skip Processed saw, else the number of items here; set it (e.g. {{ $('Get Contacts').all().length }}) when records are filtered out on the way.",
			},
			timeZoneOption,
		],
	},
];

export const properties: INodeProperties[] = [
	operationProperty,
	toolOperationProperty,
	notice,
	stateFrom,
	stateFromInspect,
	syncName,
	syncNameInspect,
	entity,
	entityOptional,
	...getProperties,
	...skipProperties,
	...commitProperties,
];
