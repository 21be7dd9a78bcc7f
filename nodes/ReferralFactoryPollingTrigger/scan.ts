import type { IDataObject } from 'n8n-workflow';

import { settle } from '../ReferralFactory/helpers/settle';
import { FIRST_PAGE, pageRef, type ListPage, type ListReader, type PageRef } from '../ReferralFactory/transport/pages';

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
 */

/** How many pages back a check looks for the floor after records before it were deleted, before it reads from the top. */
const STEPS_BACK = 3;

/** How many IDs of earlier checks the band keeps above the floor. */
export const BAND = 50;

/** How far before the latest time seen records are still looked for: a check's length, and a clock an hour back. */
export const WINDOW_MS = 2 * 3_600_000;

/** The window when the API writes a day without a time (A11): yesterday's last record may be read after today's first. */
export const DAY_WINDOW_MS = 26 * 3_600_000;

/** How far ahead of n8n's clock a time may be and still be believed: the farthest time zone (UTC+14) and an hour. */
export const FUTURE_MS = 15 * 3_600_000;

/** The most records a time mark keeps (a bound on the static data whatever the API answers). */
export const MAX_SEEN = 5000;

export type Order = 'oldest' | 'newest' | 'none';

export interface IdMark {
	/** Every ID at or below this is old. */
	floor: number;
	/** The IDs above the floor seen already. */
	seen: number[];
	/** Oldest first: the page where the band starts (its query: a page number or a cursor), where the next check reads from. */
	from?: Record<string, string>;
	/** The order the list was last seen in. */
	order?: Order;
	/** Whether a sorted read answered newest first (false: not asked for again while the settings stay). */
	sorted?: boolean;
}

/** The mark of versions before the band: the highest ID and its page. */
interface LegacyIdMark {
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
}

/** Opens a new reader over the list: `sorted` asks for it newest first by the event's field (A14). */
export type OpenList = (sorted: boolean) => ListReader<IDataObject>;

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

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A time as the API writes it (a day, a time with or without a zone: docs/referral-factory-api.md, A11), in ms. */
export function timeOf(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const match = DATE.exec(value.trim());
	if (!match) return undefined;
	const [, day, time, zone] = match;
	const at = Date.parse(`${day}T${time ?? '00:00'}${zone ? zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`);
	return Number.isFinite(at) ? at : undefined;
}

/** Whether a time is a day alone (`2024-12-27`). */
const isDay = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim());

const idsOf = (records: IDataObject[]) => records.map(idOf).filter((id): id is number => id !== undefined);

/** The order of a page's IDs, or undefined when one ID or none cannot tell. */
function orderOf(ids: number[]): Order | undefined {
	if (ids.length < 2) return undefined;
	if (ids.every((id, i) => i === 0 || ids[i - 1] < id)) return 'oldest';
	if (ids.every((id, i) => i === 0 || ids[i - 1] > id)) return 'newest';
	return 'none';
}

/**
 * Whether a page keeps to the order: within itself, and after the page before it (where a record may show twice, when
 * one committed late moved the list on between two reads).
 */
function keepsOrder(order: Order, ids: number[], before: number | undefined): boolean {
	if (order === 'none') return true;
	const own = orderOf(ids);
	if (own !== undefined && own !== order) return false;
	if (before === undefined || ids.length === 0) return true;
	return order === 'oldest' ? ids[0] >= before : ids[0] <= before;
}

function upgrade(mark: IdMark | LegacyIdMark | undefined): IdMark | undefined {
	if (!mark) return undefined;
	if ('floor' in mark && Array.isArray(mark.seen)) return mark;
	const legacy = mark as LegacyIdMark;
	return { floor: Number(legacy.id) || 0, seen: [], from: pageRef(Math.max(1, Number(legacy.page) || 1)).query, order: 'oldest' };
}

const isFirst = (ref: PageRef) => ref === FIRST_PAGE || ref.page === 1;

function refOf(query: Record<string, string> | undefined): PageRef {
	if (!query) return FIRST_PAGE;
	const page = query.cursor === undefined ? Number(query.page) : NaN;
	return Number.isSafeInteger(page) && page > 0 ? pageRef(page) : { query };
}

/**
 * Records above the mark's floor not in its band. Without a mark (the first check, or a manual test) reads where the
 * highest IDs are and returns nothing new: the band starts there.
 */
