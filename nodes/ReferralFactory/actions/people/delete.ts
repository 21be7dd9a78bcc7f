import { earlierFailed, inTurn, noted } from '../../helpers/claims';
import { findPerson, personNotFound, readPersonRef, type Role } from '../../helpers/person';
import { itemError } from '../../helpers/validation';
import { settle } from '../../helpers/settle';
import { apiPath, isRefusal } from '../../transport';
import { personLookup } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';
import { ROLES } from './roles';

/**
 * Delete for a referrer or a lead (DELETE /users/{id}, docs/referral-factory-api.md, P14: permanent; a referrer's link
 * stops working). The person is fetched first, so that a person of the other kind given here is refused instead of
 * deleted. DELETE is resent after a transient failure; a 404 on a resend means the lost first answer had deleted them.
 *
 * A person who is not there is taken as deleted already (a re-run): `outcome: 'gone'` — which is also what an
 * identifier that never was anyone's gives, since nothing can tell the two apart — or, with Fail If Already Done, the
 * not-found error; on Retry On Fail, a person an earlier try of this execution deleted is `deleted`. Two items of a
 * run for one person take turns: the second finds them gone (helpers/claims.ts).
 */
export function deletePerson(role: Role) {
	const { resource, locator, label } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'delete',
		properties: personLookup(locator, label, `The ${role} to delete: by ID, by referral code, or by email within a campaign. Deleting is permanent.`),
		alreadyDone: `the ${role} is not there (deleted by an earlier run, say)`,
		prepare(itemIndex) {
			return { ref: readPersonRef(this, locator, label, itemIndex), strict: failIfAlreadyDone(this, itemIndex) };
		},
		async execute({ client, itemIndex, memory, request: { ref, strict } }) {
			const deadline = client.deadline();
			// The item's own words for the person: after the deletion, nothing else names them.
			const named = `${role}:${JSON.stringify(ref)}`;
			const gone = () => {
				if (!strict) return { deleted: true, outcome: 'gone' };
				const { message, description } = personNotFound(role, ref);
				throw itemError(this, itemIndex, message, `${description} It may have been deleted already.`);
			};
			const user = await findPerson(client, this.getNode(), role, ref, { itemIndex, deadline });
			if (user === undefined) return memory.recall(named) === 'deleted' ? { deleted: true, outcome: 'deleted' } : gone();
			return await inTurn(client, `person:${String(user.id)}`, itemIndex, async (earlier) => {
				if (earlier && !earlier.ok) throw earlierFailed(client, `${label} ${String(user.id)}`, earlier, itemIndex);
				// Deleted by an earlier item of this run.
				if (earlier?.ok) return gone();
				// Noted before it is sent: a retry of the execution knows it may have been done (helpers/claims.ts).
				const sent = await settle(
					noted(memory, named, 'deleted', async () =>
						await client.request('DELETE', apiPath('users', Number(user.id)), {
							itemIndex,
							deadline,
							goneAfterResend: true,
							notFound: { message: `${label} ${String(user.id)} was deleted meanwhile`, description: `Someone else deleted this ${role} after the node found them; there is nothing left to delete.` },
						}),
					),
				);
				if (sent.ok) return { deleted: true, outcome: 'deleted' };
				// Deleted by someone else between the look-up and the DELETE: gone, as for a re-run.
				if (strict || !isRefusal(sent.error) || String(sent.error.httpCode) !== '404') throw sent.error;
				return gone();
			});
		},
	});
}
