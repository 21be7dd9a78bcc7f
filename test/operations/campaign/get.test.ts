import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

const getCampaign = (value: string, values: Record<string, unknown> = {}) =>
	operationParameters('campaign', 'get', { campaignId: { __rl: true, mode: 'id', value }, ...values });

describe('Campaign → Get', () => {
	it('outputs the campaign with its signup link and the labels of its form fields', async () => {
		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: getCampaign('3'), input: [{}] });

		expect(error).toBeUndefined();
		const stored = t.sandbox.store.campaigns[2];
		expect(items).toEqual([
			{
				json: {
					id: 3,
					name: 'Northwind SaaS Partners',
					code: stored.code,
					signupLink: `https://northwind.referral-factory.com/${stored.code}/signup`,
					status: 'launched',
					language: 'en',
					startsAt: null,
					endsAt: null,
					referrerFields: ['First Name', 'Email', 'Company', 'Plan'],
					leadFields: ['First Name', 'Email'],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('returns the API record as it came with Simplify off', async () => {
		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: getCampaign('1', { simplify: false }), input: [{}] });

		expect(items[0].json).toMatchObject({ id: 1, name: 'Acme Coffee Friends', fields: { person_referring: expect.any(Array) } });
	});

	it('names the campaign that was not found', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getCampaign('404'), input: [{}] });

		expect(error!.message).toBe('Campaign 404 was not found [item 0]');
	});

	it('refuses a campaign ID from an expression that is not one, before any request', async () => {
		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: getCampaign('={{ $json.id }}'), input: [{ id: '3/../users' }] });

		expect(error!.message).toBe(`'Campaign' must be a positive whole number, but it is "3/../users" [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});

	it('with Continue On Fail, a campaign not found becomes an error item paired with its input', async () => {
		const { items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: getCampaign('={{ $json.id }}'),
			input: [{ id: 404 }, { id: 2 }],
			continueOnFail: true,
		});

		expect(items.map((item) => [item.pairedItem, item.json.name ?? item.json.error])).toEqual([
			[{ item: 0 }, 'Campaign 404 was not found [item 0]'],
			[{ item: 1 }, 'Bloom Yoga Refer a Friend'],
		]);
	});
});
