import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	ResourceMapperValue,
} from 'n8n-workflow';

import { LOOKUP_KEY, RELATIONS_KEY } from '../shared/core/items';
import { toNodeError } from '../shared/n8n/errors';
import {
	compileMapping,
	FieldMappingError,
	formatIssue,
	issueLocation,
	loadMapping,
	mappingToYaml,
	MappingValidationError,
	visualToSpec,
	type CompiledMapping,
	type Direction,
	type Entity,
	type MappingIssue,
	type MappingSpec,
	type PreviewRow,
} from './mapping';

interface Options {
	defaultCountry?: string;
	emptyValues?: 'keep' | 'omit';
	exportYaml?: boolean;
	lookupToCrm?: boolean;
	preview?: boolean;
	previewItems?: number;
	timeZone?: string;
	variables?: { variable?: Array<{ name?: string; value?: string }> };
}

function variablesOf(options: Options): Record<string, string> {
	const out: Record<string, string> = {};
	for (const { name, value } of options.variables?.variable ?? []) {
		if (name) out[name.trim()] = value ?? '';
	}
	return out;
}

/** Reads the resource mapper with expressions unresolved: they become crm_field/template/expression. */
function readVisualSpec(ctx: IExecuteFunctions, entity: Entity, direction: Direction): MappingSpec {
	const parameter = direction === 'toDaktela' ? 'fieldsToDaktela' : 'fieldsToCrm';
	const fields = ctx.getNodeParameter(parameter, 0, undefined, {
		rawExpressions: true,
	}) as ResourceMapperValue | undefined;
	const values = fields?.value ?? {};
	return visualToSpec({
		entity,
		direction,
		lookupField: fields?.matchingColumns?.[0],
		entries: Object.entries(values).map(([field, value]) => ({ field, value })),
	});
}

/** Values of the mapping's `expression:` entries for item i (n8n evaluates them). */
function evaluateExpressions(
	ctx: IExecuteFunctions,
	compiled: CompiledMapping,
	i: number,
): unknown[] | undefined {
	if (compiled.expressions.length === 0) return undefined;
	const values: unknown[] = [];
	for (const entry of compiled.expressions) {
		let failure: Error | undefined;
		try {
			values[entry.index] = ctx.evaluateExpression(entry.expression, i);
		} catch (error) {
			failure = error as Error;
		}
		if (failure) {
			throw new FieldMappingError(
				entry.target,
				entry.index,
				entry.line,
				`the expression failed: ${failure.message}`,
			);
		}
	}
	return values;
}

/** The YAML parameter; an expression may produce something else, which is reported clearly. */
function mappingText(ctx: IExecuteFunctions): string {
	const value = ctx.getNodeParameter('mapping', 0) as unknown;
	if (typeof value !== 'string') {
		throw new MappingValidationError([
			{
				severity: 'error',
				message: `the mapping must be YAML text, but the parameter gave ${value === null ? 'null' : typeof value}`,
				path: 'mapping',
			},
		]);
	}
	return value;
}

