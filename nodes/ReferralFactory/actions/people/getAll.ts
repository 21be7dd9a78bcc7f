import type { IDataObject } from 'n8n-workflow';

import type { Role } from '../../helpers/person';
import { simplifyUser, type ApiUser } from '../../helpers/user';
import { requireCampaignId, requireEmail } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { ROLES, SIMPLIFIED_PERSON } from './roles';

/**
 * Get Many for referrers or leads, through POST /users/search (GET /users ignores a campaign filter, §3.3): always
 * filtered to the one kind of person, and by campaign and email when given. The search's semantics are INFERRED
 * (§3.4), so each record's type is checked again here.
 */
export function getManyPeople(role: Role) {
	const { resource, plural, apiType } = ROLES[role];
	return defineOperation({
		resource,
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
							`Only ${plural} of this campaign. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						default: '',
						placeholder: 'e.g. nathan@example.com',
						description: `Only the ${role} with this email address (one per campaign)`,
					},
				],
			},
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
			const rules: IDataObject[] = [{ field: 'type', value: apiType, operator: '=' }];
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
			const people = users.filter((user) => user?.type === undefined || user.type === apiType);
			return request.simplify ? people.map(simplifyUser) : people;
		},
	});
}
