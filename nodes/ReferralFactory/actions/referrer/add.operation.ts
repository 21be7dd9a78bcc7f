import { addPerson } from '../people/add';

/**
 * Referrer → Add: a person joins a campaign as a referrer; outputs their referral link and code. Never adds the same email twice (helpers/create-once.ts, helpers/claims.ts).
 * Referrers and leads share this operation's code, in ../people/add.ts, made for each role.
 */
export const add = addPerson('referrer');
