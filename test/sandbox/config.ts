/**
 * The sandbox's switches, faults and counters (see server.ts), and the seeded random generator its chaos uses.
 */

export interface SandboxConfig {
	/** Requests allowed per token in a rolling window (the real API: 600 a minute). */
	rateLimit: number;
	rateWindowMs: number;
	/** Whether a 429 carries a Retry-After header (the real API documents none). */
	retryAfterHeader: boolean;
	/** Whether every answer carries X-RateLimit-Limit, -Remaining and -Reset; none is documented. */
	rateLimitHeaders: boolean;
	/** Retry-After as `seconds` (a number) or an HTTP `date` (RFC 9110 allows both; the API documents neither). */
	retryAfterFormat: 'seconds' | 'date';
	/** X-RateLimit-Reset as `seconds` to the window's next slot, or the `unix` time of it (both are in use elsewhere). */
	rateLimitResetFormat: 'seconds' | 'unix';
	/**
	 * What POST /users does with an e-mail already in the campaign (sources disagree: docs/referral-factory-api.md,
	 * P10). `allow` adds a second user: no source says the API does that, but it shows whether the node itself avoids
	 * duplicates.
	 */
	duplicates: 'return-existing' | 'reject' | 'allow';
	/**
	 * What POST /rewards/issue does with a reward issued already: `refuse` (422) or `allow` (pays it out again). No
	 * source says the API pays twice; `allow` shows whether the node itself never issues twice.
	 */
	reissue: 'refuse' | 'allow';
	/**
	 * `documented`: {code, message, errors:{f:[{field,message}]}}; `plain`: {message, errors:{f:['…']}}
	 * (docs/referral-factory-api.md, A9); `list`: {message, errors:[{field,message}]} (a list at the top, as other APIs
	 * answer; the node reads it too).
	 */
	errorStyle: 'documented' | 'plain' | 'list';
	/**
	 * `full` Laravel envelope; `links` or `meta` only; `simple` (Laravel's simple paginator's `meta` alone: the page and
	 * its size, no page count, no links); `bare` ({data} alone); `list` (the records as a JSON list, no
	 * object around them), so every way to find a list's end, and every place its records may be, is tested.
	 */
	envelope: 'full' | 'links' | 'meta' | 'simple' | 'bare' | 'list';
	/**
	 * How a list pages (the reference says to follow `links.next`, "cursor-style pagination": docs/referral-factory-api.md,
	 * A6): by `pages` (Laravel's length-aware paginator: `page` honoured, `meta.last_page`) or by `cursor` (Laravel's
	 * cursor paginator: `page` ignored, an opaque `cursor` in `links.next` and `meta.next_cursor`, no page count).
	 */
	pagination: 'pages' | 'cursor';
	/**
	 * The most records a page holds, whatever `per_page` asks for up to 250 (INFERRED possible: the reference documents
	 * 250 as the maximum, not that every list serves it; A7). `meta.per_page` says what was served.
	 */
	maxPerPage: number;
	/**
	 * Search filters on these fields are dropped, as an API that does not apply them would (INFERRED:
	 * docs/referral-factory-api.md, P6).
	 */
	searchIgnores: string[];
	/**
	 * The order of a list's and a search's records: `oldest` first (by ID, as Laravel lists without an order, INFERRED:
	 * docs/referral-factory-api.md, A12), `newest` first, or `scrambled` (in neither order: a fixed shuffle by ID, as a
	 * table read without an order may come). The polling trigger must find what is new every way.
	 */
	listOrder: 'oldest' | 'newest' | 'scrambled';
	/**
	 * What a search does with `sort: [{field, direction}]` in its body (the reference says lists can be ordered, not how:
	 * docs/referral-factory-api.md, A14): `ignored` (as Laravel ignores a key it does not validate), `refused` (a 422), or
	 * `honoured` (the records in that order, nulls last).
	 */
	sorting: 'ignored' | 'refused' | 'honoured';
	/**
	 * What `with=user.analytics` / `with=campaign.analytics` give (docs/referral-factory-api.md, P15): the figures as
	 * `numbers`, as `text` (the user structure documents `reach` as a string), or nothing (`absent`).
	 */
	analytics: 'numbers' | 'text' | 'absent';
	/** How many campaigns the store holds after a reset (30: two pages of 25). */
	campaignCount: number;
	/**
	 * How dates are written (the sources disagree: docs/referral-factory-api.md, A11): `date` 2024-12-27 (the API
	 * reference's example), `iso` with the time and zone (Laravel's JSON default, 2024-12-27T10:15:00.000000Z), `local`
	 * with the time but no zone (2024-12-27 10:15:00).
	 */
	dateFormat: 'date' | 'iso' | 'local';
	/**
	 * How a person's qualification is shown (docs/referral-factory-api.md, P3): v2's `qualified_at` (a date or null),
	 * or v1's `qualified` as a boolean or as 1/0 (without `qualified_at`).
	 */
	qualifiedForm: 'qualified_at' | 'boolean' | 'number';
	/** Added to the sandbox's clock when it stamps a record: a server clock off from n8n's, or records made in the past. */
	clockOffsetMs: number;
	/**
	 * How a registered delivery is laid out (no schema is published: docs/referral-factory-api.md, N4): the person
	 * `flat` beside `event`, under `data` or `user`, or the whole delivery in a one-entry `list`.
	 */
	deliveryShape: 'flat' | 'data' | 'user' | 'list';
	/** A lead's referrer in a delivery: only `referrer_id`, an `object` (the referrer's record, no `referrer_id`), or `flat` referrer_* fields. */
	deliveryReferrer: 'id' | 'object' | 'flat';
	/** The field that names the event (`event`, `event_name`, `trigger`), or `none`. */
	deliveryEvent: 'event' | 'event_name' | 'trigger' | 'none';
	/**
	 * How many times each delivery is sent (the copies 40 ms apart): what n8n users see from webhook senders, one
	 * delivery two or three times within 150 ms (no delivery ID is published: docs/referral-factory-api.md, N4).
	 */
	deliveryCopies: number;
	/**
	 * A campaign field's `id` (a string whose form is not published: docs/referral-factory-api.md, C3): a `slug` of its
	 * label (`last_name`), or `opaque` (`cf_301`), unlike the label in every way.
	 */
	fieldIds: 'slug' | 'opaque';
	/**
	 * What POST /rewards/issue answers (not published: docs/referral-factory-api.md, R5): the issued `reward` under
	 * `data`, or a `message` alone.
	 */
	rewardAnswer: 'reward' | 'message';
	/**
	 * How long POST /rewards/issue takes (a payout provider such as Tremendous or Stripe at work: docs/referral-factory-api.md,
	 * R7), in ms. The reward is checked when the request arrives and stays due until the time is up, then it is
	 * issued and paid — also when the client gave up waiting, and also when another request issued it meanwhile (a
	 * second request sent while the first is in progress pays twice). 0: at once.
	 */
	issueTakesMs: number;
	/**
	 * Whether a reward record names its recipient by `recipient_id` only (the documented fields:
	 * docs/referral-factory-api.md, R2, R3), or also carries them as an object under `recipient` or `user` (INFERRED
	 * possible: the node reads the name and email from there instead of asking for the person).
	 */
	rewardRecipient: 'id' | 'recipient' | 'user';
	/**
	 * How the n8n endpoints answer (not published: docs/referral-factory-api.md, N1–N3): `webhook` ({webhook: {id}},
	 * the vendor's node reads that; qualify {message, user}; a list {sources: [...]}), `data` ({data: {id}}; qualify
	 * {data}; a list {data: [...]}), or `bare` ({id}; qualify the user itself; a list the array itself).
	 */
	n8nAnswer: 'webhook' | 'data' | 'bare';
	/** Delay before every API answer, in milliseconds. */
	latencyMs: number;
	/** Random faults on API requests, from a seeded generator so a run can be repeated; rates are 0…1. */
	chaos: Chaos | null;
}

