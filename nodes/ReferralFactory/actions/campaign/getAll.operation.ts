import type { IDataObject } from 'n8n-workflow';

import { CAMPAIGN_FIGURES, simplifyCampaign, type ApiCampaign } from '../../helpers/campaign';
import { CAMPAIGN_ANALYTICS, simplifyAnalytics } from '../../helpers/user';
import { itemError } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { filtersCollection, includeAnalytics, returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/** The statuses a campaign has (docs/referral-factory-api.md, C2). */
const STATUSES = ['launched', 'draft', 'paused'];

/**
 * The account's campaigns (GET /campaigns, docs/referral-factory-api.md, C1), a page of up to 250 at a time; with a
 * Status filter, through POST /campaigns/search (the filter shape seen for users, INFERRED for campaigns:
 * docs/referral-factory-api.md, C4), and every record's status is checked again here.
 */
export const getAll = defineOperation({
	resource: 'campaign',
	operation: 'getAll',
	properties: [
		...returnAllOrLimit,
		filtersCollection([
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'launched',
				description: 'Only campaigns with this status',
				options: [
					{ name: 'Draft', value: 'draft' },
					{ name: 'Launched', value: 'launched', description: 'Live: people can join' },
					{ name: 'Paused', value: 'paused' },
				],
			},
		]),
		includeAnalytics(CAMPAIGN_FIGURES),
		simplify('the signup link and the labels of the form fields'),
	],
	prepare(itemIndex) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const status = filters.status === undefined || filters.status === '' ? undefined : String(filters.status);
		if (status !== undefined && !STATUSES.includes(status)) {
			throw itemError(this, itemIndex, `'Filters › Status' cannot be "${status}"`, 'Choose Draft, Launched or Paused.');
		}
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			status,
			returnAll,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
			analytics: this.getNodeParameter('includeAnalytics', itemIndex, false) as boolean,
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const paging = {
			itemIndex,
			returnAll: request.returnAll,
			limit: request.limit,
			concurrency: client.settings.concurrency,
			qs: request.analytics ? { with: 'campaign.analytics' } : undefined,
		};
		const campaigns =
			request.status === undefined
				? await requestAllItems<ApiCampaign>(client, 'GET', '/campaigns', paging)
				: await requestAllItems<ApiCampaign>(client, 'POST', '/campaigns/search', {
						...paging,
						idempotent: true,
						body: { filters: { value: [{ field: 'status', value: request.status, operator: '=' }], operator: 'AND' } },
						// Checked again on every record, so a Limit still gives that many where the API ignores the filter.
						keep: (campaign) => campaign?.status === undefined || campaign.status === request.status,
					});
		if (!request.simplify) return campaigns;
		return request.analytics
			? campaigns.map((campaign) => ({ ...simplifyCampaign(campaign), analytics: simplifyAnalytics(campaign, CAMPAIGN_ANALYTICS) }))
			: campaigns.map(simplifyCampaign);
	},
});
