import type { IHttpRequestMethods } from 'n8n-workflow';

import type { ApiClient, RequestOptions } from './client';

/** The API's largest page (`per_page` max 250: docs/referral-factory-api.md, A7). */
export const MAX_PAGE_SIZE = 250;

export interface Page<T> {
	items: T[];
	hasMore: boolean;
	/** `meta.last_page`, when the answer says it. */
	lastPage?: number;
}

/**
 * Reads the items and the end of the list from one page. The envelope beyond `data`, `links.next` and
 * `meta.current_page` is INFERRED (docs/referral-factory-api.md, A6), so the list ends at whichever of these
 * comes first: `links.next` present and empty, `meta.current_page >= meta.last_page`, or a page shorter than
 * `per_page`. A bare array is read as one page's items.
 */
export function readPage<T>(body: unknown, perPage: number): Page<T> {
	const envelope = (body && typeof body === 'object' ? body : {}) as {
		data?: unknown;
		links?: { next?: unknown };
		meta?: { current_page?: unknown; last_page?: unknown };
	};
	const items = (Array.isArray(envelope.data) ? envelope.data : Array.isArray(body) ? body : []) as T[];
	let hasMore = items.length >= perPage;
	if (envelope.links && typeof envelope.links === 'object' && 'next' in envelope.links && !envelope.links.next) {
		hasMore = false;
	}
	const current = Number(envelope.meta?.current_page);
	const last = Number(envelope.meta?.last_page);
	if (envelope.meta && Number.isFinite(current) && Number.isFinite(last) && current >= last) hasMore = false;
	return Number.isInteger(last) && last > 0 ? { items, hasMore, lastPage: last } : { items, hasMore };
}

/** Requests one page of a list or search endpoint (`page` and `per_page` in the query, as the API pages). */
export async function requestPage<T>(
	client: ApiClient,
	method: IHttpRequestMethods,
	path: string,
	page: number,
	perPage: number,
	options: RequestOptions = {},
): Promise<Page<T>> {
	const qs = { ...(options.qs ?? {}), page, per_page: perPage };
	return readPage<T>(await client.request(method, path, { ...options, qs }), perPage);
}

/** Every page of a list, one after another, until its end; the caller may stop early. */
export async function* requestPages<T>(
	client: ApiClient,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions & { pageSize?: number } = {},
): AsyncGenerator<T[]> {
	const { pageSize = MAX_PAGE_SIZE, ...request } = options;
	for (let page = 1; ; page++) {
		const { items, hasMore } = await requestPage<T>(client, method, path, page, pageSize, request);
		if (items.length > 0) yield items;
		if (!hasMore || items.length === 0) return;
	}
}

/**
 * n8n's Return All / Limit over a list: every item when `returnAll`, else the first `limit`. Pages are as large
 * as the API allows, and no larger than needed for the limit. When the first page says how many pages there are
 * (`meta.last_page`), the others are fetched `concurrency` at a time (each still waits for the token's limiter) and
 * put back in order; without it, pages are read one after another until the end.
 */
export async function requestAllItems<T>(
	client: ApiClient,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions & {
		returnAll: boolean;
		limit?: number;
		concurrency?: number;
		/** Only items this accepts count and are returned (a filter the API may not apply); further pages are read for the Limit. */
		keep?: (item: T) => boolean;
	},
): Promise<T[]> {
	const { returnAll, limit = 50, concurrency = 1, keep = () => true, ...request } = options;
	const wanted = returnAll ? Infinity : Math.max(0, Math.floor(limit));
	if (wanted === 0) return [];
	const pageSize = Math.min(MAX_PAGE_SIZE, wanted);
	const first = await requestPage<T>(client, method, path, 1, pageSize, request);
	const collected = first.items.filter(keep);
	let next = 2;
	let more = first.hasMore && first.items.length > 0;
	if (more && first.lastPage !== undefined && first.lastPage >= next) {
		const last = Math.min(first.lastPage, Math.ceil(wanted / pageSize));
		const pages: Array<Page<T> | undefined> = [];
		let claimed = next;
		const worker = async () => {
			while (claimed <= last) {
				const page = claimed++;
				pages[page - next] = await requestPage<T>(client, method, path, page, pageSize, request);
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, last - next + 1)) }, worker));
		for (const page of pages) collected.push(...(page?.items ?? []).filter(keep));
		// Past what was read only if the list goes on (it grew meanwhile, or pages were short of kept items).
		const tail = pages[pages.length - 1];
		if (tail !== undefined) more = tail.hasMore && tail.items.length > 0;
		next = last + 1;
	}
	while (more && collected.length < wanted) {
		const page = await requestPage<T>(client, method, path, next++, pageSize, request);
		collected.push(...page.items.filter(keep));
		more = page.hasMore && page.items.length > 0;
	}
	return collected.slice(0, wanted);
}
