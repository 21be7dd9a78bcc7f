import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { describeApiError, NETWORK_REASONS, networkCode, NOT_SENT } from './errors';
import { limiterFor, limiterKey, type RollingWindowLimiter } from './limiter';

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
	/**
	 * Whether sending the request twice does no harm. Defaults to true for GET and PUT. A request that is not
	 * idempotent is resent only when it certainly did not reach Referral Factory (connection refused, 429);
	 * after any other failure it throws an error that `isAmbiguous()` recognises, and the caller decides.
	 */
	idempotent?: boolean;
	/** Give up retrying at this time (ms since the epoch); shared by all requests made for one item. */
	deadline?: number;
}

/** How long to wait for an answer and how long to keep retrying; set by the node from its options. */
export interface RequestSettings {
	timeoutMs: number;
	retryBudgetMs: number;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeoutMs: 30_000, retryBudgetMs: 120_000 };

interface FullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

interface Connection {
	baseUrl: string;
	limiter: RollingWindowLimiter;
	/** Handed to the HTTP helper so it does not load and decrypt the credential again for every request. */
	credentials: ICredentialsDecrypted;
}

/** Builds a path from raw segments, encoding each one so user input can never change the route. */
export function apiPath(...segments: Array<string | number>): string {
	return segments.map((segment) => `/${encodeURIComponent(String(segment))}`).join('');
}

// getCredentials decrypts the credential on every call in a real n8n; it is read once per execution context.
const connections = new WeakMap<object, Promise<Connection>>();
const settings = new WeakMap<object, RequestSettings>();
const ambiguous = new WeakSet<object>();

export function setRequestSettings(context: ApiContext, value: RequestSettings): void {
	settings.set(context, value);
}

export function requestSettings(context: ApiContext): RequestSettings {
	return settings.get(context) ?? DEFAULT_SETTINGS;
}

/** True for an error after which a non-idempotent request may or may not have been carried out. */
export function isAmbiguous(error: unknown): boolean {
	return typeof error === 'object' && error !== null && ambiguous.has(error);
}

function positiveNumber(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

async function readConnection(context: ApiContext): Promise<Connection> {
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
	const limit = Math.floor(positiveNumber(credentials.rateLimit, 600));
	const windowMs = positiveNumber(credentials.rateLimitWindow, 60) * 1000;
	const key = limiterKey(String(credentials.accessToken ?? ''), baseUrl);
	return {
		baseUrl,
		limiter: limiterFor(key, limit, windowMs),
		credentials: {
			id: context.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? '',
			name: context.getNode().credentials?.[CREDENTIAL_TYPE]?.name ?? CREDENTIAL_TYPE,
			type: CREDENTIAL_TYPE,
			data: credentials,
		},
	};
}

function connectionFor(context: ApiContext): Promise<Connection> {
	let connection = connections.get(context);
	if (connection === undefined) {
		connection = readConnection(context);
		connections.set(context, connection);
		connection.catch(() => connections.delete(context));
	}
	return connection;
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

function suffixFor(itemIndex?: number): string {
	return itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
}

// The error the HTTP helper throws carries the request (and so the Authorization header) in its cause; the errors
// built here hold only what the user needs, which keeps the token out of the execution data.
function networkError(node: INode, code: string, baseUrl: string, itemIndex: number | undefined, note: string): NodeApiError {
	const host = baseUrl.replace(/^https?:\/\//i, '').split('/')[0];
	// The message names the reason in words, not the code: NodeApiError replaces any message that contains a
	// network code with its own generic text, which would lose the host and the item.
	const message = `Could not reach Referral Factory at ${host}: ${NETWORK_REASONS[code] ?? 'the request did not complete'}${suffixFor(itemIndex)}`;
	return new NodeApiError(node, { message: 'No answer from Referral Factory', networkCode: code } as JsonObject, {
		message,
		description: `Check that the Base URL in the Referral Factory API credential is right and that n8n can reach it, then run the node again.${note}`,
		itemIndex,
	});
}

function httpError(node: INode, status: number, body: unknown, options: RequestOptions, note: string): NodeApiError {
	const described = describeApiError(status, body, options.notFound);
	return new NodeApiError(node, { httpCode: String(status), body: (body ?? null) as JsonObject } as JsonObject, {
		message: `${described.message}${suffixFor(options.itemIndex)}`,
		description: `${described.description}${note}`,
		httpCode: String(status),
		itemIndex: options.itemIndex,
	});
}

/** Retry-After is seconds or an HTTP date (RFC 9110); the API documents neither, so both are read. */
function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
	const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 15 s, each between half and all of that. */
export function backoffMs(attempt: number): number {
	const ceiling = Math.min(15_000, 500 * 2 ** attempt);
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * The one function that sends a request to Referral Factory. It waits for the token's rate limiter before every
 * attempt, retries what is safe to retry (429 honouring Retry-After, 5xx and network failures) with backoff until
 * the deadline, and turns every failure into a NodeApiError in the user's words.
 */
export async function referralFactoryApiRequest<T = unknown>(
	this: ApiContext,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<T> {
	const node = this.getNode();
	const { baseUrl, limiter, credentials } = await connectionFor(this);
	const { timeoutMs, retryBudgetMs } = requestSettings(this);
	const deadline = options.deadline ?? Date.now() + retryBudgetMs;
	const idempotent = options.idempotent ?? (method === 'GET' || method === 'PUT');
	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;

	for (let attempt = 0; ; attempt++) {
		const finished = await limiter.acquire();
		let response: FullResponse | undefined;
		let code: string | undefined;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{ ...request, headers: { ...request.headers } },
				{ credentialsDecrypted: credentials },
			)) as FullResponse;
		} catch (error) {
			code = networkCode(error);
		} finally {
			finished();
		}

		const status = response?.statusCode;
		const body = parseBody(response?.body);
		if (status !== undefined && status >= 200 && status < 300) return body as T;

		const attempts = attempt + 1;
		const note = attempts > 1 ? ` (${attempts} attempts)` : '';
		const failure =
			status === undefined
				? networkError(node, code ?? 'ENETWORK', baseUrl, options.itemIndex, note)
				: httpError(node, status, body, options, note);
		const transient = status === undefined || status === 429 || status >= 500;
		if (!transient) throw failure;

		// A 429 is refused before any work; so is a connection that was never made. Anything else may have been
		// carried out by Referral Factory even though no answer came back.
		const certainlyNotDone = status === 429 || (code !== undefined && NOT_SENT.has(code));
		if (!idempotent && !certainlyNotDone) {
			ambiguous.add(failure);
			throw failure;
		}

		const serverWait = status === 429 ? retryAfterMs(response?.headers) : undefined;
		const wait = serverWait ?? backoffMs(attempt);
		if (Date.now() + wait > deadline) throw failure;
		// Everyone on this token holds back until the server said to come back, not just this request.
		if (status === 429) limiter.pause(Date.now() + wait);
		await sleep(wait);
	}
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
