export * from './client';
export { describeApiError, fieldMessages } from './errors';
export * from './paginate';
