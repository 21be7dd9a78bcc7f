import type { TestContext } from '../../helpers/setup';

/** A referrer in campaign 1 whose lead qualified: a due Fixed Amount reward (25) for the referrer, a due coupon for the lead. */
export async function qualifiedLead(t: TestContext) {
	const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });
	await t.client.qualify({ id: lead.id, qualified: true });
	const rewards = await t.client.rewards();
	await t.client.clearRequests();
	return { referrer, lead, amount: rewards.find((r) => r.metric === 'amount')!, coupon: rewards.find((r) => r.metric === 'coupon')! };
}
