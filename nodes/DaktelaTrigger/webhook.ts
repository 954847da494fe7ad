/**
 * One delivery from a Daktela automation, from the raw request to the answer and the items.
 *
 * Order, and why:
 *  1. authenticate (secret header or HMAC signature) before reading the body, so a caller without
 *     the secret learns nothing and starts nothing (401/403, no execution);
 *  2. read the body (JSON or form) and the event: malformed or unknown -> 400, a known event that
 *     is not selected -> 200 "ignored";
 *  3. under a per-(node, event, record) lock: re-fetch the record, then look the dedup key up
 *     (static data + process memory) and remember it (process memory now, static data through the
 *     execution, see recordDeliveries). Only a successful re-fetch is remembered, so a delivery
 *     that failed (503) leaves no key and its redelivery is processed; a concurrent duplicate waits
 *     for the first one and then finds its key;
 *  4. answer 200 with the items (execution starts) or 200 "duplicate" (none).
 */
import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { createSession, type Session } from '../shared/n8n/session';
import { DaktelaApiError } from '../shared/transport/errors';
import { createDaktelaClient } from '../shared/n8n/client';

import {
	activeEntries,
	dedupKey,
	DEFAULT_WINDOW_SECONDS,
	fingerprint,
	processMemory,
	withEntry,
	withKeyLock,
} from './dedup';
import {
	isSharedDuplicate,
	MAX_SHARED_ENTRIES,
	SHARED_VERIFY_WAITS_MS,
	sharedValues,
} from './sharedDedup';
import { isSelected, readBodyFields, readDelivery, type Delivery } from './events';
import { canRefetch, endpointOf, fetchRecord } from './refetch';
import {
	DEFAULT_REPLAY_WINDOW_SECONDS,
	MIN_SECRET_LENGTH,
	SECRET_HEADER,
	SIGNATURE_HEADER,
	verifySharedSecret,
	verifySignature,
	type Verdict,
} from './security/verify';

/** Retries for the re-fetch: Daktela's automation waits for our answer, so keep it short. */
export const REFETCH_RETRY = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 2000 };

/**
 * Default "Max Body Size (KB)": with Re-Fetch off the delivered fields become the workflow item,
 * so without a bound anyone holding the secret could push n8n's whole request limit (16 MiB) into
 * every execution. Daktela's automations send a handful of fields; 64 KiB is generous for that.
 */
export const DEFAULT_MAX_BODY_KB = 64;

/** Seconds Daktela (or a relay) should wait before redelivering after a 503. */
const RETRY_AFTER_SECONDS = 30;

export interface TriggerSettings {
	events: string[];
	authentication: 'headerSecret' | 'signature';
	secrets: string[];
	refetch: boolean;
	isoTimes: boolean;
	dedupBy: 'content' | 'event';
	dedupWindow: number;
	onRefetchError: 'respondError' | 'emitError';
	replayWindow: number;
	/** Re-Fetch off: most bytes of the delivered fields (JSON, UTF-8) passed into the item. */
	maxBodyBytes: number;
}

function numberOption(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** The settings of a webhook or hook context (their getNodeParameter has no item index). */
export function readSettings(ctx: Pick<IWebhookFunctions, 'getNodeParameter'>): TriggerSettings {
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const secret = String(ctx.getNodeParameter('secret', '') ?? '');
	const previous = String(options.previousSecret ?? '');
	return {
		events: (ctx.getNodeParameter('events', []) as string[]) ?? [],
		authentication:
			ctx.getNodeParameter('authentication', 'headerSecret') === 'signature'
				? 'signature'
				: 'headerSecret',
		secrets: [secret, previous].filter((s) => s !== ''),
		refetch: ctx.getNodeParameter('refetch', true) !== false,
		isoTimes: options.isoTimes !== false,
		dedupBy: options.dedupBy === 'event' ? 'event' : 'content',
		dedupWindow: numberOption(options.dedupWindow, DEFAULT_WINDOW_SECONDS),
		onRefetchError: options.onRefetchError === 'emitError' ? 'emitError' : 'respondError',
		replayWindow: numberOption(options.replayWindow, DEFAULT_REPLAY_WINDOW_SECONDS) || 1,
		maxBodyBytes: Math.round(
			(numberOption(options.maxBodyKb, DEFAULT_MAX_BODY_KB) || DEFAULT_MAX_BODY_KB) * 1024,
		),
	};
}

/** Bytes of `text` in UTF-8 (no Buffer / TextEncoder in node code). */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				bytes += 4;
				i++;
			} else bytes += 3;
		} else bytes += 3;
	}
	return bytes;
}

