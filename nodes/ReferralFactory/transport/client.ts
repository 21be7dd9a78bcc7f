import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { ManualExecutionCancelledError, NodeApiError } from 'n8n-workflow';

import { describeApiError, NETWORK_REASONS, networkCode, NOT_SENT, type ApiError, type ErrorContext } from './errors';
import { limiterFor, limiterKey, MAX_RATE_LIMIT, type RollingWindowLimiter } from './limiter';
import { redact } from './redact';
import { sleepFor } from './sleep';
import { backoffMs, exhaustedUntil, parseBody, retryAfterMs, surfaceUrl } from './http';

export const CREDENTIAL_TYPE = 'referralFactoryPublicApi';
export const DEFAULT_BASE_URL = 'https://referral-factory.com/api/v2';

/** Where a client can be made: a run, an editor look-up, a trigger's webhook registration, or a poll. */
export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IPollFunctions;

export interface RequestOptions extends Pick<ErrorContext, 'notFound' | 'fieldLabel' | 'refused'> {
	body?: IDataObject;
	qs?: IDataObject;
	/** The input item the request is made for; named in every error. */
	itemIndex?: number;
	/**
	 * Whether sending the request twice does no harm. Defaults to true for GET, HEAD, PUT and DELETE. A request
	 * that is not idempotent is resent only when it certainly did not reach Referral Factory (connection refused,
	 * 429); after any other failure it throws an error marked `ambiguous`, and the caller decides.
	 */
	idempotent?: boolean;
	/** Give up retrying at this time (ms since the epoch); shared by all requests made for one item. */
	deadline?: number;
	/**
	 * For a DELETE: a 404 on a resend means an earlier attempt, whose answer was lost, did the deletion, so it
	 * counts as done (`undefined` is returned). A 404 on the first attempt is an error as usual.
	 */
	goneAfterResend?: boolean;
	/** `n8n`: Referral Factory's n8n endpoints (`{origin}/api/n8n`, see `surfaceUrl`) instead of the public API. */
	surface?: 'n8n';
}

/** How long to wait for an answer, how long to keep retrying, how many at a time; from the node's options. */
export interface RequestSettings {
	timeoutMs: number;
	retryBudgetMs: number;
	/** Max Concurrent Requests: items sent at the same time, and pages of a list read at the same time. */
	concurrency: number;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeoutMs: 30_000, retryBudgetMs: 120_000, concurrency: 5 };

interface FullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

const IDEMPOTENT = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'PUT', 'DELETE']);
const READS = new Set<IHttpRequestMethods>(['GET', 'HEAD']);

