import type { IDataObject } from 'n8n-workflow';

import { simplifyUser, type ApiUser } from '../../helpers/user';
import { requireCampaignId, requireEmail } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/**
 * Referrers, through POST /users/search (GET /users ignores a campaign filter, §3.3): always filtered to people
 * referring, and by campaign and email when given. The search's semantics are INFERRED (§3.4), so each record's
 * type is checked again here.
 */
export const getAll = defineOperation({
	resource: 'referrer',
	operation: 'getAll',
	properties: [
		...returnAllOrLimit,
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Campaign Name or ID',
					name: 'campaignId',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getCampaigns' },
					default: '',
					description:
						'Only referrers of this campaign. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Email',
					name: 'email',
					type: 'string',
					default: '',
					placeholder: 'e.g. nathan@example.com',
					description: 'Only the referrer with this email address (one per campaign)',
				},
			],
		},
		simplify('the referral link and code at the top level'),
	],
	prepare(itemIndex) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const rules: IDataObject[] = [{ field: 'type', value: 'person_referring', operator: '=' }];
		if (filters.campaignId !== undefined && filters.campaignId !== '') {
			const campaignId = requireCampaignId(this, filters.campaignId, itemIndex, 'Filters › Campaign Name or ID');
			rules.push({ field: 'campaign_id', value: String(campaignId), operator: '=' });
		}
		if (filters.email !== undefined && filters.email !== '') {
			rules.push({ field: 'email', value: requireEmail(this, filters.email, itemIndex, 'Filters › Email'), operator: '=' });
		}
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			body: { filters: { value: rules, operator: 'AND' } },
			returnAll,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const users = await requestAllItems<ApiUser>(client, 'POST', '/users/search', {
			body: request.body,
			idempotent: true,
			itemIndex,
			returnAll: request.returnAll,
			limit: request.limit,
			concurrency: client.settings.concurrency,
		});
		const referrers = users.filter((user) => user?.type === undefined || user.type === 'person_referring');
		return request.simplify ? referrers.map(simplifyUser) : referrers;
	},
});