/** What is wrong with the settings, for activation and for every request. */
export function settingsProblem(settings: TriggerSettings): string | undefined {
	if (settings.secrets.length === 0 || settings.secrets[0].length < MIN_SECRET_LENGTH) {
		return `Set a Secret of at least ${MIN_SECRET_LENGTH} characters`;
	}
	if (settings.secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
		return `The Previous Secret must also have at least ${MIN_SECRET_LENGTH} characters`;
	}
	if (settings.events.length === 0) return 'Choose at least one event';
	return undefined;
}

function respond(
	ctx: IWebhookFunctions,
	status: number,
	body: IDataObject,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	const res = ctx.getResponseObject();
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.status(status).json(body);
	return { noWebhookResponse: true };
}

async function rawBodyOf(ctx: IWebhookFunctions): Promise<Buffer | undefined> {
	const req = ctx.getRequestObject();
	// n8n reads the raw bytes while parsing the body; a request it did not parse can still be read.
	if (!req.rawBody && typeof req.readRawBody === 'function') await req.readRawBody();
	return req.rawBody;
}

function contentTypeOf(ctx: IWebhookFunctions): string | undefined {
	const value = ctx.getHeaderData()['content-type'];
	return Array.isArray(value) ? value[0] : value;
}

function authenticate(
	ctx: IWebhookFunctions,
	settings: TriggerSettings,
	rawBody: Buffer | undefined,
): Verdict {
	const headers = ctx.getHeaderData();
	if (settings.authentication === 'signature') {
		return verifySignature({
			header: headers[SIGNATURE_HEADER.toLowerCase()],
			rawBody: rawBody ?? new Uint8Array(0),
			secrets: settings.secrets,
			toleranceSeconds: settings.replayWindow,
			nowSeconds: Math.floor(Date.now() / 1000),
		});
	}
	return verifySharedSecret(headers[SECRET_HEADER.toLowerCase()], settings.secrets);
}

export interface EventMetadata extends IDataObject {
	event: string;
	entity: string;
	action: string;
	channel?: string;
	name: string;
	receivedAt: string;
	refetched: boolean;
	/** Set when deduplication is on: the key execute() stores in static data. */
	dedupKey?: string;
}

function metadataOf(delivery: Delivery, refetched: boolean): EventMetadata {
	const meta: EventMetadata = {
		event: delivery.event.event,
		entity: delivery.event.entity,
		action: delivery.event.action,
		name: delivery.name,
		receivedAt: new Date().toISOString(),
		refetched,
	};
	if (delivery.event.channel) meta.channel = delivery.event.channel;
	return meta;
}

type Outcome =
	| { kind: 'item'; json: IDataObject; key?: string }
	| { kind: 'failed'; error: DaktelaApiError | Error };

async function loadItem(
	ctx: IWebhookFunctions,
	session: Session | undefined,
	delivery: Delivery,
	settings: TriggerSettings,
): Promise<Outcome> {
	const useContent = settings.dedupBy === 'content';
	const { event, name } = delivery;
	if (!canRefetch(delivery)) {
		return {
			kind: 'item',
			json: { name, deleted: true, _event: metadataOf(delivery, false) },
			key: dedupKey(event.event, name),
		};
	}
	if (!session) {
		const json: IDataObject = {
			...(delivery.payload as IDataObject),
			name,
			_event: metadataOf(delivery, false),
		};
		const content = useContent ? fingerprint(delivery.payload) : undefined;
		return { kind: 'item', json, key: dedupKey(event.event, name, content) };
	}
	try {
		const { raw, output } = await fetchRecord(ctx, session, delivery, settings.isoTimes);
		const content = useContent ? fingerprint(raw) : undefined;
		return {
			kind: 'item',
			json: { ...output, _event: metadataOf(delivery, true) },
			key: dedupKey(event.event, name, content),
		};
	} catch (error) {
		return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
	}
}

/** The answer to a re-fetch that failed after the client's retries. */
function refetchFailure(
	delivery: Delivery,
	error: Error,
): { status: number; body: IDataObject; retryable: boolean } {
	const endpoint = endpointOf(delivery);
	const base = { event: delivery.event.event, name: delivery.name };
	if (error instanceof DaktelaApiError && error.kind === 'notFound') {
		return {
			status: 422,
			retryable: false,
			body: {
				error: 'record_not_found',
				message: `Daktela has no ${endpoint} record named "${delivery.name}": check that the automation sends the record name`,
				...base,
			},
		};
	}
	const detail =
		error instanceof DaktelaApiError ? error.description : 'Daktela could not be read.';
	return {
		status: 503,
		retryable: true,
		body: {
			error: 'daktela_unavailable',
			message: `Could not load ${endpoint} "${delivery.name}" from Daktela: ${detail} The event was not processed; deliver it again.`,
			...base,
			retryable: true,
		},
	};
}

function errorJson(error: Error): IDataObject {
	const out: IDataObject = { message: error.message };
	if (error instanceof DaktelaApiError) {
		out.kind = error.kind;
		if (error.httpCode !== undefined) out.httpCode = error.httpCode;
		out.description = error.description;
	}
	return out;
}

