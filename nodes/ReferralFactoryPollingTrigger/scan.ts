import type { IDataObject } from 'n8n-workflow';

import { readApiTime } from '../ReferralFactory/helpers/dates';
import { settle } from '../ReferralFactory/helpers/settle';
import { FIRST_PAGE, type ListPage, type ListReader } from '../ReferralFactory/transport/pages';

/**
 * Finding what is new in a list since the last check, whatever order the list comes in and however it pages. Every
 * page is read through the package's one page reader (`ListReader`); a new reader is made for each pass over a list.
 *
 * Two kinds of mark, kept in the node's static data:
 * - By ID (new people, due rewards): IDs are whole numbers that grow as records are made (docs/referral-factory-api.md,
 *   P1, R2). The mark is a floor (every ID at or below it is old) and a look-back band above it: the IDs seen there. A
 *   record is new when its ID is above the floor and not in the band. Each check reads from the floor up, so a record
 *   whose lower ID commits after a higher one, or one hidden by a deletion while a check reads (the pages move under
 *   the reader), is found by the next check. The band keeps the last `BAND` IDs of earlier checks; what a check finds
 *   stays in the band until the next check has read over it again.
 * - By time (qualifications, issued rewards): an old record changes, so its ID says nothing. The mark is a window: every
 *   record (ID and time) seen since `WINDOW_MS` (or `DAY_WINDOW_MS` when the API writes a day, A11) before the latest
 *   time seen, and a record is new when its time is in the window and it was not seen with that time. A time beyond
 *   n8n's clock (plus what any time zone explains) is started once and reported, but never moves the window.
 *
 * Where the list can be read newest first (a sorted search, verified on the answer: A12, A14), a check reads from the
 * top down to the mark: one request when nothing happened. Otherwise: a list oldest first is read from the page where
 * the band starts (one or two requests), a list newest first from the top, and a list in neither order whole.
 *
 * This file holds what both share: the marks, the reading of times and orders, and the sorted read; `scan-by-id.ts` and
 * `scan-by-time.ts` the two scans.
 */

export type Order = 'oldest' | 'newest' | 'none';

export interface IdMark {
	/** Every ID at or below this is old. */
	floor: number;
	/** The IDs above the floor seen already. */
	seen: number[];
	/** Oldest first: the page where the band starts (its query: a page number or a cursor), where the next check reads from. */
	from?: Record<string, string>;
	/** The first ID on that page when it was read: a page by number that starts later has lost records before it. */
	fromFirst?: number;
	/** The order the list was last seen in. */
	order?: Order;
	/** Whether a sorted read answered newest first (false: not asked for again while the settings stay). */
	sorted?: boolean;
}

/** The mark of versions before the band: the highest ID and its page. */
export interface LegacyIdMark {
	id: number;
	page: number;
}

export interface TimeMark {
	/** Where the window starts (ms since the epoch; a day counts as its midnight, UTC). */
	from: number;
	/** The records seen in the window: [ID, time]. */
	seen: Array<[number, number]>;
	/** IDs of records that had no readable time (v1's boolean `qualified`, P3), among those in the list at the last check. */
	untimed: number[];
	/** As IdMark's. */
	sorted?: boolean;
	/** Whether the API writes days without a time (the window is then DAY_WINDOW_MS wide). */
	day?: boolean;
}

/** Opens a new reader over the list: `sort` asks for it sorted by the event's field (A14), newest or oldest first. */
export type OpenList = (sort?: 'desc' | 'asc') => ListReader<IDataObject>;

export interface Scan<M> {
	/** New records, oldest first (by ID, or by time then ID). */
	fresh: IDataObject[];
	/** Every record read (a manual test picks the newest one that fits the node's settings). */
	read: IDataObject[];
	/** The mark to keep, with the IDs of new records that were held back (not started this time) left out. */
	mark: (held?: Set<number>) => M;
	/** Records with a time beyond n8n's clock, started but not let move the window. */
	future: IDataObject[];
}

