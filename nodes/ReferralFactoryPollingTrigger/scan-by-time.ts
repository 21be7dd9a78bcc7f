import type { IDataObject } from 'n8n-workflow';

import type { ListPage } from '../ReferralFactory/transport/pages';
import { idOf, idsOf, isDay, readSorted, timeOf, type OpenList, type Order, type Scan, type TimeMark } from './scan';

/** How far before the latest time seen records are still looked for: a check's length, and a clock an hour back. */
export const WINDOW_MS = 2 * 3_600_000;

/** The window when the API writes a day without a time (A11): yesterday's last record may be read after today's first. */
export const DAY_WINDOW_MS = 26 * 3_600_000;

/** How far ahead of n8n's clock a time may be and still be believed: the farthest time zone (UTC+14) and an hour. */
export const FUTURE_MS = 15 * 3_600_000;

/** The most records a time mark keeps (a bound on the static data whatever the API answers). */
export const MAX_SEEN = 50_000;


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

