import { fetchPerson, readPersonRef } from '../../helpers/person';
import { apiPath } from '../../transport';
import { personLookup } from '../common.descriptions';
import { defineOperation } from '../operation';

/**
 * Deletes a referrer (DELETE /users/{id}, §3.7: permanent; their link stops working). The person is fetched first,
 * so that a lead's ID given here is refused instead of deleting the lead. DELETE is resent after a transient
 * failure; a 404 on a resend means the lost first answer had deleted them.
 */
export const deleteReferrer = defineOperation({
	resource: 'referrer',
	operation: 'delete',
	properties: personLookup('referrerId', 'Referrer', 'The referrer to delete: by ID, by referral code, or by email within a campaign. Deleting is permanent.'),
	prepare(itemIndex) {
		return readPersonRef(this, 'referrerId', 'Referrer', itemIndex);
	},
	async execute({ client, itemIndex, request }) {
		const deadline = client.deadline();
		const user = await fetchPerson(client, this.getNode(), 'referrer', request, { itemIndex, deadline });
		await client.request('DELETE', apiPath('users', Number(user.id)), {
			itemIndex,
			deadline,
			goneAfterResend: true,
			notFound: { message: `Referrer ${String(user.id)} was deleted meanwhile`, description: 'Someone else deleted this referrer after the node found them; there is nothing left to delete.' },
		});
		return { deleted: true };
	},
});
