import { createHash } from 'node:crypto';

import { ManualExecutionCancelledError } from 'n8n-workflow';

import { sleepFor } from './sleep';

/**
 * The most requests per window a credential may set: Referral Factory allows 600 calls a minute per token
 * (docs/referral-factory-api.md, A2), and the limiter keeps one finish time per request it may still need, so
 * this also bounds its memory.
 */
export const MAX_RATE_LIMIT = 600;
const MAX_WINDOW_MS = 3_600_000;
// Credentials (by id) that share one token and host; each brings its own limit, and all of them hold.
const MAX_RULES = 16;

interface Rule {
	limit: number;
	windowMs: number;
	/** When a run last configured it. */
	seen: number;
}

// Adaptive pacing: never below a tenth of the limit; back up by a twentieth of it for every window without a 429.
const MIN_SHARE = 0.1;
const ADDITIVE_STEP = 0.05;

// A credential that no run has used for this long (or longer than its window) no longer speaks for the token:
// it may have been edited or deleted.
const RULE_TTL_MS = 600_000;

interface Waiter {
	grant: (release: () => void) => void;
	cancel: () => void;
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, Math.floor(value)));
}

/**
 * Keeps every rolling window of `windowMs` to at most `limit` requests *as the server counts them*: Referral
 * Factory allows 600 calls a minute per token and may block the IP of clients that go over
 * (docs/referral-factory-api.md, A2).
 *
 * The server counts a request when it arrives, which is somewhere between the moment it was sent and the moment
 * its answer came back. So request k may start only once every request up to k − limit has finished, and a whole
 * window after the last of them finished. Then no limit + 1 requests can arrive within one window, however the
 * network or the event loop delays them. The price is one round trip per window.
 *
 * What it keeps is what that rule needs: the finish times of the last `limit` requests (Infinity while one runs),
 * never more than MAX_RATE_LIMIT numbers. Turns are granted first come, first served; a waiter whose execution is
 * stopped leaves the queue at once and takes no turn.
 */
export class RollingWindowLimiter {
	/** Finish times of the most recent requests, oldest first; Infinity while a request runs. */
	private readonly ends: number[] = [];

	/** The sequence number of ends[0]. */
	private firstSeq = 0;

	private readonly rules = new Map<string, Rule>();

	private readonly waiting: Waiter[] = [];

	private pausedUntil = 0;

	private lastActive = Date.now();

	private pumping = false;

	/** Aborted to wake the queue when something changes (a request finished, the last waiter left). */
	private wake?: AbortController;

	/** Turns granted since the limiter was made. */
	granted = 0;

	/**
	 * Adaptive pacing: the share of each rule's limit this process uses now. Several processes on one token (queue
	 * mode workers, two n8n instances) each pace themselves alone; when the server says the token is over its limit
	 * although this process is under its own, the share halves (multiplicative decrease, at most once a window),
	 * then grows back by a twentieth of the limit for every whole window without a 429 (additive increase), so that
	 * uncoordinated processes settle under the server's limit instead of hitting it every window. (Measured with two
	 * clients of one token, each set to the server's whole limit of 10 a second, 100 adds: 18 refused without it,
	 * 8 with it; a tenth per window gave 11.)
	 */
	private share = 1;

	private shareSince = 0;

	private adaptive = true;

	/**
	 * Sets the limit a credential asks for. Several credentials may share a token: each one's limit holds, so the
	 * strictest wins. The source is the credential's id, never its secret.
	 */
	configure(source: string, limit: number, windowMs: number, adaptive = true): void {
		this.adaptive = adaptive;
		if (!adaptive) this.share = 1;
		const now = Date.now();
		for (const [other, rule] of this.rules) {
			if (now - rule.seen > Math.max(RULE_TTL_MS, rule.windowMs)) this.rules.delete(other);
		}
		this.rules.delete(source);
		this.rules.set(source, { limit: clamp(limit, 1, MAX_RATE_LIMIT), windowMs: clamp(windowMs, 1_000, MAX_WINDOW_MS), seen: now });
		// Oldest first in a Map: forget the credential configured longest ago.
		if (this.rules.size > MAX_RULES) this.rules.delete(this.rules.keys().next().value as string);
	}

	/** How many finish times are kept. */
	get retained(): number {
		return this.ends.length;
	}

	/** Whether the limiter is waiting for a turn to come free (a window to pass, a request to finish): a timer may be running. */
	get pacing(): boolean {
		return this.wake !== undefined;
	}

	/** How many callers wait for a turn. */
	get queued(): number {
		return this.waiting.length;
	}

	/** Nothing waits or runs, and the last request finished longer than the longest window ago. */
	isIdle(now = Date.now()): boolean {
		if (this.waiting.length > 0 || this.ends.includes(Infinity)) return false;
		return now > Math.max(this.pausedUntil, this.lastActive + this.longestWindow());
	}

