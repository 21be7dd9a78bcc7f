import { deletePerson } from '../people/delete';

/**
 * Lead → Delete: deletes a lead for good; `gone` when they were deleted already.
 * Referrers and leads share this operation's code, in ../people/delete.ts, made for each role.
 */
export const deleteLead = deletePerson('lead');
