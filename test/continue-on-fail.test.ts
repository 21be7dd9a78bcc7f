import { runReferralFactoryNode } from './helpers/engine';
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
			parameters: addReferrerParameters(),
			input,
			continueOnFail: true,
		});

		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));

		expect(items[0].json).toMatchObject({ email: 'ann@example.com', referralCode: expect.stringMatching(/^[A-Za-z0-9]{8}$/) });
		expect(items[4].json).toMatchObject({ email: 'bob@example.com', referralCode: expect.stringMatching(/^[A-Za-z0-9]{8}$/) });

		expect(items[1].json).toEqual({
			error: '"Email" is not a valid email address: "not-an-email" [item 1]',
			description: 'Set "Email" to an address such as nathan@example.com.',
		});
		expect(items[2].json).toEqual({
			error: 'Referral Factory did not accept the request: Email: The email has already been taken. [item 2]',
			description: expect.stringContaining('Correct the field'),
			httpCode: '422',
		});
		expect(items[3].json.error).toBe('"First Name" is empty [item 3]');

		// Invalid items never reached the API; the three valid ones did, once each.
		const sent = (await t.client.requests()).map((r) => (r.body as { email: string }).email);
		expect(sent).toEqual(['ann@example.com', 'taken@example.com', 'bob@example.com']);
		expect((await t.client.users()).map((u) => u.email).sort()).toEqual(['ann@example.com', 'bob@example.com', 'taken@example.com']);
	});

	it('without Continue On Fail stops at the first failed item and names it', async () => {
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
		expect(error!.message).toBe('"Email" is not a valid email address: "not-an-email" [item 1]');
		expect((await t.client.users()).map((u) => u.email)).toEqual(['ann@example.com']);
	});
});
