import { fetchPerson, readPersonRef } from '../../helpers/person';
import { simplifyUser } from '../../helpers/user';
import { personLookup, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

/** One referrer, with their referral link and code. */
export const get = defineOperation({
	resource: 'referrer',
	operation: 'get',
	properties: [
		...personLookup('referrerId', 'Referrer', 'The referrer to get: by ID, by referral code, or by email within a campaign'),
		simplify('the referral link and code at the top level'),
	],
	prepare(itemIndex) {
		return {
			ref: readPersonRef(this, 'referrerId', 'Referrer', itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const user = await fetchPerson(client, this.getNode(), 'referrer', request.ref, { itemIndex, deadline: client.deadline() });
		return request.simplify ? simplifyUser(user) : user;
	},
});
