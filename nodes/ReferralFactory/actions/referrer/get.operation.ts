import { getPerson } from '../people/get';

/**
 * Referrer → Get: one referrer by ID, referral code or email, with their referral link and code (and their figures on request).
 * Referrers and leads share this operation's code, in ../people/get.ts, made for each role.
 */
export const get = getPerson('referrer');
