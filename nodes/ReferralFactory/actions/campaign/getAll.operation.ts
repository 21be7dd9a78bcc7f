import { simplifyCampaign, type ApiCampaign } from '../../helpers/campaign';
import { requestAllItems } from '../../transport';
import { returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/** The account's campaigns (GET /campaigns, §3.8), a page of up to 250 at a time. */
export const getAll = defineOperation({
	resource: 'campaign',
	operation: 'getAll',
	properties: [...returnAllOrLimit, simplify('the signup link and the labels of the form fields')],
	prepare(itemIndex) {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			returnAll,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const campaigns = await requestAllItems<ApiCampaign>(client, 'GET', '/campaigns', {
			itemIndex,
			returnAll: request.returnAll,
			limit: request.limit,
			concurrency: client.settings.concurrency,
		});
		return request.simplify ? campaigns.map(simplifyCampaign) : campaigns;
	},
});
