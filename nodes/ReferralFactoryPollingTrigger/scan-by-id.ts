import type { IDataObject } from 'n8n-workflow';

import { settle } from '../ReferralFactory/helpers/settle';
import { FIRST_PAGE, pageRef, refOfQuery, type ListPage, type ListReader, type PageRef } from '../ReferralFactory/transport/pages';
import { idOf, idsOf, isRefusal, orderOf, readSorted, type IdMark, type LegacyIdMark, type OpenList, type Order, type Scan } from './scan';

/** How many pages back a check looks for the floor after records before it were deleted, before it reads from the top. */
const STEPS_BACK = 3;

/** How many IDs of earlier checks the band keeps above the floor. */
export const BAND = 50;


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
	return query ? refOfQuery(query) : FIRST_PAGE;
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

