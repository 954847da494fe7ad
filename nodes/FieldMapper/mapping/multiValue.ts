/**
 * The SDK's `multi_value` strategies (MultiValueConfig::apply), and their inverses for running a
 * mapping against the direction it was written for.
 */
import { isPhpArray, phpString, phpValues } from './php';
import type { MultiValueSpec, MultiValueStrategy } from './types';
import type { ValueFn } from './transformers';

export function multiValueFn(spec: MultiValueSpec): ValueFn {
	const { separator } = spec;
	switch (spec.strategy) {
		case 'as_array':
			return (value) => {
				if (isPhpArray(value)) return value;
				if (value === null || value === undefined || value === '') return [];
				return [value];
			};
		case 'join':
			return (value) => {
				if (isPhpArray(value)) return phpValues(value).map(phpString).join(separator);
				return phpString(value ?? '');
			};
		case 'split': {
			const by = separator !== '' ? separator : ',';
			return (value) => {
				if (isPhpArray(value)) return value;
				if (value === null || value === undefined || value === '') return [];
				return phpString(value)
					.split(by)
					.map((s) => s.trim());
			};
		}
		case 'first':
			return (value) => {
				if (!isPhpArray(value)) return value;
				const values = phpValues(value);
				return values.length === 0 ? null : values[0];
			};
		case 'last':
			return (value) => {
				if (!isPhpArray(value)) return value;
				const values = phpValues(value);
				return values.length === 0 ? null : values[values.length - 1];
			};
	}
}

/** join <-> split with the same separator; first/last come back as a one-element list. */
export function inverseMultiValue(spec: MultiValueSpec): MultiValueSpec {
	const inverse: Record<MultiValueStrategy, MultiValueStrategy> = {
		as_array: 'as_array',
		join: 'split',
		split: 'join',
		first: 'as_array',
		last: 'as_array',
	};
	return { strategy: inverse[spec.strategy], separator: spec.separator };
}
