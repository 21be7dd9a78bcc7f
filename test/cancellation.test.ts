import { ExecutionCancelledError, sleep } from 'n8n-workflow';

import { ApiClient, isAmbiguous } from '../nodes/ReferralFactory/transport';
import { existingLimiter, limiterKey } from '../nodes/ReferralFactory/transport/limiter';
import { addCredential, startReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, customers, useSandbox } from './helpers/setup';
import { startInEngine } from './helpers/transport-node';

const t = useSandbox();

describe('a stopped execution stops', () => {
	it('sends nothing after the stop, starts no new item, and leaves no limiter turn behind', async () => {
		// Slow answers and a small limit: at the stop, requests are in flight and items wait for the limiter.
		await t.client.configure({ latencyMs: 300 });
		const token = t.sandbox.token;
		const credential = addCredential({ accessToken: token, baseUrl: t.sandbox.baseUrl, rateLimit: 5, rateLimitWindow: 1 });
		const input = customers(40);

		const { stop, finished } = startReferralFactoryNode({ credential, parameters: addReferrerParameters(), input });
		while ((await t.client.stats()).requests < 7) await sleep(20);
		const limiter = existingLimiter(limiterKey(token, t.sandbox.baseUrl))!;
		stop();
		const stoppedAt = Date.now();
		const grantedAtStop = limiter.granted;
		const run = await finished;
		// Longer than the rate window and the first backoffs: whatever was still going would have gone by now.
		await sleep(2_500);

		const requests = await t.client.requests();
		expect(requests.length).toBeGreaterThanOrEqual(7);
		expect(requests.length).toBeLessThanOrEqual(grantedAtStop);
		expect(requests.filter((r) => r.at > stoppedAt + 50)).toEqual([]);
		// The aborted adds were neither retried nor looked up as if the network had failed.
		expect(requests.filter((r) => r.path === '/api/v2/users/search')).toEqual([]);
		expect(limiter.granted).toBe(grantedAtStop);
		expect(limiter.queued).toBe(0);
		expect((await t.client.users()).length).toBeLessThan(input.length);
		expect(run.items).toEqual([]);
	});

	it('a run after the stop on the same token is not held up by the stopped one', async () => {
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: t.sandbox.baseUrl, rateLimit: 5, rateLimitWindow: 1 });
		await t.client.configure({ latencyMs: 300 });
		const first = startReferralFactoryNode({ credential, parameters: addReferrerParameters(), input: customers(30, 'a.example.com') });
		while ((await t.client.stats()).requests < 3) await sleep(20);
		first.stop();
		await first.finished;
		await sleep(1_100);
		await t.client.configure({ latencyMs: 0 });
		const started = Date.now();

		const { finished } = startReferralFactoryNode({ credential, parameters: addReferrerParameters(), input: customers(3, 'b.example.com') });
		const second = await finished;

		expect(second.error).toBeUndefined();
		expect(second.items).toHaveLength(3);
		// The 27 items the stopped run never sent took no turns: three requests fit in the window at once.
		expect(Date.now() - started).toBeLessThan(1_000);
	});
});

/** Resolves with the run, or fails if it is still going after `ms` (the wait it was in was not ended). */
async function endsWithin<T>(finished: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`the run was still going ${ms} ms after the stop`)), ms);
	});
	try {
		return await Promise.race([finished, late]);
	} finally {
		clearTimeout(timer);
	}
}

/*
 * Each place a run waits, stopped on its own: the wait ends at once, nothing more is sent, and no timer is left
 * behind. Each on a sandbox of its own (so a limiter of its own): a 429 holds back its token for the whole
 * Retry-After, and a one-a-window limit for the whole window.
 */
describe("a stop ends the wait a 429's Retry-After asks for", () => {
	const s = useSandbox();

	it('a 30 s Retry-After: over at the stop, and nothing sent after it', async () => {
		await s.client.addFault({ status: 429, retryAfter: 30, path: '/users', method: 'POST', times: 1 });
		const credential = addCredential({ accessToken: s.sandbox.token, baseUrl: s.sandbox.baseUrl });
		const { stop, finished } = startReferralFactoryNode({ credential, parameters: addReferrerParameters({ options: { retryFor: 120 } }), input: customers(1) });
		while (!(await s.client.requests()).some((r) => r.status === 429)) await sleep(20);

		stop();
		const stoppedAt = Date.now();
		const run = await endsWithin(finished, 5_000);

		expect(run.items).toEqual([]);
		expect((await s.client.requests()).filter((r) => r.at > stoppedAt)).toEqual([]);
	});
});

describe("a stop ends the waits for the token's next window", () => {
	const s = useSandbox();

	it('one request per 30 s, three items: the two queued end at the stop, and so does the limiter\'s pacing wait', async () => {
		const credential = addCredential({ accessToken: s.sandbox.token, baseUrl: s.sandbox.baseUrl, rateLimit: 1, rateLimitWindow: 30 });
		const { stop, finished } = startReferralFactoryNode({ credential, parameters: addReferrerParameters({ options: { concurrency: 3 } }), input: customers(3, 'queued.example.com') });
		while ((await s.client.requests()).length < 1) await sleep(20);
		const limiter = existingLimiter(limiterKey(s.sandbox.token, s.sandbox.baseUrl))!;
		while (limiter.queued < 2 || !limiter.pacing) await sleep(10);

		stop();
		await endsWithin(finished, 5_000);

		expect(limiter.queued).toBe(0);
		expect(await s.client.requests()).toHaveLength(1);
		// Nobody waits, so the limiter's own wait for the window (a timer) is over too.
		expect(limiter.pacing).toBe(false);
	});
});

describe('a stop ends a request in flight, as a stop and not as a lost answer', () => {
	const s = useSandbox();

	it("the API client's own check: an add whose answer the stop cut off ends with n8n's cancellation, not a network failure to look up", async () => {
		await s.client.configure({ latencyMs: 1_000 });
		const credential = addCredential({ accessToken: s.sandbox.token, baseUrl: s.sandbox.baseUrl });
		let failure: unknown;
		const { stop, finished } = startInEngine(credential, async (context) => {
			const client = await ApiClient.create(context);
			await client.request('POST', '/users', { body: { campaign_id: 1, first_name: 'Ann', email: 'ann@example.com' }, idempotent: false }).catch((error: unknown) => (failure = error));
			return [];
		});
		while ((await s.client.requests()).length === 0) await sleep(20);

		stop();
		await endsWithin(finished, 5_000);

		expect(failure).toBeInstanceOf(ExecutionCancelledError);
		expect(isAmbiguous(failure)).toBe(false);
	});
});
