import { getManyPeople } from '../people/getAll';

export const getAll = getManyPeople('referrer');
