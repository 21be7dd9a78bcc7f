/**
 * Include Analytics on Referrer/Lead → Get and Get Many and Campaign → Get and Get Many: the node asks for
 * `with=user.analytics` / `with=campaign.analytics` and outputs the figures as camelCase numbers under `analytics`,
 * whether the API writes them as numbers or as text, and nulls where it gives none (docs/referral-factory-api.md, P15).
 */
import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from './helpers/engine';
import { operationParameters, useSandbox } from './helpers/setup';

const t = useSandbox();

/** A referrer with three leads, one of them qualified; another referrer with none. */
async function referrerWithLeads() {
	const ref = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	const quiet = await t.client.createUser({ campaign_id: 1, first_name: 'Quinn', email: 'quinn@example.com' });
	const leads = [];
	for (const n of [1, 2, 3]) {
		leads.push(await t.client.createUser({ campaign_id: 1, first_name: `Lead ${n}`, email: `lead${n}@example.com`, referrer: { field: 'id', value: ref.id } }));
	}
	await t.client.qualify({ id: leads[0].id, qualified: true });
	return { ref, quiet, leads };
}

async function run(parameters: INodeParameters) {
	const result = await runReferralFactoryNode({ credential: t.credential, parameters, input: [{}] });
	expect(result.error).toBeUndefined();
	return result.items.map((item) => item.json);
}

const byId = (value: number) => ({ __rl: true, mode: 'id', value: String(value) });

describe('Include Analytics', () => {
	it.each(['numbers', 'text'] as const)('Referrer → Get and Get Many: reach, referrals and qualified referrals as numbers (the API writing %s)', async (analytics) => {
		await t.client.configure({ analytics });
		const { ref, quiet } = await referrerWithLeads();

		const [got] = await run(operationParameters('referrer', 'get', { referrerId: byId(ref.id), includeAnalytics: true }));
		expect(got).toMatchObject({ id: ref.id, analytics: { reach: 3, referrals: 3, qualifiedReferrals: 1 } });

		const many = await run(operationParameters('referrer', 'getAll', { returnAll: true, includeAnalytics: true, filters: { campaignId: '1' } }));
		expect(many.map((person) => [person.id, person.analytics])).toEqual([
			[ref.id, { reach: 3, referrals: 3, qualifiedReferrals: 1 }],
			[quiet.id, { reach: 0, referrals: 0, qualifiedReferrals: 0 }],
		]);
	});

	it('Referrer → Get by email and Lead → Get Many ask for the figures too', async () => {
		const { ref, leads } = await referrerWithLeads();
		const [got] = await run(
			operationParameters('referrer', 'get', { referrerId: { __rl: true, mode: 'email', value: 'nathan@example.com' }, includeAnalytics: true }),
		);
		expect(got).toMatchObject({ id: ref.id, analytics: { referrals: 3 } });
		const many = await run(operationParameters('lead', 'getAll', { returnAll: true, includeAnalytics: true }));
		expect(many.map((lead) => lead.id)).toEqual(leads.map((lead) => lead.id));
		expect(many.every((lead) => (lead.analytics as Record<string, unknown>).referrals === 0)).toBe(true);
	});

	it('Campaign → Get and Get Many: reach, people, referrals and qualified referrals', async () => {
		await referrerWithLeads();
		const figures = { reach: 3, users: 5, referrals: 3, qualifiedReferrals: 1 };
		const [got] = await run(operationParameters('campaign', 'get', { campaignId: byId(1), includeAnalytics: true }));
		expect(got).toMatchObject({ id: 1, analytics: figures });

		const many = await run(operationParameters('campaign', 'getAll', { returnAll: true, includeAnalytics: true }));
		expect(many.find((campaign) => campaign.id === 1)!.analytics).toEqual(figures);
		expect(many.find((campaign) => campaign.id === 2)!.analytics).toEqual({ reach: 0, users: 0, referrals: 0, qualifiedReferrals: 0 });
		const filtered = await run(operationParameters('campaign', 'getAll', { returnAll: true, includeAnalytics: true, filters: { status: 'launched' } }));
		expect(filtered.find((campaign) => campaign.id === 1)!.analytics).toEqual(figures);
	});

	it('gives nulls where Referral Factory leaves the figures out, and the API record as it came with Simplify off', async () => {
		const { ref } = await referrerWithLeads();
		await t.client.configure({ analytics: 'absent' });
		const [got] = await run(operationParameters('referrer', 'get', { referrerId: byId(ref.id), includeAnalytics: true }));
		expect(got.analytics).toEqual({ reach: null, referrals: null, qualifiedReferrals: null });
		const [campaign] = await run(operationParameters('campaign', 'get', { campaignId: byId(1), includeAnalytics: true }));
		expect(campaign.analytics).toEqual({ reach: null, users: null, referrals: null, qualifiedReferrals: null });

		await t.client.configure({ analytics: 'numbers' });
		const [raw] = await run(operationParameters('referrer', 'get', { referrerId: byId(ref.id), includeAnalytics: true, simplify: false }));
		expect(raw.analytics).toEqual({ reach: 3, referrals: 3, qualified_referrals: 1 });
	});

	it('asks for nothing more when it is off: the output keeps its shape', async () => {
		const { ref } = await referrerWithLeads();
		await t.client.clearRequests();
		const [got] = await run(operationParameters('referrer', 'get', { referrerId: byId(ref.id) }));
		expect(got).not.toHaveProperty('analytics');
		const [request] = (await t.client.requests()).filter((r) => r.path.startsWith('/api/'));
		expect(request.query).not.toHaveProperty('with');
	});
});
