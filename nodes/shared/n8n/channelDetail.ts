/**
 * Activities with their channel record (a call's direction, answered flag, durations, numbers and
 * disposition; an e-mail's address, direction and text; ...). Daktela usually embeds the record as
 * `item`; when it only sends a reference (a name, an id, or a summary without the channel's
 * fields), the records are fetched in bulk from the channel endpoint, one request per chunk of
 * keys and channel, never one per activity.
 */
import type { Logger } from 'n8n-workflow';

import { cond } from '../transport/query';
import { CHANNEL_DETAIL, type ActivityType } from '../core/entities';
import type { Session } from './session';
import { type DaktelaRecord } from '../core/normalise';
import { isPlainObject } from '../core/objects';
import { chunkValues } from '../core/upsert';

const SUMMARY_KEYS = new Set(['name', 'id_call', 'title', '_sys']);

/** The embedded `item` is the whole channel record, not just a reference to it. */
function isComplete(item: unknown): boolean {
	return isPlainObject(item) && Object.keys(item).some((k) => !SUMMARY_KEYS.has(k));
}

function referenceOf(item: unknown, key: string): string | undefined {
	if (isPlainObject(item)) {
		const value = item[key] ?? item.name;
		return value === undefined || value === null ? undefined : String(value);
	}
	if (typeof item === 'string' || typeof item === 'number') return String(item);
	return undefined;
}

/**
 * Fills `item` of each activity with its full channel record (in place). Only logs through `ctx`,
 * so any n8n context will do (the Daktela node's execute(), the Daktela Trigger's webhook()).
 */
export async function attachChannelDetail(
	ctx: { logger: Logger },
	session: Session,
	activities: DaktelaRecord[],
): Promise<void> {
	const wanted = new Map<string, { key: string; refs: Set<string>; activities: DaktelaRecord[] }>();
	for (const activity of activities) {
		const channel = CHANNEL_DETAIL[String(activity.type) as ActivityType];
		if (!channel || isComplete(activity.item)) continue;
		const ref = referenceOf(activity.item, channel.key);
		if (ref === undefined) continue;
		const entry = wanted.get(channel.endpoint) ?? {
			key: channel.key,
			refs: new Set(),
			activities: [],
		};
		entry.refs.add(ref);
		entry.activities.push(activity);
		wanted.set(channel.endpoint, entry);
	}
	for (const [endpoint, { key, refs, activities: waiting }] of wanted) {
		const byRef = new Map<string, DaktelaRecord>();
		for (const chunk of chunkValues([...refs])) {
			const records = await session.client.listAllRecords(endpoint, {
				filter: cond(key, 'in', chunk),
			});
			for (const record of records) byRef.set(String(record[key]), record);
		}
		ctx.logger.debug(
			`Daktela: fetched ${byRef.size} ${endpoint} records for ${waiting.length} activities`,
		);
		for (const activity of waiting) {
			const ref = referenceOf(activity.item, key);
			const detail = ref === undefined ? undefined : byRef.get(ref);
			if (detail) activity.item = detail;
		}
	}
}
