/**
 * Removing records that left the CRM (the Delete operation of contacts and accounts): which
 * records a sync may remove, the safety limit, and what "archive" writes.
 *
 * PURE: no n8n imports, no HTTP.
 *
 * - Only records the sync created: with an external-ID prefix set, a name without it is refused
 *   (the record was made by hand or by another integration), whatever the input says.
 * - Safety limit: a run that would remove more than Max Records, or more than Max Percent of the
 *   records the sync manages (those whose name has the prefix; all records of the entity without
 *   one), removes nothing and reports why: a broken CRM query ("everything is deleted") must not
 *   empty Daktela.
 * - Archive: Daktela has no archive flag for contacts or accounts (the API offers DELETE only), so
 *   "archive" keeps the record and marks it: the archive field gets the time of the run, and the
 *   record can be moved to an archive database. Its activities and history stay linked.
 */
import { setPath } from './paths';

export type RemoveAs = 'delete' | 'archive';

export interface RemovalLimits {
	/** Most records one run may remove; 0 = no limit. */
	maxRecords: number;
	/** Most records one run may remove, in percent of the records the sync manages; 0 = no limit. */
	maxPercent: number;
}

/** Why the sync must not remove this record, or undefined when it may. */
export function refusal(name: string, prefix: string): string | undefined {
	if (!prefix || name.startsWith(prefix)) return undefined;
	return `${name} was not created by this sync (its name does not start with "${prefix}"); it was not removed`;
}

/** SQL LIKE pattern of the names that start with `prefix` (`_` and `%` in it match themselves). */
export function prefixPattern(prefix: string): string {
	return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}

/** Why the run must stop before removing anything, or undefined when it is within the limits. */
export function limitProblem(
	count: number,
	managed: number | undefined,
	limits: RemovalLimits,
	names: { noun: string; nouns: string },
	prefix: string,
): string | undefined {
	const { nouns } = names;
	const over: string[] = [];
	if (limits.maxRecords > 0 && count > limits.maxRecords) {
		over.push(`Max Records is ${limits.maxRecords}`);
	}
	let share = '';
	if (limits.maxPercent > 0 && managed !== undefined) {
		const percent = managed > 0 ? (count / managed) * 100 : 100;
		share = ` (${formatPercent(percent)}% of the ${managed} ${nouns}${prefix ? ` named ${prefix}…` : ''} in Daktela)`;
		if (percent > limits.maxPercent) over.push(`Max Percent is ${limits.maxPercent}%`);
	}
	if (over.length === 0) return undefined;
	return `safety limit: this run would remove ${count} ${count === 1 ? names.noun : nouns}${share}, but ${over.join(' and ')}; nothing was removed. Check the CRM's list of deleted records; if it is right, raise the limit for one run`;
}

function formatPercent(percent: number): string {
	return percent >= 10 ? String(Math.round(percent)) : percent.toFixed(1).replace(/\.0$/, '');
}

/** The PUT body that archives a record: the field (a custom field is a list) and the database. */
export function archivePatch(field: string, database: string, at: string): Record<string, unknown> {
	const patch: Record<string, unknown> = {};
	if (field) setPath(patch, field, field.startsWith('customFields.') ? [at] : at);
	if (database) patch.database = database;
	return patch;
}
