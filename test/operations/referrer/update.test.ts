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
