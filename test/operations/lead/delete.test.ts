import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

describe('Lead → Delete', () => {
	it('deletes the lead found by email in its campaign and leaves the referrer', async () => {
		const referrer = await t.client.createUser({ campaign_id: 2, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.createUser({ campaign_id: 2, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'delete', {
				leadId: { __rl: true, mode: 'email', value: 'lea@example.com' },
				campaignId: { __rl: true, mode: 'id', value: '2' },
			}),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, outcome: 'deleted' });
		expect((await t.client.users()).map((u) => u.email)).toEqual(['nathan@example.com']);
	});
});
