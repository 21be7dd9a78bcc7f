import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { ApiClient, requestPage } from '../transport';

interface ApiCampaign {
	id?: number;
	name?: string;
	code?: string;
	url?: string;
	status?: string;
}

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
 * POST /campaigns/search exists but its filter operators are not documented (shared/referral-factory-api.md §7.7).
 */
export async function searchCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let page = Math.max(1, Number(paginationToken) || 1);
	const results: INodeListSearchItems[] = [];
	const client = await ApiClient.create(this);
	for (let scanned = 0; scanned < (filter ? MAX_PAGES_PER_SEARCH : 1); scanned++) {
		const { items, hasMore } = await requestPage<ApiCampaign>(client, 'GET', '/campaigns', page, PAGE_SIZE);
		const found = items
			.filter((c) => c.id !== undefined)
			.map((campaign) => ({ campaign, score: filter ? rank(campaign, filter) : 1 }))
			.filter(({ score }) => score > 0)
			.sort((a, b) => b.score - a.score);
		results.push(...found.map(({ campaign }) => toItem(campaign)));
		if (!hasMore) return { results };
		page++;
		if (results.length > 0) break;
	}
	return { results, paginationToken: String(page) };
}
