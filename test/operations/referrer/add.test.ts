import { runReferralFactoryNode } from '../../helpers/engine';
import { addReferrerParameters, customers, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Add Referrer', () => {
	it('sends one authenticated POST /users with exactly the fields of the create-user payload', async () => {
		await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: '  Nathan ', email: ' nathan@example.com ' }],
		});

		const requests = await t.client.requests();
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].path).toBe('/api/v2/users');
		expect(requests[0].headers.authorization).toBe(`Bearer ${t.sandbox.token}`);
		expect(requests[0].headers['content-type']).toMatch(/^application\/json/);
		expect(requests[0].body).toEqual({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
	});

	it('outputs the new referrer with its referral link, code and id at the top level', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Nathan', email: 'nathan@example.com' }],
		});

		expect(error).toBeUndefined();
		const [stored] = await t.client.users();
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			id: stored.id,
			referralLink: stored.url,
			referralCode: stored.code,
			firstName: 'Nathan',
			email: 'nathan@example.com',
			campaignId: 1,
			type: 'person_referring',
			source: 'Api',
			signedUpAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			qualified: false,
			referrerId: null,
			promotionCode: null,
			qrCodeUrl: `${stored.url}/qr-code`,
			customFields: null,
			outcome: 'created',
		});
		expect(items[0].json.referralLink).toMatch(/^https:\/\/acme-coffee\.referral-factory\.com\/[A-Za-z0-9]{8}$/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('returns the API user object unchanged when Simplify is off', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ simplify: false }),
			input: [{ firstName: 'Nathan', email: 'nathan@example.com' }],
		});

		const [stored] = await t.client.users();
		expect(items[0].json).toEqual(stored);
		expect(items[0].json.url).toBe(stored.url);
		expect(items[0].json.referralLink).toBeUndefined();
	});

	it('adds 50 referrers in one run, each output paired with its own input item', async () => {
		const input = customers(50);
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input,
		});

		expect(error).toBeUndefined();
		expect(items).toHaveLength(50);
		items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.email).toBe(input[i].email);
			expect(item.json.firstName).toBe(input[i].firstName);
		});
		const stored = await t.client.users();
		expect(stored).toHaveLength(50);
		const codes = new Set(items.map((item) => item.json.referralCode));
		expect(codes.size).toBe(50);
		for (const item of items) {
			const user = stored.find((u) => u.email === item.json.email)!;
			expect(item.json).toMatchObject({ id: user.id, referralCode: user.code, referralLink: user.url });
		}
	});

	it('sends custom fields as meta, notify and promotion as booleans, and returns the custom fields', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				campaignId: { __rl: true, mode: 'id', value: '3' },
				additionalFields: {
					notify: true,
					promotion: true,
					customFields: {
						field: [
							{ label: 'Company', value: '={{ $json.company }}' },
							{ label: 'Plan', value: 'Pro' },
						],
					},
				},
			}),
			input: [{ firstName: 'Ada', email: 'ada@northwind.test', company: 'Northwind' }],
		});

		expect(error).toBeUndefined();
		const request = (await t.client.requests()).find((r) => r.method === 'POST' && r.path === '/api/v2/users')!;
		expect(request.body).toEqual({
			campaign_id: 3,
			first_name: 'Ada',
			email: 'ada@northwind.test',
			notify: true,
			promotion: true,
			meta: [
				{ field: 'Company', value: 'Northwind' },
				{ field: 'Plan', value: 'Pro' },
			],
		});
		const [stored] = await t.client.users();
		expect(stored.meta).toEqual([
			{ field: 'Company', value: 'Northwind' },
			{ field: 'Plan', value: 'Pro' },
		]);
		expect(items[0].json.customFields).toEqual({ Company: 'Northwind', Plan: 'Pro' });
		expect(items[0].json.promotionCode).toMatch(/^PROMO-/);
		expect(items[0].json.referralLink).toMatch(/^https:\/\/northwind\.referral-factory\.com\//);
	});

	it('takes the campaign ID from an expression in By ID mode', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ campaignId: { __rl: true, mode: 'id', value: '={{ $json.campaign }}' } }),
			input: [
				{ firstName: 'A', email: 'a@example.com', campaign: 2 },
				{ firstName: 'B', email: 'b@example.com', campaign: '1' },
			],
		});

		expect(items.map((item) => item.json.campaignId)).toEqual([2, 1]);
		expect((await t.client.requests()).map((r) => (r.body as { campaign_id: number }).campaign_id)).toEqual([2, 1]);
	});

	it('hands back the existing referrer when Referral Factory answers a repeat with the same person', async () => {
		const existing = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Nathan', email: 'NATHAN@example.com' }],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: existing.id, referralCode: existing.code, referralLink: existing.url });
		expect(await t.client.users()).toHaveLength(1);
	});

	it('accepts a custom field by its ID as well as by its label, and sends the label', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				campaignId: { __rl: true, mode: 'id', value: '3' },
				additionalFields: { customFields: { field: [{ label: 'company', value: 'Northwind' }] } },
			}),
			input: [{ firstName: 'Ada', email: 'ada@northwind.test' }],
		});

		expect(error).toBeUndefined();
		const post = (await t.client.requests()).find((r) => r.method === 'POST' && r.path === '/api/v2/users')!;
		expect((post.body as { meta: unknown }).meta).toEqual([{ field: 'Company', value: 'Northwind' }]);
		expect(items[0].json.customFields).toEqual({ Company: 'Northwind' });
	});

	it('says whether the person is qualified: true once Referral Factory has qualified them', async () => {
		const existing = await t.client.createUser({ campaign_id: 1, first_name: 'Quinn', email: 'quinn@example.com' });
		await t.client.qualify({ id: existing.id, qualified: true });

		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Quinn', email: 'quinn@example.com' }, { firstName: 'New', email: 'new@example.com' }],
		});

		expect(items.map((item) => [item.json.email, item.json.qualified])).toEqual([
			['quinn@example.com', true],
			['new@example.com', false],
		]);
	});

	it('finds an existing referrer beyond the first page of a search that does not filter', async () => {
		// An API that ignored the search's filters would answer with everyone: the person is on page 2 of 250.
		await t.client.configure({ searchIgnores: ['email', 'campaign_id'] });
		for (let i = 0; i < 260; i++) await t.client.createUser({ campaign_id: 2, first_name: `P${i}`, email: `p${i}@example.com` });
		await t.client.createUser({ campaign_id: 1, first_name: 'Late', email: 'late@example.com' });
		await t.client.clearRequests();

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: 'fail' }),
			input: [{ firstName: 'Late', email: 'late@example.com' }],
		});

		expect(error?.message).toBe('late@example.com is already a referrer in campaign 1 [item 0]');
		expect((await t.client.requests()).map((r) => `${r.path} ${r.query.page}`)).toEqual([
			'/api/v2/users/search 1',
			'/api/v2/users/search 2',
		]);
	});

	it('the same email in another campaign is someone else, also when the search ignores the campaign', async () => {
		await t.client.configure({ searchIgnores: ['campaign_id'] });
		await t.client.createUser({ campaign_id: 2, first_name: 'Twin', email: 'twin@example.com' });
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: 'fail' }),
			input: [{ firstName: 'Twin', email: 'twin@example.com' }],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ email: 'twin@example.com', campaignId: 1, outcome: 'created' });
		expect((await t.client.users()).map((u) => u.campaign_id).sort()).toEqual([1, 2]);
	});

	it.each([
		['created', 'returnExisting', 'return-existing', false],
		['existing', 'returnExisting', 'return-existing', true],
		['existing', 'returnExisting', 'reject', true],
		['updated', 'updateFields', 'return-existing', true],
	])('says in its output what it did: %s (If Referrer Exists: %s, API repeats: %s)', async (outcome, ifExists, duplicates, there) => {
		await t.client.configure({ duplicates });
		if (there) await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists }),
			input: [{ firstName: 'Nathan', email: 'nathan@example.com' }],
		});

		expect(error).toBeUndefined();
		expect(items[0].json.outcome).toBe(outcome);
		expect(await t.client.users()).toHaveLength(1);
	});
});
