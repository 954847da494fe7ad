/**
 * Typed errors of the shared core. PURE: the node layer turns them into n8n errors
 * (nodes/shared/n8n/errors.ts).
 */

/**
 * A problem with one record found before or instead of calling Daktela (no external id, an
 * unresolvable relation, an ambiguous match). The message starts with the field it is about.
 */
export class RecordError extends Error {
	readonly field?: string;

	constructor(message: string, field?: string) {
		super(field && !message.startsWith(`${field}:`) ? `${field}: ${message}` : message);
		this.name = 'RecordError';
		this.field = field;
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
