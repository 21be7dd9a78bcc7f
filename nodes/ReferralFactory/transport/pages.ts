import type { IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiClient, RequestOptions } from './client';
import { isObject } from './objects';

/**
 * The one page reader: every list the package reads (Get Many, the look-ups of Add, Issue and Cancel, the editor's
 * pickers, the polling trigger) goes through `ListReader`, whatever way Referral Factory pages.
 *
 * How a list pages is INFERRED (docs/referral-factory-api.md, A6, A7, A13): the reference says to follow `links.next`
 * ("cursor-style pagination"), sources show `page` and `per_page`, and a page may hold fewer records than asked for.
 * So the reader follows the answer's own next link when it has one (a cursor or a page number), trusts the answer's
 * markers (`links.next`, `meta.next_cursor`, `meta.last_page`, `meta.per_page`) over a page's length, and guesses from
 * the length only when the answer has no marker at all. It never asks for the same chunk twice: a page that repeats
 * one read before stops the read with an error naming the endpoint, and no read takes more than `MAX_PAGES` pages.
 */

/** The API's largest page (`per_page` max 250: docs/referral-factory-api.md, A7). */
export const MAX_PAGE_SIZE = 250;

/** The most pages one read takes (500,000 records at 250 a page): a bound on what a list the node misreads can cost. */
export const MAX_PAGES = 2000;

/** Where a user finds the package's maintainers (its npm page names them and where to report). */
const ISSUES = 'https://www.npmjs.com/package/n8n-nodes-referral-factory-api';

/** Where a page is: its number when pages are numbered, and the query that asks for it (`page`, or a `cursor`). */
export interface PageRef {
	page?: number;
	query: Record<string, string>;
	/** A next link the reader cannot follow (it names the page by its path, not its query). */
	unfollowable?: true;
}

export const pageRef = (page: number): PageRef => ({ page, query: { page: String(page) } });

export const FIRST_PAGE = pageRef(1);

/** One page of a list, as read from the answer. */
export interface ListPage<T> {
	items: T[];
	/** The page that was asked for. */
	ref: PageRef;
	/** Where the list goes on; undefined where it ends. */
	next?: PageRef;
	/** Whether the answer places itself by page number (`meta.current_page`, or a next link by `page`). */
	numbered: boolean;
	/** `meta.last_page`, when the answer says it. */
	lastPage?: number;
	/** `meta.per_page`: how many records a full page holds, when the answer says it. */
	perPage?: number;
	/** No marker said whether the list goes on: `next` is a guess from the page's length. */
	guessed: boolean;
}


function wholeNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/**
 * The page a next link points to: its query alone. The link's host and path are never followed, so the token only
 * ever goes to the credential's Base URL and the request keeps its own method, path and body.
 */
export function refFromLink(link: string): PageRef | undefined {
	let url: URL;
	try {
		url = new URL(link, 'http://placeholder.invalid');
	} catch {
		return undefined;
	}
	const query: Record<string, string> = {};
	for (const [key, value] of url.searchParams) if (key !== 'per_page') query[key] = value;
	// A link that says where the next page is by its path alone cannot be followed without following its host.
	if (Object.keys(query).length === 0) return { query, unfollowable: true };
	const page = query.cursor === undefined ? wholeNumber(query.page) : undefined;
	return page === undefined ? { query } : { page, query };
}

/** A page ref as text (the editor's `paginationToken`), and back; a bare number is a page number. */
export function encodeRef(ref: PageRef): string {
	return ref.page !== undefined && Object.keys(ref.query).length === 1 ? String(ref.page) : JSON.stringify(ref.query);
}

export function decodeRef(token: string | undefined): PageRef {
	if (!token) return FIRST_PAGE;
	const page = wholeNumber(token);
	if (page !== undefined) return pageRef(page);
	try {
		const query = JSON.parse(token) as unknown;
		if (isObject(query)) return refOfQuery(Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])));
	} catch {
		// Not a token this reader made: the list starts again.
	}
	return FIRST_PAGE;
}

/** The page a query asks for (kept in a mark or a token): by number unless it carries a cursor. */
export function refOfQuery(query: Record<string, string>): PageRef {
	const page = query.cursor === undefined ? wholeNumber(query.page) : undefined;
	return page === undefined ? { query } : { page, query };
}

/**
 * Reads one answer as a page: the records (`data`, or a bare list: A5) and where the list goes on. In this order, the
 * first that the answer has decides: `links.next` (a link, or empty at the end), `meta.next_cursor`, `meta.last_page`
 * with `meta.current_page`, `meta.per_page` (a page shorter than that is the last). Without any of them the list goes
 * on while pages come back non-empty (`guessed`). An empty page always ends the list.
 */
export function parsePage<T>(body: unknown, ref: PageRef): ListPage<T> {
	const envelope = isObject(body) ? body : {};
	const items = (Array.isArray(envelope.data) ? envelope.data : Array.isArray(body) ? body : []) as T[];
	const links = isObject(envelope.links) ? envelope.links : undefined;
	const meta = isObject(envelope.meta) ? envelope.meta : undefined;
	const current = wholeNumber(meta?.current_page);
	const lastPage = wholeNumber(meta?.last_page);
	const perPage = wholeNumber(meta?.per_page);
	const here = current ?? ref.page;
	const following = here === undefined ? undefined : pageRef(here + 1);
	let numbered = current !== undefined;
	let guessed = false;
	let next: PageRef | undefined;
	if (links && 'next' in links) {
		next = typeof links.next === 'string' && links.next.trim() !== '' ? refFromLink(links.next.trim()) : undefined;
		if (next?.page !== undefined) numbered = true;
	} else if (meta && 'next_cursor' in meta) {
		next = typeof meta.next_cursor === 'string' && meta.next_cursor !== '' ? { query: { cursor: meta.next_cursor } } : undefined;
	} else if (lastPage !== undefined && current !== undefined) {
		next = current < lastPage ? following : undefined;
	} else if (perPage !== undefined) {
		next = items.length >= perPage ? following : undefined;
	} else {
		guessed = true;
		next = following;
	}
	if (items.length === 0) next = undefined;
	return { items, ref, next, numbered, lastPage, perPage, guessed };
}

