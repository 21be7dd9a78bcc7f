import { getManyPeople } from '../people/getAll';

/**
 * Referrer → Get Many: referrers of one campaign or all, through the one page reader (transport/pages.ts).
 * Referrers and leads share this operation's code, in ../people/getAll.ts, made for each role.
 */
export const getAll = getManyPeople('referrer');
