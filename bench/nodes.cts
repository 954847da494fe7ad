/**
 * Our node classes for the benchmarks, loaded by file name.
 *
 * `nodes/X/X.node` also names the node's codex `X.node.json`, and Node's CommonJS resolver tries
 * `.json` before the `.ts` tsx adds, so a plain import would load the codex. Jest (ts-jest) lists
 * `ts` first and does not have this problem.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

type DaktelaModule = typeof import('../nodes/Daktela/Daktela.node');
type CheckpointModule = typeof import('../nodes/SyncCheckpoint/SyncCheckpoint.node');

export function daktelaNode(): DaktelaModule['Daktela'] {
	return (load('../nodes/Daktela/Daktela.node.ts') as DaktelaModule).Daktela;
}

export function syncCheckpointNode(): CheckpointModule['SyncCheckpoint'] {
	return (load('../nodes/SyncCheckpoint/SyncCheckpoint.node.ts') as CheckpointModule)
		.SyncCheckpoint;
}
