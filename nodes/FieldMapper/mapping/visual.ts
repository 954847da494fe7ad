/**
 * The visual mapper (n8n's resource mapper over the Daktela fields) -> the same MappingSpec a
 * YAML file gives, so both run through one compiled mapping and "Export as YAML" can print it.
 *
 * To Daktela, each Daktela field's value says where it comes from:
 *   `{{ $json.email }}`                    -> crm_field: email
 *   `{{ $json.first }} {{ $json.last }}`   -> template: "{first} {last}"
 *   any other expression                   -> expression: (n8n evaluates it per item)
 *   fixed text                             -> value: (static)
 * To CRM, each Daktela field's value is the name (dot path) of the CRM field it goes to.
 * Custom fields get the transformers Daktela's list-valued fields need (wrap_array, and E.164
 * for phone numbers), exactly as a hand-written YAML mapping would have them.
 */
import { MappingValidationError } from './errors';
import { DAKTELA_FIELDS } from './fields';
import { checkPath } from './paths';
import { checkTemplate } from './template';
import { TRANSFORMERS } from './transformers';
import type {
	Direction,
	Entity,
	EntrySpec,
	MappingIssue,
	MappingSpec,
	TransformerCall,
} from './types';

export type VisualValue = string | number | boolean | null | undefined;

export interface VisualEntry {
	field: string;
	value: VisualValue;
}

export interface VisualMapping {
	entity: Entity;
	direction: Direction;
	/** The resource mapper's matching column (to Daktela); defaults to `name`. */
	lookupField?: string;
	/** Field id -> raw parameter value (expressions keep their leading `=`). */
	entries: VisualEntry[];
}

const SIMPLE_PATH =
	/^\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:\d+|"[^"\\.]*"|'[^'\\.]*')\s*\])+)\s*$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[\s*(?:(\d+)|"([^"\\.]*)"|'([^'\\.]*)')\s*\]/g;
const BLOCK = /\{\{([\s\S]*?)\}\}/g;

/** `$json.a["b"][0]` -> `a.b.0`; undefined for anything that is not a plain path into $json. */
export function jsonPathOf(code: string): string | undefined {
	const m = SIMPLE_PATH.exec(code);
	if (!m) return undefined;
	const segments = [...m[1].matchAll(SEGMENT)].map((s) => s[1] ?? s[2] ?? s[3] ?? s[4]);
	const path = segments.join('.');
	return checkPath(path) ? undefined : path;
}

type Source =
	| { kind: 'field'; path: string }
	| { kind: 'template'; template: string }
	| { kind: 'expression'; expression: string };

/** Classifies the text after an expression's `=`. */
export function classifyExpression(text: string): Source {
	const blocks = [...text.matchAll(BLOCK)];
	const literals = text.split(BLOCK).filter((_, i) => i % 2 === 0);
	const paths = blocks.map((b) => jsonPathOf(b[1]));
	const plain = paths.every((p) => p !== undefined) && literals.every((l) => !/[{}]/.test(l));
	if (blocks.length > 0 && plain) {
		if (blocks.length === 1 && literals.every((l) => l === ''))
			return { kind: 'field', path: paths[0]! };
		let template = '';
		blocks.forEach((_, i) => (template += `${literals[i]}{${paths[i]}}`));
		template += literals[blocks.length] ?? '';
		if (checkTemplate(template).length === 0) return { kind: 'template', template };
	}
	return { kind: 'expression', expression: text };
}

function writeTransformers(entity: Entity, field: string): TransformerCall[] {
	const known = DAKTELA_FIELDS[entity].find((f) => f.id === field);
	const calls = known?.write ?? (field.startsWith('customFields.') ? [{ name: 'wrap_array' }] : []);
	return calls.map((c) => {
		const parsed = TRANSFORMERS[c.name].params.parse(c.params ?? {}) as Record<string, unknown>;
		return { name: c.name, params: parsed };
	});
}

export function visualToSpec(visual: VisualMapping): MappingSpec {
	const errors: MappingIssue[] = [];
	const entries: EntrySpec[] = [];
	const fail = (field: string, message: string): void => {
		errors.push({ severity: 'error', message, path: `fields["${field}"]`, entryField: field });
	};

	visual.entries.forEach(({ field, value }): void => {
		if (value === null || value === undefined || value === '') return;
		const pathProblem = checkPath(field);
		if (pathProblem) return fail(field, pathProblem);
		const base = {
			index: entries.length,
			ccField: field,
			transformers: writeTransformers(visual.entity, field),
			append: false,
			required: false,
		};
		const isExpression = typeof value === 'string' && value.startsWith('=');
		if (visual.direction === 'toCrm') {
			const crmField = isExpression ? '' : String(value).trim();
			if (isExpression || checkPath(crmField)) {
				return fail(
					field,
					`to CRM, the value of "${field}" must be the name of the CRM field it goes to (e.g. email or contact_info.email), not an expression`,
				);
			}
			entries.push({ ...base, crmField, source: { kind: 'field' } });
			return;
		}
		if (!isExpression) {
			entries.push({ ...base, crmField: '', source: { kind: 'value', value } });
			return;
		}
		const source = classifyExpression((value as string).slice(1));
		if (source.kind === 'field')
			entries.push({ ...base, crmField: source.path, source: { kind: 'field' } });
		else if (source.kind === 'template') entries.push({ ...base, crmField: '', source });
		else entries.push({ ...base, crmField: '', source });
	});

	if (errors.length > 0) throw new MappingValidationError(errors);
	if (entries.length === 0) {
		throw new MappingValidationError([
			{
				severity: 'error',
				message: 'no field is mapped: give at least one Daktela field a value',
				path: 'fields',
			},
		]);
	}
	const lookupField = visual.direction === 'toDaktela' ? (visual.lookupField ?? 'name') : 'name';
	const warnings: MappingIssue[] = [];
	if (visual.direction === 'toDaktela' && !entries.some((e) => e.ccField === lookupField)) {
		warnings.push({
			severity: 'warning',
			message: `the lookup field "${lookupField}" has no value, so the lookup value will be empty`,
			path: 'fields',
		});
	}
	return {
		entity: visual.entity,
		lookupField,
		writtenFor: 'toDaktela',
		writtenForExplicit: true,
		entries,
		warnings,
	};
}