export async function handleDelivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const admitted = await admit(ctx);
	if ('response' in admitted) return admitted.response;
	const { settings, delivery, summary } = admitted;

	let session: Session | undefined;
	if (settings.refetch && canRefetch(delivery)) {
		try {
			session = createSession(await createDaktelaClient(ctx, REFETCH_RETRY));
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			ctx.logger.error(`Daktela Trigger "${ctx.getNode().name}": ${message}`);
			return respond(ctx, 500, {
				error: 'not_configured',
				message: `The Daktela API credential is not usable: ${message}`,
				...summary,
			});
		}
	}

	const scope = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	const lockKey = `${scope}|${delivery.event.event}|${delivery.name}`;
	return await withKeyLock(lockKey, async () => {
		const outcome = await loadItem(ctx, session, delivery, settings);
		if (outcome.kind === 'failed') return refetchFailed(ctx, settings, delivery, outcome.error);
		if (isDuplicate(ctx, settings, scope, outcome)) {
			return { webhookResponse: { received: true, duplicate: true, ...summary } };
		}
		const item: INodeExecutionData = { json: outcome.json };
		return { webhookResponse: { received: true, ...summary }, workflowData: [[item]] };
	});
}

type Admitted =
	| { response: IWebhookResponseData }
	| { settings: TriggerSettings; delivery: Delivery; summary: { event: string; name: string } };

/**
 * The checks before anything is read from Daktela: configuration, authentication, the body, the
 * event selection and, with Re-Fetch off, the size of the delivered fields.
 */
async function admit(ctx: IWebhookFunctions): Promise<Admitted> {
	const settings = readSettings(ctx);
	const problem = settingsProblem(settings);
	if (problem) {
		ctx.logger.error(`Daktela Trigger "${ctx.getNode().name}" refused a delivery: ${problem}`);
		return {
			response: respond(ctx, 500, {
				error: 'not_configured',
				message: `The Daktela Trigger is not configured: ${problem}`,
			}),
		};
	}

	const rawBody = await rawBodyOf(ctx);
	const verdict = authenticate(ctx, settings, rawBody);
	if (!verdict.ok) {
		return {
			response: respond(ctx, verdict.status, { error: verdict.code, message: verdict.message }),
		};
	}

	const fields = readBodyFields(ctx.getBodyData(), rawBody?.toString('utf8'), contentTypeOf(ctx));
	if (!fields.ok) {
		return { response: respond(ctx, 400, { error: fields.code, message: fields.message }) };
	}
	const parsed = readDelivery(fields.value);
	if (!parsed.ok) {
		return { response: respond(ctx, 400, { error: parsed.code, message: parsed.message }) };
	}
	const delivery = parsed.value;
	const summary = { event: delivery.event.event, name: delivery.name };

	if (!isSelected(delivery.event, settings.events)) {
		return {
			response: {
				webhookResponse: {
					received: true,
					ignored: true,
					...summary,
					reason: 'This event is not selected in the Daktela Trigger',
				},
			},
		};
	}

	// Re-Fetch off: the delivered fields become the item, so their size is bounded (413, nothing
	// starts). With Re-Fetch on (or a delete event) only the event and the name are used.
	if (!settings.refetch && canRefetch(delivery)) {
		const size = utf8Length(JSON.stringify(delivery.payload));
		if (size > settings.maxBodyBytes) {
			ctx.logger.warn(
				`Daktela Trigger "${ctx.getNode().name}" refused a delivery of ${size} bytes (Max Body Size ${settings.maxBodyBytes} bytes)`,
			);
			return {
				response: respond(ctx, 413, {
					error: 'body_too_large',
					message: `The delivered fields take ${size} bytes as JSON; this trigger accepts at most ${settings.maxBodyBytes} (Max Body Size) when Re-Fetch Record is off. Send only the event and the name, or turn Re-Fetch Record on.`,
					...summary,
				}),
			};
		}
	}
	return { settings, delivery, summary };
}

/** A re-fetch that failed: an error item (On Re-Fetch Error: emit) or an answer Daktela retries. */
function refetchFailed(
	ctx: IWebhookFunctions,
	settings: TriggerSettings,
	delivery: Delivery,
	error: DaktelaApiError | Error,
): IWebhookResponseData {
	const summary = { event: delivery.event.event, name: delivery.name };
	const failure = refetchFailure(delivery, error);
	ctx.logger.warn(
		`Daktela Trigger "${ctx.getNode().name}": ${String(failure.body.message)} (${error.message})`,
	);
	if (settings.onRefetchError === 'emitError') {
		const json: IDataObject = {
			name: delivery.name,
			_event: metadataOf(delivery, false),
			error: errorJson(error),
		};
		return {
			webhookResponse: { received: true, ...summary, refetchFailed: true },
			workflowData: [[{ json }]],
		};
	}
	const headers: Record<string, string> = failure.retryable
		? { 'Retry-After': String(RETRY_AFTER_SECONDS) }
		: {};
	return respond(ctx, failure.status, failure.body, headers);
}

