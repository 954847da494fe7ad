/**
 * `template: "{firstname} {lastname}"`: one value built from several source fields. Missing
 * fields render as nothing, runs of spaces collapse, the result is trimmed, and a template whose
 * fields are all empty gives null (so `required` and `default_value` see "no value").
 */
import { compileGetter, checkPath, type Getter } from './paths';
import { isPhpArray, phpString, phpValues } from './php';

const PLACEHOLDER = /\{([^{}]*)\}/g;

export function templateFields(template: string): string[] {
	return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
}

/** Problems with the placeholders, for load-time validation. */
export function checkTemplate(template: string): string[] {
	const fields = templateFields(template);
	if (fields.length === 0) return ['a template needs at least one {field} placeholder'];
	return fields.flatMap((f) => {
		const problem = checkPath(f);
		return problem ? [`placeholder {${f}}: ${problem}`] : [];
	});
}

function render(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (isPhpArray(value)) {
		return phpValues(value)
			.filter((v) => v !== null && v !== undefined && v !== '')
			.map(phpString)
			.join(', ');
	}
	return phpString(value);
}

export function compileTemplate(template: string): (record: unknown) => string | null {
	const literals: string[] = [];
	const getters: Getter[] = [];
	let last = 0;
	for (const m of template.matchAll(PLACEHOLDER)) {
		literals.push(template.slice(last, m.index));
		getters.push(compileGetter(m[1].trim()));
		last = (m.index ?? 0) + m[0].length;
	}
	const tail = template.slice(last);
	return (record) => {
		let out = '';
		let any = false;
		for (let i = 0; i < getters.length; i++) {
			const piece = render(getters[i](record));
			if (piece !== '') any = true;
			out += literals[i] + piece;
		}
		if (!any) return null;
		out += tail;
		return (out.includes('  ') ? out.replace(/ {2,}/g, ' ') : out).trim();
	};
}
