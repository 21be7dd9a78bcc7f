/**
 * Pacing that holds when this n8n is not the only client of a token (queue-mode workers, two instances): the
 * limiter takes a smaller share of the credential's limit after the server refuses a request for the rate limit,
 * and grows it back while no refusal comes (adaptive pacing); and when the server says how many requests are left
 * (X-RateLimit-Remaining / -Reset, not documented by Referral Factory), nobody on the token goes past it.
 */
import { RollingWindowLimiter } from '../nodes/ReferralFactory/transport/limiter';
import { addCredential, runReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, customers, useSandbox } from './helpers/setup';

/** Start times of `count` turns on a limiter whose every request takes 10 ms, under jest's fake clock. */
async function startTimes(limiter: RollingWindowLimiter, count: number): Promise<number[]> {
	const starts: number[] = [];
	const turns = Array.from({ length: count }, async () => {
		const release = await limiter.acquire();
		starts.push(Date.now());
		setTimeout(release, 10);
	});
	while (starts.length < count) await jest.advanceTimersByTimeAsync(5);
	await Promise.all(turns);
	return starts;
}

/** How many turns started in each whole window from `from`. */
const perWindow = (starts: number[], from: number, windowMs: number) =>
	starts.reduce<number[]>((counts, start) => {
		const index = Math.floor((start - from) / windowMs);
		counts[index] = (counts[index] ?? 0) + 1;
		return counts;
	}, []);

describe('adaptive pacing in the limiter', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('after a 429 this process takes half its limit, then grows back window by window while none comes', async () => {
		const limiter = new RollingWindowLimiter();
		limiter.configure('credential', 10, 1_000);
		const from = Date.now();
		limiter.throttled();

		// The last window holds what is left of the 120, so only the whole ones are compared.
		const counts = perWindow(await startTimes(limiter, 120), from, 1_000).slice(0, -1);

		expect(counts[0]).toBe(5);
		// Growing back: never fewer than the window before, more every two windows, up to the whole limit and no more.
		counts.slice(1).forEach((count, i) => expect(count).toBeGreaterThanOrEqual(counts[i]));
		counts.slice(2).forEach((count, i) => expect(count).toBeGreaterThan(Math.min(9, counts[i])));
		expect(Math.max(...counts)).toBe(10);
	});

	it('several 429s in one window halve it once', async () => {
		const limiter = new RollingWindowLimiter();
		limiter.configure('credential', 10, 1_000);
		const from = Date.now();
		for (let i = 0; i < 5; i++) limiter.throttled();

		expect(perWindow(await startTimes(limiter, 5), from, 1_000)).toEqual([5]);
	});

	it('with Adaptive Pacing off, a 429 leaves the limit as it is', async () => {
		const limiter = new RollingWindowLimiter();
		limiter.configure('credential', 10, 1_000, false);
		const from = Date.now();
		limiter.throttled();

		expect(perWindow(await startTimes(limiter, 10), from, 1_000)).toEqual([10]);
	});
});

describe('pacing against the sandbox', () => {
	const t = useSandbox();

	it.each([
		[true, 'seconds', 'X-RateLimit-Remaining 0 holds the node until X-RateLimit-Reset (seconds from now): none refused'],
		[true, 'unix', 'X-RateLimit-Remaining 0 holds the node until X-RateLimit-Reset (a Unix time): none refused'],
		[false, 'seconds', 'without those headers the same run is refused'],
	])('headers %s (%s): %s, although the credential allows four times the server', async (headers, rateLimitResetFormat) => {
		await t.client.configure({ rateLimit: 5, rateWindowMs: 1_000, rateLimitHeaders: headers, rateLimitResetFormat, retryAfterHeader: false });
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl, rateLimit: 20, rateLimitWindow: 1, adaptivePacing: false });

		const { items, error } = await runReferralFactoryNode({
			credential,
			parameters: addReferrerParameters({ options: { concurrency: 1, retryFor: 30 } }),
			input: customers(12, headers ? 'with-headers.example.com' : 'without.example.com'),
		});

		expect(error).toBeUndefined();
		expect(items.filter((item) => item.json.error)).toEqual([]);
		const refused = (await t.client.stats()).rateLimited;
		if (headers) expect(refused).toBe(0);
		else expect(refused).toBeGreaterThan(0);
	}, 60_000);
});
