import { createHash } from 'node:crypto';

import { sleep } from 'n8n-workflow';

interface InFlight {
	/** When the request finished (answer, failure or timeout); Infinity while it runs. */
	end: number;
	done: Promise<void>;
	finish: () => void;
}

/**
 * Keeps every rolling window of `windowMs` to at most `limit` requests *as the server counts them*: Referral
 * Factory allows 600 calls a minute per token and may block the IP of clients that go over
 * (shared/referral-factory-api.md §2).
 *
 * The server counts a request when it arrives, which is somewhere between the moment it was sent and the moment
 * its answer came back. So request k may start only once every request up to k − limit has finished, and a whole
 * window after the last of them finished. Then no limit + 1 requests can arrive within one window, however the
 * network or the event loop delays them. The price is one round trip per window.
 *
 * Turns are taken in order through a promise chain, so concurrent callers (items sent in parallel, several
 * executions in one n8n process) queue fairly instead of racing.
 */
export class RollingWindowLimiter {
	/** The most recent requests, at most `limit` of them. */
	private readonly recent: InFlight[] = [];

	private pausedUntil = 0;

	private queue: Promise<unknown> = Promise.resolve();

	constructor(
		private limit: number,
		private windowMs: number,
	) {}

	configure(limit: number, windowMs: number): void {
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** After a 429: nobody on this token starts a request before `until`. */
	pause(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	/** Waits for this request's turn; call the returned function when the request has finished, whatever happened. */
	async acquire(): Promise<() => void> {
		const turn = this.queue.then(async () => await this.takeTurn());
		this.queue = turn.catch(() => undefined);
		const entry = await turn;
		return entry.finish;
	}

	private async takeTurn(): Promise<InFlight> {
		// Requests k − limit and older must have finished a window ago. Those older than what `recent` holds were
		// waited for by an earlier turn, and turns start in order, so this start is already late enough for them.
		let ready = 0;
		const due = this.recent.length >= this.limit ? this.recent.splice(0, this.recent.length - this.limit + 1) : [];
		for (const entry of due) {
			await entry.done;
			// One millisecond over the window: a server that counts `arrival > now - window` never sees the edge.
			ready = Math.max(ready, entry.end + this.windowMs + 1);
		}
		for (;;) {
			const until = Math.max(ready, this.pausedUntil);
			const now = Date.now();
			if (until <= now) break;
			await sleep(until - now);
		}
		let finish = () => {};
		const entry: InFlight = {
			end: Infinity,
			done: new Promise<void>((resolve) => (finish = resolve)),
			finish: () => {
				if (entry.end === Infinity) entry.end = Date.now();
				finish();
			},
		};
		this.recent.push(entry);
		return entry;
	}
}

// One limiter per token and host, for the whole n8n process. The key is a hash: the token itself is never kept.
const limiters = new Map<string, RollingWindowLimiter>();

export function limiterKey(token: string, baseUrl: string): string {
	return createHash('sha256').update(`${baseUrl}\n${token}`).digest('hex');
}

export function limiterFor(key: string, limit: number, windowMs: number): RollingWindowLimiter {
	let limiter = limiters.get(key);
	if (limiter === undefined) {
		limiter = new RollingWindowLimiter(limit, windowMs);
		limiters.set(key, limiter);
	} else {
		limiter.configure(limit, windowMs);
	}
	return limiter;
}
