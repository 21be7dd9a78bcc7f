import { fetchPerson, readPersonRef, type Role } from '../../helpers/person';
import { apiPath } from '../../transport';
import { personLookup } from '../common.descriptions';
import { defineOperation } from '../operation';
import { ROLES } from './roles';

/**
 * Delete for a referrer or a lead (DELETE /users/{id}, §3.7: permanent; a referrer's link stops working). The
 * person is fetched first, so that a person of the other kind given here is refused instead of deleted. DELETE is
 * resent after a transient failure; a 404 on a resend means the lost first answer had deleted them.
 */
export function deletePerson(role: Role) {
	const { resource, locator, label } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'delete',
		properties: personLookup(locator, label, `The ${role} to delete: by ID, by referral code, or by email within a campaign. Deleting is permanent.`),
		prepare(itemIndex) {
			return readPersonRef(this, locator, label, itemIndex);
		},
		async execute({ client, itemIndex, request }) {
			const deadline = client.deadline();
			const user = await fetchPerson(client, this.getNode(), role, request, { itemIndex, deadline });
			await client.request('DELETE', apiPath('users', Number(user.id)), {
				itemIndex,
				deadline,
				goneAfterResend: true,
				notFound: { message: `${label} ${String(user.id)} was deleted meanwhile`, description: `Someone else deleted this ${role} after the node found them; there is nothing left to delete.` },
			});
			return { deleted: true };
		},
	});
}
