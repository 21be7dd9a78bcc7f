import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { readApiTime } from './dates';
import { fieldMessages, listItems, unwrapData } from '../transport';

/** The user object as the API returns it (docs/referral-factory-api.md, P1, P2); every field may be missing. */
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

/** Whether a lead is qualified: v2's `qualified_at`, or v1's boolean `qualified` (docs/referral-factory-api.md, P3). */
export function isQualified(user: ApiUser): boolean {
	return user.qualified_at !== undefined ? user.qualified_at !== null : user.qualified === true || user.qualified === 1;
}

const HOUR = 3_600_000;
/** How far Referral Factory's clock may be from n8n's when a record's own time is compared with the time of sending. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * When the person joined, as the earliest and latest moment (ms, UTC) their `signed_up_at` allows: a time with a zone
 * is one moment; a time without a zone (`2024-12-27 10:15:00`) may be in any zone, UTC−12 to UTC+14; a date alone
 * (`2024-12-27`, as in the API reference's example: docs/referral-factory-api.md, A11) is a whole day in any zone.
 * Undefined when there is no readable date.
 */
export function joinedBetween(user: ApiUser): { earliest: number; latest: number } | undefined {
	const joined = readApiTime(user.signed_up_at);
	if (joined === undefined) return undefined;
	const { at, hasTime, hasZone } = joined;
	if (hasZone) return { earliest: at, latest: at };
	return { earliest: at - 14 * HOUR, latest: at + (hasTime ? 12 : 36) * HOUR };
}

/**
 * Whether this run added the person, judged only by their own date against when the add was first sent (after a
 * lost answer, the one thing that can tell): `existing` when they joined before it, `created` when they joined
 * after it (or within the clocks' skew), undefined when the date cannot tell (a date without a time, on the day).
 */
export function addedByThisRun(user: ApiUser, sentAt: number): 'created' | 'existing' | undefined {
	const joined = joinedBetween(user);
	if (joined === undefined) return undefined;
	if (joined.latest < sentAt - CLOCK_SKEW_MS) return 'existing';
	if (joined.earliest >= sentAt - CLOCK_SKEW_MS) return 'created';
	return undefined;
}

/**
 * Whether the lead was qualified before `sentAt`, judged by their own qualification time (beyond the clocks' skew):
 * false when the time cannot tell (none, or a day without a time on the day).
 */
export function qualifiedBefore(user: ApiUser, sentAt: number): boolean {
	const qualified = readApiTime(user.qualified_at);
	if (qualified === undefined) return false;
	const latest = qualified.hasZone ? qualified.at : qualified.at + (qualified.hasTime ? 12 : 36) * HOUR;
	return latest < sentAt - CLOCK_SKEW_MS;
}

/**
 * The simplified person, the same for every operation that outputs one (and for both triggers): what the next steps
 * of a workflow need, in the user's words, always with the same keys (null where Referral Factory gave no value, so
 * n8n's schema view shows every field). `referralLink` and `referralCode` are the API's `url` and `code`.
 */
export function simplifyUser(user: ApiUser): IDataObject {
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
		qualified: isQualified(user),
		referrerId: user.referrer_id ?? null,
		promotionCode: user.promotion?.code || null,
		qrCodeUrl: user.qr?.src || user.qr?.url || null,
		customFields: null,
	};
	if (Array.isArray(user.meta) && user.meta.length > 0) {
		const fields: IDataObject = {};
		for (const entry of user.meta) {
			if (typeof entry?.field === 'string') fields[entry.field] = (entry.value ?? null) as IDataObject[string];
		}
		simplified.customFields = fields;
	}
	return simplified;
}

/** The user in an answer (`data`, or bare: docs/referral-factory-api.md, A8); none there is an error of its own. */
export function userFrom(node: INode, response: unknown, itemIndex: number): ApiUser {
	const user = unwrapData<ApiUser | undefined>(response);
	if (!user || typeof user !== 'object' || Array.isArray(user)) {
		throw new NodeApiError(node, { body: (response ?? null) as JsonObject } as JsonObject, {
			message: `Referral Factory answered without the person [item ${itemIndex}]`,
			description: 'Check in Referral Factory whether the change was made before running this item again.',
			itemIndex,
		});
	}
	return user;
}

/**
 * The person with this email in this campaign, or undefined. Uses POST /users/search with the filter shape seen in
 * working code; the rest of the search's semantics are INFERRED (docs/referral-factory-api.md, P6), so every answer is
 * checked again here and the pages are read to the end: a search that ignored a filter would still be read correctly.
 */
export async function findUserByEmail(
	client: ApiClient,
	campaignId: number,
	email: string,
	options: { itemIndex?: number; deadline?: number; qs?: IDataObject },
): Promise<ApiUser | undefined> {
	const wanted = email.toLowerCase();
	const pages = listItems<ApiUser>(client, 'POST', '/users/search', {
		...options,
		// A search changes nothing, so it may be retried like a GET.
		idempotent: true,
		body: {
			filters: {
				value: [
					{ field: 'email', value: email, operator: '=' },
					{ field: 'campaign_id', value: String(campaignId), operator: '=' },
				],
				operator: 'AND',
			},
		},
	});
	for await (const users of pages) {
		const found = users.find(
			(user) =>
				String(user?.email ?? '').toLowerCase() === wanted && String(user?.campaign_id ?? campaignId) === String(campaignId),
		);
		if (found) return found;
	}
	return undefined;
}

/** Everyone with this email, in any campaign: the same search without the campaign, every answer checked again. */
export async function findUsersByEmail(
	client: ApiClient,
	email: string,
	options: { itemIndex?: number; deadline?: number; qs?: IDataObject },
): Promise<ApiUser[]> {
	const wanted = email.toLowerCase();
	const found: ApiUser[] = [];
	const pages = listItems<ApiUser>(client, 'POST', '/users/search', {
		...options,
		idempotent: true,
		body: { filters: { value: [{ field: 'email', value: email, operator: '=' }], operator: 'AND' } },
	});
	for await (const users of pages) {
		found.push(...users.filter((user) => String(user?.email ?? '').toLowerCase() === wanted));
	}
	return found;
}

/** Figures as numbers (the API may write them as text: docs/referral-factory-api.md, P15), null when not given. */
function figure(value: unknown): number | null {
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(number) ? number : null;
}

/**
 * A record's `analytics` (asked for with `with=user.analytics` or `with=campaign.analytics`: docs/referral-factory-api.md,
 * P15) in camelCase numbers: each figure null when Referral Factory left it out.
 */
export function simplifyAnalytics(record: IDataObject, keys: readonly string[]): IDataObject {
	const given = record.analytics && typeof record.analytics === 'object' && !Array.isArray(record.analytics) ? (record.analytics as IDataObject) : {};
	return Object.fromEntries(keys.map((key) => [key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), figure(given[key])]));
}

export const USER_ANALYTICS = ['reach', 'referrals', 'qualified_referrals'] as const;
export const CAMPAIGN_ANALYTICS = ['reach', 'users', 'referrals', 'qualified_referrals'] as const;

/** A 422 whose `email` messages say the address is taken (a repeated email: docs/referral-factory-api.md, P10). */
export function isEmailTaken(error: unknown): boolean {
	const { httpCode, errorResponse } = error as { httpCode?: unknown; errorResponse?: { body?: unknown } };
	if (String(httpCode) !== '422') return false;
	return fieldMessages(errorResponse?.body).some(
		({ field, message }) => field === 'email' && /taken|exists|already|duplicate/i.test(message),
	);
}
