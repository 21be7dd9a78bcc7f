import { fetchPerson, readPersonRef, type Role } from '../../helpers/person';
import { simplifyUser } from '../../helpers/user';
import { personLookup, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { ROLES, SIMPLIFIED_PERSON } from './roles';

/** Get for a referrer or a lead: one person, with their referral link and code. */
export function getPerson(role: Role) {
	const { resource, locator, label } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'get',
		properties: [
			...personLookup(locator, label, `The ${role} to get: by ID, by referral code, or by email within a campaign`),
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			return {
				ref: readPersonRef(this, locator, label, itemIndex),
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			};
		},
		async execute({ client, itemIndex, request }) {
			const user = await fetchPerson(client, this.getNode(), role, request.ref, { itemIndex, deadline: client.deadline() });
			return request.simplify ? simplifyUser(user) : user;
		},
	});
}
