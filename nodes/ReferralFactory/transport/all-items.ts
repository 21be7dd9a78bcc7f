import type { IHttpRequestMethods } from 'n8n-workflow';

import type { ApiClient, RequestOptions } from './client';
import { FIRST_PAGE, ListReader, MAX_PAGE_SIZE, pageRef, type ListPage } from './pages';
import { isObject } from './objects';


const keyOf = (item: unknown): string | undefined => (isObject(item) && item.id !== undefined && item.id !== null ? String(item.id) : undefined);

/**
 * n8n's Return All / Limit over a list: every record when `returnAll`, else the first `limit`, each once (a record
 * that moves to a later page while the list is read is not given twice). Pages are as large as the API allows and no
 * larger than the Limit needs. Where the first answer says its pages are numbered and how many there are, the rest are
 * read `concurrency` at a time (each still waits for the token's limiter), each checked against the others, so an API
 * that ignores page numbers stops the read at once; otherwise, as with a cursor, one after another.
 */
export async function requestAllItems<T>(
	client: ApiClient,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions & {
		returnAll: boolean;
		limit?: number;
		concurrency?: number;
		/** Only records this accepts count and are returned (a filter the API may not apply); further pages are read for the Limit. */
		keep?: (item: T) => boolean;
	},
): Promise<T[]> {
	const { returnAll, limit = 50, concurrency = 1, keep, ...request } = options;
	const wanted = returnAll ? Infinity : Math.max(0, Math.floor(limit));
	if (wanted === 0) return [];
	let reader = new ListReader<T>(client, method, path, { ...request, pageSize: Math.min(MAX_PAGE_SIZE, wanted) });
	const collected: T[] = [];
	const taken = new Set<string>();
	const take = (items: T[]) => {
		for (const item of items) {
			const key = keyOf(item);
			if ((keep && !keep(item)) || (key !== undefined && taken.has(key))) continue;
			if (key !== undefined) taken.add(key);
			collected.push(item);
		}
	};

	let first = await reader.read(FIRST_PAGE);
	take(first.items);
	if (keep && collected.length < first.items.length && reader.pageSize < MAX_PAGE_SIZE && collected.length < wanted) {
		// The API did not apply a filter the records are checked for: pages the size of the Limit could take hundreds of
		// requests to fill it, so the list is read again in pages as large as the API allows (records taken once).
		reader = new ListReader<T>(client, method, path, { ...request, pageSize: MAX_PAGE_SIZE });
		first = await reader.read(FIRST_PAGE);
		take(first.items);
	}
	let next = reader.after(first);
	if (next?.page === 2 && first.numbered && first.lastPage !== undefined && concurrency > 1 && collected.length < wanted) {
		const served = first.perPage ?? Math.max(first.items.length, 1);
		const last = Math.min(first.lastPage, Math.ceil(wanted / served));
		const pages: Array<ListPage<T>> = [];
		let claimed = 2;
		// No page is asked for once one has failed, come back empty or said it is the last (a page count that was wrong).
		let end = last;
		const worker = async () => {
			while (claimed <= end) {
				const number = claimed++;
				const page = await reader.read(pageRef(number)).catch((error: unknown) => {
					end = 0;
					return Promise.reject(error);
				});
				pages[number - 2] = page;
				if (page.items.length === 0 || page.next === undefined) end = Math.min(end, number);
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, last - 1)) }, worker));
		for (const page of pages.slice(0, end - 1)) {
			take(page.items);
			next = reader.after(page);
		}
	}
	if (next !== undefined && collected.length < wanted) {
		for await (const page of reader.pages(next)) {
			take(page.items);
			if (collected.length >= wanted) break;
		}
	}
	return collected.slice(0, wanted);
}
