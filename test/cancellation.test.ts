import { sleep } from 'n8n-workflow';

import { existingLimiter, limiterKey } from '../nodes/ReferralFactory/transport/limiter';
import { addCredential, startReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, customers, useSandbox } from './helpers/setup';

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
