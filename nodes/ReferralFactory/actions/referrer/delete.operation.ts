import { deletePerson } from '../people/delete';

/**
 * Referrer → Delete: deletes a referrer for good (their referral link stops working); `gone` when they were deleted already.
 * Referrers and leads share this operation's code, in ../people/delete.ts, made for each role.
 */
export const deleteReferrer = deletePerson('referrer');
