/**
 * Hundreds of Add Referrer items against a sandbox that fails in every way the real service has been seen to (or
 * may): 5xx before the work, 5xx and dropped connections after the person was added, answers slower than the
 * node's timeout, latency spikes, and a rate limit. Scaled down (a 1-second rate window, sub-second timeouts) so
 * it runs in seconds; the faults come from a seeded generator, so a failure can be replayed.
 *
 * What must hold: every input item ends as a referrer or as an error item that says why (0 lost), every email is
 * in the campaign exactly once (0 duplicates), and the sandbox never refused a request for the rate limit
 * (0 over the limit).
 */
import { runReferralFactoryNode, shutdownEngine } from './helpers/engine';
import { faultConfig, faultCredential } from './helpers/faults';
import { SandboxClient } from './helpers/sandbox-client';
import { startSandboxProcess, type SandboxProcess } from './helpers/sandbox-process';
import { addReferrerParameters, customers } from './helpers/setup';

const ITEMS = 300;

let sandbox: SandboxProcess;
let client: SandboxClient;

beforeAll(async () => {
	sandbox = await startSandboxProcess('rf_fault_suite_token');
	client = new SandboxClient(sandbox.url, sandbox.token);
	// One small run first, so the engine's first-time work is not inside the measured run. Same limit as the runs:
	// a credential with another limit on the same token would add its own (the stricter holds).
	await runReferralFactoryNode({
		credential: faultCredential(sandbox),
		parameters: addReferrerParameters(),
		input: customers(3, 'warm-up.example.com'),
	});
}, 60_000);
beforeEach(async () => {
	await client.reset();
});
afterAll(async () => {
	await sandbox?.stop();
	shutdownEngine();
});


describe('fault suite', () => {
	// `allow`: a sandbox that would add the same email twice, so only the node stands between a retry and a
	// duplicate. The other two are the API's two documented answers to a repeated email.
	it.each([
		{ seed: 1, duplicates: 'allow', ifExists: 'updateFields' },
		{ seed: 2, duplicates: 'return-existing', ifExists: 'returnExisting' },
		{ seed: 3, duplicates: 'reject', ifExists: 'returnExisting' },
	])(`${ITEMS} items under mixed faults (seed $seed, API duplicates: $duplicates, If Referrer Exists: $ifExists): 0 lost, 0 duplicates, 0 over the limit`, async ({ seed, duplicates, ifExists }) => {
		const input = customers(ITEMS, `seed${seed}.example.com`);
		// A few people are already referrers: a re-run must hand them back, not add them again.
		for (const customer of input.slice(0, 10)) {
			await client.createUser({ campaign_id: 1, first_name: customer.firstName, email: customer.email });
		}
		await client.configure(faultConfig(seed, { duplicates }));
		const credential = faultCredential(sandbox);

		const { items, error } = await runReferralFactoryNode({
			credential,
			parameters: addReferrerParameters({ ifExists, options: { concurrency: 5, timeout: 0.5, retryFor: 30 } }),
			input,
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		// 0 lost: one output per input, paired with it, each a referrer for that email or an error that says why.
		expect(items).toHaveLength(ITEMS);
		const stored = await client.users();
		const byEmail = new Map(stored.map((user) => [user.email, user]));
		let added = 0;
		items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			if (item.json.error) {
				expect(String(item.json.error)).toMatch(new RegExp(`\\[item ${i}\\]$`));
				return;
			}
			added++;
			const user = byEmail.get(input[i].email);
			expect(user).toBeDefined();
			expect(item.json).toMatchObject({ email: input[i].email, id: user!.id, referralCode: user!.code, referralLink: user!.url });
		});
		// With 30 seconds to retry, every item gets through these faults.
		expect(added).toBe(ITEMS);

		// 0 duplicates: every email once, and nobody who was not in the input.
		const seen = new Map<string, number>();
		for (const user of stored) seen.set(user.email, (seen.get(user.email) ?? 0) + 1);
		expect([...seen].filter(([, times]) => times > 1).map(([email, times]) => `${email} ×${times}`)).toEqual([]);
		expect(stored).toHaveLength(ITEMS);
		expect(stored.every((u) => u.email.endsWith(`@seed${seed}.example.com`))).toBe(true);

		// 0 over the limit, and the faults really happened.
		const stats = await client.stats();
		expect(stats.rateLimited).toBe(0);
		for (const kind of ['errorBefore', 'errorAfter', 'dropAfter', 'stallAfter', 'spike']) {
			expect(stats.faults[kind]).toBeGreaterThan(3);
		}
	}, 60_000);
});
