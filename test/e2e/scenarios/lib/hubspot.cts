/**
 * Shared pieces of the HubSpot template scenarios: what the HubSpot templates write to Daktela for
 * a HubSpot company / contact (computed here independently of the mapping engine, in the shape of
 * helpers.cts `daktelaShape`), the checkpoint cursors they should end at, and a HubSpot sandbox
 * with n8n routed to it.
 */
import assert from 'node:assert/strict';

import type { DaktelaSandbox } from '../../../sandbox/daktela.cjs';
import type {
	HubspotRecord,
	HubspotSandbox,
	HubspotSandboxOptions,
} from '../../../sandbox/hubspot.cjs';
import type { E2EContext } from '../../context.cjs';
import type { N8n } from '../../n8n.cjs';
import { daktelaShape } from './helpers.cjs';

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value : null;
/** +420 601 123 456 -> +420601123456 (the sandbox data is already international). */
const e164 = (value: unknown): string | null => text(value)?.replace(/[^\d+]/g, '') ?? null;
const list = (...values: Array<string | null>) => values.filter((v): v is string => v !== null);

/** What the HubSpot templates' mappings make of a HubSpot record, in daktelaShape()'s shape. */
export function expectedFromHubspot(record: HubspotRecord, kind: 'account' | 'contact') {
	const p = record.properties;
	if (kind === 'account') {
		return {
			name: `crm_account_${record.id}`,
			title: String(p.name).trim(),
			database: 'default',
			email: [],
			number: list(e164(p.phone)),
			web: list(text(p.website)),
		};
	}
	const email = text(p.email)?.trim().toLowerCase() ?? null;
	return {
		name: `crm_person_${record.id}`,
		title: [p.firstname, p.lastname].filter(Boolean).join(' ') || email || 'Unknown',
		database: 'default',
		email: list(email),
		number: list(e164(p.phone), e164(p.mobilephone)),
		firstname: text(p.firstname),
		lastname: text(p.lastname) ?? email ?? 'Unknown',
		account: text(p.associatedcompanyid) ? `crm_account_${p.associatedcompanyid}` : null,
		description: text(p.jobtitle),
	};
}

/** Daktela's accounts and contacts equal HubSpot's companies and contacts, every mapped field. */
export function checkHubspotLanded(
	label: string,
	hubspot: HubspotSandbox,
	daktela: DaktelaSandbox,
): void {
	for (const [kind, endpoint, object] of [
		['account', 'accounts', 'companies'],
		['contact', 'contacts', 'contacts'],
	] as const) {
		const records = hubspot.store.all(object);
		assert.equal(
			daktela.store.list(endpoint).length,
			records.length,
			`${label}: ${endpoint} count`,
		);
		for (const record of records) {
			const expected = expectedFromHubspot(record, kind);
			const written = daktela.store.get(endpoint, expected.name);
			assert.ok(written, `${label}: ${expected.name} missing in Daktela`);
			assert.deepEqual(daktelaShape(written, kind), expected, `${label}: ${expected.name}`);
		}
	}
}

/** The latest last-modified date of HubSpot's companies (or contacts), as the checkpoint stores it. */
export function latestModified(hubspot: HubspotSandbox, object: 'companies' | 'contacts'): string {
	const property = object === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
	return hubspot.store
		.all(object)
		.map((r) => String(r.properties[property]))
		.sort()
		.pop()!;
}

/**
 * A HubSpot sandbox and an n8n whose api.hubapi.com is that sandbox (see
 * test/sandbox/hubspot-route.cjs); `env` is added to the n8n processes' environment.
 */
export async function hubspotAndN8n(
	ctx: E2EContext,
	options: HubspotSandboxOptions = {},
	env: NodeJS.ProcessEnv = {},
): Promise<{ hubspot: HubspotSandbox; n8n: N8n }> {
	const hubspot = await ctx.hubspot(options);
	const n8n = await ctx.n8n({ env: { ...hubspot.n8nEnv(), ...env } });
	return { hubspot, n8n };
}

/** Search requests of a run, with the `after` each one asked for. */
export function searches(hubspot: HubspotSandbox, object: 'companies' | 'contacts') {
	return hubspot.requests
		.filter((r) => r.method === 'POST' && r.path === `/crm/v3/objects/${object}/search`)
		.map((r) => ({ status: r.status, after: (r.body as { after?: unknown } | undefined)?.after }));
}
