/**
 * Referral Factory Trigger as a dashboard webhook: the user pastes its URL into Referral Factory's webhook form,
 * with the fields they tick under names they choose and, optionally, a header with a shared secret. The sandbox's
 * dashboard webhook delivers to the trigger's webhook method (n8n-core's WebhookContext behind a real HTTP server).
 */
import type { INodeParameters } from 'n8n-workflow';

import { addSecretCredential } from '../helpers/engine';
import { useSandbox } from '../helpers/setup';
import { TriggerWorkflow } from '../helpers/trigger';

const t = useSandbox();

let trigger: TriggerWorkflow | undefined;
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

const SECRET = 'k3Jx9-the-shared-secret-Q2m7';

async function listening(parameters: INodeParameters = {}, secret?: { headerName: string; secret: string }): Promise<TriggerWorkflow> {
	trigger = new TriggerWorkflow({
		parameters: { setup: 'dashboard', ...parameters },
		secretCredential: secret ? addSecretCredential(secret) : undefined,
	});
	await trigger.listen();
	// Publishing registers nothing in this mode.
	await trigger.activate();
	return trigger;
}

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
	return { status: response.status, body: (await response.json()) as unknown };
};

describe('Referral Factory Trigger, dashboard webhook', () => {
	it('registers nothing when published, and reads the ticked fields under the names the user gave them', async () => {
		const wf = await listening();
		expect(await t.client.requests()).toEqual([]);
		await t.client.dashboardWebhook({ url: wf.productionUrl, hidden: { event: 'new_lead' } });
		const referrer = await t.client.createUser({ campaign_id: 2, first_name: 'Rita', email: 'rita@example.com' });

		const lead = await t.client.createUser({ campaign_id: 2, first_name: 'Lou', email: 'lou@example.com', referrer: { field: 'id', value: referrer.id } });
		await t.client.deliveries();

		expect(wf.runs).toHaveLength(2);
		const body = wf.runs[1][0].json.raw as Record<string, unknown>;
		// The sandbox's form: email_address, First Name, referral_code, referral_link, campaign, referred_by.
		expect(Object.keys(body).sort()).toEqual(['First Name', 'campaign', 'email_address', 'event', 'referral_code', 'referral_link', 'referred_by'].sort());
		expect(wf.runs[1][0].json).toMatchObject({
			event: 'new_lead',
			firstName: 'Lou',
			email: 'lou@example.com',
			referralCode: lead.code,
			referralLink: lead.url,
			campaignId: 2,
			referrerId: referrer.id,
		});
		expect(wf.runs[1][0].json.qualified).toBeNull();
	});

	it('answers the sender with a short JSON acknowledgement', async () => {
		const wf = await listening();

		const answer = await post(wf.productionUrl, { email: 'ann@example.com', first_name: 'Ann', code: 'AbCd1234', url: 'https://x.referral-factory.com/AbCd1234', campaign_id: '3' });

		expect(answer).toEqual({ status: 200, body: { received: true, started: true } });
		expect(wf.runs[0][0].json).toMatchObject({ email: 'ann@example.com', firstName: 'Ann', referralCode: 'AbCd1234', campaignId: 3, event: null });
	});

	it('with Header Secret: the right secret starts the workflow', async () => {
		const wf = await listening({ authentication: 'headerSecret' }, { headerName: 'X-Webhook-Secret', secret: SECRET });
		await t.client.dashboardWebhook({ url: wf.productionUrl, headerName: 'X-Webhook-Secret', secret: SECRET });

		await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });

		expect((await t.client.deliveries()).map((d) => d.status)).toEqual([200]);
		expect(wf.runs.map((items) => items[0].json.email)).toEqual(['nathan@example.com']);
	});

	it.each([
		['a wrong secret', { 'X-Webhook-Secret': `${SECRET}x` }],
		['no secret', {}],
		['the secret under another header', { 'X-Other': SECRET }],
		['the secret cut short', { 'X-Webhook-Secret': SECRET.slice(0, -1) }],
	])('with Header Secret: %s gets 401 and starts nothing', async (_case, headers) => {
		const wf = await listening({ authentication: 'headerSecret' }, { headerName: 'X-Webhook-Secret', secret: SECRET });

		const answer = await post(wf.productionUrl, { email: 'eve@example.com' }, headers);

		expect(answer.status).toBe(401);
		expect(JSON.stringify(answer.body)).not.toContain(SECRET);
		expect(wf.runs).toEqual([]);
	});

	it('one item per delivery entry when the body is a list', async () => {
		const wf = await listening();

		await post(wf.productionUrl, [{ email: 'a@example.com' }, { email: 'b@example.com' }]);

		expect(wf.runs[0].map((item) => item.json.email)).toEqual(['a@example.com', 'b@example.com']);
	});
});
