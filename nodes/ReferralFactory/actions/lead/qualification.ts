import type { IDataObject } from 'n8n-workflow';

import { fetchPerson, personNotFound, readPersonRef, type PersonRef } from '../../helpers/person';
import { simplifyUser, type ApiUser } from '../../helpers/user';
import { unwrapData } from '../../transport';
import { personLookup, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { SIMPLIFIED_PERSON } from '../people/roles';

/** The lead as `PUT /users/qualification` takes it: id, code, or email with campaign_id (§3.6, [HELP-QUAL]). */
function identify(ref: PersonRef): IDataObject {
	if (ref.mode === 'id') return { id: ref.id };
	if (ref.mode === 'code') return { code: ref.code };
	return { email: ref.email, campaign_id: ref.campaignId };
}

/**
 * Qualify (a lead converted: a purchase, a signed contract) or Unqualify (a refund: back to Pending) — one PUT,
 * safe to resend (qualifying twice is a no-op, measured on v1 §3.5). Qualifying may create rewards per the
 * campaign's settings; they land in Due unless Auto Issue is on. The answer's body is not documented (§3.6
 * INFERRED): the lead in `data` is used when there, else the lead is fetched.
 */
function qualification(operation: 'qualify' | 'unqualify') {
	const qualified = operation === 'qualify';
	return defineOperation({
		resource: 'lead',
		operation,
		properties: [
			...personLookup('leadId', 'Lead', `The lead to ${operation}: by ID, by referral code, or by email within a campaign`),
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			return {
				ref: readPersonRef(this, 'leadId', 'Lead', itemIndex),
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			};
		},
		async execute({ client, itemIndex, request }) {
			const deadline = client.deadline();
			const response = await client.request('PUT', '/users/qualification', {
				body: { ...identify(request.ref), qualified },
				itemIndex,
				deadline,
				notFound: personNotFound('lead', request.ref),
			});
			const answered = unwrapData<ApiUser | undefined>(response);
			const lead =
				answered && typeof answered === 'object' && !Array.isArray(answered) && answered.id !== undefined
					? answered
					: await fetchPerson(client, this.getNode(), 'lead', request.ref, { itemIndex, deadline });
			return request.simplify ? simplifyUser(lead) : lead;
		},
	});
}

export const qualify = qualification('qualify');
export const unqualify = qualification('unqualify');
