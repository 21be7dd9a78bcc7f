import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Lead → Qualify', () => {
	let lead: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		const nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });
		await t.client.clearRequests();
	});

	it.each([
		['referral code', () => ({ leadId: { __rl: true, mode: 'code', value: lead.code } }), (): string => `GET /api/v2/users/${lead.code}`],
		['ID', () => ({ leadId: { __rl: true, mode: 'id', value: String(lead.id) } }), (): string => `GET /api/v2/users/${lead.id}`],
		[
			'email within a campaign',
			() => ({ leadId: { __rl: true, mode: 'email', value: 'lea@example.com' }, campaignId: { __rl: true, mode: 'id', value: '1' } }),
			(): string => 'POST /api/v2/users/search',
		],
	])('reads the lead given by %s, then qualifies it, by the ID read, with one PUT /users/qualification', async (_how, values, read) => {
		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('lead', 'qualify', values()), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: lead.id, qualified: true, outcome: 'qualified' });
		const requests = await t.client.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([read(), 'PUT /api/v2/users/qualification']);
		expect(requests[1].body).toEqual({ id: lead.id, qualified: true });
		expect((await t.client.users()).find((u) => u.id === lead.id)!.qualified_at).not.toBeNull();
	});

	it('is resent after a 503: qualifying twice does no harm', async () => {
		await t.client.addFault({ status: 503, path: '/users/qualification', times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'code', value: lead.code }, options: { retryFor: 10 } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json.qualified).toBe(true);
		expect((await t.client.requests()).filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([503, 200]);
	});

	it('names the lead that was not found', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'code', value: 'NoSuch99' } }),
			input: [{}],
		});

		expect(error!.message).toBe('No lead with referral code NoSuch99 was found [item 0]');
	});

	describe('by coupon', () => {
		/** A lead who redeemed the promotion code Referral Factory made for them (Add's Create Promotion Code). */
		async function leadWithCoupon() {
			const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Rita', email: 'rita@example.com' });
			const withCoupon = await t.client.createUser({ campaign_id: 1, first_name: 'Cora', email: 'cora@example.com', referrer: { field: 'id', value: referrer.id }, promotion: true });
			await t.client.clearRequests();
			return { referrer, lead: withCoupon, coupon: withCoupon.promotion!.code };
		}
		const byCoupon = (value: string, extra: Record<string, unknown> = {}) => operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'coupon', value }, ...extra });

		it("qualifies the lead holding the coupon with one POST to Referral Factory's n8n endpoint, and their referrer's reward falls due", async () => {
			const { referrer, lead: holder, coupon } = await leadWithCoupon();

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon(coupon), input: [{}] });

			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ id: holder.id, email: 'cora@example.com', qualified: true, referrerId: referrer.id, outcome: 'qualified' });
			const requests = await t.client.requests();
			// The credential's Base URL ends in /api/v2; the call goes to the same origin's /api/n8n.
			expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/n8n/users/qualify']);
			expect(requests[0].body).toEqual({ coupon });
			expect(requests[0].headers.authorization).toBe(`Bearer ${t.sandbox.token}`);
			expect((await t.client.users()).find((u) => u.id === holder.id)!.qualified_at).not.toBeNull();
			expect((await t.client.rewards()).filter((r) => r.recipient_id === referrer.id).map((r) => r.state)).toEqual(['due']);
		});

		it('is resent after a 503 and a dropped answer: qualifying twice does no harm, the reward falls due once', async () => {
			const { referrer, coupon } = await leadWithCoupon();
			await t.client.addFault({ status: 503, path: '/n8n/users/qualify', times: 1 });
			await t.client.addFault({ when: 'after', drop: true, path: '/n8n/users/qualify', times: 1 });

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon(coupon, { options: { retryFor: 20 } }), input: [{}] });

			expect(error).toBeUndefined();
			expect(items[0].json.qualified).toBe(true);
			expect((await t.client.requests()).map((r) => r.status)).toEqual([503, -1, 200]);
			expect((await t.client.rewards()).filter((r) => r.recipient_id === referrer.id)).toHaveLength(1);
		});

		it('says which coupon Referral Factory does not know; under Continue On Fail the other items go through', async () => {
			const { lead: holder, coupon } = await leadWithCoupon();

			const { items, error } = await runReferralFactoryNode({
				credential: t.credential,
				parameters: byCoupon('={{ $json.coupon }}'),
				input: [{ coupon: 'SHOPIFY-SUMMER' }, { coupon }],
				continueOnFail: true,
			});

			expect(error).toBeUndefined();
			expect(items[0].json.error).toBe('No lead with coupon SHOPIFY-SUMMER was found [item 0]');
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(items[1].json).toMatchObject({ id: holder.id, qualified: true });
			expect(items[1].pairedItem).toEqual({ item: 1 });
		});

		it('a coupon reward not issued yet: says so and names the due reward to issue; nothing is qualified', async () => {
			const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Rita', email: 'rita@example.com' });
			const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });
			const other = await t.client.createUser({ campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
			await t.client.qualify({ id: lead.id, qualified: true });
			// Lea's Welcome coupon (campaign 1 gives the lead one) is due: Referral Factory has not given it out.
			const coupon = (await t.client.rewards()).find((r) => r.metric === 'coupon')!;
			const code = `SAVE10-${coupon.id}`;
			await t.client.clearRequests();

			const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon(code), input: [{}] });

			expect(error!.message).toBe(`Coupon ${code} is a reward Referral Factory has not issued yet (due reward ${coupon.id}), so no lead has it [item 0]`);
			expect(error!.description).toContain(`Reward → Issue, due reward ${coupon.id}`);
			expect((await t.client.requests()).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/n8n/users/qualify 404', 'GET /api/v2/rewards/due/coupon 200']);
			expect((await t.client.users()).find((u) => u.id === other.id)!.qualified_at).toBeNull();
		});

		it('a lead whose own qualification time is before the run: alreadyQualified, and an error under Fail If Already Done', async () => {
			const { lead: holder, coupon } = await leadWithCoupon();
			// Qualified ten minutes ago by Referral Factory's clock, written with a time and a zone.
			await t.client.configure({ dateFormat: 'iso', clockOffsetMs: -10 * 60_000 });
			await t.client.qualify({ id: holder.id, qualified: true });
			await t.client.configure({ clockOffsetMs: 0 });

			const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon(coupon), input: [{}] });
			const strict = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon(coupon, { options: { failIfAlreadyDone: true } }), input: [{}] });

			expect(items[0].json).toMatchObject({ id: holder.id, outcome: 'alreadyQualified' });
			expect(strict.error!.message).toBe('The lead with this coupon was qualified already [item 0]');
		});

		it('two items with one coupon in a run: the first qualified, the second alreadyQualified without a second request; the reward falls due once', async () => {
			const { referrer, coupon } = await leadWithCoupon();

			const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon('={{ $json.coupon }}'), input: [{ coupon }, { coupon }] });

			expect(items.map((item) => [item.json.outcome, item.json.email])).toEqual([
				['qualified', 'cora@example.com'],
				['alreadyQualified', 'cora@example.com'],
			]);
			expect((await t.client.requests()).filter((r) => r.method === 'POST')).toHaveLength(1);
			expect((await t.client.rewards()).filter((r) => r.recipient_id === referrer.id)).toHaveLength(1);
		});

		it('Retry On Fail keeps what the first try found: an already qualified lead under Fail If Already Done fails every try', async () => {
			const { lead: holder, coupon } = await leadWithCoupon();
			await t.client.configure({ dateFormat: 'iso', clockOffsetMs: -10 * 60_000 });
			await t.client.qualify({ id: holder.id, qualified: true });
			await t.client.configure({ clockOffsetMs: 0 });
			await t.client.clearRequests();

			const { error } = await runReferralFactoryNode({
				credential: t.credential,
				parameters: byCoupon(coupon, { options: { failIfAlreadyDone: true } }),
				input: [{}],
				retryOnFail: { maxTries: 2 },
			});

			expect(error!.message).toBe('The lead with this coupon was qualified already [item 0]');
			// Both tries asked (the call sets a state); neither took the lead for one this execution qualified.
			expect((await t.client.requests()).filter((r) => r.method === 'POST')).toHaveLength(2);
		});

		it('refuses an empty coupon before sending anything', async () => {
			const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: byCoupon('={{ $json.coupon }}'), input: [{ coupon: null }] });

			expect(error!.message).toBe("'Lead' has no value [item 0]");
			expect(await t.client.requests()).toEqual([]);
		});

		it('is not a way to unqualify: says so before sending anything', async () => {
			const { coupon } = await leadWithCoupon();

			const { error } = await runReferralFactoryNode({
				credential: t.credential,
				parameters: operationParameters('lead', 'unqualify', { leadId: { __rl: true, mode: 'coupon', value: coupon } }),
				input: [{}],
			});

			expect(error!.message).toBe("'Lead' is given by coupon, but a lead can be unqualified only by ID, referral code or email [item 0]");
			expect(await t.client.requests()).toEqual([]);
		});
	});
});
