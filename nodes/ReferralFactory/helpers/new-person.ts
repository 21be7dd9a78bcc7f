import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { campaignFields, labelFor } from './campaign';
import { requireBoolean, requireCampaignId, requireEmail, requireScalar, requireText } from './validation';

/** The Custom Fields parameter's value. */
export type CustomFields = { field?: Array<{ label?: unknown; value?: unknown }> };

/** How a custom field entry is named in every message, the node's checks and Referral Factory's answers alike. */
export function customFieldName(position: number, part: 'field' | 'value'): string {
	return `Custom Fields › Field ${position + 1} › ${part === 'field' ? 'Field Name or ID' : 'Value'}`;
}

const REFERRER_ADVICE =
	"A lead's referrer must be a referrer in the lead's campaign: check the referrer's code, ID or email, and that 'Campaign' is the campaign they refer people to (a referrer of another campaign is refused).";

/** What to do when Referral Factory refuses a person's fields (a 422 naming them): the advice for the first field named. */
export const NEW_PERSON_REFUSED = {
	fields: {
		referrer: REFERRER_ADVICE,
		'referrer.field': REFERRER_ADVICE,
		'referrer.value': REFERRER_ADVICE,
		email: 'Check the email address: Referral Factory refuses addresses that are malformed or whose domain cannot receive email. With If … Exists → Fail, an email already in the campaign fails here too.',
		campaign_id: "Pick the campaign from the list in 'Campaign': the ID is not one of this account's campaigns.",
		meta: "Check 'Custom Fields' against the fields of the campaign's form (Referral Factory → the campaign → Edit Campaign → Form).",
	},
};

/** The API's field names in the words of the node's parameters, for Referral Factory's 422 answers. */
export function newPersonFieldLabel(field: string): string | undefined {
	const labels: Record<string, string> = {
		campaign_id: 'Campaign',
		first_name: 'First Name',
		email: 'Email',
		notify: 'Send Welcome Notification',
		promotion: 'Create Promotion Code',
		meta: 'Custom Fields',
		referrer: 'Referrer',
		'referrer.field': 'Referrer',
		'referrer.value': 'Referrer',
	};
	if (labels[field]) return labels[field];
	const meta = /^meta\.(\d+)(?:\.(field|value))?$/.exec(field);
	if (meta) return meta[2] === 'value' ? customFieldName(Number(meta[1]), 'value') : customFieldName(Number(meta[1]), 'field');
	return undefined;
}

/**
 * The body of POST /users for a new person, read from the item's Campaign, First Name, Email and Additional Fields
 * and checked before anything is sent. Custom fields are sent as `meta`: a list of {field: <campaign field label>,
 * value} (docs/referral-factory-api.md, P7, C3).
 */
export function buildNewPersonBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const campaignId = requireCampaignId(ctx, ctx.getNodeParameter('campaignId', itemIndex, '', { extractValue: true }), itemIndex);
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
		body.meta = entries.map((entry, position) => ({
			field: requireText(ctx, entry.label, customFieldName(position, 'field'), itemIndex, 'Last Name'),
			value: requireScalar(ctx, entry.value ?? '', customFieldName(position, 'value'), itemIndex),
		}));
	}
	return body;
}

/** Turns custom field IDs into the labels the API expects, from the campaign's fields (read once per run). */
export async function resolveCustomFields(
	client: ApiClient,
	body: IDataObject,
	kind: 'person_referring' | 'person_invited',
	options: { itemIndex: number; deadline: number },
): Promise<IDataObject> {
	if (!Array.isArray(body.meta)) return body;
	const fields = await campaignFields(client, Number(body.campaign_id), kind, options);
	const meta = (body.meta as IDataObject[]).map((entry) => ({ ...entry, field: labelFor(fields, String(entry.field)) }));
	return { ...body, meta };
}
