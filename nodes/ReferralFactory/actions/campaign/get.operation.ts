import { campaignNotFound, simplifyCampaign, type ApiCampaign } from '../../helpers/campaign';
import { requireCampaignId } from '../../helpers/validation';
import { apiPath, unwrapData } from '../../transport';
import { campaignLocator, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/** One campaign (GET /campaigns/{id}, docs/referral-factory-api.md, C1), with the labels of its form fields. */
export const get = defineOperation({
	resource: 'campaign',
	operation: 'get',
	properties: [campaignLocator('The campaign to get'), simplify('the signup link and the labels of the form fields')],
	prepare(itemIndex) {
		return {
			campaignId: requireCampaignId(this, this.getNodeParameter('campaignId', itemIndex, '', { extractValue: true }), itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const response = await client.request('GET', apiPath('campaigns', request.campaignId), {
			itemIndex,
			notFound: campaignNotFound(request.campaignId),
		});
		const campaign = unwrapData<ApiCampaign>(response);
		return request.simplify ? simplifyCampaign(campaign) : campaign;
	},
});
