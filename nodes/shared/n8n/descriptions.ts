/** Node parameters that more than one node shows (the Daktela node and the Daktela Trigger). */
import type { INodeProperties } from 'n8n-workflow';

export const isoTimesOption: INodeProperties = {
	displayName: 'Convert Times to ISO 8601',
	name: 'isoTimes',
	type: 'boolean',
	default: true,
	description:
		'Whether to output Daktela times ("YYYY-MM-DD HH:MM:SS" in the instance time zone) as ISO 8601 with offset, which the Sync Checkpoint and date nodes compare correctly',
};
