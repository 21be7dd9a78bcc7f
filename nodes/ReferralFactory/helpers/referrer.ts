import type { IDataObject } from 'n8n-workflow';

/** The user object as the API returns it (shared/referral-factory-api.md §3.12); every field may be missing. */
export interface ApiUser extends IDataObject {
	id?: number;
	campaign_id?: number;
	referrer_id?: number | null;
	code?: string;
	url?: string;
	first_name?: string;
	email?: string;
	source?: string;
	type?: string;
	signed_up_at?: string;
	qualified_at?: string | null;
	promotion?: { code?: string } | null;
	qr?: { src?: string; url?: string } | null;
	meta?: Array<{ field?: string; value?: unknown }>;
}

/**
 * The simplified item: what the next steps of a workflow need, in the user's words. `referralLink` and
 * `referralCode` are the API's `url` and `code`.
 */
export function simplifyReferrer(user: ApiUser): IDataObject {
	const simplified: IDataObject = {
		id: user.id ?? null,
		referralLink: user.url ?? null,
		referralCode: user.code ?? null,
		firstName: user.first_name ?? null,
		email: user.email ?? null,
		campaignId: user.campaign_id ?? null,
		type: user.type ?? null,
		source: user.source ?? null,
		signedUpAt: user.signed_up_at ?? null,
		// v2 documents qualified_at; v1 objects carry a boolean `qualified` (§3.12, §7.9).
		qualified:
			user.qualified_at !== undefined ? user.qualified_at !== null : Boolean(user.qualified ?? false),
	};
	if (user.referrer_id !== undefined && user.referrer_id !== null) simplified.referrerId = user.referrer_id;
	if (user.promotion?.code) simplified.promotionCode = user.promotion.code;
	const qr = user.qr?.src ?? user.qr?.url;
	if (qr) simplified.qrCodeUrl = qr;
	if (Array.isArray(user.meta) && user.meta.length > 0) {
		const fields: IDataObject = {};
		for (const entry of user.meta) {
			if (typeof entry?.field === 'string') fields[entry.field] = (entry.value ?? null) as IDataObject[string];
		}
		simplified.customFields = fields;
	}
	return simplified;
}
