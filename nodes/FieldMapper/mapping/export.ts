/**
 * MappingSpec -> YAML in the SDK's format (plus this package's extras where used), so a mapping
 * made in the visual mapper can be copied into the YAML editor or an SDK project.
 */
import { Document, visit } from 'yaml';

import { type EntrySpec, type MappingSpec, type TransformerCall } from './types';

function call(c: TransformerCall): Record<string, unknown> {
	return Object.keys(c.params).length > 0 ? { name: c.name, params: c.params } : { name: c.name };
}

function entry(e: EntrySpec): Record<string, unknown> {
	const out: Record<string, unknown> = { cc_field: e.ccField };
	if (e.crmField) out.crm_field = e.crmField;
	if (e.source.kind === 'value') out.value = e.source.value;
	if (e.source.kind === 'template') out.template = e.source.template;
	if (e.source.kind === 'expression') out.expression = e.source.expression;
	if (e.transformers.length > 0) out.transformers = e.transformers.map(call);
	if (e.reverseTransformers) out.reverse_transformers = e.reverseTransformers.map(call);
	if (e.multiValue)
		out.multi_value = { strategy: e.multiValue.strategy, separator: e.multiValue.separator };
	if (e.relation) {
		out.relation = {
			entity: e.relation.entity,
			resolve_from: e.relation.resolveFrom,
			resolve_to: e.relation.resolveTo,
		};
	}
	if (e.append) out.append = true;
	if (e.required) out.required = true;
	if (e.type) out.type = e.type;
	if (e.only) out.direction = e.only === 'toDaktela' ? 'crm_to_cc' : 'cc_to_crm';
	return out;
}

export function mappingToYaml(spec: MappingSpec): string {
	const data: Record<string, unknown> = { entity: spec.entity, lookup_field: spec.lookupField };
	if (spec.writtenFor !== 'both') {
		data.direction = spec.writtenFor === 'toDaktela' ? 'crm_to_cc' : 'cc_to_crm';
	} else if (spec.writtenForExplicit) {
		data.direction = 'bidirectional';
	}
	data.mappings = spec.entries.map(entry);
	const doc = new Document(data);
	// Small blocks (params, relation, multi_value) read best on one line, as in the SDK's docs.
	visit(doc, {
		Map(_key, node, path) {
			const parent = path[path.length - 1];
			const owner =
				parent && 'key' in parent ? String((parent.key as { value?: unknown })?.value) : '';
			if (['params', 'relation', 'multi_value'].includes(owner)) node.flow = true;
		},
	});
	doc.commentBefore = ` ${spec.entity} mapping (Daktela CRM Sync SDK format)`;
	const text = doc.toString({ lineWidth: 0 });
	// One blank line between entries, like the SDK's example files.
	return text
		.replace(/\n {2}- cc_field:/g, '\n\n  - cc_field:')
		.replace(/mappings:\n\n/, 'mappings:\n');
}
