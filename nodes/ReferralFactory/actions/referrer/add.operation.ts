import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { simplifyReferrer, type ApiUser } from '../../helpers/referrer';
import { itemError, requireBoolean, requireCampaignId, requireEmail, requireScalar, requireText } from '../../helpers/validation';
import { requestOptions } from '../options';
import {
	apiPath,
	backoffMs,
	isAmbiguous,
	referralFactoryApiRequest,
	requestSettings,
	unwrapData,
} from '../../transport';
import { findReferrer, isEmailTaken } from './find';

const showOnlyForAdd = { show: { resource: ['referrer'], operation: ['add'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Campaign',
		name: 'campaignId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The campaign the referrer joins',
		displayOptions: showOnlyForAdd,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a campaign...',
				typeOptions: { searchListMethod: 'searchCampaigns', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 12345',
				hint: 'In Referral Factory: Campaigns → Edit Campaign → Integration → API → Copy your Campaign ID',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*[1-9][0-9]*\\s*$', errorMessage: 'A campaign ID is a whole number' },
					},
				],
			},
		],
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Nathan',
		description: 'First name of the new referrer',
		displayOptions: showOnlyForAdd,
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
		displayOptions: showOnlyForAdd,
	},
	{
		displayName: 'If Referrer Exists',
		name: 'ifExists',
		type: 'options',
		default: 'returnExisting',
		description:
			'What to do when this email is already a referrer in the campaign, for example when a workflow runs again',
		displayOptions: showOnlyForAdd,
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
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return a simplified version of the response instead of the raw data. The simplified item has the referral link and code at the top level.',
		displayOptions: showOnlyForAdd,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showOnlyForAdd,
		options: [
			{
				displayName: 'Create Promotion Code',
				name: 'promotion',
				type: 'boolean',
				default: false,
				description:
					'Whether to also create a promotion code for the referrer (works only when Stripe is connected to Referral Factory)',
			},
			{
				displayName: 'Custom Fields',
				name: 'customFields',
				type: 'fixedCollection',
				placeholder: 'Add Custom Field',
				default: {},
				typeOptions: { multipleValues: true },
				description: 'Values for the fields of the campaign form, such as Last Name or Company',
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Field Name or ID',
								name: 'label',
								type: 'options',
								typeOptions: {
									loadOptionsMethod: 'getCampaignFields',
									loadOptionsDependsOn: ['campaignId.value'],
								},
								default: '',
								description:
									'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								placeholder: 'e.g. Smith',
							},
						],
					},
				],
			},
			{
				displayName: 'Send Welcome Notification',
				name: 'notify',
				type: 'boolean',
				default: false,
				description:
					"Whether Referral Factory sends the referrer its welcome notification. When off, the campaign's own welcome email settings apply.",
			},
		],
	},
	requestOptions(showOnlyForAdd),
];

type CustomFields = { field?: Array<{ label?: unknown; value?: unknown }> };

export function buildAddReferrerBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const campaignId = requireCampaignId(
		ctx,
		ctx.getNodeParameter('campaignId', itemIndex, '', { extractValue: true }),
		itemIndex,
	);
	const firstName = requireText(ctx, ctx.getNodeParameter('firstName', itemIndex), 'First Name', itemIndex, 'Nathan');
	const email = requireEmail(ctx, ctx.getNodeParameter('email', itemIndex), itemIndex);
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;

	const body: IDataObject = { campaign_id: campaignId, first_name: firstName, email };
	if (additional.notify !== undefined) {
		body.notify = requireBoolean(ctx, additional.notify, 'Send Welcome Notification', itemIndex);
	}
	if (additional.promotion !== undefined) {
		body.promotion = requireBoolean(ctx, additional.promotion, 'Create Promotion Code', itemIndex);
	}
	const custom = (additional.customFields ?? {}) as CustomFields;
	const entries = Array.isArray(custom.field) ? custom.field : [];
	if (entries.length > 0) {
		// `meta` is a list of {field: <campaign field label>, value} ([CODE-LUUPE], [DEV-USER]).
		body.meta = entries.map((entry, position) => ({
			field: requireText(ctx, entry.label, `Custom Fields › Field ${position + 1} › Field Name`, itemIndex, 'Last Name'),
			value: requireScalar(ctx, entry.value ?? '', `Custom Fields › Field ${position + 1} › Value`, itemIndex),
		}));
	}
	return body;
}

type IfExists = 'returnExisting' | 'updateFields' | 'fail';

