/**
 * What every operation owes its users whatever it does, each operation run on its own: a bad value in an item is
 * refused before anything is sent, naming the field and the item; under Continue On Fail the bad item becomes an
 * error item paired with its input while the good one goes through, paired with its own; without it, the run
 * stops before any request. Each row gives a value the operation reads from the input item, a good one and a bad one.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from '../helpers/engine';
import { seed } from '../helpers/output-scenarios';
import { operationParameters, useSandbox } from '../helpers/setup';

const t = useSandbox();

type Seeded = Awaited<ReturnType<typeof seed>>;

interface Row {
	resource: string;
	operation: string;
	/** The operation's parameters; `={{ $json.v }}` is where the item's value goes. */
	values: INodeParameters;
	good: (seeded: Seeded) => unknown;
	bad: unknown;
	/** The error's start: the field, in the node's words. */
	field: string;
}

const V = '={{ $json.v }}';
const byId = { __rl: true, mode: 'id', value: V };
const campaign = { __rl: true, mode: 'id', value: '1' };

const rows: Row[] = [
	{ resource: 'referrer', operation: 'add', values: { campaignId: campaign, firstName: 'Grace', email: V }, good: () => 'grace@example.com', bad: 'grace(at)example.com', field: "'Email' is not a valid email address" },
	{ resource: 'referrer', operation: 'get', values: { referrerId: byId }, good: (s) => String(s.referrer.id), bad: 'Ada', field: "'Referrer' must be a whole number" },
	{ resource: 'referrer', operation: 'getAll', values: { filters: { email: V } }, good: () => 'ada@example.com', bad: 'ada', field: "'Filters › Email' is not a valid email address" },
	{ resource: 'referrer', operation: 'update', values: { referrerId: byId, updateFields: { firstName: 'Ada L.' } }, good: (s) => String(s.referrer.id), bad: '-3', field: "'Referrer' must be a whole number" },
	{ resource: 'referrer', operation: 'delete', values: { referrerId: byId }, good: (s) => String(s.referrer.id), bad: '1.5', field: "'Referrer' must be a whole number" },
	{ resource: 'lead', operation: 'add', values: { campaignId: campaign, referrerId: { __rl: true, mode: 'code', value: V }, firstName: 'Lou', email: 'lou@example.com' }, good: (s) => s.referrer.code, bad: null, field: "'Referrer' has no value" },
	{ resource: 'lead', operation: 'get', values: { leadId: byId }, good: (s) => String(s.lead.id), bad: 'Lea', field: "'Lead' must be a whole number" },
	{ resource: 'lead', operation: 'getAll', values: { filters: { email: V } }, good: () => 'lea@example.com', bad: 'lea', field: "'Filters › Email' is not a valid email address" },
	{ resource: 'lead', operation: 'update', values: { leadId: byId, updateFields: { email: 'lea.m@example.com' } }, good: (s) => String(s.lead.id), bad: '', field: "'Lead' is empty" },
	{ resource: 'lead', operation: 'delete', values: { leadId: byId }, good: (s) => String(s.lead.id), bad: 'x', field: "'Lead' must be a whole number" },
	{ resource: 'lead', operation: 'qualify', values: { leadId: { __rl: true, mode: 'code', value: V } }, good: (s) => s.lead.code, bad: undefined, field: "'Lead' has no value" },
	{ resource: 'lead', operation: 'unqualify', values: { leadId: byId }, good: (s) => String(s.lead.id), bad: '0', field: "'Lead' must be a whole number" },
	{ resource: 'campaign', operation: 'get', values: { campaignId: byId }, good: () => '1', bad: 'Acme', field: "'Campaign'" },
	{ resource: 'campaign', operation: 'getAll', values: { filters: { status: V } }, good: () => 'draft', bad: 'live', field: "'Filters › Status' cannot be \"live\"" },
	{ resource: 'reward', operation: 'getAll', values: { status: 'due', rewardType: V, returnAll: true }, good: () => 'amount', bad: 'cash', field: "'Reward Type'" },
	{ resource: 'reward', operation: 'issue', values: { rewardId: V }, good: (s) => String(s.dueAmount), bad: 'R-501', field: "'Due Reward ID' must be a whole number" },
	{ resource: 'reward', operation: 'cancel', values: { rewardId: V }, good: (s) => String(s.dueCoupon), bad: '12abc', field: "'Due Reward ID' must be a whole number" },
];

const item = (value: unknown): IDataObject => (value === undefined ? {} : { v: value as IDataObject[string] });

describe.each(rows)('$resource → $operation', ({ resource, operation, values, good, bad, field }) => {
	const parameters = () => operationParameters(resource, operation, values);

	it('a bad value: refused before any request, naming the field and the item; nothing is sent for the good one either', async () => {
		const seeded = await seed(t.client);
		await t.client.clearRequests();

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: parameters(), input: [item(good(seeded)), item(bad)] });

		expect(items).toEqual([]);
		expect(error?.message.slice(0, field.length)).toBe(field);
		expect(error?.message).toMatch(/\[item 1\]$/);
		expect(await t.client.requests()).toEqual([]);
	});

	it('Continue On Fail: the bad item becomes an error item paired with it, the good one goes through paired with its own', async () => {
		const seeded = await seed(t.client);

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: parameters(), input: [item(bad), item(good(seeded))], continueOnFail: true });

		expect(error).toBeUndefined();
		expect(String(items[0].json.error).slice(0, field.length)).toBe(field);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const rest = items.slice(1);
		expect(rest.length).toBeGreaterThan(0);
		expect(rest.filter((output) => output.json.error !== undefined)).toEqual([]);
		rest.forEach((output) => expect(output.pairedItem).toEqual({ item: 1 }));
	});
});