export interface Chaos {
	seed: number;
	/** 5xx before any work is done. */
	errorBefore?: number;
	/** The work is done (a user is created), then a 5xx is answered instead. */
	errorAfter?: number;
	/** The work is done, then the connection is dropped without an answer. */
	dropAfter?: number;
	/** The work is done, then the answer is held for `stallMs` (longer than the client waits). */
	stallAfter?: number;
	stallMs?: number;
	/** An extra delay of `spikeMs` before answering. */
	spike?: number;
	spikeMs?: number;
}

export interface SandboxStats {
	/** API requests received (with a valid token). */
	requests: number;
	/** Of those, refused with 429 for going over the rate limit. */
	rateLimited: number;
	/** Faults injected, by kind. */
	faults: Record<string, number>;
	/** The most API requests that were being handled at the same time. */
	maxInFlight: number;
}

export interface Fault {
	method?: string;
	/** The API path (after /api/v2) must start with this. */
	path?: string;
	/** The status to answer (default 500); not used with `drop`. */
	status?: number;
	body?: unknown;
	/** The answer's body as text, not JSON (a proxy's HTML page, a blank line), with this content type (`text/html`). */
	text?: { body: string; contentType?: string };
	/** `before` (default): instead of doing the work; `after`: the work is done, then this happens instead of the answer. */
	when?: 'before' | 'after';
	/** Drop the connection without an answer. */
	drop?: boolean;
	/** Hold the answer this long first. */
	stallMs?: number;
	/** Put the request's Authorization header into the answer's message, as a debugging proxy might. */
	echoAuthorization?: boolean;
	/** Send a Retry-After header (seconds) with the answer. */
	retryAfter?: number;
	/** How many matching requests get this; then the fault is gone. */
	times: number;
	/** How many matching requests pass untouched before the fault starts (the second add of a run, say). */
	skip?: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	status: number;
	at: number;
}

export const DEFAULT_TOKEN = 'rf_sandbox_token_0123456789abcdef';

export const DEFAULT_CONFIG: SandboxConfig = {
	rateLimit: 600,
	rateWindowMs: 60_000,
	retryAfterHeader: true,
	rateLimitHeaders: false,
	retryAfterFormat: 'seconds',
	rateLimitResetFormat: 'seconds',
	duplicates: 'return-existing',
	reissue: 'refuse',
	errorStyle: 'documented',
	envelope: 'full',
	pagination: 'pages',
	maxPerPage: 250,
	searchIgnores: [],
	listOrder: 'oldest',
	sorting: 'ignored',
	analytics: 'numbers',
	campaignCount: 30,
	dateFormat: 'date',
	clockOffsetMs: 0,
	qualifiedForm: 'qualified_at',
	fieldIds: 'slug',
	rewardAnswer: 'reward',
	issueTakesMs: 0,
	rewardRecipient: 'id',
	n8nAnswer: 'webhook',
	deliveryShape: 'flat',
	deliveryReferrer: 'id',
	deliveryEvent: 'event',
	deliveryCopies: 1,
	latencyMs: 0,
	chaos: null,
};



/** A small seeded random generator, so a chaos run can be repeated exactly. */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