/** A value in a preview line: JSON, cut to 60 characters. */
function previewValue(value: unknown): string {
	const text = JSON.stringify(value) ?? 'null';
	return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * `_preview` as one line per target field, `source: input value → mapped value`, so n8n's Table
 * view shows one readable row per field (a field written by two entries gets "(2)").
 */
function previewLines(rows: PreviewRow[]): IDataObject {
	const lines: IDataObject = {};
	for (const row of rows) {
		let key = row.target;
		for (let n = 2; key in lines; n++) key = `${row.target} (${n})`;
		lines[key] = `${row.source}: ${previewValue(row.sourceValue)} → ${previewValue(row.value)}`;
	}
	return lines;
}

/** One hint per distinct warning: the same advice for several entries names all their lines. */
function warningHints(issues: MappingIssue[]): string[] {
	const byMessage = new Map<string, MappingIssue[]>();
	for (const issue of issues) {
		const key = `${issue.message}\u0000${issue.suggestion ?? ''}`;
		byMessage.set(key, [...(byMessage.get(key) ?? []), issue]);
	}
	return [...byMessage.values()].map((group) => {
		if (group.length === 1) return formatIssue(group[0]);
		const where = group.map((issue) =>
			issue.line !== undefined ? `line ${issue.line}` : issueLocation(issue),
		);
		const { severity, message, suggestion } = group[0];
		return `${where.join(', ')}: ${formatIssue({ severity, message, suggestion, path: '' })}`;
	});
}

/** An invalid mapping lists its issues (with YAML lines) in the description. */
function describeMappingError(error: unknown): string | undefined {
	if (!(error instanceof MappingValidationError)) return undefined;
	const lined = error.issues.some((issue) => issue.line !== undefined);
	return (
		error.issues.map(formatIssue).join('\n') +
		(lined ? "\nFix it in Mapping (YAML): the line numbers are in the editor's left margin." : '')
	);
}

/** A field that could not be mapped: the item, the field and the mapping entry to fix. */
function describeFieldError(itemIndex: number) {
	return (error: unknown): string | undefined => {
		if (!(error instanceof FieldMappingError)) return undefined;
		const line = error.line !== undefined ? ` (line ${error.line})` : '';
		return `Item ${itemIndex}: the field "${error.field}" could not be mapped. Fix the input or the mapping entry ${error.entry + 1}${line}.`;
	};
}

/**
 * The item of a failed record under Continue On Fail, shaped like the Daktela node's (n8n's own
 * convention): `{ error }` in json, no item-level `error` property - n8n 2.x turns every later
 * expression that touches such an item (`$input.all()`, `$('Field Mapper').all()`) into null.
 * For the error output, n8n routes items whose json has only `error` / `message` / `details` and
 * merges the paired input item into them, so the branch still sees the source record.
 */
function failedItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	error: unknown,
): INodeExecutionData {
	if (ctx.getNode().onError !== 'continueErrorOutput') {
		return { json: { error: message }, pairedItem: { item: itemIndex } };
	}
	const details: IDataObject = { itemIndex };
	if (error instanceof FieldMappingError) details.field = error.field;
	return { json: { error: message, details }, pairedItem: { item: itemIndex } };
}

/**
 * Compiles the mapping once (an invalid mapping fails the node before any item), then maps each
 * item. A field problem fails that item only: with Continue On Fail it becomes an error item
 * (routed to the error output when that is enabled), the other items go on.
 */
export async function executeFieldMapper(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const entity = this.getNodeParameter('entity', 0) as Entity;
	const direction = this.getNodeParameter('direction', 0) as Direction;
	const mode = this.getNodeParameter('mappingMode', 0) as 'yaml' | 'visual';
	const options = this.getNodeParameter('options', 0, {}) as Options;

	let spec: MappingSpec;
	let compiled: CompiledMapping;
	try {
		spec =
			mode === 'visual'
				? readVisualSpec(this, entity, direction)
				: loadMapping(mappingText(this), { variables: variablesOf(options) });
		compiled = compileMapping(spec, {
			direction,
			timeZone: options.timeZone || this.getTimezone(),
			defaultCountry: options.defaultCountry?.trim().toUpperCase() || undefined,
			emptyValues: options.emptyValues ?? 'keep',
			lookupToCrm: options.lookupToCrm ?? false,
		});
	} catch (error) {
		throw toNodeError(this.getNode(), error, undefined, { describe: describeMappingError });
	}
	const warnings = compiled.warnings.map(formatIssue);
	if (warnings.length > 0) {
		this.addExecutionHints(
			...warningHints(compiled.warnings)
				.slice(0, 10)
				.map((message) => ({ message, location: 'outputPane' as const })),
		);
	}

	if (options.exportYaml) {
		return [
			[
				{
					json: { mapping: mappingToYaml(spec), entity, direction, warnings },
					pairedItem: items.map((_, item) => ({ item })),
				},
			],
		];
	}

	const previewItems = options.preview ? Math.max(1, options.previewItems ?? 5) : 0;
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const values = evaluateExpressions(this, compiled, i);
			const record = items[i].json;
			let json: IDataObject;
			if (i < previewItems) {
				const { result, rows } = compiled.preview(record, values);
				json = result.record as IDataObject;
				if (result.lookup) json[LOOKUP_KEY] = result.lookup;
				if (result.relations) json[RELATIONS_KEY] = result.relations as unknown as IDataObject;
				json._preview = previewLines(rows);
				if (i === 0 && warnings.length > 0) json._warnings = warnings;
			} else {
				const result = compiled.map(record, values);
				json = result.record as IDataObject;
				if (result.lookup) json[LOOKUP_KEY] = result.lookup;
				if (result.relations) json[RELATIONS_KEY] = result.relations as unknown as IDataObject;
			}
			out.push({ json, pairedItem: { item: i } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, i, { describe: describeFieldError(i) });
			if (this.continueOnFail()) {
				out.push(failedItem(this, i, nodeError.message, error));
				continue;
			}
			throw nodeError;
		}
	}
	return [out];
}
