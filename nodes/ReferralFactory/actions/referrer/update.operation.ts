import { updatePerson } from '../people/update';

export const update = updatePerson('referrer');
