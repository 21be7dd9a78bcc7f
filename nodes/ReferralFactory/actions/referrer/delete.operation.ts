import { deletePerson } from '../people/delete';

export const deleteReferrer = deletePerson('referrer');