/**
 * Whether this process already handled the delivery (static data or process memory); if not, it
 * is remembered here. Editor test runs never save static data; remembering them would only hide
 * the next test.
 */
function isDuplicate(
	ctx: IWebhookFunctions,
	settings: TriggerSettings,
	scope: string,
	outcome: Extract<Outcome, { kind: 'item' }>,
): boolean {
	if (settings.dedupWindow <= 0 || ctx.getMode() === 'manual' || outcome.key === undefined) {
		return false;
	}
	const nowSeconds = Math.floor(Date.now() / 1000);
	const stored = activeEntries(ctx.getWorkflowStaticData('node').dedup, nowSeconds);
	if (stored[outcome.key] !== undefined || processMemory.has(scope, outcome.key, nowSeconds)) {
		return true;
	}
	processMemory.add(scope, outcome.key, nowSeconds + settings.dedupWindow, nowSeconds);
	// Static data written here is not saved when an execution starts (n8n builds the execution's
	// workflow from the same static data object, which clears its change flag), so the key
	// travels with the item and the trigger's execute() stores it in the execution's static
	// data, which n8n saves when the execution ends.
	(outcome.json._event as EventMetadata).dedupKey = outcome.key;
	return false;
}

/**
 * The trigger's part of the execution it started: store the dedup keys of its items in the node's
 * static data, which n8n saves when the execution ends (also when a later node fails), and check
 * and record them in n8n's processed-data store, which all n8n processes share (queue-mode workers,
 * several webhook processes, a restarted main). An item whose key another execution recorded
 * within the window is dropped here: the delivery reached a process that did not know it, so
 * webhook() answered 200 and started this execution, and the workflow stops at the trigger. Other
 * items pass through unchanged. Retried executions (and editor runs) are never dropped: a retry
 * must be able to run again.
 */
export async function recordDeliveries(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const options = (ctx.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
	const windowSeconds = numberOption(options.dedupWindow, DEFAULT_WINDOW_SECONDS);
	const nowSeconds = Math.floor(Date.now() / 1000);
	const staticData = ctx.getWorkflowStaticData('node');
	let store = activeEntries(staticData.dedup, nowSeconds);
	let changed = false;
	const checkShared = windowSeconds > 0 && !['manual', 'retry'].includes(ctx.getMode());
	const out: INodeExecutionData[] = [];
	for (const [index, item] of items.entries()) {
		const meta = item.json._event as IDataObject | undefined;
		const key = meta?.dedupKey;
		if (typeof key === 'string' && windowSeconds > 0) {
			store = withEntry(store, key, nowSeconds + windowSeconds);
			changed = true;
			if (checkShared && (await seenElsewhere(ctx, key, meta, windowSeconds))) {
				ctx.logger.info(
					`Daktela Trigger "${ctx.getNode().name}": ${String(meta?.event)} for ${String(meta?.name)} was already handled by another execution; dropped`,
				);
				continue;
			}
		}
		out.push({ ...item, pairedItem: { item: index } });
	}
	// Assigned (not mutated) so n8n's change flag is set and the store is saved.
	if (changed) staticData.dedup = store;
	return [out];
}

/** Checks and records a key in the processed-data store; where there is none, nothing is dropped. */
async function seenElsewhere(
	ctx: IExecuteFunctions,
	key: string,
	meta: IDataObject | undefined,
	windowSeconds: number,
): Promise<boolean> {
	const receivedAt = Date.parse(String(meta?.receivedAt ?? ''));
	const values = sharedValues(
		key,
		Number.isNaN(receivedAt) ? Date.now() : receivedAt,
		windowSeconds,
	);
	try {
		const check = async (list: string[]) =>
			await ctx.helpers.checkProcessedAndRecord(list, 'node', {
				mode: 'entries',
				maxEntries: MAX_SHARED_ENTRIES,
			});
		if (isSharedDuplicate(values, (await check(values)).processed)) return true;
		// n8n reads and rewrites the node's whole entry list per check, so a check running at the same
		// time (another worker) can drop the key just recorded. Check that it stuck, add it again if not.
		for (const waitMs of SHARED_VERIFY_WAITS_MS) {
			await sleep(waitMs);
			if ((await check([values[0]])).processed.length > 0) break;
		}
		return false;
	} catch (error) {
		ctx.logger.warn(
			`Daktela Trigger "${ctx.getNode().name}": processed-data store unavailable, deduplication across n8n processes is off (${error instanceof Error ? error.message : String(error)})`,
		);
		return false;
	}
}
