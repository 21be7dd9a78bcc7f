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

	describe('Filters › Status', () => {
		const run = (status: string) =>
			runReferralFactoryNode({ credential: t.credential, parameters: operationParameters('campaign', 'getAll', { returnAll: true, filters: { status } }), input: [{}] });

		it('lists only the campaigns with that status, through the search', async () => {
			t.sandbox.store.campaigns[1].status = 'paused';

			const draft = await run('draft');
			const paused = await run('paused');

			expect(draft.items.map((item) => [item.json.name, item.json.status])).toEqual([['Summer Launch', 'draft']]);
			expect(paused.items.map((item) => [item.json.name, item.json.status])).toEqual([['Bloom Yoga Refer a Friend', 'paused']]);
			const searches = (await t.client.requests()).filter((r) => r.path === '/api/v2/campaigns/search');
			expect(searches.map((r) => r.body)).toEqual([
				{ filters: { value: [{ field: 'status', value: 'draft', operator: '=' }], operator: 'AND' } },
				{ filters: { value: [{ field: 'status', value: 'paused', operator: '=' }], operator: 'AND' } },
			]);
		});

		it('holds even when the API ignores the filter: every record is checked again', async () => {
			await t.client.configure({ searchIgnores: ['status'] });

			const { items } = await run('draft');

			expect(items.map((item) => item.json.name)).toEqual(['Summer Launch']);
		});

		it('refuses a status that is not one, before any request', async () => {
			const { error } = await run('live');

			expect(error!.message).toBe(`'Filters › Status' cannot be "live" [item 0]`);
			expect(await t.client.requests()).toEqual([]);
		});
	});
});