/** What marks a page as the same chunk as another: its records' IDs, or its records themselves. */
function fingerprint(items: unknown[]): string {
	const ids = items.map((item) => (isObject(item) && (typeof item.id === 'number' || typeof item.id === 'string') ? String(item.id) : undefined));
	return ids.every((id) => id !== undefined) ? ids.join(',') : JSON.stringify(items);
}

export interface ListOptions extends RequestOptions {
	/** How many records to ask for per page (at most 250). */
	pageSize?: number;
	/** The most pages this read may take before it stops with an error. */
	maxPages?: number;
}

/**
 * One read of one list: asks for pages (one at a time, or several at once where the answer says pages are numbered),
 * checks each against the ones before, and says where the list goes on. Made per read, never shared between reads.
 */
export class ListReader<T> {
	private readonly fingerprints = new Map<string, string>();

	private pagesRead = 0;

	/** The most records a page of this read held: a page with fewer, and no marker, is the last. */
	private fullPage = 0;

	readonly pageSize: number;

	private readonly maxPages: number;

	private readonly request: RequestOptions;

	constructor(
		private readonly client: ApiClient,
		private readonly method: IHttpRequestMethods,
		private readonly path: string,
		options: ListOptions = {},
	) {
		const { pageSize = MAX_PAGE_SIZE, maxPages = MAX_PAGES, ...request } = options;
		this.pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize)));
		this.maxPages = maxPages;
		this.request = request;
	}

	/** One page. Throws when it repeats a page of this read, or when the read has taken its most pages. */
	async read(ref: PageRef): Promise<ListPage<T>> {
		if (this.pagesRead >= this.maxPages) {
			throw new NodeOperationError(this.client.node, `Referral Factory's list ${this.method} ${this.path} is longer than ${this.maxPages} pages${this.suffix()}`, {
				itemIndex: this.request.itemIndex,
				description: 'The node stops there to keep within the API token\'s limit. Use a Limit or a filter to read less of it.',
			});
		}
		if (ref.unfollowable) {
			throw new NodeOperationError(this.client.node, `Referral Factory's list ${this.method} ${this.path} names its next page in a way the node cannot follow${this.suffix()}`, {
				itemIndex: this.request.itemIndex,
				description: `Its \`links.next\` has no query (no page number or cursor). Nothing was output for this item, rather than part of the list. Please report it to the package's maintainers: ${ISSUES}.`,
			});
		}
		this.pagesRead++;
		const qs = { ...(this.request.qs ?? {}), per_page: this.pageSize, ...ref.query };
		const page = parsePage<T>(await this.client.request(this.method, this.path, { ...this.request, qs }), ref);
		if (page.items.length > 0) {
			const key = fingerprint(page.items);
			const earlier = this.fingerprints.get(key);
			if (earlier !== undefined) {
				throw new NodeOperationError(this.client.node, `Referral Factory answered ${this.method} ${this.path} with a page it had sent already${this.suffix()}`, {
					itemIndex: this.request.itemIndex,
					description: `Asked for ${describe(ref)}, it sent the records of ${earlier} again, so the list does not page the way the node expects. The node stopped reading rather than ask again and again (which could get this IP blocked). Please report it, with the node's settings, to the package's maintainers: ${ISSUES}.`,
				});
			}
			this.fingerprints.set(key, describe(ref));
		}
		return page;
	}

	/**
	 * Where to read after this page, or undefined at the list's end. A page without markers ends the list when it holds
	 * fewer records than a page before it in this read (the API's page size is then known to be larger).
	 */
	after(page: ListPage<T>): PageRef | undefined {
		const full = this.fullPage;
		this.fullPage = Math.max(this.fullPage, page.items.length);
		if (page.next === undefined) return undefined;
		if (page.guessed && page.items.length < Math.min(this.pageSize, full)) return undefined;
		return page.next;
	}

	/** The pages from `start` on, one after another, to the list's end; the caller may stop early. */
	async *pages(start: PageRef = FIRST_PAGE): AsyncGenerator<ListPage<T>> {
		for (let ref: PageRef | undefined = start; ref !== undefined; ) {
			const page = await this.read(ref);
			yield page;
			ref = this.after(page);
		}
	}

	private suffix(): string {
		return this.request.itemIndex === undefined ? '' : ` [item ${this.request.itemIndex}]`;
	}
}

function describe(ref: PageRef): string {
	return ref.page !== undefined ? `page ${ref.page}` : `the page at ${Object.entries(ref.query).map(([key, value]) => `${key}=${value.slice(0, 40)}`).join('&')}`;
}

/** Every record of a list, one page after another (for a look-up that may stop early, use `ListReader.pages`). */
export async function* listItems<T>(client: ApiClient, method: IHttpRequestMethods, path: string, options: ListOptions = {}): AsyncGenerator<T[]> {
	for await (const page of new ListReader<T>(client, method, path, options).pages()) if (page.items.length > 0) yield page.items;
}
