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
		['referral code', () => ({ leadId: { __rl: true, mode: 'code', value: lead.code } }), () => ({ code: lead.code })],
		['ID', () => ({ leadId: { __rl: true, mode: 'id', value: String(lead.id) } }), () => ({ id: lead.id })],
		[
			'email within a campaign',
			() => ({ leadId: { __rl: true, mode: 'email', value: 'lea@example.com' }, campaignId: { __rl: true, mode: 'id', value: '1' } }),
			() => ({ email: 'lea@example.com', campaign_id: 1 }),
		],
	])('qualifies the lead given by %s with one PUT /users/qualification', async (_how, values, identifier) => {
		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('lead', 'qualify', values()), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: lead.id, qualified: true });
		const requests = await t.client.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/v2/users/qualification']);
		expect(requests[0].body).toEqual({ ...identifier(), qualified: true });
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
		expect((await t.client.requests()).map((r) => r.status)).toEqual([503, 200]);
	});

	it('names the lead that was not found', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'code', value: 'NoSuch99' } }),
			input: [{}],
		});

		expect(error!.message).toBe('No lead with referral code NoSuch99 was found [item 0]');
	});
});
