import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

const getReferrer = (referrerId: Record<string, unknown>, values: Record<string, unknown> = {}) =>
	operationParameters('referrer', 'get', { referrerId: { __rl: true, ...referrerId }, ...values });

describe('Referrer → Get', () => {
	let nathan: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		nathan = await t.client.createUser({ campaign_id: 2, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();
	});

	it.each([
		['ID', () => ({ mode: 'id', value: String(nathan.id) }), {}],
		['referral code', () => ({ mode: 'code', value: nathan.code }), {}],
		['email within a campaign', () => ({ mode: 'email', value: 'Nathan@Example.com' }), { campaignId: { __rl: true, mode: 'id', value: '2' } }],
		['email, with no campaign given (the email is in one)', () => ({ mode: 'email', value: 'nathan@example.com' }), {}],
		['a pick From List (its value is the ID)', () => ({ mode: 'list', value: String(nathan.id) }), {}],
	])('finds the referrer by %s and outputs the same shape as Add Referrer', async (_how, locator, values) => {
		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer(locator(), values), input: [{}] });

		expect(error).toBeUndefined();
		expect(items).toEqual([
			{
				json: expect.objectContaining({ id: nathan.id, referralLink: nathan.url, referralCode: nathan.code, email: 'nathan@example.com', campaignId: 2, qualified: false }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('returns the API record as it came with Simplify off', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: getReferrer({ mode: 'id', value: String(nathan.id) }, { simplify: false }),
			input: [{}],
		});

		expect(items[0].json).toEqual((await t.client.users())[0]);
	});

	it('says which referrer was not found', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer({ mode: 'code', value: 'NoSuch99' }), input: [{}] });

		expect(error!.message).toBe('No referrer with referral code NoSuch99 was found [item 0]');
		expect((error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('says when the email is not in the campaign', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: getReferrer({ mode: 'email', value: 'nathan@example.com' }, { campaignId: { __rl: true, mode: 'id', value: '1' } }),
			input: [{}],
		});

		expect(error!.message).toBe('No referrer with email nathan@example.com in campaign 1 was found [item 0]');
		// The node's own conclusion from an empty search (answered 200): no HTTP code Referral Factory did not send.
		expect((error as { httpCode?: string }).httpCode).toBeUndefined();
	});

	it('by email with no campaign, an email that is a referrer in two campaigns: an error that names them and asks for one', async () => {
		const other = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer({ mode: 'email', value: 'nathan@example.com' }), input: [{}] });

		expect(error!.message).toBe(`nathan@example.com is a referrer in 2 campaigns (IDs ${[nathan, other].map((u) => u.campaign_id).join(', ')}) [item 0]`);
		expect((error as { description?: string }).description).toMatch(/Pick the campaign under 'Campaign'/);
		expect((await t.client.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/users/search']);
	});

	it('by email with no campaign, the referrer is found in any campaign though a lead of another has the same email', async () => {
		const referrerElsewhere = await t.client.createUser({ campaign_id: 1, first_name: 'Other', email: 'other@example.com' });
		await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com', referrer: { field: 'code', value: referrerElsewhere.code } });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer({ mode: 'email', value: 'nathan@example.com' }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([nathan.id]);
	});

	it('refuses a lead given as a referrer', async () => {
		const lead = await t.client.createUser({ campaign_id: 2, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: nathan.code } });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer({ mode: 'id', value: String(lead.id) }), input: [{}] });

		expect(error!.message).toBe(`The person with ID ${lead.id} is a lead, not a referrer [item 0]`);
		expect((error as { httpCode?: string }).httpCode).toBeUndefined();
	});

	it.each([
		['an ID that is not a number', { mode: 'id', value: '={{ $json.id }}' }, {}, { id: 'abc' }, /'Referrer' must be a whole number when given by ID, but it is "abc"/],
		['an empty referral code', { mode: 'code', value: '={{ $json.code }}' }, {}, { code: ' ' }, /'Referrer' is empty/],
		['an empty From List pick (an expression that gave nothing)', { mode: 'list', value: '={{ $json.pick }}' }, {}, { pick: '' }, /No referrer is picked in 'Referrer'/],
		['an email that is not one', { mode: 'email', value: 'nathan' }, { campaignId: { __rl: true, mode: 'id', value: '2' } }, {}, /'Referrer' is not a valid email address/],
	])('refuses %s before any request', async (_name, locator, values, item, message) => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getReferrer(locator, values), input: [item] });

		expect(error!.message).toMatch(message);
		expect(await t.client.requests()).toEqual([]);
	});

	it('with Continue On Fail, a referrer not found becomes an error item and the others come through', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: getReferrer({ mode: 'code', value: '={{ $json.code }}' }),
			input: [{ code: nathan.code }, { code: 'NoSuch99' }],
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => [item.pairedItem, item.json.referralCode ?? item.json.error])).toEqual([
			[{ item: 0 }, nathan.code],
			[{ item: 1 }, 'No referrer with referral code NoSuch99 was found [item 1]'],
		]);
	});
});
