import { addPerson } from '../people/add';

export const add = addPerson('referrer');
