import { createHash } from 'node:crypto';

/**
 * One event, one key, one start (docs/trigger.md, "Repeated deliveries"): both triggers give every item a
 * `deliveryKey` made of the event, the record it is about and the event's own time, and remember the keys they started
 * lately, so a delivery sent again (n8n users see the same body two or three times, 20–150 ms apart) or a check run
 * again starts nothing. Referral Factory documents no delivery ID (docs/referral-factory-api.md, N4).
 */

/** What an event is about: the record's ID and the event's own time (either may be missing from a delivery). */
export interface Subject {
	id?: unknown;
	at?: unknown;
}

const given = (value: unknown) => value !== undefined && value !== null && String(value).trim() !== '';

/** JSON with object keys in order: equal bodies give equal text whatever order their fields came in. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
		return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

/**
 * `<event>:<record ID>:<the event's time>` (`user.qualified:1042:2026-12-07T10:15:00Z`; the time is empty when the
 * event carries none, the event when the delivery does not name it). A delivery that names no record (a dashboard
 * webhook without its ID field) is known by its whole body instead: `<event>:#<digest>`.
 */
export function deliveryKey(event: string | null, subject: Subject, body: unknown): string {
	const name = event ?? '';
	if (given(subject.id)) return `${name}:${String(subject.id).trim()}:${given(subject.at) ? String(subject.at).trim() : ''}`;
	return `${name}:#${createHash('sha256').update(canonical(body)).digest('hex').slice(0, 24)}`;
}

/**
 * Whether a key names one event for certain: the event, the record and the event's time. A key short of one of them
 * may be shared by two events (a lead's join and qualification from a dashboard webhook that sends neither the event
 * nor a time), so it marks a repeat only for moments (REPEAT_WINDOW_MS.unsure).
 */
export function isSureKey(key: string): boolean {
	return !key.startsWith(':') && !key.includes(':#') && !key.endsWith(':');
}

/** How long a delivery's key marks a copy of it as a repeat: a sure key for minutes, any other for seconds. */
export const REPEAT_WINDOW_MS = { sure: 10 * 60_000, unsure: 5_000 };

export interface RecentLimits {
	/** At most this many triggers (workflow and node) are remembered; the one used longest ago goes first. */
	scopes: number;
	/** At most this many keys per trigger; the oldest go first. */
	keysPerScope: number;
	/** A key is forgotten this long after it was taken, unless it is taken for another time. */
	forMs: number;
}

/**
 * The keys each trigger took lately, in this process: bounded in triggers, keys and time, keyed by workflow and node
 * (no secrets), with no timer (old keys are dropped when the memory is next used).
 */
export class RecentKeys {
	/** By trigger, each key and when it is forgotten. */
	private readonly scopes = new Map<string, Map<string, number>>();

	constructor(readonly limits: RecentLimits) {}

	private keysOf(scope: string): Map<string, number> {
		let keys = this.scopes.get(scope);
		if (keys === undefined) keys = new Map();
		// The trigger used last goes last: the one used longest ago is the first forgotten.
		this.scopes.delete(scope);
		this.scopes.set(scope, keys);
		if (this.scopes.size > this.limits.scopes) this.scopes.delete(this.scopes.keys().next().value!);
		const now = Date.now();
		// Keys are in the order they were taken: the oldest, expired or over the bound, are at the front.
		for (const [key, until] of keys) {
			if (until > now && keys.size <= this.limits.keysPerScope) break;
			keys.delete(key);
		}
		return keys;
	}

	/** Whether this trigger took `key` and has not forgotten it yet (asking remembers nothing new). */
	has(scope: string, key: string): boolean {
		return this.scopes.has(scope) && (this.keysOf(scope).get(key) ?? 0) > Date.now();
	}

	/** Notes that this trigger took `key` now, for `forMs` (the memory's own time unless given). */
	add(scope: string, key: string, forMs = this.limits.forMs): void {
		const keys = this.keysOf(scope);
		keys.delete(key);
		keys.set(key, Date.now() + forMs);
		if (keys.size > this.limits.keysPerScope) keys.delete(keys.keys().next().value!);
	}

	/**
	 * Takes `key` for this trigger: true the first time within `forMs`, false for a repeat. Synchronous, so two
	 * deliveries handled side by side cannot both take it.
	 */
	claim(scope: string, key: string, forMs = this.limits.forMs): boolean {
		if (this.has(scope, key)) return false;
		this.add(scope, key, forMs);
		return true;
	}
}
