import { CAMPAIGN_FIGURES, campaignNotFound, simplifyCampaign, type ApiCampaign } from '../../helpers/campaign';
import { CAMPAIGN_ANALYTICS, simplifyAnalytics } from '../../helpers/user';
import { requireCampaignId } from '../../helpers/validation';
import { apiPath, unwrapData } from '../../transport';
import { campaignLocator, includeAnalytics, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/** One campaign (GET /campaigns/{id}, docs/referral-factory-api.md, C1), with the labels of its form fields. */
export const get = defineOperation({
	resource: 'campaign',
	operation: 'get',
	properties: [campaignLocator('The campaign to get'), includeAnalytics(CAMPAIGN_FIGURES),
		simplify('the signup link and the labels of the form fields')],
	prepare(itemIndex) {
		return {
			campaignId: requireCampaignId(this, this.getNodeParameter('campaignId', itemIndex, '', { extractValue: true }), itemIndex),
			analytics: this.getNodeParameter('includeAnalytics', itemIndex, false) as boolean,
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const response = await client.request('GET', apiPath('campaigns', request.campaignId), {
			itemIndex,
			qs: request.analytics ? { with: 'campaign.analytics' } : undefined,
			notFound: campaignNotFound(request.campaignId),
		});
		const campaign = unwrapData<ApiCampaign>(response);
		if (!request.simplify) return campaign;
		return request.analytics ? { ...simplifyCampaign(campaign), analytics: simplifyAnalytics(campaign, CAMPAIGN_ANALYTICS) } : simplifyCampaign(campaign);
	},
});
