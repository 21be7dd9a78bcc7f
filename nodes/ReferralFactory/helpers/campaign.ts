import type { IDataObject } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { apiPath, unwrapData } from '../transport';

/**
 * The one rule for a campaign ID: a positive whole number (docs/referral-factory-api.md, C2; campaign_id is an integer
 * in every source). The resource locator's By ID check, the item validation and the custom-field loader all use it.
 */
export const CAMPAIGN_ID_PATTERN = '^\\s*[1-9][0-9]*\\s*$';
const CAMPAIGN_ID = new RegExp(CAMPAIGN_ID_PATTERN);

/** The campaign ID in `value` (a number, or text with surrounding spaces), or undefined if it is not one. */
export function parseCampaignId(value: unknown): number | undefined {
	const raw = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
	if (raw === undefined || !CAMPAIGN_ID.test(raw)) return undefined;
	const id = Number(raw.trim());
	return Number.isSafeInteger(id) ? id : undefined;
}

export interface CampaignField {
	id?: string;
	label?: string;
	required?: boolean;
}

/**
 * The form fields a referrer (`fields.person_referring`) or a lead (`fields.person_invited`) fills in for a campaign
 * (docs/referral-factory-api.md, C3), read once per run.
 */
export async function campaignFields(
	client: ApiClient,
	campaignId: number,
	kind: 'person_referring' | 'person_invited',
	options: { itemIndex?: number; deadline?: number } = {},
): Promise<CampaignField[]> {
	const campaign = await client.once(`campaign:${campaignId}`, async () =>
		unwrapData<{ fields?: Record<string, unknown> } | undefined>(
			await client.request('GET', apiPath('campaigns', campaignId), { ...options, notFound: campaignNotFound(campaignId) }),
		),
	);
	const fields = campaign?.fields?.[kind];
	return Array.isArray(fields) ? (fields as CampaignField[]) : [];
}

export function campaignNotFound(campaignId: number) {
	return {
		message: `Campaign ${campaignId} was not found`,
		description:
			'Pick the campaign from the list, or copy its ID in Referral Factory from Campaigns → Edit Campaign → Integration → API.',
	};
}

/**
 * The label the API expects in `meta` for what the user chose: the custom field picker offers labels, and an
 * expression may give a field's ID instead (`meta` names a campaign field by its label: docs/referral-factory-api.md,
 * C3). Anything else goes through as it is, and Referral Factory names it in its answer.
 */
export function labelFor(fields: CampaignField[], chosen: string): string {
	const wanted = chosen.toLowerCase();
	const byLabel = fields.find((field) => field.label?.toLowerCase() === wanted);
	if (byLabel?.label) return byLabel.label;
	const byId = fields.find((field) => String(field.id ?? '').toLowerCase() === wanted);
	return byId?.label ?? chosen;
}

/** What Include Analytics adds to a campaign (docs/referral-factory-api.md, P15). */
export const CAMPAIGN_FIGURES = 'the campaign’s reach, people, referrals and qualified referrals';

/** The campaign object as the API returns it (docs/referral-factory-api.md, C2); every field may be missing. */
export interface ApiCampaign extends IDataObject {
	id?: number;
	name?: string;
	code?: string;
	url?: string;
	status?: string;
	lang?: string;
	starts_at?: string | null;
	ends_at?: string | null;
	created_at?: string;
	fields?: { person_referring?: CampaignField[]; person_invited?: CampaignField[] };
}

const labels = (fields: CampaignField[] | undefined) =>
	(Array.isArray(fields) ? fields : []).map((field) => field.label).filter((label): label is string => typeof label === 'string');

/** The simplified campaign, in the user's words: what a workflow needs to pick and use a campaign. */
export function simplifyCampaign(campaign: ApiCampaign): IDataObject {
	return {
		id: campaign.id ?? null,
		name: campaign.name ?? null,
		code: campaign.code ?? null,
		signupLink: campaign.url ?? null,
		status: campaign.status ?? null,
		language: campaign.lang ?? null,
		startsAt: campaign.starts_at ?? null,
		endsAt: campaign.ends_at ?? null,
		referrerFields: labels(campaign.fields?.person_referring),
		leadFields: labels(campaign.fields?.person_invited),
	};
}
