import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import type { ApiCampaign } from '../helpers/campaign';
import { REWARD_TYPES, REWARD_TYPE_NAMES } from '../helpers/reward/fields';
import { embeddedRecipient, readRecipients } from '../helpers/reward/recipients';
import type { ApiUser } from '../helpers/user';
import { ApiClient, decodeRef, encodeRef, ListReader, type PageRef } from '../transport';

const PAGE_SIZE = 25;
// With a search term, pages are scanned until something matches; this caps one lookup at 250 campaigns.
const MAX_PAGES_PER_SEARCH = 10;

/** 2 for the campaign with exactly this ID or code, 1 for a name that contains the term, 0 for no match. */
function rank(campaign: ApiCampaign, filter: string): number {
	const term = filter.trim().toLowerCase();
	if (String(campaign.id) === term || (campaign.code ?? '').toLowerCase() === term) return 2;
	return (campaign.name ?? '').toLowerCase().includes(term) ? 1 : 0;
}

function toItem(campaign: ApiCampaign): INodeListSearchItems {
	const status = campaign.status && campaign.status !== 'launched' ? ` (${campaign.status})` : '';
	return {
		name: `${campaign.name ?? `Campaign ${campaign.id}`}${status}`,
		value: String(campaign.id),
		url: campaign.url,
	};
}

/**
 * Lists campaigns for the Campaign picker, a page at a time. The search filters by name, ID or code on our side:
 * POST /campaigns/search exists but its filter operators are not documented (docs/referral-factory-api.md, C4).
 */
export async function searchCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const results: INodeListSearchItems[] = [];
	const reader = new ListReader<ApiCampaign>(await ApiClient.create(this), 'GET', '/campaigns', { pageSize: PAGE_SIZE });
	const next = await scan(reader, paginationToken, filter ? MAX_PAGES_PER_SEARCH : 1, (items) => {
		const found = items
			.filter((c) => c.id !== undefined)
			.map((campaign) => ({ campaign, score: filter ? rank(campaign, filter) : 1 }))
			.filter(({ score }) => score > 0)
			.sort((a, b) => b.score - a.score);
		results.push(...found.map(({ campaign }) => toItem(campaign)));
		return results.length > 0;
	});
	return next === undefined ? { results } : { results, paginationToken: encodeRef(next) };
}

/**
 * Reads pages from the editor's token on, at most `most` of them, until `found` says a page had what was looked for;
 * returns where the next look starts, or undefined at the list's end.
 */
async function scan<T>(reader: ListReader<T>, token: string | undefined, most: number, found: (items: T[]) => boolean | Promise<boolean>): Promise<PageRef | undefined> {
	let scanned = 0;
	for await (const page of reader.pages(decodeRef(token))) {
		const hit = await found(page.items);
		const next = reader.after(page);
		if (next === undefined) return undefined;
		if (hit || ++scanned >= most) return next;
	}
	return undefined;
}

/** Whether a person matches what was typed: in the first name or the email, whatever the case. */
function personMatches(person: ApiUser, filter: string): boolean {
	const term = filter.trim().toLowerCase();
	return String(person.id) === term || `${person.first_name ?? ''} ${person.email ?? ''}`.toLowerCase().includes(term);
}

/**
 * People of one role for a person picker, a page at a time: POST /users/search filtered by type, and — when what was
 * typed is a whole email — by email too (the one filter known to work, docs/referral-factory-api.md, P6). Names and
 * partial emails are matched on our side, scanning at most MAX_PAGES_PER_SEARCH pages per look.
 */
