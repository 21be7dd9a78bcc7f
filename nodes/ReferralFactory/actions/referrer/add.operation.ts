import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { simplifyReferrer, type ApiUser } from '../../helpers/referrer';
import { requireCampaignId, requireEmail, requireScalar, requireText } from '../../helpers/validation';
import { referralFactoryApiRequest, unwrapData } from '../../transport';

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
];

type CustomFields = { field?: Array<{ label?: unknown; value?: unknown }> };

function readBoolean(ctx: IExecuteFunctions, value: unknown, field: string, itemIndex: number): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new NodeOperationError(ctx.getNode(), `"${field}" must be true or false [item ${itemIndex}]`, {
		itemIndex,
		description: `If "${field}" comes from an expression, make it return true or false.`,
	});
}

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
		body.notify = readBoolean(ctx, additional.notify, 'Send Welcome Notification', itemIndex);
	}
	if (additional.promotion !== undefined) {
		body.promotion = readBoolean(ctx, additional.promotion, 'Create Promotion Code', itemIndex);
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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = buildAddReferrerBody(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;

	const response = await referralFactoryApiRequest.call(this, 'POST', '/users', {
		body,
		itemIndex,
		notFound: {
			message: `Campaign ${String(body.campaign_id)} was not found`,
			description:
				'Pick the campaign from the list, or copy its ID in Referral Factory from Campaigns → Edit Campaign → Integration → API.',
		},
	});
	const user = unwrapData<ApiUser | undefined>(response);
	if (!user || typeof user !== 'object' || Array.isArray(user)) {
		throw new NodeApiError(this.getNode(), { body: (response ?? null) as JsonObject } as JsonObject, {
			message: `Referral Factory answered without the new referrer [item ${itemIndex}]`,
			description: 'Check in Referral Factory whether the referrer was added before running this item again.',
			itemIndex,
		});
	}
	return simplify ? simplifyReferrer(user) : user;
}