export async function scanById(open: OpenList, given: IdMark | LegacyIdMark | undefined): Promise<Scan<IdMark>> {
	const mark = upgrade(given);
	const trySorted = mark?.sorted !== false;
	const floor = mark?.floor ?? 0;
	const band = new Set(mark?.seen ?? []);
	const records = new Map<number, IDataObject>();
	/** The pages of the last pass, in the order read, with their IDs. */
	let pages: Array<{ ref: PageRef; ids: number[] }> = [];
	const note = (page: ListPage<IDataObject>) => {
		const ids: number[] = [];
		for (const record of page.items) {
			const id = idOf(record);
			if (id === undefined) continue;
			ids.push(id);
			records.set(id, record);
		}
		pages.push({ ref: page.ref, ids });
		return ids;
	};
	const reachedFloor = (ids: number[]) => (mark ? ids.some((id) => id <= floor) : true);

	let order: Order | undefined;
	let sorted: boolean | undefined;
	if (trySorted) {
		sorted =
			(await readSorted(open, note, reachedFloor, (page, before) => {
				const ids = idsOf(page.items);
				const last = before === undefined ? undefined : idsOf(before.items).pop();
				return orderOf(last === undefined ? ids : [last, ...ids]);
			})) !== false;
		if (sorted) order = 'newest';
		else {
			pages = [];
			records.clear();
		}
	}
	if (!sorted) order = await readUnsorted();
	return finish();

	/** Unsorted: from where the band starts when the list is oldest first, else from the top. Returns the order seen. */
	async function readUnsorted(): Promise<Order> {
		const start = mark?.order === 'oldest' && mark.from ? refOf(mark.from) : FIRST_PAGE;
		let reader = open(false);
		const opened = await settle(reader.read(start));
		// A cursor kept from the last check that the API no longer takes: the list is read from the top.
		if (!opened.ok && (isFirst(start) || !isRefusal(opened.error))) throw opened.error;
		if (!opened.ok) reader = open(false);
		let page = opened.ok ? opened.value : await reader.read(FIRST_PAGE);
		let ids = idsOf(page.items);
		let seenOrder = orderOf(ids) ?? mark?.order ?? 'oldest';
		if (seenOrder !== 'oldest' && !isFirst(page.ref)) {
			reader = open(false);
			page = await reader.read(FIRST_PAGE);
			ids = idsOf(page.items);
			seenOrder = orderOf(ids) ?? seenOrder;
		}
		if (seenOrder === 'oldest' && mark && !isFirst(page.ref) && (ids.length === 0 || Math.min(...ids) > floor)) {
			// Records deleted before the band moved it back: look a page or two back for the floor (by number; a cursor
			// cannot step back), else read the list from the top.
			({ reader, page } = await stepBack(page.ref.page));
		}
		if (seenOrder === 'oldest' && !mark && page.lastPage !== undefined && page.ref.page !== undefined && page.lastPage > page.ref.page) {
			// The first check: the highest IDs are on the last page, when the answer says which that is.
			page = await reader.read(pageRef(page.lastPage));
		}
		const forward = await readOn(reader, page, seenOrder);
		if (forward !== 'restart') return forward;
		// Not in the order it seemed: read it whole from the top.
		pages = [];
		records.clear();
		reader = open(false);
		return (await readOn(reader, await reader.read(FIRST_PAGE), 'none')) as Order;
	}

	/** From a page below the floor: at most STEPS_BACK pages back by number, else the first page; and its reader. */
	async function stepBack(from: number | undefined): Promise<{ reader: ListReader<IDataObject>; page: ListPage<IDataObject> }> {
		const reader = open(false);
		for (let back = (from ?? 1) - 1; back >= 1 && back >= (from ?? 1) - STEPS_BACK; back--) {
			const page = await reader.read(pageRef(back));
			const here = idsOf(page.items);
			if (back === 1 || (here.length > 0 && Math.min(...here) <= floor)) return { reader, page };
		}
		const top = open(false);
		return { reader: top, page: await top.read(FIRST_PAGE) };
	}

	/**
	 * Notes this page and the ones after it (the reader's own `pages`), checking the order on each: `restart` when a list
	 * read from the middle turns out not to be in order; stops at the floor when newest first. Returns the order seen.
	 */
	async function readOn(reader: ListReader<IDataObject>, first: ListPage<IDataObject>, order: Order): Promise<Order | 'restart'> {
		let last: number | undefined;
		const visit = (page: ListPage<IDataObject>): 'go' | 'stop' | 'restart' => {
			const here = note(page);
			if (!keepsOrder(order, here, last)) {
				if (!isFirst(pages[0].ref)) return 'restart';
				order = 'none';
			}
			if (here.length > 0) last = here[here.length - 1];
			return order === 'newest' && reachedFloor(here) ? 'stop' : 'go';
		};
		let step = visit(first);
		const next = reader.after(first);
		if (step === 'go' && next !== undefined) {
			for await (const page of reader.pages(next)) {
				step = visit(page);
				if (step !== 'go') break;
			}
		}
		return step === 'restart' ? 'restart' : order;
	}

	function finish(): Scan<IdMark> {
		const readIds = [...records.keys()];
		const fresh = mark ? readIds.filter((id) => id > floor && !band.has(id)).sort((a, b) => a - b) : [];
		return {
			fresh: fresh.map((id) => records.get(id)!),
			read: [...records.values()],
			future: [],
			mark: (held = new Set<number>()) => nextMark(held),
		};

		function nextMark(held: Set<number>): IdMark {
			// The first check: everything below what was read is old.
			const base = mark ? floor : readIds.length > 0 ? Math.max(0, Math.min(...readIds) - 1) : 0;
			const isNew = (id: number) => !band.has(id);
			const kept = [...new Set([...band, ...readIds.filter((id) => id > base && !held.has(id))])].sort((a, b) => b - a);
			let rank = 0;
			let raised = base;
			const seen: number[] = [];
			for (const id of kept) {
				// What this check found stays for the next to read over again; older IDs beyond the band go under the floor.
				if (mark && isNew(id)) seen.push(id);
				else if (rank++ < BAND) seen.push(id);
				else raised = Math.max(raised, id);
			}
			const heldFloor = held.size > 0 ? Math.min(...held) - 1 : Infinity;
			const newFloor = Math.min(raised, heldFloor);
			const band2 = seen.filter((id) => id > newFloor);
			const result: IdMark = { floor: newFloor, seen: band2, order: order ?? 'oldest' };
			if ((sorted ?? mark?.sorted) !== undefined) result.sorted = sorted ?? mark?.sorted;
			if (order === 'oldest') {
				// Where the band starts: the first page read with an ID above the floor.
				const start = pages.find(({ ids }) => ids.some((id) => id > newFloor)) ?? pages[pages.length - 1];
				if (start && !isFirst(start.ref)) result.from = start.ref.query;
			}
			return result;
		}
	}
}

