import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './description';
import { executeFieldMapper } from './execute';
import { getDaktelaFields } from './methods';

/**
 * Field Mapper: translates records between a CRM's shape and Daktela's with a YAML mapping in the
 * Daktela CRM Sync SDK format (or the visual mapper). The engine lives in mapping/ (pure).
 */
export class FieldMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Daktela Field Mapper',
		name: 'fieldMapper',
		icon: { light: 'file:../../icons/daktela.svg', dark: 'file:../../icons/daktela.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["entity"] + ($parameter["direction"] === "toCrm" ? " → CRM" : " → Daktela")}}',
		description:
			'Map records between a CRM and Daktela with a YAML mapping (Daktela CRM Sync SDK format) or visually',
		defaults: { name: 'Field Mapper' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
	};

	methods = { resourceMapping: { getDaktelaFields } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeFieldMapper.call(this);
	}
}
