/**
 * The rate limiter's memory, in a process that runs for months. These tests use jest's fake clock: 100,000
 * requests under a real one-second window would take minutes of real time, and the limiter's only dependency on
 * time is Date.now and n8n-workflow's sleep (setTimeout), both of which the fake clock serves.
 */
import { limiterCount, limiterFor, limiterKey, RollingWindowLimiter } from '../nodes/ReferralFactory/transport/limiter';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Takes a turn, letting the fake clock run as long as the limiter makes it wait. */
async function take(limiter: RollingWindowLimiter): Promise<() => void> {
	let release: (() => void) | undefined;
	void limiter.acquire().then((granted) => (release = granted));
	for (let spins = 0; release === undefined; spins++) {
		if (spins < 3) await Promise.resolve();
		else await jest.advanceTimersByTimeAsync(100);
	}
	return release;
}

describe('limiter memory stays bounded', () => {
	it('keeps at most 600 finish times across 100,000 requests, even when a credential asks for a million', async () => {
		const limiter = limiterFor(limiterKey('token-a', 'http://127.0.0.1/api/v2'), 'credential-a', 1_000_000, 1_000);
		let most = 0;
		for (let i = 0; i < 100_000; i++) {
			(await take(limiter))();
			most = Math.max(most, limiter.retained);
		}
		expect(limiter.granted).toBe(100_000);
		expect(most).toBeLessThanOrEqual(600);
	});

	it('forgets the limiters of tokens left idle for longer than their window', async () => {
		const before = limiterCount();
		for (let i = 0; i < 10_000; i++) {
			const limiter = limiterFor(limiterKey(`rotated-token-${i}`, 'http://127.0.0.1/api/v2'), `credential-${i}`, 600, 60_000);
			(await take(limiter))();
		}
		expect(limiterCount()).toBe(before + 10_000);
		jest.advanceTimersByTime(61_000);

		limiterFor(limiterKey('one-more-token', 'http://127.0.0.1/api/v2'), 'credential-x', 600, 60_000);

		// The 10,000 are gone; what is left is the new one (and what earlier tests made, on their own clocks).
		expect(limiterCount()).toBeLessThanOrEqual(before + 1);
	});
});

describe('two credentials with one token', () => {
	it('share one limiter, and the stricter limit holds for both', async () => {
		const key = limiterKey('shared-token', 'http://127.0.0.1/api/v2');
		const generous = limiterFor(key, 'credential-generous', 600, 60_000);
		const strict = limiterFor(key, 'credential-strict', 3, 1_000);
		expect(strict).toBe(generous);
		// The generous credential configures last: the strict limit must still hold.
		limiterFor(key, 'credential-generous', 600, 60_000);

		const starts: number[] = [];
		for (let i = 0; i < 9; i++) {
			(await take(generous))();
			starts.push(Date.now());
		}
		for (let i = 3; i < starts.length; i++) expect(starts[i] - starts[i - 3]).toBeGreaterThan(1_000);
	});
});
