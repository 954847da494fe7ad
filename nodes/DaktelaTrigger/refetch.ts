/**
 * Loads the record an event is about with the Daktela node's own code, so the output is exactly
 * what the Daktela node's Get gives (activities with "Include Channel Detail" on) and the nodes
 * after a Daktela Trigger are the same as after a Daktela node in a batch workflow.
 *
 * Not pure: it reuses the Daktela node's n8n helpers. Delete events are not re-fetched (the record
 * is gone).
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { attachChannelDetail } from '../shared/n8n/channelDetail';
import { ENTITIES } from '../shared/core/entities';
import { outputRecord, type Session } from '../shared/n8n/session';
import type { DaktelaRecord } from '../shared/core/normalise';

import type { Delivery } from './events';

export interface FetchedRecord {
	/** The record as Daktela returned it (with the channel record in `item`): the dedup content. */
	raw: DaktelaRecord;
	/** The record as the Daktela node's Get outputs it. */
	output: IDataObject;
}

export function endpointOf(delivery: Delivery): string {
	return ENTITIES[delivery.event.entity].endpoint;
}

/** Whether the event's record can be loaded (deleted records cannot). */
export function canRefetch(delivery: Delivery): boolean {
	return delivery.event.action !== 'delete';
}

/**
 * GET by name (plus the channel record for activities, fetched only when Daktela did not embed
 * it). Rejects with the transport's DaktelaApiError (kind notFound, server, network, ...) after
 * the client's retries.
 */
export async function fetchRecord(
	ctx: IWebhookFunctions,
	session: Session,
	delivery: Delivery,
	isoTimes: boolean,
): Promise<FetchedRecord> {
	const raw = await session.client.get<DaktelaRecord>(endpointOf(delivery), delivery.name);
	if (delivery.event.entity === 'activity') {
		await attachChannelDetail(ctx, session, [raw]);
	}
	return { raw, output: outputRecord(raw, session, isoTimes) };
}
