import type { IDataObject } from 'n8n-workflow';

import type { Page } from '../ReferralFactory/transport/paginate';

/**
 * Finding what is new in a list since the last poll, whatever order the list comes in.
 *
 * Two kinds of mark, kept in the node's static data:
 * - By ID (new people, due rewards): IDs are whole numbers that grow as records are made (docs/referral-factory-api.md,
 *   P1, R2), so a record is new when its ID is above the highest seen. A list oldest-first (as Laravel lists by
 *   default, INFERRED: docs/referral-factory-api.md, A12) is read from the page where the last poll ended, stepping back a page when records were
 *   deleted before it: a quiet poll is one request. A list newest-first is read from page 1 until a known ID.
 * - By time (qualifications, issued rewards): an old record changes, so its ID says nothing. Every page is read. The
 *   mark is a window, not a point: every record (ID and time) seen since two hours before the latest time seen is
 *   kept, and a record is new when its time is in the window and it was not seen with that time. So a record that
 *   changes on a page already read while a check reads the next ones, a time written as a whole day (A11) that two
 *   records share, and a clock without a zone that steps back an hour (summer time) are all found, once. Records
 *   without a readable time (v1's boolean `qualified`, P3) are new when their ID was not seen before.
 */

export interface IdMark {
	id: number;
	/** The page the highest ID was on, oldest-first: where the next poll starts. */
	page: number;
}

export interface TimeMark {
	/** Where the window starts (ms since the epoch; a day counts as its midnight, UTC): two hours before the latest time. */
	from: number;
	/** The records seen in the window: [ID, time]. */
	seen: Array<[number, number]>;
	/** IDs of records that had no readable time. */
	untimed: number[];
}

/** How far before the latest time seen records are still looked for: a check's length, and a clock an hour back. */
export const WINDOW_MS = 2 * 3_600_000;

export type ReadPage = (page: number) => Promise<Page<IDataObject>>;

export interface ScanResult<M> {
	/** New records, oldest first (by ID, or by time then ID). */
	fresh: IDataObject[];
	/** The mark to keep. */
	mark: M;
	/** Every record read (a manual test picks the newest one that fits the node's settings). */
	read: IDataObject[];
}

export function idOf(record: IDataObject): number | undefined {
	const id = Number(record?.id);
	return Number.isSafeInteger(id) ? id : undefined;
}

/** A time as the API writes it (a day, a time with or without a zone: docs/referral-factory-api.md, A11), in ms. */
export function timeOf(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
	if (!match) return undefined;
	const [, day, time, zone] = match;
	const at = Date.parse(`${day}T${time ?? '00:00'}${zone ? zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`);
	return Number.isFinite(at) ? at : undefined;
}

const ascending = (ids: number[]) => ids.every((id, i) => i === 0 || ids[i - 1] < id);

/**
 * Records above the mark's ID. Without a mark (the first poll), reads to the list's end for the highest ID and returns
 * nothing new.
 */
