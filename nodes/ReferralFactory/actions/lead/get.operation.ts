import { getPerson } from '../people/get';

/**
 * Lead → Get: one lead by ID, referral code or email, with the ID of the referrer who brought them.
 * Referrers and leads share this operation's code, in ../people/get.ts, made for each role.
 */
export const get = getPerson('lead');
