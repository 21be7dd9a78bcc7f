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
export const MAX_SEEN = 50_000;

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
	/** What this check learnt of the sorted read: undefined when it could not tell. */
	let sorted: boolean | undefined;
	if (trySorted) {
		const read = await readSorted(open, note, reachedFloor, mark?.sorted === undefined, (page: ListPage<IDataObject>, before?: ListPage<IDataObject>) => {
			const ids = idsOf(page.items);
			const last = before === undefined ? undefined : idsOf(before.items).pop();
			const own = orderOf(ids);
			return own !== undefined && own !== 'newest' ? own : last !== undefined && ids.length > 0 && ids[0] > last ? 'none' : own;
		});
		if (read.read) order = 'newest';
		else {
			pages = [];
			records.clear();
		}
		sorted = read.sorted;
	}
	if (order === undefined) order = await readUnsorted();
	return finish();

	/** Unsorted: from where the band starts when the list is oldest first, else from the top. Returns the order seen. */
	async function readUnsorted(): Promise<Order> {
		const start = mark?.order === 'oldest' && mark.from ? refOf(mark.from) : FIRST_PAGE;
		let reader = open();
		const opened = await settle(reader.read(start));
		// A cursor kept from the last check that the API no longer takes: the list is read from the top.
		if (!opened.ok && (isFirst(start) || !isRefusal(opened.error))) throw opened.error;
		if (!opened.ok) reader = open();
		let page = opened.ok ? opened.value : await reader.read(FIRST_PAGE);
		let ids = idsOf(page.items);
		let seenOrder = orderOf(ids) ?? mark?.order ?? 'oldest';
		if (seenOrder !== 'oldest' && !isFirst(page.ref)) {
			reader = open();
			page = await reader.read(FIRST_PAGE);
			ids = idsOf(page.items);
			seenOrder = orderOf(ids) ?? seenOrder;
		}
		// Records deleted before the band moved it back a page (by number: a page that a cursor names starts after a fixed
		// record, so nothing moves it): look a page or two back for the floor, else read the list from the top.
		const firstHere = ids.length > 0 ? Math.min(...ids) : Infinity;
		if (seenOrder === 'oldest' && mark && page.ref.page !== undefined && !isFirst(page.ref) && firstHere > (mark.fromFirst ?? floor)) {
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
		reader = open();
		return (await readOn(reader, await reader.read(FIRST_PAGE), 'none')) as Order;
	}

	/**
	 * From a page past the floor: at most STEPS_BACK pages back by number, else the first page; with a new reader to go
	 * on from it (the pages stepped over are read again).
	 */
	async function stepBack(from: number): Promise<{ reader: ListReader<IDataObject>; page: ListPage<IDataObject> }> {
		const looking = open();
		for (let back = from - 1; back >= 1 && back >= from - STEPS_BACK; back--) {
			const page = await looking.read(pageRef(back));
			const here = idsOf(page.items);
			if (back === 1 || (here.length > 0 && Math.min(...here) <= floor)) return { reader: open(), page };
		}
		const top = open();
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
			for (const id of kept) {
				// What this check found stays for the next to read over again; older IDs beyond the band go under the floor.
				if (mark && isNew(id)) continue;
				if (rank++ >= BAND) raised = Math.max(raised, id);
			}
			const heldFloor = held.size > 0 ? Math.min(...held) - 1 : Infinity;
			const newFloor = Math.min(raised, heldFloor);
			// Every ID above the floor stays in the band (a held record can keep the floor below IDs past the band's size).
			const band2 = kept.filter((id) => id > newFloor);
			const result: IdMark = { floor: newFloor, seen: band2, order: order ?? 'oldest' };
			if ((sorted ?? mark?.sorted) !== undefined) result.sorted = sorted ?? mark?.sorted;
			if (order === 'oldest') {
				// Where the band starts: the first page read with an ID above the floor.
				const start = pages.find(({ ids }) => ids.some((id) => id > newFloor)) ?? pages[pages.length - 1];
				if (start && !isFirst(start.ref)) {
					result.from = start.ref.query;
					if (start.ids.length > 0) result.fromFirst = Math.min(...start.ids);
				}
			}
			return result;
		}
	}
}

/**
 * Reads the list newest first, asked for by a sorted search, until `enough` says the pages reach the mark. `read` says
 * how far it got (`whole`, `enough`), with the pages noted, or is undefined when the answers cannot be trusted (the
 * caller then reads the list unsorted); `sorted` is what was learnt: true once the sort is seen applied, false when the
 * API refuses it or answers in another order, undefined when this read could not tell. `order` judges a page after the
 * page before it. To `prove` the sort (the first time), the same search is asked oldest first too: an API that ignores
 * the sort answers both the same way, even where its own order looks newest first by chance.
 */
async function readSorted(
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
		if (times.every((at, i) => i === 0 || times[i - 1] >= at)) return 'newest';
		return times.every((at, i) => i === 0 || times[i - 1] <= at) ? 'oldest' : 'none';
	};
	/** What this check learnt of the sorted read (undefined: nothing). */
	let sorted: boolean | undefined;
	/** Whether the sorted read was used. */
	let trusted = false;
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
		const read = await readSorted(open, note, reached, mark?.sorted === undefined, byTime);
		sorted = read.sorted;
		whole = read.read === 'whole';
		trusted = read.read !== undefined;
		if (!trusted) all.clear();
	}
	if (!trusted) {
		any = false;
		whole = true;
		for await (const page of open().pages()) note(page);
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
			// Once the API is seen writing days, the window stays a day wide (an empty answer must not narrow it).
			let day = mark?.day === true;
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
			// A record held back for the next check keeps the window open for it.
			const heldTimes = [...held].map((id) => all.get(id)?.at).filter((at): at is number => at !== undefined);
			const from = Math.min(newest === undefined ? Math.min(start, now) : Math.max(start, newest - width), ...heldTimes);
			const kept = [...nextSeen.entries()].filter(([, at]) => at >= from).sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN);
			// Records without a time: those in the list now (a record gone from it is forgotten); an empty answer forgets nothing.
			const untimedNext = any && whole ? [...untimedNow] : [...new Set([...untimed, ...untimedNow])];
			const next: TimeMark = { from: Number.isFinite(from) ? from : 0, seen: kept, untimed: untimedNext.filter((id) => !held.has(id)).slice(-50_000) };
			if ((sorted ?? mark?.sorted) !== undefined) next.sorted = sorted ?? mark?.sorted;
			if (day) next.day = true;
			return next;
		},
	};
}
