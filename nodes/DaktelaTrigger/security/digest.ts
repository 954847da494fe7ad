/**
 * Hashing for the Daktela Trigger, on Node's `crypto` (on n8n's Cloud allow list; kept external
 * by the bundler). PURE: no n8n imports.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';

/** SHA-256 of a UTF-8 string or raw bytes. */
export function sha256(data: string | Uint8Array): Uint8Array {
	return createHash('sha256').update(data).digest();
}

/** Hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** HMAC-SHA256 over the concatenation of `parts` (strings as UTF-8, bytes as they are). */
export function hmacSha256(key: string, ...parts: Array<string | Uint8Array>): Uint8Array {
	const hmac = createHmac('sha256', key);
	for (const part of parts) hmac.update(part);
	return hmac.digest();
}

/** Constant-time equality of two byte strings; different lengths are simply unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

export function toHex(bytes: Uint8Array): string {
	let hex = '';
	for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
	return hex;
}
