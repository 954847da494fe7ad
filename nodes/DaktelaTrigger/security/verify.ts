/**
 * Who may start the Daktela Trigger: a shared secret in a header, or a Stripe-style HMAC
 * signature over timestamp and raw body.
 *
 * PURE: no n8n imports. Every comparison of a secret-derived value is constant-time over
 * fixed-length digests, and no message ever contains a received or configured secret.
 */

import { constantTimeEqual, hmacSha256, sha256, toHex } from './digest';

/** Header the Daktela automation sends the shared secret in (the CRM Sync SDK's convention). */
export const SECRET_HEADER = 'X-Webhook-Secret';

/** Header a signing sender puts `t=<unix seconds>,v1=<hex>[,v1=<hex>]` in. */
export const SIGNATURE_HEADER = 'X-Daktela-Signature';

/** Shorter secrets are refused at activation: they can be guessed. */
export const MIN_SECRET_LENGTH = 16;

/** Default replay window, as Stripe and Standard Webhooks use. */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

/** More v1 values than any rotation needs; bounds the work an unauthenticated caller causes. */
const MAX_SIGNATURES = 8;

export type Refusal = {
	ok: false;
	status: 401 | 403;
	code:
		| 'missing_secret'
		| 'invalid_secret'
		| 'missing_signature'
		| 'malformed_signature'
		| 'invalid_signature'
		| 'expired_signature';
	message: string;
};

export type Verdict = { ok: true } | Refusal;

function headerValue(value: string | string[] | undefined): string | undefined {
	if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
	return value;
}

/**
 * The header secret must equal one of the configured secrets (current, previous). Both sides are
 * hashed first so the comparison runs over 32 bytes whatever the lengths, and every configured
 * secret is compared (no early exit), so timing tells nothing about which one is close.
 */
export function verifySharedSecret(
	received: string | string[] | undefined,
	secrets: string[],
): Verdict {
	const value = headerValue(received);
	if (value === undefined || value === '') {
		return {
			ok: false,
			status: 401,
			code: 'missing_secret',
			message: `Missing ${SECRET_HEADER} header`,
		};
	}
	const receivedDigest = sha256(value);
	let matched = false;
	for (const secret of secrets) {
		if (secret === '') continue;
		matched = constantTimeEqual(receivedDigest, sha256(secret)) || matched;
	}
	if (matched) return { ok: true };
	return {
		ok: false,
		status: 403,
		code: 'invalid_secret',
		message: `Invalid ${SECRET_HEADER} header`,
	};
}

export interface ParsedSignature {
	timestamp: number;
	signatures: string[];
}

/** Parses `t=1700000000,v1=<hex>,v1=<hex>`; other schemes (v0, ...) are ignored like Stripe does. */
export function parseSignatureHeader(value: string): ParsedSignature | undefined {
	let timestamp: number | undefined;
	const signatures: string[] = [];
	for (const part of value.split(',')) {
		const separator = part.indexOf('=');
		if (separator <= 0) continue;
		const key = part.slice(0, separator).trim();
		const entry = part.slice(separator + 1).trim();
		if (key === 't') {
			if (!/^\d{1,12}$/.test(entry)) return undefined;
			timestamp = Number(entry);
		} else if (key === 'v1' && entry !== '') {
			signatures.push(entry.toLowerCase());
		}
	}
	if (timestamp === undefined || signatures.length === 0) return undefined;
	return { timestamp, signatures: signatures.slice(0, MAX_SIGNATURES) };
}

/** The string a sender signs: `<t>.<raw body>` (the body is used byte for byte). */
function signatureDigest(
	secret: string,
	timestamp: number,
	rawBody: Uint8Array | string,
): Uint8Array {
	return hmacSha256(secret, `${timestamp}.`, rawBody);
}

/** Hex HMAC-SHA256 of `<t>.<raw body>`: what a signing sender puts after `v1=`. */
export function computeSignature(
	secret: string,
	timestamp: number,
	rawBody: Uint8Array | string,
): string {
	return toHex(signatureDigest(secret, timestamp, rawBody));
}

/** A complete header value; one v1 per secret lets a sender sign with old and new during rotation. */
export function signatureHeaderValue(
	secrets: string[],
	timestamp: number,
	rawBody: Uint8Array | string,
): string {
	const parts = [`t=${timestamp}`];
	for (const secret of secrets) parts.push(`v1=${computeSignature(secret, timestamp, rawBody)}`);
	return parts.join(',');
}

function hexToBytes(hex: string): Uint8Array | undefined {
	if (!/^[0-9a-f]{64}$/.test(hex)) return undefined;
	const bytes = new Uint8Array(32);
	for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

export interface SignatureCheck {
	header: string | string[] | undefined;
	rawBody: Uint8Array | string;
	secrets: string[];
	toleranceSeconds: number;
	nowSeconds: number;
}

/**
 * Accepts the request when any v1 value matches the HMAC under any configured secret and the
 * timestamp is within the replay window (either side: a clock running ahead is as suspicious as
 * an old delivery). The signature is checked first, so only an authentic but stale request hears
 * "expired".
 */
export function verifySignature(check: SignatureCheck): Verdict {
	const value = headerValue(check.header);
	if (value === undefined || value.trim() === '') {
		return {
			ok: false,
			status: 401,
			code: 'missing_signature',
			message: `Missing ${SIGNATURE_HEADER} header`,
		};
	}
	const parsed = parseSignatureHeader(value);
	if (!parsed) {
		return {
			ok: false,
			status: 401,
			code: 'malformed_signature',
			message: `Malformed ${SIGNATURE_HEADER} header: expected t=<unix seconds>,v1=<hex HMAC-SHA256>`,
		};
	}
	const expected = check.secrets
		.filter((s) => s !== '')
		.map((s) => signatureDigest(s, parsed.timestamp, check.rawBody));
	// A value that is not 64 hex characters is compared as 32 zero bytes, so it costs the same.
	const placeholder = new Uint8Array(32);
	let matched = false;
	for (const signature of parsed.signatures) {
		const received = hexToBytes(signature);
		for (const digest of expected) {
			matched = (constantTimeEqual(received ?? placeholder, digest) && !!received) || matched;
		}
	}
	if (!matched) {
		return {
			ok: false,
			status: 403,
			code: 'invalid_signature',
			message: `${SIGNATURE_HEADER} does not match the request body`,
		};
	}
	if (Math.abs(check.nowSeconds - parsed.timestamp) > check.toleranceSeconds) {
		return {
			ok: false,
			status: 403,
			code: 'expired_signature',
			message: `${SIGNATURE_HEADER} timestamp is outside the ${check.toleranceSeconds} s replay window`,
		};
	}
	return { ok: true };
}
