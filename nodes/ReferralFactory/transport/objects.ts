import type { IDataObject } from 'n8n-workflow';

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is IDataObject => !!value && typeof value === 'object' && !Array.isArray(value);
