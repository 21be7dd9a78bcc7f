import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { campaignNotFound } from '../../helpers/campaign';
import { createOnce } from '../../helpers/create-once';
import { buildNewPersonBody, newPersonFieldLabel, resolveCustomFields } from '../../helpers/new-person';
import { findUserByEmail, isEmailTaken, simplifyUser, userFrom, type ApiUser } from '../../helpers/user';
import { itemError } from '../../helpers/validation';
import { apiPath, type ApiClient } from '../../transport';
import { campaignLocator, newPersonAdditionalFields, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

const properties: INodeProperties[] = [
	campaignLocator('The campaign the referrer joins'),
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Nathan',
		description: 'First name of the new referrer',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. nathan@example.com',
		description:
			'Email address of the new referrer. Referral Factory identifies a referrer by email within a campaign.',
	},
	{
		displayName: 'If Referrer Exists',
		name: 'ifExists',
		type: 'options',
		default: 'returnExisting',
		description:
			'What to do when this email is already a referrer in the campaign, for example when a workflow runs again',
		options: [
			{
				name: 'Return Existing',
				value: 'returnExisting',
				description: 'Output the existing referrer, with the referral link and code they already have',
			},
			{
				name: 'Update Fields',
				value: 'updateFields',
				description: 'Update their first name and custom fields, then output them',
			},
			{
				name: 'Fail',
				value: 'fail',
				description: 'Stop with an error for this item (or output an error item with Continue On Fail)',
			},
		],
	},
	simplify('the referral link and code at the top level'),
	newPersonAdditionalFields,
];

const IF_EXISTS = ['returnExisting', 'updateFields', 'fail'] as const;
type IfExists = (typeof IF_EXISTS)[number];

interface AddReferrerRequest {
	body: IDataObject;
	simplify: boolean;
	ifExists: IfExists;
}

async function updateExisting(this: IExecuteFunctions, client: ApiClient, existing: ApiUser, body: IDataObject, itemIndex: number, deadline: number) {
	const changes: IDataObject = { first_name: body.first_name };
	if (body.meta !== undefined) changes.meta = body.meta;
	const response = await client.request('PUT', apiPath('users', Number(existing.id)), {
		body: changes,
		itemIndex,
		deadline,
		fieldLabel: newPersonFieldLabel,
	});
	return userFrom(this.getNode(), response, itemIndex);
}

/**
 * Adds a person to a campaign as a referrer, never twice (helpers/create-once.ts). Referral Factory answers a
 * repeated email either with the existing user or with a 422 on `email` (shared/referral-factory-api.md §4.3);
 * both end in "If Referrer Exists".
 */
export const add = defineOperation({
	resource: 'referrer',
	operation: 'add',
	properties,
	prepare(itemIndex): AddReferrerRequest {
		const ifExists = this.getNodeParameter('ifExists', itemIndex, 'returnExisting') as IfExists;
		if (!IF_EXISTS.includes(ifExists)) {
			throw itemError(this, itemIndex, `'If Referrer Exists' cannot be "${String(ifExists)}"`, 'Choose Return Existing, Update Fields or Fail.');
		}
		return {
			body: buildNewPersonBody(this, itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			ifExists,
		};
	},
	async execute({ client, itemIndex, request }) {
		const { ifExists } = request;
		const deadline = client.deadline();
		const body = await resolveCustomFields(client, request.body, { itemIndex, deadline });
		const campaignId = Number(body.campaign_id);
		const output = (user: ApiUser) => (request.simplify ? simplifyUser(user) : user);
		const find = async () => await findUserByEmail(client, campaignId, String(body.email), { itemIndex, deadline });
		const whenExists = async (existing: ApiUser) => {
			if (ifExists === 'fail') {
				throw itemError(
					this,
					itemIndex,
					`${String(body.email)} is already a referrer in campaign ${campaignId}`,
					"Set 'If Referrer Exists' to 'Return Existing' to get their referral link and code instead.",
				);
			}
			if (ifExists === 'updateFields') return output(await updateExisting.call(this, client, existing, body, itemIndex, deadline));
			return output(existing);
		};

		// Only "Update Fields" and "Fail" need to know beforehand; "Return Existing" outputs the person either way.
		if (ifExists !== 'returnExisting') {
			const existing = await find();
			if (existing) return await whenExists(existing);
		}
		const { outcome, record } = await createOnce(client, {
			itemIndex,
			deadline,
			send: async () => {
				const response = await client.request('POST', '/users', {
					body,
					itemIndex,
					deadline,
					idempotent: false,
					notFound: campaignNotFound(campaignId),
					fieldLabel: newPersonFieldLabel,
				});
				return userFrom(this.getNode(), response, itemIndex);
			},
			find,
			isDuplicate: isEmailTaken,
		});
		return outcome === 'existing' ? await whenExists(record) : output(record);
	},
});
