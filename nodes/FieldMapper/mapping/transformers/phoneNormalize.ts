import {
	parsePhoneNumberFromString,
	isSupportedCountry,
	type CountryCode,
} from 'libphonenumber-js';
import { z } from 'zod';

import { ValueError } from '../errors';
import { phpString } from '../php';
import { eachValue, type TransformerDef } from './types';

const FORMATS = ['e164', 'international', 'national', 'rfc3966', 'digits'] as const;

const params = z
	.object({
		format: z.enum(FORMATS).optional(),
		default_country: z
			.string()
			.transform((s) => s.toUpperCase())
			.refine((s) => isSupportedCountry(s), {
				message: 'not a supported ISO 3166 country code (e.g. CZ, SK, DE, US)',
			})
			.optional(),
		on_invalid: z.enum(['error', 'keep', 'null']).optional(),
	})
	.strict();

type Params = z.infer<typeof params>;

/** The SDK's algorithm: keep digits and `+`; with `e164`, prepend `+` when missing. */
export function sdkPhone(value: unknown, format: string): unknown {
	if (value === null || value === undefined || value === '') return value;
	const normalized = phpString(value).replace(/[^\d+]/g, '');
	if (normalized === '') return value;
	return format === 'e164' && !normalized.startsWith('+') ? `+${normalized}` : normalized;
}

/**
 * SDK `phone_normalize` (`format: e164`): strips everything but digits and `+` and prepends `+`.
 * With a default country (param `default_country` or the node's Default Phone Country) it uses
 * libphonenumber instead: national numbers get the country code, and invalid numbers follow
 * `on_invalid` (`error` fails the item, `keep` gives the SDK result, `null` drops the value).
 */
export const phoneNormalize: TransformerDef<Params> = {
	name: 'phone_normalize',
	origin: 'sdk',
	summary:
		'`format` (`e164` default; extra `international`, `national`, `rfc3966`, `digits`); extra `default_country` (ISO code, real E.164 via libphonenumber) and `on_invalid` (`error`/`keep`/`null`)',
	params,
	create(p, ctx) {
		const format = p.format ?? 'e164';
		const country = p.default_country ?? ctx.defaultCountry;
		if (!country || format === 'digits') return eachValue((v) => sdkPhone(v, format));
		const onInvalid = p.on_invalid ?? 'error';
		return eachValue((value) => {
			if (value === null || value === undefined || value === '') return value;
			const text = phpString(value);
			const phone = parsePhoneNumberFromString(text, country as CountryCode);
			if (phone && phone.isValid()) {
				if (format === 'international') return phone.formatInternational();
				if (format === 'national') return phone.formatNational();
				if (format === 'rfc3966') return phone.getURI();
				return phone.number;
			}
			if (onInvalid === 'keep') return sdkPhone(value, format);
			if (onInvalid === 'null') return null;
			throw new ValueError(`"${text}" is not a valid phone number (default country ${country})`);
		});
	},
	inverse: () => 'same',
	warnings(p, ctx) {
		if (!p.default_country && !ctx.defaultCountry && (p.format ?? 'e164') === 'e164') {
			return [
				'phone_normalize has no default country, so it only strips characters and adds "+" (SDK behaviour): a national number such as 601 123 456 becomes +601123456. Set "Default Phone Country" or params.default_country for real E.164.',
			];
		}
		return [];
	},
};
