/**
 * The one converter from the cores' typed errors to n8n's NodeApiError / NodeOperationError,
 * used by every node. The token never reaches a message: the client scrubs it, and network
 * failures are re-created by the transport without n8n's wrapped axios error.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { errorMessage, RecordError } from '../core/errors';
import { DaktelaApiError, DaktelaInputError } from '../transport/errors';

/** A DaktelaApiError as n8n's NodeApiError: httpCode as a string, the field in the message. */
export function toNodeApiError(
	node: INode,
	error: DaktelaApiError,
	itemIndex?: number,
): NodeApiError {
	const httpCode = error.httpCode !== undefined ? String(error.httpCode) : undefined;
	const response: JsonObject = {
		message: error.message,
		kind: error.kind,
		...(httpCode ? { httpCode } : {}),
		...(error.field ? { field: error.field } : {}),
		// No `code` key: NodeApiError would read a network code (ECONNRESET) as the HTTP code.
		...(error.code ? { networkCode: error.code } : {}),
	};
	const nodeError = new NodeApiError(node, response, {
		message: error.message,
		description: error.description,
		httpCode,
		itemIndex,
	});
	// NodeApiError swaps any message that mentions ECONNRESET & co. for a generic text (and a
	// messageMapping to the same text is ignored); ours already says what failed and names Daktela.
	nodeError.message = error.message;
	return nodeError;
}

export interface NodeErrorOptions {
	/**
	 * End the message with ` [item N]` (the Daktela node's record errors), so a failed batch of
	 * thousands says which record to fix. Needs `itemIndex`.
	 */
	markItem?: boolean;
	/**
	 * The description of a node's own typed error (a CheckpointError's code, a mapping issue), or
	 * undefined for an error it does not know. A described error becomes a NodeOperationError with
	 * its message (and this description, when not empty).
	 */
	describe?: (error: unknown) => string | undefined;
}

/**
 * Any error as an n8n error for `itemIndex`: n8n errors pass through unchanged, Daktela's answers
 * become NodeApiError, everything else NodeOperationError. A RecordError names its field in the
 * description; input errors (bad time, filter, URL) and described errors keep their message only.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
	options: NodeErrorOptions = {},
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const suffix = options.markItem && itemIndex !== undefined ? ` [item ${itemIndex}]` : '';
	if (error instanceof DaktelaApiError) {
		const apiError = toNodeApiError(node, error, itemIndex);
		apiError.message = `${error.message}${suffix}`;
		return apiError;
	}
	if (error instanceof RecordError) {
		return new NodeOperationError(node, `${error.message}${suffix}`, {
			itemIndex,
			description: error.field ? `Field: ${error.field}` : undefined,
		});
	}
	const description = options.describe?.(error);
	const converted =
		description !== undefined || error instanceof DaktelaInputError
			? new NodeOperationError(node, errorMessage(error), {
					itemIndex,
					description: description || undefined,
				})
			: new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
	if (!converted.message.endsWith(suffix)) converted.message = `${converted.message}${suffix}`;
	return converted;
}
