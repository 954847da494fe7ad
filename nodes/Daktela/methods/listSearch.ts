/**
 * List search for the resource locators: databases, accounts, users, queues and contacts. The
 * filter is a case-insensitive "contains" on the title or the name; paging goes by offset, with
 * the offset of the next page as the pagination token.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { createDaktelaClient } from '../../shared/n8n/client';
import { toNodeError } from '../../shared/n8n/errors';
import { or, type Filter } from '../../shared/transport/query';

const PAGE = 100;

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

async function search(
	ctx: ILoadOptionsFunctions,
	endpoint: string,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const client = await createDaktelaClient(ctx);
	const skip = Math.max(0, Number(paginationToken) || 0);
	const text = (filter ?? '').trim();
	const condition: Filter | undefined = text
		? or(
				{ field: 'title', operator: 'like', value: `%${escapeLike(text)}%`, ignoreCase: true },
				{ field: 'name', operator: 'like', value: `%${escapeLike(text)}%`, ignoreCase: true },
			)
		: undefined;
	try {
		const page = await client.list(endpoint, {
			filter: condition,
			fields: ['name', 'title'],
			sort: [
				{ field: 'title', dir: 'asc' },
				{ field: 'name', dir: 'asc' },
			],
			skip,
			take: PAGE,
		});
		const results = page.data.map((record) => {
			const name = String(record.name ?? '');
			const title =
				typeof record.title === 'string' && record.title.trim() ? record.title.trim() : '';
			return { name: title && title !== name ? `${title} (${name})` : name, value: name };
		});
		const next = skip + page.data.length;
		return {
			results,
			paginationToken: page.data.length === PAGE && next < page.total ? String(next) : undefined,
		};
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	}
}

type ListSearch = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

/** The list search method of one endpoint (n8n calls it with the context as `this`). */
function searchOf(endpoint: string): ListSearch {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		return await search(this, endpoint, filter, paginationToken);
	};
}

export const searchDatabases = searchOf('databases');
export const searchAccounts = searchOf('accounts');
export const searchUsers = searchOf('users');
export const searchQueues = searchOf('queues');
export const searchContacts = searchOf('contacts');
