import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Campaign → Get Many', () => {
	it('Return All reads every page, in order', async () => {
		await t.client.configure({ campaignCount: 600 });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('campaign', 'getAll', { returnAll: true }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
		expect(items[0].json).toMatchObject({ name: 'Acme Coffee Friends', signupLink: expect.stringMatching(/\/signup$/) });
		expect((await t.client.requests()).map((r) => r.query.page).sort()).toEqual(['1', '2', '3']);
	});

	it('Limit returns the first N', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('campaign', 'getAll', { limit: 4, simplify: false }),
			input: [{}],
		});

		expect(items.map((item) => item.json.name)).toEqual([
			'Acme Coffee Friends',
			'Bloom Yoga Refer a Friend',
			'Northwind SaaS Partners',
			'Summer Launch',
		]);
		expect(items[0].json.fields).toBeDefined();
	});

	it('a wrong token is an error that names it', async () => {
		const { addCredential } = await import('../../helpers/engine');
		const credential = addCredential({ accessToken: 'rf_not_the_token', baseUrl: t.sandbox.baseUrl });

		const { error } = await runReferralFactoryNode({ credential, parameters: operationParameters('campaign', 'getAll', { returnAll: true }), input: [{}] });

		expect(error!.message).toBe('Referral Factory rejected the access token [item 0]');
	});
});
