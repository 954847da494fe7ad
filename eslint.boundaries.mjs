/**
 * Import boundaries, checked by `npm run lint` after `n8n-node lint`:
 *  - the pure cores (nodes/shared/core, nodes/shared/transport, FieldMapper/mapping,
 *    SyncCheckpoint/checkpoint) import nothing from n8n (n8n-workflow, n8n-core) nor the n8n glue
 *    in nodes/shared/n8n;
 *  - a node never imports another node's folder; what two nodes need lives in nodes/shared;
 *  - nodes/shared imports no node folder.
 * These rules cannot go into eslint.config.mjs: in strict mode (package.json n8n.strict) n8n-node
 * lint fails unless that file is the default one, verbatim. This config only parses TypeScript
 * (the parser of n8n's config) and checks imports, so it adds a few seconds.
 */
import { config } from '@n8n/node-cli/eslint';

const NODES = ['Daktela', 'DaktelaTrigger', 'FieldMapper', 'SyncCheckpoint'];

const typescript = config.find((entry) => entry.name === 'typescript-eslint/base');
if (!typescript) throw new Error('eslint.boundaries.mjs: no typescript-eslint/base in n8n config');

const PURE_MESSAGE =
	'Pure core: no n8n imports. Take plain values, throw typed errors; the node layer converts them.';

/** An import of a node folder other than `own` (a path segment named like the node). */
function otherNodes(own) {
	const others = NODES.filter((name) => name !== own);
	return {
		regex: `(^|/)(${others.join('|')})(/|$)`,
		message: own
			? `A node never imports another node's folder: move what both need to nodes/shared.`
			: 'nodes/shared imports no node folder.',
	};
}

function restrict(own, pure) {
	const patterns = [otherNodes(own)];
	if (pure) {
		patterns.push({
			regex: '(^|/)n8n(/|$)',
			message: `${PURE_MESSAGE} (nodes/shared/n8n is n8n glue)`,
		});
	}
	const paths = pure
		? ['n8n-workflow', 'n8n-core'].map((name) => ({ name, message: PURE_MESSAGE }))
		: [];
	return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default [
	{ ignores: ['dist/**', 'node_modules/**'] },
	{ ...typescript, files: ['nodes/**/*.ts'] },
	...NODES.map((name) => ({ files: [`nodes/${name}/**/*.ts`], rules: restrict(name, false) })),
	{ files: ['nodes/shared/**/*.ts'], rules: restrict(undefined, false) },
	{ files: ['nodes/FieldMapper/mapping/**/*.ts'], rules: restrict('FieldMapper', true) },
	{ files: ['nodes/SyncCheckpoint/checkpoint/**/*.ts'], rules: restrict('SyncCheckpoint', true) },
	{
		files: ['nodes/shared/core/**/*.ts', 'nodes/shared/transport/**/*.ts'],
		rules: restrict(undefined, true),
	},
];
