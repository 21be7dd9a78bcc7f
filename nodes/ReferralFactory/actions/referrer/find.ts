import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiUser } from '../../helpers/referrer';
import { fieldMessages } from '../../transport/errors';
import { referralFactoryApiRequest, unwrapData, type RequestOptions } from '../../transport';

/**
 * The referrer with this email in this campaign, or undefined. Uses POST /users/search with the filter shape seen
 * in working code ([CODE-LUUPE]); the answer is checked again here, since the search's semantics are INFERRED.
 */
export async function findReferrer(
	this: IExecuteFunctions,
	campaignId: number,
	email: string,
	options: Pick<RequestOptions, 'itemIndex' | 'deadline'>,
): Promise<ApiUser | undefined> {
	const response = await referralFactoryApiRequest.call(this, 'POST', '/users/search', {
		...options,
		// A search changes nothing, so it may be retried like a GET.
		idempotent: true,
		body: {
			filters: {
				value: [
					{ field: 'email', value: email, operator: '=' },
					{ field: 'campaign_id', value: String(campaignId), operator: '=' },
				],
				operator: 'AND',
			},
		},
	});
	const found = unwrapData<unknown>(response);
	const users = (Array.isArray(found) ? found : []) as ApiUser[];
	const wanted = email.toLowerCase();
	return users.find(
		(user) => String(user.email ?? '').toLowerCase() === wanted && String(user.campaign_id ?? campaignId) === String(campaignId),
	);
}

/** A 422 whose `email` messages say the address is taken: the API's other answer to a repeated email (§4.3). */
export function isEmailTaken(error: unknown): boolean {
	const { httpCode, errorResponse } = error as { httpCode?: unknown; errorResponse?: { body?: unknown } };
	if (String(httpCode) !== '422') return false;
	return fieldMessages(errorResponse?.body).some(
		({ field, message }) => field === 'email' && /taken|exists|already|duplicate/i.test(message),
	);
}
