import { addPerson } from '../people/add';

/**
 * Lead → Add: a person invited by a referrer, with the referrer who brought them. Never adds the same email twice.
 * Referrers and leads share this operation's code, in ../people/add.ts, made for each role.
 */
export const add = addPerson('lead');