export async function scanById(read: ReadPage, mark: IdMark | undefined): Promise<ScanResult<IdMark>> {
	const fresh = new Map<number, IDataObject>();
	const seen: IDataObject[] = [];
	let best: { id: number; page: number; record: IDataObject } | undefined;
	const note = (records: IDataObject[], page: number) => {
		seen.push(...records);
		for (const record of records) {
			const id = idOf(record);
			if (id === undefined) continue;
			if (!best || id > best.id) best = { id, page, record };
			if (mark && id > mark.id) fresh.set(id, record);
		}
	};

	let page = Math.max(1, mark?.page ?? 1);
	let current = await read(page);
	let ids = current.items.map(idOf).filter((id): id is number => id !== undefined);
	const newestFirst = ids.length > 1 && !ascending(ids) && ascending([...ids].reverse());
	if (newestFirst) {
		// Newest first: from page 1 until a record the mark has seen.
		if (page !== 1) {
			page = 1;
			current = await read(page);
		}
		for (;;) {
			note(current.items, page);
			// Without a mark, page 1 has the highest ID already.
			const reachedMark = !mark || current.items.some((record) => (idOf(record) ?? Infinity) <= mark.id);
			if (reachedMark || !current.hasMore || current.items.length === 0) break;
			current = await read(++page);
		}
		// Newest first, the page of the highest ID is 1: the next poll starts there.
		return finish(1);
	}
	// Oldest first: records deleted before the mark's page move it back; step back until the page starts at or below it.
	while (mark && page > 1 && (ids.length === 0 || Math.min(...ids) > mark.id)) {
		current = await read(--page);
		ids = current.items.map(idOf).filter((id): id is number => id !== undefined);
	}
	// A burst over several pages, when the answer says which page is last: read from the last page back, then the first
	// page again. A person deleted meanwhile moves everyone after them back a page, onto a page still to be read.
	if (mark && current.hasMore && current.lastPage !== undefined && current.lastPage > page) {
		const start = page;
		for (let back = current.lastPage; back > start; back--) note((await read(back)).items, back);
		note((await read(start)).items, start);
		return finish(best?.page ?? start);
	}
	// Without a mark, the last page holds the highest ID when the answer says which page is last.
	if (!mark && current.lastPage !== undefined && current.lastPage > page && current.hasMore) {
		note(current.items, page);
		page = current.lastPage;
		current = await read(page);
	}
	for (;;) {
		note(current.items, page);
		if (!current.hasMore || current.items.length === 0) break;
		current = await read(++page);
	}
	return finish(best?.page ?? page);

	function finish(markPage: number): ScanResult<IdMark> {
		// The mark never goes down: IDs under it were seen, or deleted, and new ones come above it.
		return {
			fresh: [...fresh.entries()].sort(([a], [b]) => a - b).map(([, record]) => record),
			mark: { id: Math.max(mark?.id ?? 0, best?.id ?? 0), page: markPage },
			read: seen,
		};
	}
}

/**
 * Records in the mark's window not seen before (with their time), reading every page; only records `keep` accepts
 * count. Without a mark, returns nothing new.
 */
export async function scanByTime(
	read: ReadPage,
	mark: TimeMark | undefined,
	timeField: (record: IDataObject) => unknown,
	keep: (record: IDataObject) => boolean,
): Promise<ScanResult<TimeMark>> {
	const all = new Map<number, { record: IDataObject; at: number | undefined }>();
	for (let page = 1; ; page++) {
		const current = await read(page);
		for (const record of current.items) {
			const id = idOf(record);
			if (id !== undefined && keep(record)) all.set(id, { record, at: timeOf(timeField(record)) });
		}
		if (!current.hasMore || current.items.length === 0) break;
	}
	const seen = new Map<number, number>(mark && Array.isArray(mark.seen) ? mark.seen : []);
	const untimed = new Set(mark && Array.isArray(mark.untimed) ? mark.untimed : []);
	const fresh: Array<{ id: number; at: number; record: IDataObject }> = [];
	for (const [id, { record, at }] of all) {
		if (at === undefined) {
			if (mark && !untimed.has(id)) fresh.push({ id, at: Infinity, record });
			untimed.add(id);
			continue;
		}
		if (mark && at >= mark.from && seen.get(id) !== at) fresh.push({ id, at, record });
		seen.set(id, at);
	}
	const newest = Math.max(...seen.values(), -Infinity);
	const from = Math.max(mark?.from ?? -Infinity, newest - WINDOW_MS);
	return {
		fresh: fresh.sort((a, b) => a.at - b.at || a.id - b.id).map(({ record }) => record),
		// What was seen before stays seen while in the window, also when a read misses it (an empty answer).
		mark: { from: Number.isFinite(from) ? from : 0, seen: [...seen.entries()].filter(([, at]) => at >= from), untimed: [...untimed] },
		read: [...all.values()].map(({ record }) => record),
	};
}
