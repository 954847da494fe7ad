#!/usr/bin/env node
// Lists functions in nodes/ longer than a limit (default 80 lines), measured with the TypeScript
// compiler API from the first line of the function to its last, nested functions included.
// Usage: node scripts/long-functions.mjs [limit] [--strict]   (--strict: exit 1 when any is found)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const limit = Number(args.find((a) => /^\d+$/.test(a)) ?? 80);
const strict = args.includes('--strict');
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

function files(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return files(path);
		return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
	});
}

function nameOf(node) {
	if (node.name && ts.isIdentifier(node.name)) return node.name.text;
	if (node.name && ts.isStringLiteral(node.name)) return node.name.text;
	const parent = node.parent;
	if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
	if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
	if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
	return '(anonymous)';
}

const found = [];
for (const file of files(join(root, 'nodes'))) {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const visit = (node) => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			const lines = end - start + 1;
			if (lines > limit) found.push({ file: relative(root, file), line: start + 1, lines, name: nameOf(node) });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
}
found.sort((a, b) => b.lines - a.lines);
for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`);
console.log(`${found.length} function(s) over ${limit} lines in nodes/`);
if (strict && found.length) process.exit(1);