	/** After a 429, or a server that says none are left: nobody on this token starts a request before `until`. */
	pause(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	/** The share of its limit each rule allows now (1 unless adaptive pacing has lowered it). */
	currentShare(now = Date.now()): number {
		if (this.share >= 1) return 1;
		const windows = Math.floor((now - this.shareSince) / Math.max(1, this.longestWindow()));
		return Math.min(1, this.share + ADDITIVE_STEP * windows);
	}

	/** The server refused a request for the rate limit: halve this process's share (once a window). */
	throttled(now = Date.now()): void {
		if (!this.adaptive) return;
		if (this.share < 1 && now - this.shareSince < this.longestWindow()) return;
		this.share = Math.max(MIN_SHARE, this.currentShare(now) / 2);
		this.shareSince = now;
		this.wake?.abort();
	}

	/**
	 * Waits for this request's turn; call the returned function when the request has finished, whatever happened.
	 * Rejects with n8n's cancellation error, taking no turn, when `signal` aborts first.
	 */
	async acquire(signal?: AbortSignal): Promise<() => void> {
		if (signal?.aborted) throw new ManualExecutionCancelledError('');
		return await new Promise<() => void>((resolve, reject) => {
			const onAbort = () => {
				const index = this.waiting.indexOf(waiter);
				if (index >= 0) this.waiting.splice(index, 1);
				if (this.waiting.length === 0) this.wake?.abort();
				reject(new ManualExecutionCancelledError(''));
			};
			const waiter: Waiter = {
				grant: (release) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(release);
				},
				cancel: onAbort,
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.waiting.push(waiter);
			void this.pump();
		});
	}

	private longestWindow(): number {
		let longest = 0;
		for (const rule of this.rules.values()) longest = Math.max(longest, rule.windowMs);
		return longest;
	}

	/** 0 when the next request may start now, Infinity while it must wait for a running one, else milliseconds. */
	private delay(now: number): number {
		let ready = this.pausedUntil;
		const count = this.ends.length;
		const share = this.currentShare(now);
		for (const rule of this.rules.values()) {
			const { windowMs } = rule;
			const limit = Math.max(1, Math.floor(rule.limit * share));
			for (let i = 0; i <= count - limit; i++) {
				const end = this.ends[i];
				if (end === Infinity) return Infinity;
				// One millisecond over the window: a server that counts `arrival > now - window` never sees the edge.
				ready = Math.max(ready, end + windowMs + 1);
			}
		}
		return Math.max(0, ready - now);
	}

	private grant(waiter: Waiter): void {
		const seq = this.firstSeq + this.ends.length;
		this.ends.push(Infinity);
		this.granted++;
		// Every rule checked the oldest entries for this turn, and later turns start later: entries beyond the
		// largest limit are never needed again. A running one stays until it finishes.
		let keep = 0;
		for (const rule of this.rules.values()) keep = Math.max(keep, rule.limit);
		while (this.ends.length > keep && this.ends[0] !== Infinity) {
			this.ends.shift();
			this.firstSeq++;
		}
		let released = false;
		waiter.grant(() => {
			if (released) return;
			released = true;
			const index = seq - this.firstSeq;
			this.lastActive = Date.now();
			if (index >= 0 && index < this.ends.length) this.ends[index] = this.lastActive;
			this.wake?.abort();
		});
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				const wait = this.delay(Date.now());
				if (wait === 0) {
					this.grant(this.waiting.shift()!);
					continue;
				}
				const wake = (this.wake = new AbortController());
				await new Promise<void>((resolve) => {
					wake.signal.addEventListener('abort', () => resolve(), { once: true });
					if (wait !== Infinity) sleepFor(wait, wake.signal).then(resolve, () => undefined);
				});
				this.wake = undefined;
			}
		} finally {
			this.pumping = false;
		}
	}
}

// One limiter per token and host, for the whole n8n process. The key is a hash: the token itself is never kept.
const limiters = new Map<string, RollingWindowLimiter>();
let lastSweep = 0;

export function limiterKey(token: string, baseUrl: string): string {
	return createHash('sha256').update(`${baseUrl}\n${token}`).digest('hex');
}

/**
 * The limiter for a token and host, configured with one credential's limit. Limiters left idle for longer than
 * their window are dropped first (a fresh one is just as safe then), so rotated or one-off tokens leave nothing.
 */
export function limiterFor(key: string, source: string, limit: number, windowMs: number, adaptive = true): RollingWindowLimiter {
	const now = Date.now();
	// At most once a second: the sweep looks at every limiter, and runs start far more often than that.
	if (now - lastSweep >= 1_000) {
		lastSweep = now;
		for (const [other, limiter] of limiters) {
			if (other !== key && limiter.isIdle(now)) limiters.delete(other);
		}
	}
	let limiter = limiters.get(key);
	if (limiter === undefined || limiter.isIdle(now)) {
		limiter = new RollingWindowLimiter();
		limiters.set(key, limiter);
	}
	limiter.configure(source, limit, windowMs, adaptive);
	return limiter;
}

/** How many limiters the process keeps (for tests and diagnostics). */
export function limiterCount(): number {
	return limiters.size;
}

/** The limiter kept for a key, if any, without creating or configuring one (for tests and diagnostics). */
export function existingLimiter(key: string): RollingWindowLimiter | undefined {
	return limiters.get(key);
}
