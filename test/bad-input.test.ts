import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from './helpers/engine';
import { addReferrerParameters, useSandbox } from './helpers/setup';

const t = useSandbox();

const good = { firstName: 'Good', email: 'good@example.com', campaign: '1' };

interface BadInput {
	name: string;
	item: Record<string, unknown>;
	parameters?: INodeParameters;
	/** Words the message must contain, besides the item index. */
	message: RegExp;
}

// Campaign IDs from an expression: a static By ID value that is not a whole number never gets this far, because
// n8n refuses to run a workflow whose resource locator fails its regex (tested at the end of this file).
const byId = { campaignId: { __rl: true, mode: 'id', value: '={{ $json.campaign }}' } } as INodeParameters;

const cases: BadInput[] = [
	{ name: 'missing email', item: { firstName: 'Ann' }, message: /^'Email' has no value \[item 2\]$/ },
	{ name: 'empty email', item: { firstName: 'Ann', email: '' }, message: /'Email' is empty/ },
	{ name: 'email without @', item: { firstName: 'Ann', email: 'ann.example.com' }, message: /'Email' is not a valid email address: "ann.example.com"/ },
	{ name: 'email without a domain dot', item: { firstName: 'Ann', email: 'ann@example' }, message: /'Email' is not a valid email address/ },
	{ name: 'email with a space', item: { firstName: 'Ann', email: 'ann smith@example.com' }, message: /'Email' is not a valid email address/ },
	{ name: 'email as an object', item: { firstName: 'Ann', email: { address: 'ann@example.com' } }, message: /'Email' must be text, but the value is an object/ },
	{ name: 'email over 255 characters', item: { firstName: 'Ann', email: `${'a'.repeat(250)}@example.com` }, message: /'Email' is 262 characters long; Referral Factory accepts at most 255/ },
	{ name: 'email with two @', item: { firstName: 'Ann', email: 'ann@home@example.com' }, message: /'Email' is not a valid email address/ },
	{ name: 'email as a list', item: { firstName: 'Ann', email: ['ann@example.com'] }, message: /'Email' must be text, but the value is a list/ },
	{ name: 'email as null', item: { firstName: 'Ann', email: null }, message: /'Email' has no value/ },
	{ name: 'email with a non-breaking space', item: { firstName: 'Ann', email: 'ann\u00a0smith@example.com' }, message: /'Email' is not a valid email address/ },
	{ name: 'email that is only whitespace', item: { firstName: 'Ann', email: ' \t\n ' }, message: /'Email' is empty/ },
	{ name: 'first name as an object', item: { firstName: { given: 'Ann' }, email: 'ann@example.com' }, message: /'First Name' must be text, but the value is an object/ },
	{ name: 'first name as a boolean', item: { firstName: true, email: 'ann@example.com' }, message: /'First Name' must be text, but the value is a boolean/ },
	{ name: 'first name of invisible characters only', item: { firstName: '\u200b\u200b', email: 'ann@example.com' }, message: /'First Name' is empty/ },
	{ name: 'empty first name', item: { firstName: '', email: 'ann@example.com' }, message: /'First Name' is empty/ },
	{ name: 'whitespace first name', item: { firstName: '   ', email: 'ann@example.com' }, message: /'First Name' is empty/ },
	{ name: 'first name as a number', item: { firstName: 42, email: 'ann@example.com' }, message: /'First Name' must be text, but the value is a number/ },
	{ name: 'first name over 255 characters', item: { firstName: 'x'.repeat(300), email: 'ann@example.com' }, message: /'First Name' is 300 characters long/ },
	{ name: 'campaign ID with letters', item: { ...good, campaign: 'abc' }, parameters: byId, message: /'Campaign' must be a positive whole number, but it is "abc"/ },
	{ name: 'campaign ID zero', item: { ...good, campaign: '0' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'negative campaign ID', item: { ...good, campaign: '-3' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'decimal campaign ID', item: { ...good, campaign: '1.5' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'campaign ID crafted as a path', item: { ...good, campaign: '1/../campaigns' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'campaign ID as an object', item: { ...good, campaign: { id: 1 } }, parameters: byId, message: /'Campaign' must be a campaign ID, but the value is an object/ },
	{ name: 'campaign ID as a boolean', item: { ...good, campaign: true }, parameters: byId, message: /'Campaign' must be a campaign ID, but the value is a boolean/ },
	{ name: 'campaign ID beyond the largest safe integer', item: { ...good, campaign: '99999999999999999999' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'campaign ID in exponent notation', item: { ...good, campaign: '1e3' }, parameters: byId, message: /'Campaign' must be a positive whole number, but it is "1e3"/ },
	{ name: 'campaign ID with a space inside', item: { ...good, campaign: '1 2' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'campaign ID in non-ASCII digits', item: { ...good, campaign: '١٢' }, parameters: byId, message: /'Campaign' must be a positive whole number, but it is "١٢"/ },
	{ name: 'campaign ID with a query string', item: { ...good, campaign: '1?per_page=250' }, parameters: byId, message: /'Campaign' must be a positive whole number/ },
	{ name: 'empty campaign ID', item: { ...good, campaign: '' }, parameters: byId, message: /'Campaign' is empty/ },
];

describe('bad input is refused before any request is sent', () => {
	it.each(cases)('$name', async ({ item, parameters, message }) => {
		const { error, items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(parameters),
			// Two good items first, so the message must name item 2.
			input: [good, { ...good, email: 'second@example.com' }, item].map((json) => ({ ...json })),
		});

		expect(items).toEqual([]);
		expect(error).toBeDefined();
		expect(error!.name).toBe('NodeOperationError');
		expect(error!.message).toMatch(message);
		expect(error!.message).toMatch(/\[item 2\]$/);
		expect(error!.description).toEqual(expect.any(String));
		expect(error!.description!.length).toBeGreaterThan(10);
		// Every item is checked before any is sent: not even the two good items before it went out.
		expect(await t.client.requests()).toEqual([]);
	});

	it('names the custom field whose value is not a single value', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				additionalFields: { customFields: { field: [{ label: 'Last Name', value: '={{ $json.last }}' }] } },
			}),
			input: [{ ...good, last: { family: 'Smith' } }],
		});

		expect(error!.message).toBe(
			"'Custom Fields › Field 1 › Value' must be text, a number or a boolean, but the value is an object [item 0]",
		);
		expect(await t.client.requests()).toEqual([]);
	});

	it('names an empty custom field label', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({
				additionalFields: { customFields: { field: [{ label: '={{ $json.label }}', value: 'x' }] } },
			}),
			input: [{ ...good, label: '  ' }],
		});

		expect(error!.message).toBe("'Custom Fields › Field 1 › Field Name or ID' is empty [item 0]");
		expect(await t.client.requests()).toEqual([]);
	});

	it('refuses an If Referrer Exists value that is not one of the choices', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ ifExists: '={{ $json.mode }}' }),
			input: [{ ...good, mode: 'overwrite' }],
		});

		expect(error!.message).toBe(`'If Referrer Exists' cannot be "overwrite" [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});

	it('accepts Unicode names and sends them exactly', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters(),
			input: [{ firstName: 'Zoë 李 🎉', email: 'zoe@example.com' }],
		});

		expect(error).toBeUndefined();
		expect(items[0].json.firstName).toBe('Zoë 李 🎉');
		expect((await t.client.users())[0].first_name).toBe('Zoë 李 🎉');
	});

	it('refuses a notify flag that is not true or false', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: addReferrerParameters({ additionalFields: { notify: '={{ $json.notify }}' } }),
			input: [{ ...good, notify: 'yes please' }],
		});

		expect(error!.message).toBe("'Send Welcome Notification' must be true or false [item 0]");
		expect(await t.client.requests()).toEqual([]);
	});

	it('n8n itself refuses to run a static By ID campaign that is not a whole number', async () => {
		await expect(
			runReferralFactoryNode({
				credential: t.credential,
				parameters: addReferrerParameters({ campaignId: { __rl: true, mode: 'id', value: '12a' } }),
				input: [good],
			}),
		).rejects.toThrow('The workflow has issues');
		expect(await t.client.requests()).toEqual([]);
	});
});
