/**
 * "Did you mean ...?" for typos in names (transformers, strategies, keys, fields).
 */
import { distance } from 'fastest-levenshtein';

/**
 * The closest candidate, if it is close enough to be a plausible typo (1 edit for words of up to
 * 4 letters, 2 for longer ones), a case/underscore/hyphen variant, or the same name one level
 * down (`email` -> `customFields.email`).
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
	if (!word) return undefined;
	const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
	const squashed = squash(word);
	const variant = candidates.find((c) => squash(c) === squashed);
	if (variant !== undefined) return variant;
	const nested = candidates.find((c) => c.endsWith(`.${word}`));
	if (nested !== undefined) return nested;
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const d = distance(word.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) {
			bestDistance = d;
			best = candidate;
		}
	}
	const limit = word.length <= 4 ? 1 : 2;
	return bestDistance <= limit ? best : undefined;
}
