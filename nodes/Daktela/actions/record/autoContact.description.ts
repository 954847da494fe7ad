import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_AUTO_CONTACT_FIELDS } from '../../../shared/core/autoContact';

/** Account Create or Update options of "Auto-Create Contact" (the SDK's auto_create_contact). */
export const autoContactProperties: INodeProperties[] = [
	{
		displayName: 'Auto-Create Contact',
		name: 'autoContact',
		type: 'boolean',
		default: false,
		description:
			"Whether each written account also gets one Daktela contact made from the account's own fields (title, email, phone, database; an item's _contact adds or overrides fields), as the Daktela CRM Sync SDK's auto_create_contact does. Its result is in sync.contact.",
	},
	{
		displayName: 'Auto Contact: Name Suffix',
		name: 'autoContactSuffix',
		type: 'string',
		default: '_contact',
		description:
			"With Auto-Create Contact: the contact's external ID is the account's name plus this suffix",
	},
	{
		displayName: 'Auto Contact: Skip If Empty',
		name: 'autoContactSkipIfEmpty',
		type: 'string',
		default: DEFAULT_AUTO_CONTACT_FIELDS,
		description:
			'With Auto-Create Contact: no contact is made when all these fields of it are empty (comma-separated; empty: always make one)',
	},
	{
		displayName: 'Auto Contact: Skip If Exists',
		name: 'autoContactSkipIfExists',
		type: 'string',
		default: DEFAULT_AUTO_CONTACT_FIELDS,
		description:
			"With Auto-Create Contact: no new contact is made when a contact of the same account already has these values, e.g. the CRM's person with that email (comma-separated; empty: no check)",
	},
	{
		displayName: 'Auto Contact: Skip If Exists Mode',
		name: 'autoContactSkipIfExistsMode',
		type: 'options',
		options: [
			{
				name: 'All Fields Match',
				value: 'all',
				description: 'One existing contact has every listed value',
			},
			{
				name: 'Any Field Matches',
				value: 'any',
				description: 'One existing contact has one of the listed values',
			},
		],
		default: 'all',
		description: 'With Auto-Create Contact: when an existing contact counts as the same',
	},
];
