import { addCredential, runReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, useSandbox } from './helpers/setup';

const t = useSandbox();

describe('Continue On Fail', () => {
	it('turns each failed item into an error item paired with its input and lets the others through', async () => {
		await t.client.configure({ duplicates: 'reject' });
		await t.client.createUser({ campaign_id: 1, first_name: 'Taken', email: 'taken@example.com' });
		await t.client.clearRequests();

		const input = [
			{ firstName: 'Ann', email: 'ann@example.com' },
			{ firstName: 'Bad', email: 'not-an-email' },
			{ firstName: 'Taken', email: 'taken@example.com' },
			{ firstName: '', email: 'nameless@example.com' },
			{ firstName: 'Bob', email: 'bob@example.com' },
		];
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: 'fail' }),
			input,
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));

		expect(items[0].json).toMatchObject({ email: 'ann@example.com', referralCode: expect.stringMatching(/^[A-Za-z0-9]{8}$/) });
		expect(items[4].json).toMatchObject({ email: 'bob@example.com', referralCode: expect.stringMatching(/^[A-Za-z0-9]{8}$/) });

		expect(items[1].json).toEqual({
			error: `'Email' is not a valid email address: "not-an-email" [item 1]`,
			description: "Set 'Email' to an address such as nathan@example.com.",
		});
		expect(items[2].json).toEqual({
			error: 'taken@example.com is already a referrer in campaign 1 [item 2]',
			description: "Set 'If Referrer Exists' to 'Return Existing' to get their referral link and code instead.",
		});
		expect(items[3].json.error).toBe("'First Name' is empty [item 3]");

		// Invalid items never reached the API; the three valid ones were looked up, and the two new ones added.
		const requests = await t.client.requests();
		const added = requests.filter((r) => r.path === '/api/v2/users').map((r) => (r.body as { email: string }).email);
		expect(added.sort()).toEqual(['ann@example.com', 'bob@example.com']);
		expect(requests.filter((r) => r.path === '/api/v2/users/search')).toHaveLength(3);
		expect((await t.client.users()).map((u) => u.email).sort()).toEqual(['ann@example.com', 'bob@example.com', 'taken@example.com']);
	});

	it('several error items of each of two causes, each paired with its own item and naming it', async () => {
		await t.client.configure({ duplicates: 'reject' });
		for (const email of ['t1@example.com', 't2@example.com']) await t.client.createUser({ campaign_id: 1, first_name: 'Taken', email });
		await t.client.clearRequests();
		const input = [
			{ firstName: 'Bad', email: 'bad-1' },
			{ firstName: 'Taken', email: 't1@example.com' },
			{ firstName: 'Ann', email: 'ann@example.com' },
			{ firstName: 'Bad', email: 'bad-3' },
			{ firstName: 'Taken', email: 't2@example.com' },
			{ firstName: 'Bad', email: 'bad-5' },
		];

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: 'fail', options: { concurrency: 3 } }),
			input,
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => [item.pairedItem, item.json.error ?? item.json.email])).toEqual([
			[{ item: 0 }, `'Email' is not a valid email address: "bad-1" [item 0]`],
			[{ item: 1 }, 't1@example.com is already a referrer in campaign 1 [item 1]'],
			[{ item: 2 }, 'ann@example.com'],
			[{ item: 3 }, `'Email' is not a valid email address: "bad-3" [item 3]`],
			[{ item: 4 }, 't2@example.com is already a referrer in campaign 1 [item 4]'],
			[{ item: 5 }, `'Email' is not a valid email address: "bad-5" [item 5]`],
		]);
	});

	it('without Continue On Fail refuses the whole run when any item is invalid, before sending anything', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [
				{ firstName: 'Ann', email: 'ann@example.com' },
				{ firstName: 'Bad', email: 'not-an-email' },
				{ firstName: 'Bob', email: 'bob@example.com' },
			],
		});

		expect(items).toEqual([]);
		expect(error!.message).toBe(`'Email' is not a valid email address: "not-an-email" [item 1]`);
		expect(await t.client.requests()).toEqual([]);
	});

	it('without Continue On Fail stops at the first API failure and names that item', async () => {
		await t.client.configure({ duplicates: 'reject' });
		await t.client.createUser({ campaign_id: 1, first_name: 'Taken', email: 'taken@example.com' });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: 'fail', options: { concurrency: 1 } }),
			input: [
				{ firstName: 'Ann', email: 'ann@example.com' },
				{ firstName: 'Taken', email: 'taken@example.com' },
				{ firstName: 'Bob', email: 'bob@example.com' },
			],
		});

		expect(items).toEqual([]);
		expect(error!.message).toBe('taken@example.com is already a referrer in campaign 1 [item 1]');
		// One at a time: nothing after the failed item was sent.
		expect((await t.client.users()).map((u) => u.email).sort()).toEqual(['ann@example.com', 'taken@example.com']);
	});

	it('turns every item into an error item naming the Base URL when the credential cannot be used', async () => {
		const credential = addCredential({ accessToken: t.sandbox.token, baseUrl: 'referral-factory.com/api/v2' });

		const { items, error } = await runReferralFactoryNode({
			credential,
			parameters: addReferrerParameters(),
			input: [
				{ firstName: 'Ann', email: 'ann@example.com' },
				{ firstName: 'Bad', email: 'not-an-email' },
			],
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toBe(`The credential's Base URL "referral-factory.com/api/v2" is not a web address`);
		expect(items[1].json.error).toMatch(/^'Email' is not a valid email address/);
		expect(await t.client.requests()).toEqual([]);
	});
});
