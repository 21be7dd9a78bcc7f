/**
 * One or more runs per operation, with the node's defaults (Simplify on) and records that carry every optional field
 * (custom fields, a promotion code, a referrer, issued and due rewards of each kind). `npm run schemas` writes the
 * editor's output schemas from these runs; test/output-schemas.test.ts checks the shipped schemas against them.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from './engine';
import type { SandboxClient, SandboxUser } from './sandbox-client';
import { operationParameters } from './setup';

export interface ScenarioRun {
	parameters: INodeParameters;
	input?: IDataObject[];
}

interface Seeded {
	referrer: SandboxUser;
	lead: SandboxUser;
	dueAmount: number;
	dueCoupon: number;
}

/** A referrer with a custom field and a promotion code, their qualified lead, and rewards due and issued. */
export async function seed(client: SandboxClient): Promise<Seeded> {
	await client.reset();
	const referrer = await client.createUser({ campaign_id: 1, first_name: 'Ada', email: 'ada@example.com', meta: [{ field: 'Last Name', value: 'Lovelace' }], promotion: true });
	const lead = await client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: referrer.id }, promotion: true });
	const other = await client.createUser({ campaign_id: 1, first_name: 'Leo', email: 'leo@example.com', referrer: { field: 'id', value: referrer.id } });
	await client.qualify({ id: lead.id, qualified: true });
	await client.qualify({ id: other.id, qualified: true });
	const rewards = await client.rewards();
	const amounts = rewards.filter((r) => r.metric === 'amount');
	const coupons = rewards.filter((r) => r.metric === 'coupon');
	// One of each kind issued, so the issued lists have records too.
	await client.issueReward(amounts[1].id);
	await client.issueReward(coupons[1].id);
	return { referrer, lead, dueAmount: amounts[0].id, dueCoupon: coupons[0].id };
}

const campaign = { __rl: true, mode: 'id', value: '1' };
const byCode = (user: SandboxUser) => ({ __rl: true, mode: 'code', value: user.code });
const op = operationParameters;

/** resource → operation → the runs whose outputs the schema describes. */
export const OUTPUT_SCENARIOS: Record<string, Record<string, (seeded: Seeded) => ScenarioRun[]>> = {
	referrer: {
		add: () => [
			{
				parameters: op('referrer', 'add', {
					campaignId: campaign,
					firstName: 'Grace',
					email: 'grace@example.com',
					additionalFields: { promotion: true, customFields: { field: [{ label: 'Last Name', value: 'Hopper' }] } },
				}),
			},
		],
		get: ({ referrer }) => [{ parameters: op('referrer', 'get', { referrerId: byCode(referrer) }) }],
		getAll: () => [{ parameters: op('referrer', 'getAll', { returnAll: true }) }],
		update: ({ referrer }) => [{ parameters: op('referrer', 'update', { referrerId: byCode(referrer), updateFields: { firstName: 'Ada L.' } }) }],
		delete: ({ referrer }) => [{ parameters: op('referrer', 'delete', { referrerId: byCode(referrer) }) }],
	},
	lead: {
		add: ({ referrer }) => [
			{ parameters: op('lead', 'add', { campaignId: campaign, referrerId: byCode(referrer), firstName: 'Lou', email: 'lou@example.com', additionalFields: { promotion: true } }) },
		],
		get: ({ lead }) => [{ parameters: op('lead', 'get', { leadId: byCode(lead) }) }],
		getAll: () => [{ parameters: op('lead', 'getAll', { returnAll: true }) }],
		update: ({ lead }) => [{ parameters: op('lead', 'update', { leadId: byCode(lead), updateFields: { firstName: 'Lea M.' } }) }],
		delete: ({ lead }) => [{ parameters: op('lead', 'delete', { leadId: byCode(lead) }) }],
		qualify: ({ lead }) => [{ parameters: op('lead', 'qualify', { leadId: byCode(lead) }) }],
		unqualify: ({ lead }) => [{ parameters: op('lead', 'unqualify', { leadId: byCode(lead) }) }],
	},
	campaign: {
		get: () => [{ parameters: op('campaign', 'get', { campaignId: campaign }) }],
		getAll: () => [{ parameters: op('campaign', 'getAll', { limit: 5 }) }],
	},
	reward: {
		getAll: () =>
			(['due', 'issued'] as const).flatMap((status) =>
				(['amount', 'coupon'] as const).map((rewardType) => ({ parameters: op('reward', 'getAll', { status, rewardType, returnAll: true }) })),
			),
		issue: ({ dueAmount }) => [{ parameters: op('reward', 'issue', { rewardId: String(dueAmount) }) }],
		cancel: ({ dueCoupon }) => [{ parameters: op('reward', 'cancel', { rewardId: String(dueCoupon) }) }],
	},
};

/**
 * Every scenario's output items for one operation, each run on freshly seeded data; `config`: the sandbox's switches
 * for the runs (a variant of the API), set after the seeding.
 */
export async function scenarioOutputs(
	client: SandboxClient,
	credential: { id: string; name: string },
	resource: string,
	operation: string,
	config: Record<string, unknown> = {},
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	const seeded = await seed(client);
	if (Object.keys(config).length > 0) await client.configure(config);
	for (const run of OUTPUT_SCENARIOS[resource][operation](seeded)) {
		const { items: output, error } = await runReferralFactoryNode({ credential, parameters: run.parameters, input: run.input ?? [{}] });
		if (error) throw new Error(`${resource} → ${operation}: ${error.message}`);
		items.push(...output.map((item) => item.json));
	}
	return items;
}

/** Where n8n looks for a node's output schemas: next to the node file, `__schema__/v<version>/<resource>/<operation>.json`. */
export const SCHEMA_DIR = 'nodes/ReferralFactory/__schema__/v1.0.0';
/** The same schemas for each version of the node (1.1 changed a field's picker, not an output): n8n asks by version. */
export const SCHEMA_DIRS = [SCHEMA_DIR, 'nodes/ReferralFactory/__schema__/v1.1.0'];

export type Schema = { type: string; properties?: Record<string, Schema>; items?: Schema };

/** Objects whose keys are the user's own (a campaign's form fields): described as objects, without example keys. */
const OPEN_OBJECTS = new Set(['customFields']);

/** The JSON schema n8n's editor reads (type, properties, items), of a set of values: the union of what they hold. */
export function schemaOf(values: unknown[]): Schema {
	const present = values.filter((value) => value !== null && value !== undefined);
	const sample = present[0];
	if (sample === undefined) return { type: 'null' };
	if (Array.isArray(sample)) return { type: 'array', items: schemaOf(present.flatMap((value) => value as unknown[])) };
	if (typeof sample === 'object') {
		const keys = [...new Set(present.flatMap((value) => Object.keys(value as object)))].sort();
		const property = (key: string): Schema => {
			const schema = schemaOf(present.map((value) => (value as Record<string, unknown>)[key]));
			return OPEN_OBJECTS.has(key) && schema.type === 'object' ? { type: 'object' } : schema;
		};
		return { type: 'object', properties: Object.fromEntries(keys.map((key) => [key, property(key)])) };
	}
	return { type: typeof sample };
}
