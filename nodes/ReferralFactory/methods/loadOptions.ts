import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { campaignFields, parseCampaignId, type ApiCampaign } from '../helpers/campaign';
import { ApiClient, requestAllItems } from '../transport';

// The person's first name and email have fields of their own in the node.
const BUILT_IN = new Set(['first_name', 'firstname', 'email', 'first name']);

/** The form fields of the chosen campaign that a referrer, or a lead, fills in (docs/referral-factory-api.md, C3). */
export async function getCampaignFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const campaignId = parseCampaignId(this.getCurrentNodeParameter('campaignId', { extractValue: true }));
	if (campaignId === undefined) return [];
	const kind = this.getCurrentNodeParameter('resource') === 'lead' ? 'person_invited' : 'person_referring';
	const fields = await campaignFields(await ApiClient.create(this), campaignId, kind);
	return fields
		.filter((field) => field.label && !BUILT_IN.has(field.label.toLowerCase()) && !BUILT_IN.has(String(field.id).toLowerCase()))
		.map((field) => ({
			name: field.required ? `${field.label} (required)` : (field.label as string),
			value: field.label as string,
		}));
}

/** Every campaign, for a campaign filter (a list, so Get Many's filters stay a plain collection). */
export async function getCampaigns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const campaigns = await requestAllItems<ApiCampaign>(await ApiClient.create(this), 'GET', '/campaigns', { returnAll: true });
	return campaigns
		.filter((campaign) => campaign.id !== undefined)
		.map((campaign) => ({ name: campaign.name ?? `Campaign ${campaign.id}`, value: String(campaign.id) }));
}