/**
 * Reads the list newest first, asked for by a sorted search, until `enough` says the pages reach the mark: `whole` or
 * `enough` (how far it read) when every answer was newest first (`order` judges a page, after the page before it), with
 * the pages noted; false when an answer was not, or the API refused the sort (the caller then reads it unsorted).
 */
async function readSorted(
	open: OpenList,
	note: (page: ListPage<IDataObject>) => unknown,
	enough: (ids: number[]) => boolean,
	order: (page: ListPage<IDataObject>, before?: ListPage<IDataObject>) => Order | undefined,
): Promise<'whole' | 'enough' | false> {
	const reader = open(true);
	const first = await settle(reader.read(FIRST_PAGE));
	if (!first.ok && isRefusal(first.error)) return false;
	if (!first.ok) throw first.error;
	let before: ListPage<IDataObject> | undefined;
	/** Whether the page keeps the order, and how far the read has come. */
	const visit = (page: ListPage<IDataObject>): 'whole' | 'enough' | 'go' | false => {
		const seen = order(page, before);
		const next = reader.after(page);
		// A page that cannot tell (one record, or all at one time) is believed only as the list's last page.
		if (seen === 'oldest' || seen === 'none' || (seen === undefined && next !== undefined)) return false;
		note(page);
		before = page;
		return next === undefined ? 'whole' : enough(idsOf(page.items)) ? 'enough' : 'go';
	};
	let step = visit(first.value);
	const next = reader.after(first.value);
	if (step === 'go' && next !== undefined) {
		for await (const page of reader.pages(next)) {
			step = visit(page);
			if (step !== 'go') break;
		}
	}
	return step === 'go' ? 'whole' : step;
}

/** A 4xx other than 401/403/429: the API does not take the sort (A14). */
function isRefusal(error: unknown): boolean {
	const code = Number((error as { httpCode?: unknown })?.httpCode);
	return code >= 400 && code < 500 && ![401, 403, 408, 429].includes(code);
}

/**
 * Records in the mark's window not seen before (with their time); only records `keep` accepts count. Without a mark,
 * returns nothing new. Read newest first when the API sorts (down to the window's start), else whole.
 */
