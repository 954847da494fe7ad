/**
 * The floor under any Daktela node in n8n: a node that does nothing but POST each item to
 * contacts.json through n8n's authenticated HTTP helper, `parallel` at a time, on the same
 * credential - no lookup, no diff, no retries, no output shaping. What it reaches on this machine,
 * in this run, is what n8n's HTTP helper and the machine allow; the Daktela node's rate against it
 * is the share of throughput our own code costs (bench metric upsert_vs_bare_helper).
 *
 * A measuring instrument, kept out of the package.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

export class BareHelperPost implements INodeType {
	description = {
		displayName: 'Bare Helper POST',
		name: 'bareHelperPost',
		group: ['output'],
		version: 1,
		description: 'POST every item to contacts.json through n8n, N at a time',
		defaults: { name: 'Bare Helper POST' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'daktelaApi', required: true }],
		properties: [{ displayName: 'Parallel', name: 'parallel', type: 'number', default: 10 }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const parallel = this.getNodeParameter('parallel', 0) as number;
		const credentials = await this.getCredentials('daktelaApi');
		// The bench's sandbox URL is a plain http://127.0.0.1:port.
		const url = `${String(credentials.url).replace(/\/+$/, '')}/api/v6/contacts.json`;
		const reuse = {
			credentialsDecrypted: {
				id: 'daktelaApi1',
				name: 'daktelaApi',
				type: 'daktelaApi',
				data: credentials,
			},
		};
		const out: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const i = next++;
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'daktelaApi',
					{ method: 'POST', url, body: items[i].json, json: true },
					reuse,
				)) as { result?: IDataObject };
				out[i] = { json: response.result ?? {}, pairedItem: { item: i } };
			}
		};
		await Promise.all(Array.from({ length: parallel }, worker));
		return [out];
	}
}