export function idOf(record: IDataObject): number | undefined {
	const id = Number(record?.id);
	return Number.isSafeInteger(id) ? id : undefined;
}

/** A time as the API writes it (a day, a time with or without a zone: helpers/dates.ts), in ms. */
export const timeOf = (value: unknown): number | undefined => readApiTime(value)?.at;

/** Whether a time is a day alone (`2024-12-27`). */
export const isDay = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim());

export const idsOf = (records: IDataObject[]) => records.map(idOf).filter((id): id is number => id !== undefined);

/** The order of a page's IDs, or undefined when one ID or none cannot tell. */
export function orderOf(ids: number[]): Order | undefined {
	if (ids.length < 2) return undefined;
	if (ids.every((id, i) => i === 0 || ids[i - 1] < id)) return 'oldest';
	if (ids.every((id, i) => i === 0 || ids[i - 1] > id)) return 'newest';
	return 'none';
}


/**
 * Reads the list newest first, asked for by a sorted search, until `enough` says the pages reach the mark. `read` says
 * how far it got (`whole`, `enough`), with the pages noted, or is undefined when the answers cannot be trusted (the
 * caller then reads the list unsorted); `sorted` is what was learnt: true once the sort is seen applied, false when the
 * API refuses it or answers in another order, undefined when this read could not tell. `order` judges a page after the
 * page before it. To `prove` the sort (the first time), the same search is asked oldest first too: an API that ignores
 * the sort answers both the same way, even where its own order looks newest first by chance.
 */
export async function readSorted(
	open: OpenList,
	note: (page: ListPage<IDataObject>) => unknown,
	enough: (ids: number[]) => boolean,
	prove: boolean,
	order: (page: ListPage<IDataObject>, before?: ListPage<IDataObject>) => Order | undefined,
): Promise<{ read?: 'whole' | 'enough'; sorted?: boolean }> {
	const reader = open('desc');
	const first = await settle(reader.read(FIRST_PAGE));
	if (!first.ok && isRefusal(first.error)) return { sorted: false };
	if (!first.ok) throw first.error;
	const page1 = first.value;
	const seen = order(page1);
	const more = reader.after(page1) !== undefined;
	if (seen === 'oldest' || seen === 'none') return { sorted: false };
	// One page that is the whole list: read, whatever its order; nothing learnt of the sort.
	if (!more) {
		note(page1);
		return { read: 'whole' };
	}
	// A page that cannot tell (one record, or all at one time) is not believed.
	if (seen === undefined) return {};
	let sorted: boolean | undefined = prove ? undefined : true;
	if (prove) {
		const other = await settle(open('asc').read(FIRST_PAGE));
		if (!other.ok && isRefusal(other.error)) return { sorted: false };
		if (!other.ok) throw other.error;
		const same = idsOf(other.value.items).join() === idsOf(page1.items).join();
		if (same || order(other.value) !== 'oldest') return { sorted: false };
		sorted = true;
	}
	let before = page1;
	note(page1);
	if (enough(idsOf(page1.items))) return { read: 'enough', sorted };
	for await (const page of reader.pages(reader.after(page1))) {
		// Out of order after the first page: a record moved while the pages were read. This read is not trusted.
		if (order(page, before) !== 'newest' && order(page, before) !== undefined) return { sorted };
		note(page);
		before = page;
		if (reader.after(page) === undefined) return { read: 'whole', sorted };
		if (enough(idsOf(page.items))) return { read: 'enough', sorted };
	}
	return { read: 'whole', sorted };
}

/** A 4xx other than 401/403/429: the API does not take the sort (A14). */
export function isRefusal(error: unknown): boolean {
	const code = Number((error as { httpCode?: unknown })?.httpCode);
	return code >= 400 && code < 500 && ![401, 403, 408, 429].includes(code);
}

