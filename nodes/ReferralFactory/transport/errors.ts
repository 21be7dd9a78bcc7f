/**
 * Turns a non-2xx answer into a message and a description a user can act on.
 *
 * The documented error body is `{code, message, errors: {field: [{field, message}]}}`, but real clients have seen
 * `{message}` and `{errors: {field: ['…']}}`, and the bodies of 401/404/429 were never published
 * (docs/referral-factory-api.md, A9, A10). So every shape is accepted: a top-level `message` or `error`, and `errors`
 * as an object of arrays of strings or `{message}` objects, or as a plain array.
 */

import { NodeApiError } from 'n8n-workflow';

export interface DescribedError {
	message: string;
	description: string;
}

interface FieldMessage {
	field: string;
	message: string;
}

/** What a failed request means in the words of the operation that sent it. */
export interface ErrorContext {
	/** What a 404 means for this request (e.g. "Campaign 12 was not found"). */
	notFound?: DescribedError;
	/** The node's name for one of the API's fields (`email` → 'Email'), or undefined to show the API's own. */
	fieldLabel?: (field: string) => string | undefined;
	/** What to do when Referral Factory refuses this request (400, 422): per API field named in the answer, else `otherwise`. */
	refused?: { fields?: Record<string, string>; otherwise?: string };
	/** The credential's Rate Limit, for the 429 message. */
	rateLimit?: { limit: number; windowSeconds: number };
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim()) return value.trim();
	if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
		return text((value as { message: string }).message);
	}
	return undefined;
}

export function fieldMessages(body: unknown): FieldMessage[] {
	if (!body || typeof body !== 'object') return [];
	const errors = (body as { errors?: unknown }).errors;
	const found: FieldMessage[] = [];
	if (Array.isArray(errors)) {
		for (const entry of errors) {
			const message = text(entry);
			const field = (entry as { field?: unknown })?.field;
			if (message) found.push({ field: typeof field === 'string' ? field : '', message });
		}
	} else if (errors && typeof errors === 'object') {
		for (const [field, value] of Object.entries(errors as Record<string, unknown>)) {
			for (const entry of Array.isArray(value) ? value : [value]) {
				const message = text(entry);
				const named = (entry as { field?: unknown })?.field;
				if (message) found.push({ field: typeof named === 'string' ? named : field, message });
			}
		}
	}
	return found;
}

export function topMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const plain = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
		return plain && plain.length <= 200 ? plain : undefined;
	}
	if (!body || typeof body !== 'object') return undefined;
	return text((body as { message?: unknown }).message) ?? text((body as { error?: unknown }).error);
}

// API messages end with a full stop; joined into one sentence they should not.
function sentence(message: string): string {
	return message.replace(/[.\s]+$/, '');
}

export function describeApiError(status: number, body: unknown, context: ErrorContext = {}): DescribedError {
	const { notFound, fieldLabel, refused, rateLimit } = context;
	const apiSays = topMessage(body);
	const said = apiSays ? ` Referral Factory said: "${apiSays}".` : '';

	if (status === 401) {
		return {
			message: 'Referral Factory rejected the access token',
			description:
				'Open the Referral Factory Public API credential and paste the current API Access Token from Settings → Webhooks & API. An account has one token: generating a new one revokes the old one.',
		};
	}
	if (status === 403) {
		return {
			message: 'Referral Factory refused access to this resource',
			description: `The API needs at least the Basic plan, and some resources are for account administrators only.${said}`,
		};
	}
	if (status === 404) {
		return (
			notFound ?? {
				message: 'Referral Factory could not find what was asked for',
				description: `Check the ID, and that the credential's Base URL ends with /api/v2.${said}`,
			}
		);
	}
	if (status === 422 || status === 400) {
		const fields = fieldMessages(body);
		if (fields.length > 0) {
			const listed = fields
				.map(({ field, message }) => {
					const label = field ? (fieldLabel?.(field) ?? field) : undefined;
					return label ? `'${label}': ${sentence(message)}` : sentence(message);
				})
				.join('; ');
			const advice = fields.map(({ field }) => refused?.fields?.[field]).find((text) => text !== undefined);
			return {
				message: `Referral Factory did not accept the request: ${listed}`,
				description: advice ?? refused?.otherwise ?? 'Correct the field named above in the node, or in the data of this item, and run it again.',
			};
		}
		return {
			message: `Referral Factory did not accept the request${apiSays ? `: ${sentence(apiSays)}` : ''}`,
			description: refused?.otherwise ?? 'Check the values of this item against the fields of the campaign, then run it again.',
		};
	}
	if (status === 429) {
		const own = rateLimit
			? ` This credential's Rate Limit is ${rateLimit.limit} requests per ${rateLimit.windowSeconds} seconds; lower it if other workflows, apps or n8n workers use the same token.`
			: '';
		return {
			message: 'Referral Factory refused more requests from this access token for now (rate limit)',
			description: `Referral Factory allows 600 requests a minute per token, counting everything that uses the token.${own} Wait a minute before running the workflow again: Referral Factory may block the IP address of clients that keep going over the limit.`,
		};
	}
	if (status >= 500) {
		return {
			message: `The Referral Factory service is unavailable (HTTP ${status})`,
			description: `This is on Referral Factory's side. Try again in a few minutes.${said}`,
		};
	}
	return {
		message: `Referral Factory answered with HTTP ${status}${apiSays ? `: ${apiSays}` : ''}`,
		description: 'Check the node settings and the values of this item, then run it again.',
	};
}

export const NETWORK_REASONS: Record<string, string> = {
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

// Failures that happen before a request leaves this machine: resending can never create anything twice.
export const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED']);

/**
 * n8n's helper wraps a network error in a NodeApiError that keeps its code in `httpCode` and the original text in
 * `messages`; a bare error has `code`. Any of them gives the code (ECONNREFUSED, ECONNABORTED…).
 */
export function networkCode(error: unknown): string {
	const wrapped = error as { code?: unknown; httpCode?: unknown; cause?: { code?: unknown }; messages?: unknown; message?: unknown };
	const isCode = (value: unknown): value is string => typeof value === 'string' && /^[A-Z][A-Z_]{3,}$/.test(value);
	const texts = [...(Array.isArray(wrapped.messages) ? wrapped.messages : []), wrapped.message].map(String).join(' ');
	if (/timeout of \d+ms exceeded/i.test(texts)) return 'ECONNABORTED';
	return [wrapped.code, wrapped.cause?.code, wrapped.httpCode].find(isCode) ?? /\b(E[A-Z_]{3,})\b/.exec(texts)?.[1] ?? 'ENETWORK';
}

/** A failure after which a request that is not idempotent may or may not have been carried out. */
export type ApiError = NodeApiError & { ambiguous?: boolean };

export function isAmbiguous(error: unknown): boolean {
	return error instanceof NodeApiError && (error as ApiError).ambiguous === true;
}

/**
 * Referral Factory's refusal of a write that may mean the work was done already (a reward issued before, a person
 * gone): 404, 409, 410 or 422. Only Referral Factory's answers carry an HTTP code; the node's own checks carry none.
 */
export function isRefusal(error: unknown): error is NodeApiError {
	return (
		error instanceof NodeApiError &&
		!isAmbiguous(error) &&
		['404', '409', '410', '422'].includes(String(error.httpCode))
	);
}
