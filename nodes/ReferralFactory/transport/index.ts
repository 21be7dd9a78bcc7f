export * from './client';
export { apiPath, backoffMs, surfaceUrl } from './http';
export { describeApiError, fieldMessages, isAmbiguous, isRefusal, type ApiError } from './errors';
export * from './pages';
export { requestAllItems } from './all-items';
export { isObject } from './objects';