export async function scanByTime(
	open: OpenList,
	mark: TimeMark | undefined,
	timeField: (record: IDataObject) => unknown,
	keep: (record: IDataObject) => boolean,
	now = Date.now(),
): Promise<Scan<TimeMark>> {
	const trySorted = mark?.sorted !== false;
	const all = new Map<number, { record: IDataObject; at: number | undefined; day: boolean }>();
	let any = false;
	const note = (page: ListPage<IDataObject>) => {
		for (const record of page.items) {
			any = true;
			const id = idOf(record);
			if (id === undefined || !keep(record)) continue;
			const value = timeField(record);
			all.set(id, { record, at: timeOf(value), day: isDay(value) });
		}
		return idsOf(page.items);
	};
	const seen = new Map<number, number>(mark && Array.isArray(mark.seen) ? mark.seen : []);
	// A window that only a time beyond n8n's clock can have put where it is (a mark made before such times were ignored)
	// starts again from the latest believable time seen, or from now.
	let start = mark?.from ?? -Infinity;
	if (start > now + FUTURE_MS - WINDOW_MS) {
		const believable = [...seen.values()].filter((at) => at <= now + FUTURE_MS);
		start = (believable.length > 0 ? Math.max(...believable) : now) - WINDOW_MS;
	}
	const timesOf = (page: ListPage<IDataObject>) => page.items.map((record) => timeOf(timeField(record)) ?? -Infinity);
	const byTime = (page: ListPage<IDataObject>, before?: ListPage<IDataObject>): Order | undefined => {
		const times = [...(before ? timesOf(before).slice(-1) : []), ...timesOf(page)];
		if (times.every((at) => at === times[0])) return undefined;
		return times.every((at, i) => i === 0 || times[i - 1] >= at) ? 'newest' : 'none';
	};
	let sorted: boolean | undefined;
	/** Whether the whole list was read (records without a time not in it are gone from it). */
	let whole = false;
	if (trySorted) {
		// Newest first by time: enough once a page reaches before the window (or, on the first check, a window before the
		// newest record): every record in the window has been read.
		const reached = () => {
			const times = [...all.values()].map(({ at }) => at).filter((at): at is number => at !== undefined && at <= now + FUTURE_MS);
			if (times.length === 0) return false;
			const from = mark ? start : Math.max(...times) - ([...all.values()].some(({ day }) => day) ? DAY_WINDOW_MS : WINDOW_MS);
			return Math.min(...times) < from;
		};
		const read = await readSorted(open, note, reached, byTime);
		sorted = read !== false;
		whole = read === 'whole';
		if (!sorted) all.clear();
	}
	if (!sorted) {
		any = false;
		whole = true;
		for await (const page of open(false).pages()) note(page);
	}
	const untimed = new Set(mark && Array.isArray(mark.untimed) ? mark.untimed : []);
	const fresh: Array<{ id: number; at: number; record: IDataObject }> = [];
	const future: IDataObject[] = [];
	for (const [id, { record, at }] of all) {
		if (at === undefined) {
			if (mark && !untimed.has(id)) fresh.push({ id, at: Infinity, record });
			continue;
		}
		if (mark && at >= start && seen.get(id) !== at) {
			fresh.push({ id, at, record });
			if (at > now + FUTURE_MS) future.push(record);
		}
	}
	return {
		fresh: fresh.sort((a, b) => a.at - b.at || a.id - b.id).map(({ record }) => record),
		read: [...all.values()].map(({ record }) => record),
		future,
		mark: (held = new Set<number>()) => {
			const nextSeen = new Map(seen);
			const untimedNow = new Set<number>();
			let day = false;
			for (const [id, { at, day: isDayOnly }] of all) {
				if (held.has(id)) continue;
				if (at === undefined) untimedNow.add(id);
				else nextSeen.set(id, at);
				day ||= isDayOnly;
			}
			// The latest believable time moves the window; a time beyond n8n's clock is kept as seen, never obeyed.
			const believable = [...nextSeen.values()].filter((at) => at <= now + FUTURE_MS);
			const newest = believable.length > 0 ? Math.max(...believable) : undefined;
			const width = day ? DAY_WINDOW_MS : WINDOW_MS;
			// The window never moves back.
			const from = newest === undefined ? Math.min(start, now) : Math.max(start, newest - width);
			const kept = [...nextSeen.entries()].filter(([, at]) => at >= from).sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN);
			// Records without a time: those in the list now (a record gone from it is forgotten); an empty answer forgets nothing.
			const untimedNext = any && whole ? [...untimedNow] : [...new Set([...untimed, ...untimedNow])];
			const next: TimeMark = { from: Number.isFinite(from) ? from : 0, seen: kept, untimed: untimedNext.filter((id) => !held.has(id)).slice(-50_000) };
			if ((sorted ?? mark?.sorted) !== undefined) next.sorted = sorted ?? mark?.sorted;
			return next;
		},
	};
}