async function searchPeople(context: ILoadOptionsFunctions, type: string, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const term = filter?.trim() ?? '';
	const rules = [{ field: 'type', value: type, operator: '=' }];
	if (/^[^@\s]+@[^@\s]+$/.test(term)) rules.push({ field: 'email', value: term, operator: '=' });
	const results: INodeListSearchItems[] = [];
	const reader = new ListReader<ApiUser>(await ApiClient.create(context), 'POST', '/users/search', {
		pageSize: PAGE_SIZE,
		idempotent: true,
		body: { filters: { value: rules, operator: 'AND' } },
	});
	const next = await scan(reader, paginationToken, term ? MAX_PAGES_PER_SEARCH : 1, (items) => {
		for (const person of items) {
			// Checked again on our side: a search that ignored its type filter must not offer a lead as a referrer.
			if (person.id === undefined || (person.type !== undefined && person.type !== type) || (term && !personMatches(person, term))) continue;
			const name = [person.first_name, person.email ? `<${person.email}>` : undefined].filter(Boolean).join(' ') || `ID ${person.id}`;
			results.push({ name: `${name}${person.campaign_id === undefined ? '' : ` · campaign ${person.campaign_id}`}`, value: String(person.id), url: person.url });
		}
		return results.length > 0;
	});
	return next === undefined ? { results } : { results, paginationToken: encodeRef(next) };
}

/** Referrers for the person pickers (From List). */
export async function searchReferrers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchPeople(this, 'person_referring', filter, paginationToken);
}

/** Leads for the person pickers (From List). */
export async function searchLeads(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchPeople(this, 'person_invited', filter, paginationToken);
}

/** What a due reward is worth, as its record says: a coupon's code, else its total (and count when more than one). */
function worth(reward: IDataObject): string | undefined {
	if (typeof reward.coupon === 'string' && reward.coupon) return reward.coupon;
	if (reward.total === undefined || reward.total === null) return undefined;
	return Number(reward.count) > 1 ? `${String(reward.count)} × ${String(reward.total)}` : String(reward.total);
}

/** With something typed, each type's due list is searched this many pages deep (50 rewards) before the next type. */
const MAX_REWARD_PAGES_PER_TYPE = 2;

/**
 * Due rewards for the Due Reward picker of Issue and Cancel: each type's due list in turn (the API lists rewards per
 * type: docs/referral-factory-api.md, R1), a page at a time, each named "recipient · type · amount or coupon · #id" so
 * the reward's own ID is picked, never its rule's. What was typed is matched against all of that, in the first
 * MAX_REWARD_PAGES_PER_TYPE pages of each type. Recipients are read once per person per look (GET /users/{id}).
 */
export async function searchDueRewards(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const client = await ApiClient.create(this);
	const term = filter?.trim().toLowerCase() ?? '';
	const [typeAt, pageToken] = (paginationToken ?? '0|').split(/\|(.*)/s);
	const start = Math.max(0, Number(typeAt) || 0);
	const results: INodeListSearchItems[] = [];
	for (let index = start; index < REWARD_TYPES.length; index++) {
		const type = REWARD_TYPES[index];
		const reader = new ListReader<IDataObject>(client, 'GET', `/rewards/due/${type}`, { pageSize: PAGE_SIZE });
		const next = await scan(reader, index === start && pageToken ? pageToken : undefined, term ? MAX_REWARD_PAGES_PER_TYPE : 1, async (rewards) => {
			const { found } = await readRecipients(client, rewards, { itemIndex: 0, deadline: client.deadline() });
			for (const reward of rewards) {
				if (reward?.id === undefined) continue;
				const person = (embeddedRecipient(reward) as IDataObject | undefined) ?? found.get(String(reward.recipient_id));
				const who = [person?.first_name, person?.email ? `<${String(person.email)}>` : undefined].filter(Boolean).join(' ') || `person ${String(reward.recipient_id ?? '?')}`;
				const name = [who, REWARD_TYPE_NAMES[type], worth(reward), `#${String(reward.id)}`].filter(Boolean).join(' · ');
				if (!term || name.toLowerCase().includes(term)) results.push({ name, value: String(reward.id) });
			}
			return results.length > 0;
		});
		// More of this type to show: the next look goes on here. Nothing found in it (within its pages): the next type.
		if (next !== undefined && results.length > 0) return { results, paginationToken: `${index}|${encodeRef(next)}` };
		if (results.length >= PAGE_SIZE && index + 1 < REWARD_TYPES.length) return { results, paginationToken: `${index + 1}|` };
	}
	return { results };
}
