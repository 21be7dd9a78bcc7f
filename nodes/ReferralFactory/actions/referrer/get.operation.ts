import { getPerson } from '../people/get';

export const get = getPerson('referrer');
