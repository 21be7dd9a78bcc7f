import { updatePerson } from '../people/update';

/**
 * Referrer → Update: a referrer's first name, email or custom fields; nothing is sent when they have those values already.
 * Referrers and leads share this operation's code, in ../people/update.ts, made for each role.
 */
export const update = updatePerson('referrer');
