import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import type { ApiCampaign } from '../helpers/campaign';
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
async function scan<T>(reader: ListReader<T>, token: string | undefined, most: number, found: (items: T[]) => boolean): Promise<PageRef | undefined> {
	let scanned = 0;
	for await (const page of reader.pages(decodeRef(token))) {
		const hit = found(page.items);
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
