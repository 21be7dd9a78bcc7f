/**
 * Issue and Cancel, version 1.1: the due reward is picked From List (each named by its recipient, type and amount or
 * coupon, and its own ID: never the rule's), or given By ID; version 1's text field still works for saved workflows.
 */
import { listSearch, runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';
import { qualifiedLead } from './setup';

const t = useSandbox();

/** Pia, a referrer in `campaignId`, and `count` leads of hers, each qualified: one due reward per lead. */
async function piaWithQualifiedLeads(campaignId: number, count: number) {
	const referrer = await t.client.createUser({ campaign_id: campaignId, first_name: 'Pia', email: 'pia@example.com' });
	for (let n = 0; n < count; n++) {
		const lead = await t.client.createUser({ campaign_id: campaignId, first_name: `Lead ${n}`, email: `lead${n}@example.com`, referrer: { field: 'id', value: referrer.id } });
		await t.client.qualify({ id: lead.id, qualified: true });
	}
}

describe('the Due Reward picker (Issue and Cancel, version 1.1)', () => {
	it('lists every type’s due rewards as recipient · type · amount or coupon · #id, and what is typed narrows it', async () => {
		const { referrer, lead, amount, coupon } = await qualifiedLead(t);

		const all = await listSearch('searchDueRewards', t.credential);
		const typed = await listSearch('searchDueRewards', t.credential, 'save10');

		expect(all).toEqual({
			results: [
				{ name: `Nathan <nathan@example.com> · Fixed Amount · 25 · #${amount.id}`, value: String(amount.id) },
				{ name: `Lea <lea@example.com> · Coupon · SAVE10-${coupon.id} · #${coupon.id}`, value: String(coupon.id) },
			],
		});
		expect(typed.results.map((result) => result.value)).toEqual([String(coupon.id)]);
		expect([referrer.id, lead.id]).toEqual([amount.recipient_id, coupon.recipient_id]);
		// Only due lists, and each recipient read once.
		const paths = (await t.client.requests()).map((r) => r.path.replace('/api/v2', ''));
		expect(paths.filter((path) => path.startsWith('/rewards')).every((path) => path.startsWith('/rewards/due/'))).toBe(true);
		expect(paths.filter((path) => path === `/users/${referrer.id}`)).toHaveLength(2);
	});

	it('pages through a long list with the token it hands back, across the types', async () => {
		// Campaign 2's referrers earn a Custom Reward (a free class) per qualified lead.
		await piaWithQualifiedLeads(2, 30);
		const { amount } = await qualifiedLead(t);

		const first = await listSearch('searchDueRewards', t.credential);
		const second = await listSearch('searchDueRewards', t.credential, undefined, first.paginationToken as string);
		const third = second.paginationToken ? await listSearch('searchDueRewards', t.credential, undefined, second.paginationToken as string) : { results: [] };

		const ids = [...first.results, ...second.results, ...third.results].map((result) => Number(result.value));
		expect(first.paginationToken).toEqual(expect.any(String));
		expect(first.results.length).toBeLessThan(ids.length);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.sort((a, b) => a - b)).toEqual((await t.client.rewards()).filter((r) => r.state === 'due').map((r) => r.id).sort((a, b) => a - b));
		expect(ids).toContain(amount.id);
	});

	it('what is typed is looked for in every type: a coupon is found past a long list of another type with no match', async () => {
		await piaWithQualifiedLeads(5, 60);
		// 60 Fixed Amount rewards for Pia first, then campaign 1's: Nathan's Fixed Amount and Lea's Welcome coupon.
		const { coupon } = await qualifiedLead(t);

		const found = await listSearch('searchDueRewards', t.credential, `SAVE10-${coupon.id}`);

		expect(found.results).toEqual([{ name: `Lea <lea@example.com> · Coupon · SAVE10-${coupon.id} · #${coupon.id}`, value: String(coupon.id) }]);
	});

	it.each([
		['From List', 'list'],
		['By ID', 'id'],
	])('Issue with the reward given %s issues that reward', async (_name, mode) => {
		const { amount } = await qualifiedLead(t);

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			typeVersion: 1.1,
			parameters: operationParameters('reward', 'issue', { rewardId: { __rl: true, mode, value: String(amount.id) } }, 1.1),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: amount.id, status: 'issued', outcome: 'issued' });
	});

	it('Cancel with the reward picked From List cancels it; an empty value (an expression) is refused by the field\'s name before anything is sent', async () => {
		const { coupon } = await qualifiedLead(t);

		const cancelled = await runReferralFactoryNode({
			credential: t.credential,
			typeVersion: 1.1,
			parameters: operationParameters('reward', 'cancel', { rewardId: { __rl: true, mode: 'list', value: String(coupon.id) } }, 1.1),
			input: [{}],
		});
		await t.client.clearRequests();
		const empty = await runReferralFactoryNode({
			credential: t.credential,
			typeVersion: 1.1,
			parameters: operationParameters('reward', 'cancel', { rewardId: { __rl: true, mode: 'id', value: '={{ $json.rewardId }}' } }, 1.1),
			input: [{ rewardId: null }],
		});

		expect(cancelled.items[0].json).toMatchObject({ id: coupon.id, outcome: 'cancelled' });
		expect(empty.error!.message).toBe("'Due Reward' has no value [item 0]");
		expect(await t.client.requests()).toEqual([]);
	});
});
