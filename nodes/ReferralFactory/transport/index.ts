import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeApiError } from './errors';

export const CREDENTIAL_TYPE = 'referralFactoryApi';
const DEFAULT_BASE_URL = 'https://referral-factory.com/api/v2';

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RequestOptions {
	body?: IDataObject;
	qs?: IDataObject;
	/** The input item the request is made for; named in every error. */
	itemIndex?: number;
	/** What a 404 means for this request, in the user's words (e.g. "Campaign 12 was not found"). */
	notFound?: { message: string; description: string };
}

interface FullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

/** Builds a path from raw segments, encoding each one so user input can never change the route. */
export function apiPath(...segments: Array<string | number>): string {
	return segments.map((segment) => `/${encodeURIComponent(String(segment))}`).join('');
}

// getCredentials decrypts the credential on every call in a real n8n; the base URL is read once per context.
const baseUrls = new WeakMap<object, Promise<string>>();

async function readBaseUrl(context: ApiContext): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const configured = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	const baseUrl = (configured || DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
		throw new NodeApiError(context.getNode(), { message: 'Invalid base URL' } as JsonObject, {
			message: `The credential's Base URL "${baseUrl}" is not a web address`,
			description:
				'Open the Referral Factory API credential and set Base URL to https://referral-factory.com/api/v2 (or your sandbox URL).',
		});
	}
	return baseUrl;
}

function getBaseUrl(context: ApiContext): Promise<string> {
	let baseUrl = baseUrls.get(context);
	if (baseUrl === undefined) {
		baseUrl = readBaseUrl(context);
		baseUrls.set(context, baseUrl);
		baseUrl.catch(() => baseUrls.delete(context));
	}
	return baseUrl;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const text = body.trim();
	if (!text) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return body;
	}
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	ETIMEDOUT: 'it did not answer in time',
	ECONNABORTED: 'it did not answer in time',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	CERT_HAS_EXPIRED: 'its certificate has expired',
};

function networkError(node: INode, error: unknown, baseUrl: string, itemIndex?: number): NodeApiError {
	// The error the HTTP helper throws carries the request (and so the Authorization header) in its cause;
	// a fresh error with only the code and message keeps the token out of the execution data.
	// n8n's helper wraps the network error in a NodeApiError that keeps its code in `httpCode` and the
	// original text in `messages`; a bare error has `code`. Any of them gives the code (ECONNREFUSED, ETIMEDOUT…).
	const wrapped = error as { code?: unknown; httpCode?: unknown; cause?: { code?: unknown }; messages?: unknown; message?: unknown };
	const isCode = (value: unknown): value is string => typeof value === 'string' && /^[A-Z][A-Z_]{3,}$/.test(value);
	const texts = [...(Array.isArray(wrapped.messages) ? wrapped.messages : []), wrapped.message].map(String).join(' ');
	const code =
		[wrapped.code, wrapped.cause?.code, wrapped.httpCode].find(isCode) ?? /\b(E[A-Z_]{3,})\b/.exec(texts)?.[1] ?? 'ENETWORK';
	const host = baseUrl.replace(/^https?:\/\//i, '').split('/')[0];
	const suffix = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
	// The message names the reason in words, not the code: NodeApiError replaces any message that contains a
	// network code with its own generic text, which would lose the host and the item.
	const message = `Could not reach Referral Factory at ${host}: ${NETWORK_REASONS[code] ?? 'the request did not complete'}${suffix}`;
	return new NodeApiError(node, { message: 'No answer from Referral Factory', networkCode: code } as JsonObject, {
		message,
		description:
			'Check that the Base URL in the Referral Factory API credential is right and that n8n can reach it, then run the node again.',
		itemIndex,
	});
}

/**
 * The one function that sends a request to Referral Factory: it takes the base URL from the credential,
 * authenticates through n8n's credential helper and turns every failure into a NodeApiError in the user's words.
 */
export async function referralFactoryApiRequest<T = unknown>(
	this: ApiContext,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<T> {
	const node = this.getNode();
	const baseUrl = await getBaseUrl(this);
	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;

	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			request,
		)) as FullResponse;
	} catch (error) {
		throw networkError(node, error, baseUrl, options.itemIndex);
	}

	const body = parseBody(response.body);
	if (response.statusCode >= 200 && response.statusCode < 300) {
		return body as T;
	}
	const described = describeApiError(response.statusCode, body, options.notFound);
	const suffix = options.itemIndex === undefined ? '' : ` [item ${options.itemIndex}]`;
	throw new NodeApiError(
		node,
		{ httpCode: String(response.statusCode), body: body ?? null } as JsonObject,
		{
			message: `${described.message}${suffix}`,
			description: described.description,
			httpCode: String(response.statusCode),
			itemIndex: options.itemIndex,
		},
	);
}

/** Unwraps the `data` envelope the API puts around single resources ([CODE-LUUPE], [MINDCLOUD]). */
export function unwrapData<T>(body: unknown): T {
	if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) {
		return (body as { data: T }).data;
	}
	return body as T;
}

export interface Page<T> {
	items: T[];
	hasMore: boolean;
}

/**
 * Reads one page of a list endpoint. The envelope beyond `data`, `links.next` and `meta.current_page` is
 * INFERRED (shared/referral-factory-api.md §3.0), so the end of the list is whichever of these comes first:
 * `links.next` missing or null, `meta.current_page >= meta.last_page`, or a page shorter than `per_page`.
 */
export async function referralFactoryApiPage<T>(
	this: ApiContext,
	method: IHttpRequestMethods,
	path: string,
	page: number,
	perPage: number,
	options: RequestOptions = {},
): Promise<Page<T>> {
	const qs = { ...(options.qs ?? {}), page, per_page: perPage };
	const body = await referralFactoryApiRequest.call(this, method, path, { ...options, qs });
	const envelope = (body ?? {}) as {
		data?: unknown;
		links?: { next?: unknown };
		meta?: { current_page?: unknown; last_page?: unknown };
	};
	const items = (Array.isArray(envelope.data) ? envelope.data : Array.isArray(body) ? body : []) as T[];
	let hasMore = items.length >= perPage;
	if (envelope.links && typeof envelope.links === 'object' && 'next' in envelope.links) {
		hasMore = hasMore && Boolean(envelope.links.next);
	}
	const current = Number(envelope.meta?.current_page);
	const last = Number(envelope.meta?.last_page);
	if (Number.isFinite(current) && Number.isFinite(last) && current >= last) hasMore = false;
	return { items, hasMore };
}
