/** The client's pure helpers: URLs, answers and waits between attempts. */

/** Builds a path from raw segments, encoding each one so user input can never change the route. */
export function apiPath(...segments: Array<string | number>): string {
	return segments.map((segment) => `/${encodeURIComponent(String(segment))}`).join('');
}

/**
 * The base URL of Referral Factory's n8n endpoints (`https://referral-factory.com/api/n8n`,
 * docs/referral-factory-api.md, N1; the vendor's own node calls them): the credential's Base URL with its `/api/v2`
 * replaced by `/api/n8n`. A Base URL without an `/api/v…` ending (a proxy, say) gets `/api/n8n` appended (INFERRED: no
 * other layout is known).
 */
export function surfaceUrl(baseUrl: string, surface: 'n8n'): string {
	return `${baseUrl.replace(/\/api\/v\d+$/i, '')}/api/${surface}`;
}

/** The answer's body as JSON when it is JSON text; anything else as it came. */
export function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const text = body.trim();
	if (!text) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return body;
	}
}

/**
 * Retry-After is seconds or an HTTP date (RFC 9110); the API documents neither, so both are read. Header names come in
 * lower case (Node's HTTP client).
 */
export function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
	const value = String(headers?.['retry-after'] ?? '').trim();
	if (value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 15 s, each between half and all of that. */
export function backoffMs(attempt: number): number {
	const ceiling = Math.min(15_000, 500 * 2 ** attempt);
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * When the answer says the token has no requests left in this window (`X-RateLimit-Remaining: 0`), the time its
 * window resets (`X-RateLimit-Reset`: seconds from now, or a Unix time in seconds when it is that large). Referral
 * Factory documents neither header (their absence is the normal case); both readings of Reset are in use elsewhere.
 */
export function exhaustedUntil(headers: Record<string, unknown> | undefined, now = Date.now()): number | undefined {
	// Header names come in lower case (Node's HTTP client); an empty or unreadable value says nothing.
	const remaining = String(headers?.['x-ratelimit-remaining'] ?? '').trim();
	const reset = Number(headers?.['x-ratelimit-reset']);
	if (remaining === '' || !(Number(remaining) <= 0)) return undefined;
	if (!(reset > 0) || !Number.isFinite(reset)) return undefined;
	return reset > 1e9 ? reset * 1000 : now + reset * 1000;
}
