import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

const addLead = (values: Record<string, unknown> = {}) =>
	operationParameters('lead', 'add', {
		campaignId: { __rl: true, mode: 'id', value: '1' },
		referrerId: { __rl: true, mode: 'code', value: '={{ $json.ref }}' },
		firstName: '={{ $json.firstName }}',
		email: '={{ $json.email }}',
		...values,
	});

describe('Lead → Add', () => {
	let nathan: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();
	});

	it('adds the lead with the referrer given by referral code, and outputs who brought them', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead(),
			input: [{ ref: nathan.code, firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error).toBeUndefined();
		const post = (await t.client.requests()).find((r) => r.method === 'POST' && r.path === '/api/v2/users')!;
		expect(post.body).toEqual({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: nathan.code } });
		const lead = (await t.client.users()).find((u) => u.email === 'lea@example.com')!;
		expect(items[0].json).toMatchObject({ id: lead.id, referrerId: nathan.id, type: 'person_invited', referralCode: lead.code });
	});

	it.each([
		['ID', { mode: 'id', value: '={{ $json.id }}' }, () => ({ id: String(nathan.id) }), () => ({ field: 'id', value: nathan.id })],
		['email', { mode: 'email', value: 'nathan@example.com' }, () => ({}), () => ({ field: 'email', value: 'nathan@example.com' })],
	])('takes the referrer by %s', async (_how, referrerId, item, sent) => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead({ referrerId: { __rl: true, ...referrerId } }),
			input: [{ ...item(), firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error).toBeUndefined();
		expect((await t.client.requests()).find((r) => r.method === 'POST')!.body).toMatchObject({ referrer: sent() });
	});

	it('a referrer Referral Factory does not know: names the field', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead(),
			input: [{ ref: 'NoSuch99', firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error!.message).toBe(`Referral Factory did not accept the request: 'Referrer': The selected referrer is invalid [item 0]`);
	});

	it('refuses an empty referral code before any request', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead(),
			input: [{ ref: '', firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error!.message).toBe(`'Referrer' is empty [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});

	it('never adds the same lead twice: after a lost answer it finds the lead instead', async () => {
		await t.client.addFault({ drop: true, when: 'after', path: '/users', method: 'POST', times: 1 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead({ options: { retryFor: 10 } }),
			input: [{ ref: nathan.code, firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error).toBeUndefined();
		expect((await t.client.users()).filter((u) => u.email === 'lea@example.com')).toHaveLength(1);
		expect(items[0].json).toMatchObject({ email: 'lea@example.com', referrerId: nathan.id });
	});

	it('If Lead Exists → Fail names the email and the campaign', async () => {
		await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addLead({ ifExists: 'fail' }),
			input: [{ ref: nathan.code, firstName: 'Lea', email: 'lea@example.com' }],
		});

		expect(error!.message).toBe('lea@example.com is already in campaign 1 [item 0]');
		expect(error!.description).toBe("Set 'If Lead Exists' to 'Return Existing' to get their referral link and code instead.");
	});
});
