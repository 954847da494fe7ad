import type { MappingIssue } from './types';

/** Formats the position/entry prefix of an issue: `line 7, column 9 (mappings[2] "title")`. */
export function issueLocation(issue: MappingIssue): string {
	const parts: string[] = [];
	if (issue.line !== undefined) {
		parts.push(
			issue.column !== undefined
				? `line ${issue.line}, column ${issue.column}`
				: `line ${issue.line}`,
		);
	}
	if (issue.entry !== undefined) {
		const field = issue.entryField ? ` cc_field "${issue.entryField}"` : '';
		parts.push(`mapping entry ${issue.entry + 1}${field}`);
	}
	// Without a line (visual mapper), the path is what locates the problem.
	if (issue.path && issue.entry === undefined && issue.line === undefined) parts.push(issue.path);
	return parts.join(', ');
}

export function formatIssue(issue: MappingIssue): string {
	const where = issueLocation(issue);
	const stop = /[.?!]$/.test(issue.message) ? '' : '.';
	const hint = issue.suggestion ? `${stop} Did you mean "${issue.suggestion}"?` : '';
	return `${where ? `${where}: ` : ''}${issue.message}${hint}`;
}

/**
 * The mapping itself is invalid (YAML syntax, wrong keys or types, unknown names). Thrown once,
 * before any item is processed; every issue carries its YAML line and column.
 */
export class MappingValidationError extends Error {
	readonly issues: MappingIssue[];

	constructor(issues: MappingIssue[]) {
		const first = issues.slice(0, 5).map(formatIssue);
		const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
		super(
			issues.length === 1
				? `Invalid mapping: ${first[0]}`
				: `Invalid mapping (${issues.length} problems): ${first.join('; ')}${more}`,
		);
		this.name = 'MappingValidationError';
		this.issues = issues;
	}
}

/** A transformer or coercion could not handle one value (the item fails, not the mapping). */
export class ValueError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ValueError';
	}
}

/** One item could not be mapped: names the target field, the mapping entry and its line. */
export class FieldMappingError extends Error {
	readonly field: string;
	readonly entry: number;
	readonly line?: number;
	readonly reason: string;

	constructor(field: string, entry: number, line: number | undefined, reason: string) {
		const where =
			line !== undefined
				? `mapping entry ${entry + 1}, line ${line}`
				: `mapping entry ${entry + 1}`;
		super(`Field "${field}" (${where}): ${reason}`);
		this.name = 'FieldMappingError';
		this.field = field;
		this.entry = entry;
		this.line = line;
		this.reason = reason;
	}
}
