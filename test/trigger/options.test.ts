/** What the trigger's editor offers: the user sources and rewards from Referral Factory's n8n endpoints, and the secret credential's test. */
import { useSandbox } from '../helpers/setup';
import { loadTriggerOptions, testSecretCredential } from '../helpers/trigger';

const t = useSandbox();

describe('Referral Factory Trigger in the editor', () => {
	it("lists the user sources from Referral Factory's n8n endpoint", async () => {
		const sources = await loadTriggerOptions('getUserSources', t.credential);

		expect(sources).toEqual([
			{ name: 'Referred', value: 'Referred' },
			{ name: 'Direct', value: 'Direct' },
			{ name: 'API', value: 'Api' },
		]);
		expect((await t.client.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/n8n/user-sources']);
	});

	it('leaves out a listed source without an ID, and names one without a name by its ID', async () => {
		await t.client.addFault({ method: 'GET', path: '/n8n/user-sources', status: 200, body: { sources: [{ id: 'Referred', name: 'Referred' }, { name: 'No ID' }, { id: null, name: 'Null ID' }, { id: 'Api' }] }, times: 1 });

		expect(await loadTriggerOptions('getUserSources', t.credential)).toEqual([
			{ name: 'Referred', value: 'Referred' },
			{ name: 'Api', value: 'Api' },
		]);
	});

	it("lists the account's rewards to pick from", async () => {
		const rewards = await loadTriggerOptions('getRewards', t.credential);

		expect(rewards).toEqual(t.sandbox.rewards.rules.map((rule) => ({ name: rule.name, value: String(rule.id) })));
	});

	it.each([
		[{ headerName: 'X-Webhook-Secret', secret: 'k3Jx9-the-shared-secret-Q2m7' }, { status: 'OK' }],
		[{ headerName: 'X Webhook Secret', secret: 'k3Jx9-the-shared-secret-Q2m7' }, { status: 'Error', message: expect.stringContaining('cannot be a header name') }],
		[{ headerName: 'X-Webhook-Secret', secret: 'short' }, { status: 'Error', message: expect.stringContaining('shorter than 16 characters') }],
	])('tests the webhook secret credential locally: %o', async (data, result) => {
		expect(await testSecretCredential(data)).toMatchObject(result);
		expect(await t.client.requests()).toEqual([]);
	});
});
