import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

const update = (values: INodeParameters) => operationParameters('referrer', 'update', values);

describe('Referrer → Update', () => {
	let ada: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		ada = await t.client.createUser({ campaign_id: 3, first_name: 'Ada', email: 'ada@example.com', meta: [{ field: 'Company', value: 'Old Co' }] });
		await t.client.clearRequests();
	});

	it('changes the first name, the email and a custom field given by its ID, and keeps the link', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: update({
				referrerId: { __rl: true, mode: 'code', value: ada.code },
				updateFields: { firstName: 'Ada L.', email: 'ada@northwind.test', customFields: { field: [{ label: 'company', value: 'Northwind' }] } },
			}),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: ada.id, referralCode: ada.code, firstName: 'Ada L.', email: 'ada@northwind.test', customFields: { Company: 'Northwind' } });
		const put = (await t.client.requests()).find((r) => r.method === 'PUT')!;
		expect(put.path).toBe(`/api/v2/users/${ada.id}`);
		expect(put.body).toEqual({ first_name: 'Ada L.', email: 'ada@northwind.test', meta: [{ field: 'Company', value: 'Northwind' }] });
	});

	it('sends only the fields given: a first name alone is a PUT of first_name alone', async () => {
		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: update({ referrerId: { __rl: true, mode: 'id', value: String(ada.id) }, updateFields: { firstName: 'Ada L.' } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ firstName: 'Ada L.', email: 'ada@example.com', customFields: { Company: 'Old Co' }, outcome: 'updated' });
		expect((await t.client.requests()).find((r) => r.method === 'PUT')!.body).toEqual({ first_name: 'Ada L.' });
	});

	it('a custom field given by an ID unlike its label (the campaign says which label it is)', async () => {
		await t.client.configure({ fieldIds: 'opaque' });
		const campaign = (await (await fetch(`${t.sandbox.baseUrl}/campaigns/3`, { headers: { authorization: `Bearer ${t.sandbox.token}` } })).json()) as {
			data: { fields: { person_referring: Array<{ id: string; label: string }> } };
		};
		const company = campaign.data.fields.person_referring.find((field) => field.label === 'Company')!;
		expect(company.id).not.toMatch(/company/i);

		const { items, error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: update({ referrerId: { __rl: true, mode: 'id', value: String(ada.id) }, updateFields: { customFields: { field: [{ label: company.id, value: 'Northwind' }] } } }),
			input: [{}],
		});

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ customFields: { Company: 'Northwind' } });
		expect((await t.client.requests()).find((r) => r.method === 'PUT')!.body).toEqual({ meta: [{ field: 'Company', value: 'Northwind' }] });
	});

	it('an email taken by someone else in the campaign: names the field', async () => {
		await t.client.createUser({ campaign_id: 3, first_name: 'Bob', email: 'bob@example.com', meta: [{ field: 'Company', value: 'B' }] });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: update({ referrerId: { __rl: true, mode: 'id', value: String(ada.id) }, updateFields: { email: 'bob@example.com' } }),
			input: [{}],
		});

		expect(error!.message).toBe(`Referral Factory did not accept the request: 'Update Fields › Email': The email has already been taken [item 0]`);
	});

	it('refuses an empty Update Fields before any request', async () => {
		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: update({ referrerId: { __rl: true, mode: 'id', value: String(ada.id) } }),
			input: [{}],
		});

		expect(error!.message).toBe(`'Update Fields' is empty: there is nothing to update [item 0]`);
		expect(await t.client.requests()).toEqual([]);
	});
});
