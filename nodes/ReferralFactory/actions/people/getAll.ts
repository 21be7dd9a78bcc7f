import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Role } from '../../helpers/person';
import { isQualified, simplifyAnalytics, simplifyUser, USER_ANALYTICS, type ApiUser } from '../../helpers/user';
import { itemError, requireCampaignId, requireEmail } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { filtersCollection, includeAnalytics, returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { PERSON_FIGURES, ROLES, SIMPLIFIED_PERSON } from './roles';

/**
 * Leads only: qualified or still pending. Sent as a search rule on `qualified` (the search's fields beyond those
 * seen in working code are INFERRED, docs/referral-factory-api.md, P6), and checked again on every record as the type
 * is.
 */
const QUALIFICATION_FILTER: INodeProperties = {
	displayName: 'Qualification',
	name: 'qualification',
	type: 'options',
	default: 'qualified',
	description: 'Only leads that are qualified (converted), or only those still pending',
	options: [
		{ name: 'Qualified', value: 'qualified' },
		{ name: 'Pending', value: 'pending' },
	],
};

/**
 * Get Many for referrers or leads, through POST /users/search (GET /users ignores a campaign filter,
 * docs/referral-factory-api.md, P5): always filtered to the one kind of person, and by campaign and email when given.
 * The search's semantics are INFERRED (docs/referral-factory-api.md, P6), so each record's type is checked again here.
 */
export function getManyPeople(role: Role) {
	const { resource, plural, apiType } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'getAll',
		properties: [
			...returnAllOrLimit,
			filtersCollection([
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
				...(role === 'lead' ? [QUALIFICATION_FILTER] : []),
			]),
			includeAnalytics(PERSON_FIGURES),
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
			const rules: IDataObject[] = [{ field: 'type', value: apiType, operator: '=' }];
			let campaignId: string | undefined;
			let email: string | undefined;
			if (filters.campaignId !== undefined && filters.campaignId !== '') {
				campaignId = String(requireCampaignId(this, filters.campaignId, itemIndex, 'Filters › Campaign Name or ID'));
				rules.push({ field: 'campaign_id', value: campaignId, operator: '=' });
			}
			if (filters.email !== undefined && filters.email !== '') {
				email = requireEmail(this, filters.email, itemIndex, 'Filters › Email');
				rules.push({ field: 'email', value: email, operator: '=' });
			}
			let qualified: boolean | undefined;
			if (filters.qualification !== undefined && filters.qualification !== '') {
				if (filters.qualification !== 'qualified' && filters.qualification !== 'pending') {
					throw itemError(this, itemIndex, `'Filters › Qualification' cannot be "${String(filters.qualification)}"`, 'Choose Qualified or Pending.');
				}
				qualified = filters.qualification === 'qualified';
				rules.push({ field: 'qualified', value: qualified, operator: '=' });
			}
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			return {
				qualified,
				campaignId,
				email: email?.toLowerCase(),
				body: { filters: { value: rules, operator: 'AND' } },
				returnAll,
				limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
				analytics: this.getNodeParameter('includeAnalytics', itemIndex, false) as boolean,
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			};
		},
		async execute({ client, itemIndex, request }) {
			const people = await requestAllItems<ApiUser>(client, 'POST', '/users/search', {
				body: request.body,
				qs: request.analytics ? { with: 'user.analytics' } : undefined,
				idempotent: true,
				itemIndex,
				returnAll: request.returnAll,
				limit: request.limit,
				concurrency: client.settings.concurrency,
				// Checked again on every record, and the Limit counts only those that pass: an API that ignores a filter
				// costs more pages, never fewer results.
				keep: (user) =>
					(user?.type === undefined || user.type === apiType) &&
					(request.qualified === undefined || isQualified(user) === request.qualified) &&
					(request.campaignId === undefined || user?.campaign_id === undefined || String(user.campaign_id) === request.campaignId) &&
					(request.email === undefined || String(user?.email ?? '').toLowerCase() === request.email),
			});
			if (!request.simplify) return people;
			return request.analytics ? people.map((user) => ({ ...simplifyUser(user), analytics: simplifyAnalytics(user, USER_ANALYTICS) })) : people.map(simplifyUser);
		},
	});
}
