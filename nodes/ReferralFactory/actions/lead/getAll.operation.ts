import { getManyPeople } from '../people/getAll';

/**
 * Lead → Get Many: leads of one campaign or all, qualified or pending, through the one page reader.
 * Referrers and leads share this operation's code, in ../people/getAll.ts, made for each role.
 */
export const getAll = getManyPeople('lead');
