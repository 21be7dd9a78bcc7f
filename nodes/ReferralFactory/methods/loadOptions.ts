import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { apiPath, referralFactoryApiRequest, unwrapData } from '../transport';

interface CampaignField {
	id?: string;
	label?: string;
	required?: boolean;
}

// The referrer's name and email have fields of their own in the node.
const BUILT_IN = new Set(['first_name', 'firstname', 'email', 'first name']);

/** The form fields a referrer fills in for the chosen campaign ([DEV-CAMP] `fields.person_referring`). */
export async function getCampaignFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const campaignId = this.getCurrentNodeParameter('campaignId', { extractValue: true });
	const id = String(campaignId ?? '').trim();
	if (!/^[1-9]\d*$/.test(id)) return [];
	const campaign = unwrapData<{ fields?: { person_referring?: CampaignField[] } }>(
		await referralFactoryApiRequest.call(this, 'GET', apiPath('campaigns', id)),
	);
	const fields = campaign?.fields?.person_referring ?? [];
	return fields
		.filter((field) => field.label && !BUILT_IN.has(field.label.toLowerCase()) && !BUILT_IN.has(String(field.id).toLowerCase()))
		.map((field) => ({
			name: field.required ? `${field.label} (required)` : (field.label as string),
			value: field.label as string,
		}));
}