function positiveNumber(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

function suffixFor(itemIndex?: number): string {
	return itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
}

/**
 * Everything one run needs to talk to Referral Factory: the base URL, the token's rate limiter, the credential
 * (read and decrypted once), the request settings and the execution's cancel signal. Made once per execution (or
 * editor look-up) and handed to every operation; nothing about a run is kept anywhere else.
 */
export class ApiClient {
	private readonly memo = new Map<string, Promise<unknown>>();

	private constructor(
		private readonly context: ApiContext,
		readonly baseUrl: string,
		private readonly limiter: RollingWindowLimiter,
		private readonly credentials: ICredentialsDecrypted,
		private readonly rateLimit: { limit: number; windowSeconds: number },
		readonly settings: RequestSettings,
		/** Aborted when the user stops the execution. */
		readonly signal: AbortSignal | undefined,
	) {}

	static async create(context: ApiContext, settings: RequestSettings = DEFAULT_SETTINGS): Promise<ApiClient> {
		const node = context.getNode();
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const configured = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
		const baseUrl = (configured || DEFAULT_BASE_URL).replace(/\/+$/, '');
		if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
			throw new NodeApiError(node, { message: 'Invalid base URL' } as JsonObject, {
				message: `The credential's Base URL "${baseUrl}" is not a web address`,
				description: `Open the Referral Factory credential and set Base URL to ${DEFAULT_BASE_URL} (or your sandbox URL).`,
			});
		}
		const limit = Math.min(MAX_RATE_LIMIT, Math.floor(positiveNumber(credentials.rateLimit, MAX_RATE_LIMIT)));
		const windowSeconds = positiveNumber(credentials.rateLimitWindow, 60);
		const reference = node.credentials?.[CREDENTIAL_TYPE];
		const source = reference?.id ?? reference?.name ?? 'default';
		const key = limiterKey(String(credentials.accessToken ?? ''), baseUrl);
		const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
		return new ApiClient(
			context,
			baseUrl,
			limiterFor(key, source, limit, windowSeconds * 1000, credentials.adaptivePacing !== false),
			{ id: reference?.id ?? '', name: reference?.name ?? CREDENTIAL_TYPE, type: CREDENTIAL_TYPE, data: credentials },
			{ limit, windowSeconds },
			settings,
			signal,
		);
	}

	/** The node the client works for, for errors made outside a request. */
	get node(): INode {
		return this.context.getNode();
	}

	/** When an item's retries must end, counted from now. */
	deadline(): number {
		return Date.now() + this.settings.retryBudgetMs;
	}

	get cancelled(): boolean {
		return this.signal?.aborted === true;
	}

	throwIfCancelled(): void {
		if (this.cancelled) throw new ManualExecutionCancelledError('');
	}

	/** Waits, unless the execution is stopped first (then throws n8n's cancellation error). */
	async wait(ms: number): Promise<void> {
		await sleepFor(ms, this.signal);
	}

	/** The result of `load` for `key`, loaded once per run (a campaign's fields, say). */
	async once<T>(key: string, load: () => Promise<T>): Promise<T> {
		let value = this.memo.get(key) as Promise<T> | undefined;
		if (value === undefined) {
			value = load();
			this.memo.set(key, value);
			value.catch(() => this.memo.delete(key));
		}
		return await value;
	}

	/**
	 * Sends one request. Waits for the token's rate limiter before every attempt, retries what is safe to retry
	 * (429 honouring Retry-After, 5xx and network failures) with backoff until the deadline, and turns every
	 * failure into a NodeApiError in the user's words that carries neither the request nor the token. A stopped
	 * execution ends it at once: an aborted request is never retried and never taken for a network failure.
	 */
	async request<T = unknown>(method: IHttpRequestMethods, path: string, options: RequestOptions = {}): Promise<T> {
		return (await this.requestWithStatus<T>(method, path, options)).body;
	}

	/** As `request`, with the answer's HTTP status (201 for a create, 200 for a person who was there already). */
	async requestWithStatus<T = unknown>(
		method: IHttpRequestMethods,
		path: string,
		options: RequestOptions = {},
	): Promise<{ status: number; body: T }> {
		const node = this.context.getNode();
		const deadline = options.deadline ?? this.deadline();
		const idempotent = options.idempotent ?? IDEMPOTENT.has(method);
		const request: IHttpRequestOptions = {
			method,
			url: options.surface === 'n8n' ? `${surfaceUrl(this.baseUrl, 'n8n')}${path}` : `${this.baseUrl}${path}`,
			headers: { Accept: 'application/json' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.timeoutMs,
		};
		if (options.body !== undefined) request.body = options.body;
		if (options.qs !== undefined) request.qs = options.qs;

		// Whether an earlier attempt of a write may have been carried out though its answer was lost: a refusal of a
		// resend then says nothing about whether the write was done.
		let mayBeDone = false;
		for (let attempt = 0; ; attempt++) {
			this.throwIfCancelled();
			const finished = await this.limiter.acquire(this.signal);
			let response: FullResponse | undefined;
			let code: string | undefined;
			try {
				// The helper applies the credential's `authenticate` block and the execution's cancel signal.
				response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					CREDENTIAL_TYPE,
					{ ...request, headers: { ...request.headers } },
					{ credentialsDecrypted: this.credentials },
				)) as FullResponse;
			} catch (error) {
				// Its error holds the request, Authorization header included: only the code is kept.
				code = networkCode(error);
			} finally {
				finished();
			}
			this.throwIfCancelled();

			const status = response?.statusCode;
			const body = parseBody(response?.body);
			// A server that says none are left holds everyone on this token back until its window resets.
			const exhausted = exhaustedUntil(response?.headers);
			if (exhausted !== undefined) this.limiter.pause(exhausted);
			if (status !== undefined && status >= 200 && status < 300) return { status, body: body as T };
			if (status === 404 && attempt > 0 && options.goneAfterResend) return { status, body: undefined as T };

			const attempts = attempt + 1;
			const note = attempts > 1 ? ` (${attempts} attempts)` : '';
			const failure: ApiError =
				status === undefined
					? this.networkError(node, code ?? 'ENETWORK', options.itemIndex, note)
					: this.httpError(node, status, body, options, note);
			const transient = status === undefined || status === 429 || status >= 500;
			if (!transient) {
				if (mayBeDone) {
					failure.ambiguous = true;
					failure.description = `${failure.description ?? ''} An earlier attempt's answer was lost, so Referral Factory may have made the change already.`.trim();
				}
				throw failure;
			}

			// A 429 is refused before any work; so is a connection that was never made. Anything else may have been
			// carried out by Referral Factory even though no answer came back.
			const certainlyNotDone = status === 429 || (code !== undefined && NOT_SENT.has(code));
			if (!certainlyNotDone && !READS.has(method)) mayBeDone = true;
			if (!idempotent && !certainlyNotDone) {
				failure.ambiguous = true;
				throw failure;
			}

			const serverWait = status === 429 ? (retryAfterMs(response?.headers) ?? (exhausted !== undefined ? exhausted - Date.now() : undefined)) : undefined;
			const wait = serverWait ?? backoffMs(attempt);
			if (Date.now() + wait > deadline) throw failure;
			// Everyone on this token holds back until the server said to come back, not just this request, and this
			// process takes a smaller share of the limit for a while (adaptive pacing, limiter.ts).
			if (status === 429) {
				this.limiter.pause(Date.now() + wait);
				this.limiter.throttled();
			}
			await this.wait(wait);
		}
	}

	private networkError(node: INode, code: string, itemIndex: number | undefined, note: string): ApiError {
		const host = this.baseUrl.replace(/^https?:\/\//i, '').split('/')[0];
		// The message names the reason in words, not the code: NodeApiError replaces any message that contains a
		// network code with its own generic text, which would lose the host and the item.
		const message = `Could not reach Referral Factory at ${host}: ${NETWORK_REASONS[code] ?? 'the request did not complete'}${suffixFor(itemIndex)}`;
		return new NodeApiError(node, { message: 'No answer from Referral Factory', networkCode: code } as JsonObject, {
			message,
			description: `Check that the Base URL in the Referral Factory credential is right and that n8n can reach it, then run the node again.${note}`,
			itemIndex,
		});
	}

	private httpError(node: INode, status: number, answer: unknown, options: RequestOptions, note: string): ApiError {
		// An answer may quote the request back (a proxy's error page, a debug echo): the token is cut out of it.
		const body = redact(answer, String(this.credentials.data?.accessToken ?? ''));
		const described = describeApiError(status, body, { ...options, rateLimit: this.rateLimit });
		return new NodeApiError(node, { httpCode: String(status), body: (body ?? null) as JsonObject } as JsonObject, {
			message: `${described.message}${suffixFor(options.itemIndex)}`,
			description: `${described.description}${note}`,
			httpCode: String(status),
			itemIndex: options.itemIndex,
		});
	}
}

/** Unwraps the `data` envelope the API puts around single resources (docs/referral-factory-api.md, A8). */
export function unwrapData<T>(body: unknown): T {
	if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) {
		return (body as { data: T }).data;
	}
	return body as T;
}
