import { fetchPerson, readPersonRef, type Role } from '../../helpers/person';
import { simplifyAnalytics, simplifyUser, USER_ANALYTICS } from '../../helpers/user';
import { includeAnalytics, personLookup, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { PERSON_FIGURES, ROLES, SIMPLIFIED_PERSON } from './roles';

/** Get for a referrer or a lead: one person, with their referral link and code. */
export function getPerson(role: Role) {
	const { resource, locator, label } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'get',
		properties: [
			...personLookup(locator, label, `The ${role} to get: by ID, by referral code, or by email within a campaign`),
			includeAnalytics(PERSON_FIGURES),
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			return {
				ref: readPersonRef(this, locator, label, itemIndex),
				analytics: this.getNodeParameter('includeAnalytics', itemIndex, false) as boolean,
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			};
		},
		async execute({ client, itemIndex, request }) {
			const qs = request.analytics ? { with: 'user.analytics' } : undefined;
			const user = await fetchPerson(client, this.getNode(), role, request.ref, { itemIndex, deadline: client.deadline(), qs });
			if (!request.simplify) return user;
			return request.analytics ? { ...simplifyUser(user), analytics: simplifyAnalytics(user, USER_ANALYTICS) } : simplifyUser(user);
		},
	});
}