function existsError(ctx: IExecuteFunctions, body: IDataObject, itemIndex: number): NodeOperationError {
	return itemError(
		ctx,
		itemIndex,
		`${String(body.email)} is already a referrer in campaign ${String(body.campaign_id)}`,
		'Set "If Referrer Exists" to "Return Existing" to get their referral link and code instead.',
	);
}

function userFrom(ctx: IExecuteFunctions, response: unknown, itemIndex: number): ApiUser {
	const user = unwrapData<ApiUser | undefined>(response);
	if (!user || typeof user !== 'object' || Array.isArray(user)) {
		throw new NodeApiError(ctx.getNode(), { body: (response ?? null) as JsonObject } as JsonObject, {
			message: `Referral Factory answered without the referrer [item ${itemIndex}]`,
			description: 'Check in Referral Factory whether the referrer was added before running this item again.',
			itemIndex,
		});
	}
	return user;
}

async function update(ctx: IExecuteFunctions, existing: ApiUser, body: IDataObject, itemIndex: number, deadline: number): Promise<ApiUser> {
	const changes: IDataObject = { first_name: body.first_name };
	if (body.meta !== undefined) changes.meta = body.meta;
	const response = await referralFactoryApiRequest.call(ctx, 'PUT', apiPath('users', Number(existing.id)), {
		body: changes,
		itemIndex,
		deadline,
	});
	return userFrom(ctx, response, itemIndex);
}

/**
 * Adds the referrer without ever adding the same person twice. A create is not idempotent, so after an ambiguous
 * failure (timeout, dropped connection, 5xx) the person is looked up by email in the campaign before it is sent
 * again. Referral Factory answers a repeated email either with the existing user or with a 422 on `email`
 * (shared/referral-factory-api.md §4.3); both end in "If Referrer Exists".
 */
export interface AddReferrerRequest {
	body: IDataObject;
	simplify: boolean;
	ifExists: IfExists;
}

/** Reads and checks the item's fields; throws before anything is sent if one is wrong. */
export function prepare(this: IExecuteFunctions, itemIndex: number): AddReferrerRequest {
	const ifExists = this.getNodeParameter('ifExists', itemIndex, 'returnExisting') as IfExists;
	if (!['returnExisting', 'updateFields', 'fail'].includes(ifExists)) {
		throw itemError(this, itemIndex, `"If Referrer Exists" cannot be "${String(ifExists)}"`, 'Choose Return Existing, Update Fields or Fail.');
	}
	return {
		body: buildAddReferrerBody(this, itemIndex),
		simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		ifExists,
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ body, simplify, ifExists }: AddReferrerRequest,
): Promise<IDataObject> {
	const deadline = Date.now() + requestSettings(this).retryBudgetMs;
	const campaignId = Number(body.campaign_id);
	const email = String(body.email);
	const output = (user: ApiUser) => (simplify ? simplifyReferrer(user) : user);
	const whenExists = async (existing: ApiUser) => {
		if (ifExists === 'fail') throw existsError(this, body, itemIndex);
		if (ifExists === 'updateFields') return output(await update(this, existing, body, itemIndex, deadline));
		return output(existing);
	};

	// Only "Update Fields" and "Fail" need to know beforehand; "Return Existing" outputs the person either way.
	if (ifExists !== 'returnExisting') {
		const existing = await findReferrer.call(this, campaignId, email, { itemIndex, deadline });
		if (existing) return await whenExists(existing);
	}

	for (let attempt = 0; ; attempt++) {
		try {
			const response = await referralFactoryApiRequest.call(this, 'POST', '/users', {
				body,
				itemIndex,
				deadline,
				idempotent: false,
				notFound: {
					message: `Campaign ${campaignId} was not found`,
					description:
						'Pick the campaign from the list, or copy its ID in Referral Factory from Campaigns → Edit Campaign → Integration → API.',
				},
			});
			return output(userFrom(this, response, itemIndex));
		} catch (caught) {
			// The transport throws NodeApiErrors only; given one, NodeApiError's constructor returns it unchanged.
			const failure = new NodeApiError(this.getNode(), caught as JsonObject);
			if (isEmailTaken(failure)) {
				const existing = await findReferrer.call(this, campaignId, email, { itemIndex, deadline });
				if (existing) return await whenExists(existing);
				throw failure;
			}
			if (!isAmbiguous(failure)) throw failure;
			// The add may have been carried out: if the person is there now, this run created them.
			const created = await findReferrer.call(this, campaignId, email, { itemIndex, deadline });
			if (created) return output(created);
			const wait = backoffMs(attempt);
			if (Date.now() + wait > deadline) throw failure;
			await sleep(wait);
		}
	}
}
