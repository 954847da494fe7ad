/**
 * Typed errors of the checkpoint core. PURE: the node turns them into NodeOperationError with the
 * item index; the `code` lets it add a description (e.g. "use Reset" for unreadable state).
 */
export type CheckpointErrorCode =
	| 'invalidName' // a sync name or entity that cannot be a state key
	| 'invalidTime' // a cursor value that is not a date
	| 'invalidOption' // a number or format option out of range
	| 'corruptState' // stored state that this version cannot read
	| 'newerState'; // stored state written by a newer version of the package

export class CheckpointError extends Error {
	constructor(
		readonly code: CheckpointErrorCode,
		message: string,
	) {
		super(message);
		this.name = 'CheckpointError';
	}
}
