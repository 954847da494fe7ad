import { createHmac } from 'crypto';

import {
	constantTimeEqual,
	hmacSha256,
	sha256,
	toHex,
} from '../nodes/DaktelaTrigger/security/digest';
import {
	computeSignature,
	parseSignatureHeader,
	signatureHeaderValue,
	verifySharedSecret,
	verifySignature,
} from '../nodes/DaktelaTrigger/security/verify';

const CURRENT = 'whsec-0123456789abcdef-current';
const PREVIOUS = 'whsec-0123456789abcdef-previous';
const BODY = '{"event":"contact_update","name":"crm_person_1"}';
const NOW = 1_800_000_000;

describe('digests', () => {
	it('give the FIPS 180-4 and RFC 4231 test vectors', () => {
		expect(toHex(sha256(''))).toBe(
			'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
		);
		expect(toHex(sha256('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
		);
		expect(toHex(hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
			'5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
		);
	});

	it('sign the raw body bytes exactly as sent, whitespace and UTF-8 included', () => {
		const raw = '{ "event" : "call_close",\n "name": "Novák" }';
		expect(computeSignature(CURRENT, NOW, raw)).toBe(
			createHmac('sha256', CURRENT).update(`${NOW}.${raw}`, 'utf8').digest('hex'),
		);
		expect(computeSignature(CURRENT, NOW, new TextEncoder().encode(raw))).toBe(
			computeSignature(CURRENT, NOW, raw),
		);
	});

	it('compare equal digests as equal and reject different bytes or lengths', () => {
		expect(constantTimeEqual(sha256('a'), sha256('a'))).toBe(true);
		expect(constantTimeEqual(sha256('a'), sha256('b'))).toBe(false);
		expect(constantTimeEqual(new Uint8Array(3), new Uint8Array(4))).toBe(false);
	});
});

describe('shared secret header', () => {
	it('accepts the current or the previous secret', () => {
		expect(verifySharedSecret(CURRENT, [CURRENT, PREVIOUS])).toEqual({ ok: true });
		expect(verifySharedSecret(PREVIOUS, [CURRENT, PREVIOUS])).toEqual({ ok: true });
	});

	it('answers 401 without the header and 403 with a wrong one, never echoing a secret', () => {
		const missing = verifySharedSecret(undefined, [CURRENT]);
		expect(missing).toMatchObject({ ok: false, status: 401, code: 'missing_secret' });
		const wrong = verifySharedSecret(`${CURRENT}x`, [CURRENT]);
		expect(wrong).toMatchObject({ ok: false, status: 403, code: 'invalid_secret' });
		expect(JSON.stringify([missing, wrong])).not.toContain(CURRENT);
		// A prefix of the secret is as wrong as anything else.
		expect(verifySharedSecret(CURRENT.slice(0, 10), [CURRENT])).toMatchObject({ status: 403 });
		// A repeated header (two values) is not accepted.
		expect(verifySharedSecret([CURRENT, CURRENT], [CURRENT])).toMatchObject({ ok: false });
	});
});

describe('HMAC signature (Stripe style)', () => {
	const check = (
		header: string | undefined,
		overrides: Partial<{ now: number; body: string }> = {},
	) =>
		verifySignature({
			header,
			rawBody: overrides.body ?? BODY,
			secrets: [CURRENT, PREVIOUS],
			toleranceSeconds: 300,
			nowSeconds: overrides.now ?? NOW,
		});

	it('signs "<t>.<raw body>" exactly like a reference HMAC implementation', () => {
		const reference = createHmac('sha256', CURRENT).update(`${NOW}.${BODY}`).digest('hex');
		expect(computeSignature(CURRENT, NOW, BODY)).toBe(reference);
		expect(computeSignature(CURRENT, NOW, Buffer.from(BODY))).toBe(reference);
	});

	it('accepts a valid signature, also one made with the previous secret', () => {
		expect(check(signatureHeaderValue([CURRENT], NOW, BODY))).toEqual({ ok: true });
		expect(check(signatureHeaderValue([PREVIOUS], NOW, BODY))).toEqual({ ok: true });
	});

	it('accepts a header with several v1 values when any matches (sender rotating its secret)', () => {
		const header = `t=${NOW},v1=${'0'.repeat(64)},v1=${computeSignature(PREVIOUS, NOW, BODY)}`;
		expect(check(header)).toEqual({ ok: true });
		const rotatedOut = verifySignature({
			header: signatureHeaderValue(['a-secret-nobody-configured'], NOW, BODY),
			rawBody: BODY,
			secrets: [CURRENT],
			toleranceSeconds: 300,
			nowSeconds: NOW,
		});
		expect(rotatedOut).toMatchObject({ ok: false, status: 403, code: 'invalid_signature' });
	});

	it('refuses a signature over a different body or timestamp', () => {
		const header = signatureHeaderValue([CURRENT], NOW, BODY);
		expect(check(header, { body: `${BODY} ` })).toMatchObject({ code: 'invalid_signature' });
		const moved = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
		expect(check(moved)).toMatchObject({ code: 'invalid_signature' });
	});

	it('refuses a valid signature outside the replay window, either way', () => {
		const old = signatureHeaderValue([CURRENT], NOW - 301, BODY);
		expect(check(old)).toMatchObject({ ok: false, status: 403, code: 'expired_signature' });
		const future = signatureHeaderValue([CURRENT], NOW + 301, BODY);
		expect(check(future)).toMatchObject({ code: 'expired_signature' });
		expect(check(signatureHeaderValue([CURRENT], NOW - 299, BODY))).toEqual({ ok: true });
	});

	it('answers 401 for a missing or malformed header', () => {
		expect(check(undefined)).toMatchObject({ status: 401, code: 'missing_signature' });
		expect(check('v1=abc')).toMatchObject({ status: 401, code: 'malformed_signature' });
		expect(check(`t=soon,v1=${'a'.repeat(64)}`)).toMatchObject({ code: 'malformed_signature' });
		expect(check(`t=${NOW}`)).toMatchObject({ code: 'malformed_signature' });
		expect(check(`t=${NOW},v1=nothex`)).toMatchObject({ status: 403, code: 'invalid_signature' });
	});

	it('parses spaces, upper-case hex and ignores other schemes', () => {
		const sig = computeSignature(CURRENT, NOW, BODY);
		expect(parseSignatureHeader(` t=${NOW} , v0=zzz , v1=${sig.toUpperCase()} `)).toEqual({
			timestamp: NOW,
			signatures: [sig],
		});
	});
});
