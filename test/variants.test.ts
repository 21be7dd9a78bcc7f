/**
 * The node against several plausible Referral Factories (helpers/variants.ts): the sandbox encodes guesses about the
 * API, so every operation and the trigger run under each variant of those guesses. Every operation must work and
 * give the same output (the shipped output schema) whatever the envelope, error style, duplicate answer, date form,
 * field IDs, search filters ignored, reward and n8n endpoint answers; the trigger must register, deliver and
 * unregister whatever the n8n endpoints answer and however the deliveries are laid out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { referralFactoryNode, runReferralFactoryNode } from './helpers/engine';
import { scenarioOutputs, SCHEMA_DIR, schemaOf, type Schema } from './helpers/output-scenarios';
import { operationParameters, useSandbox } from './helpers/setup';
import { PollingWorkflow } from './helpers/polling';
import { loadTriggerOptions, TriggerWorkflow } from './helpers/trigger';
import { USER_SOURCES } from './sandbox/n8n-surface';
import { VARIANTS } from './helpers/variants';


const operations = referralFactoryNode.description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.displayOptions?.show?.resource as string[]).flatMap((resource) => (property.options as Array<{ value: string }>).map((option) => [resource, option.value] as const)),
	);

const shipped = (resource: string, operation: string) => JSON.parse(readFileSync(join(__dirname, '..', SCHEMA_DIR, resource, `${operation}.json`), 'utf8')) as Schema;

describe.each(Object.keys(VARIANTS))('Referral Factory as the "%s" variant', (variant) => {
	// A sandbox, and so a token, per variant: the whole suite sends well over the API's 600 requests a minute, which one
	// token's pacing would rightly wait out (a test timing out); each variant's part stays under it.
	const t = useSandbox({}, `rf_variant_${variant.replace(/\W/g, '_')}_token`);
	const config = VARIANTS[variant] as Record<string, unknown>;

	it.each(operations)('%s → %s works and gives the same output', async (resource, operation) => {
		const outputs = await scenarioOutputs(t.client, t.credential, resource, operation, config);

		expect(outputs.length).toBeGreaterThan(0);
		expect(schemaOf(outputs)).toEqual(shipped(resource, operation));
	});

	it('Lead → Qualify by coupon qualifies the lead, whatever the n8n endpoint answers', async () => {
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Rita', email: 'rita@example.com' });
		const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lou', email: 'lou@example.com', referrer: { field: 'id', value: referrer.id }, promotion: true });
		await t.client.configure(config);

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: operationParameters('lead', 'qualify', { leadId: { __rl: true, mode: 'coupon', value: lead.promotion!.code } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: lead.id, email: 'lou@example.com', qualified: true });
	});

	it('the trigger lists the user sources, registers for every one when none is picked, a referrer and then a lead joining start it (the lead with their referrer), and unpublishing removes the registration', async () => {
		await t.client.configure(config);
		const sources = await loadTriggerOptions('getUserSources', t.credential);
		expect(sources).toEqual(USER_SOURCES.map((source) => ({ name: source === 'Api' ? 'API' : source, value: source })));
		const wf = new TriggerWorkflow({ parameters: { setup: 'automatic', event: 'userJoined', campaignId: { __rl: true, mode: 'list', value: '1' } }, credential: t.credential, typeVersion: 1.1 });
		try {
			await wf.listen();
			await wf.activate();
			expect((await t.client.webhooks()).map((r) => r.sources)).toEqual([[...USER_SOURCES].sort()]);
			const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
			const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'code', value: referrer.code } });
			await t.client.deliveries();

			expect(wf.runs.map((run) => run.map((item) => item.json))).toEqual([
				[expect.objectContaining({ event: 'user.join', id: referrer.id, email: 'nathan@example.com' })],
				[expect.objectContaining({ event: 'user.join', id: lead.id, email: 'lea@example.com', referrerId: referrer.id })],
			]);
			await wf.lifecycle('delete');
			expect((await t.client.webhooks()).map((r) => r.deleted_at !== null)).toEqual([true]);
		} finally {
			await wf.close();
		}
	});

	it('the polling trigger: each event once, after a first check that starts nothing, over more than a page of records', async () => {
		await t.client.seed(1, 260);
		await t.client.configure(config);
		const referrer = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		const polls = {
			newLead: new PollingWorkflow({ event: 'newLead', campaignId: { __rl: true, mode: 'list', value: '1' } }, t.credential),
			leadQualified: new PollingWorkflow({ event: 'leadQualified', campaignId: { __rl: true, mode: 'list', value: '1' } }, t.credential),
			rewardDue: new PollingWorkflow({ event: 'rewardDue', rewardType: 'all' }, t.credential),
			rewardIssued: new PollingWorkflow({ event: 'rewardIssued', rewardType: 'all' }, t.credential),
		};
		for (const wf of Object.values(polls)) expect(await wf.poll()).toBeNull();

		const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id } });
		await t.client.qualify({ id: lead.id, qualified: true });
		const earned = await t.client.rewards();

		const started = async (wf: PollingWorkflow) => ((await wf.poll()) ?? []).map((item) => (item.json.reward as { id?: number } | undefined)?.id ?? item.json.id);
		expect(await started(polls.newLead)).toEqual([lead.id]);
		expect(await started(polls.leadQualified)).toEqual([lead.id]);
		expect((await started(polls.rewardDue)).sort()).toEqual(earned.map((r) => r.id).sort());
		await t.client.issueReward(earned[0].id);
		expect(await started(polls.rewardIssued)).toEqual([earned[0].id]);
		for (const wf of Object.values(polls)) expect(await wf.poll()).toBeNull();
	});
});
