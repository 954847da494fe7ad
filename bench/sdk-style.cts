/**
 * The baseline: how the Daktela CRM Sync SDK writes contacts (DaktelaAdapter: find by the lookup
 * field, then create or update; one record at a time), as an n8n node over the SAME client the
 * Daktela node uses (createDaktelaClient: n8n's authenticated HTTP helper, the same retries).
 *
 * Per record: GET contacts.json?filter[name] eq <name>&take=1, then POST (not found) or PUT (found
 * and different), or nothing (found and equal: the SDK skips unchanged records). Sequential.
 *
 * Node code would not live in bench/; this is a measuring instrument, kept out of the package.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { createDaktelaClient } from '../nodes/shared/n8n/client';
import { cond } from '../nodes/shared/transport/query';

type Rec = Record<string, unknown>;

/** The fields the bench writes, compared the way the SDK does (values as text, lists as lists). */
function differs(wanted: Rec, existing: Rec): boolean {
	const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
	for (const field of ['title', 'firstname', 'lastname']) {
		if (text(wanted[field]) !== text(existing[field])) return true;
	}
	const wantedCf = (wanted.customFields ?? {}) as Rec;
	const existingCf = (existing.customFields ?? {}) as Rec;
	for (const [key, value] of Object.entries(wantedCf)) {
		const a = (Array.isArray(value) ? value : [value]).map(text);
		const raw = existingCf[key];
		const b = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(text);
		if (a.join('\u0000') !== b.join('\u0000')) return true;
	}
	return false;
}

export interface SdkStats {
	lookups: number;
	creates: number;
	updates: number;
	unchanged: number;
}

/** The last run's counts (the node's output says it too; this is handier for the bench). */
export const sdkStats: SdkStats = { lookups: 0, creates: 0, updates: 0, unchanged: 0 };

export class SdkStyleUpsert implements INodeType {
	description = {
		displayName: 'SDK-Style Upsert',
		name: 'sdkStyleUpsert',
		group: ['output'],
		version: 1,
		description: 'Find, then create or update, one contact at a time (the CRM Sync SDK loop)',
		defaults: { name: 'SDK-Style Upsert' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'daktelaApi', required: true }],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// The Daktela node's batch session uses 10 retries; so does the baseline.
		const client = await createDaktelaClient(this, { maxRetries: 10 });
		Object.assign(sdkStats, { lookups: 0, creates: 0, updates: 0, unchanged: 0 });
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const record = items[i].json as Rec;
			const name = String(record.name);
			const found = await client.list('contacts', { filter: cond('name', 'eq', name), take: 1 });
			sdkStats.lookups++;
			let action: string;
			if (found.data.length === 0) {
				await client.create('contacts', record);
				sdkStats.creates++;
				action = 'created';
			} else if (differs(record, found.data[0])) {
				const patch = { ...record };
				delete patch.name;
				await client.update('contacts', name, patch);
				sdkStats.updates++;
				action = 'updated';
			} else {
				sdkStats.unchanged++;
				action = 'unchanged';
			}
			out.push({ json: { name, action }, pairedItem: { item: i } });
		}
		return [out];
	}
}
