/**
 * Loads the record an event is about, in the shape the Daktela node's Get outputs, so the nodes
 * after a Daktela Trigger are the same as after a Daktela node in a batch workflow.
 *
 * PURE of n8n: takes a DaktelaClient. Delete events are not re-fetched (the record is gone).
 */
import type { DaktelaClient, DaktelaRecord } from '../Daktela/transport/client';

import type { Delivery } from './events';

export interface FetchedRecord {
	/** The record as the Daktela node's Get outputs it (before time conversion). */
	record: DaktelaRecord;
	/** Endpoint the record came from (messages, tests). */
	endpoint: string;
}

const ENDPOINTS = { activity: 'activities', contact: 'contacts', account: 'accounts' } as const;

export function endpointOf(delivery: Delivery): string {
	return ENDPOINTS[delivery.event.entity];
}

/** Whether the event's record can be loaded (deleted records cannot). */
export function canRefetch(delivery: Delivery): boolean {
	return delivery.event.action !== 'delete';
}

/** One GET by name; DaktelaApiError (kind notFound, server, network, ...) when it fails. */
export async function fetchRecord(
	client: DaktelaClient,
	delivery: Delivery,
): Promise<FetchedRecord> {
	const endpoint = endpointOf(delivery);
	const record = await client.get<DaktelaRecord>(endpoint, delivery.name);
	return { record, endpoint };
}
