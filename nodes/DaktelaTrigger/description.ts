/**
 * The Daktela Trigger's parameters, including the setup instructions the user pastes into the
 * Daktela automation.
 */
import type { INodeProperties } from 'n8n-workflow';

import { isoTimesOption } from '../shared/n8n/descriptions';

import { ALL_EVENTS, eventOptions } from './events';
import { DEFAULT_WINDOW_SECONDS } from './dedup';
import { DEFAULT_MAX_BODY_KB } from './webhook';
import {
	DEFAULT_REPLAY_WINDOW_SECONDS,
	MIN_SECRET_LENGTH,
	SECRET_HEADER,
	SIGNATURE_HEADER,
} from './security/verify';

/** The body template for the automation's HTTP request action. */
export const BODY_TEMPLATE = '{"event": "{{event_name}}", "name": "{{object_name}}"}';

const commonSteps =
	'In Daktela, go to Manage → Automations and add one automation per event (for example "After call close") with an <b>HTTP request</b> action:<br>' +
	'• <b>URL</b>: this node\'s Production URL (Webhook URLs above; the Test URL only while you click "Listen for test event")<br>' +
	'• <b>Method</b>: POST, <b>Content type</b>: application/json (form-encoded works too)<br>' +
	`• <b>Body</b>: <code>${BODY_TEMPLATE}</code><br>`;

const templateCaveat =
	'The variable names (<code>{{event_name}}</code>, <code>{{object_name}}</code>) depend on your Daktela version: use the ones its automation editor offers for the event name and the record name. Only event and name are needed; the node loads the record itself.';

export const properties: INodeProperties[] = [
	{
		displayName:
			commonSteps +
			`• <b>Header</b>: <code>${SECRET_HEADER}</code> = the Secret below<br>` +
			templateCaveat,
		name: 'setupNoticeSecret',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['headerSecret'] } },
	},
	{
		displayName:
			commonSteps +
			`• <b>Header</b>: <code>${SIGNATURE_HEADER}: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;" with the Secret&gt;</code> (Stripe style). Daktela automations cannot sign by themselves: use this for a relay or system that can.<br>` +
			templateCaveat,
		name: 'setupNoticeSignature',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['signature'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [],
		description:
			'Events that start the workflow. A known event that is not selected is acknowledged (200, "ignored") without starting the workflow; an unknown event is refused with 400.',
		options: [
			{
				name: 'All Events',
				value: ALL_EVENTS,
				description: 'Every known Daktela event',
			},
			...eventOptions(),
		],
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		default: 'headerSecret',
		options: [
			{
				name: 'Secret Header',
				value: 'headerSecret',
				description: `The automation sends the secret in the ${SECRET_HEADER} header (what Daktela can do)`,
			},
			{
				name: 'HMAC Signature',
				value: 'signature',
				description: `The sender signs timestamp and body with the secret in ${SIGNATURE_HEADER}, with a replay window`,
			},
		],
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: `Shared secret, at least ${MIN_SECRET_LENGTH} characters (for example the output of "openssl rand -hex 32"). Requests without it are refused with 401/403 and start no execution.`,
	},
	{
		displayName: 'Re-Fetch Record',
		name: 'refetch',
		type: 'boolean',
		default: true,
		description:
			"Whether to load the full record from Daktela by its name, so the output has the same shape as the Daktela node's Get and nothing in the request body is trusted. Off: the output is the event, the name and whatever else the body carried.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			// The same option as the Daktela node's reads: a re-fetched record comes out as Get gives it.
			isoTimesOption,
			{
				displayName: 'Deduplicate By',
				name: 'dedupBy',
				type: 'options',
				default: 'content',
				options: [
					{
						name: 'Event, Record and Its Content',
						value: 'content',
						description:
							'A redelivery of the same state is a duplicate; a second event after the record really changed is new work',
					},
					{
						name: 'Event and Record',
						value: 'event',
						description:
							'Any second delivery of the same event for the same record within the window is a duplicate',
					},
				],
			},
			{
				displayName: 'Deduplication Window (Seconds)',
				name: 'dedupWindow',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_WINDOW_SECONDS,
				description:
					'How long a handled delivery is remembered. A duplicate within the window is acknowledged (200, "duplicate") without starting the workflow; one that reaches another n8n process (queue mode, several webhook processes) is recognised through n8n\'s processed-data store and stops at the trigger. 0 turns deduplication off.',
			},
			{
				displayName: 'Max Body Size (KB)',
				name: 'maxBodyKb',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 16384 },
				default: DEFAULT_MAX_BODY_KB,
				description:
					'Re-Fetch Record off: the delivered fields (as JSON) may take at most this many kilobytes, since they become the workflow item. A larger delivery gets 413 "body_too_large" and starts no execution.',
				displayOptions: { show: { '/refetch': [false] } },
			},
			{
				displayName: 'On Re-Fetch Failure',
				name: 'onRefetchError',
				type: 'options',
				default: 'respondError',
				options: [
					{
						name: 'Refuse the Delivery (5xx)',
						value: 'respondError',
						description:
							'Daktela gets 503 (or 422 when the record does not exist) and may deliver again; no execution starts',
					},
					{
						name: 'Start the Workflow With an Error Item',
						value: 'emitError',
						description:
							'The workflow gets {name, _event, error} to route to an alert or a retry queue; Daktela gets 200',
					},
				],
			},
			{
				displayName: 'Previous Secret',
				name: 'previousSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'Also accepted while you rotate the secret: set the new Secret here and in Daktela, then clear this',
			},
			{
				displayName: 'Replay Window (Seconds)',
				name: 'replayWindow',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_REPLAY_WINDOW_SECONDS,
				description:
					'HMAC Signature only: how far the signed timestamp may be from now, either way',
				displayOptions: { show: { '/authentication': ['signature'] } },
			},
		],
	},
];
