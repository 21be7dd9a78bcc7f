import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// Laravel's default string rule on the API side (INFERRED); checked here so nothing is sent that will bounce.
export const MAX_TEXT_LENGTH = 255;

// Deliberately simple: one @, no spaces, a dot in the domain. Referral Factory does its own stricter checks
// (it also rejects domains without MX records, shared/referral-factory-api.md §3.1), which come back as a 422.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value}`;
}

/** A NodeOperationError for one item: the message names the item, the description says how to fix it. */
export function itemError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

export function requireText(
	ctx: IExecuteFunctions,
	value: unknown,
	field: string,
	itemIndex: number,
	example: string,
): string {
	if (typeof value !== 'string') {
		throw itemError(
			ctx,
			itemIndex,
			`"${field}" must be text, but the value is ${describeType(value)}`,
			`Set "${field}" to text such as ${example}. If it comes from an expression, make the expression return a string.`,
		);
	}
	const trimmed = value.trim();
	// Zero-width characters are invisible: a value made only of them would look empty in Referral Factory.
	if (!trimmed.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')) {
		throw itemError(ctx, itemIndex, `"${field}" is empty`, `Set "${field}", for example ${example}.`);
	}
	if (trimmed.length > MAX_TEXT_LENGTH) {
		throw itemError(
			ctx,
			itemIndex,
			`"${field}" is ${trimmed.length} characters long; Referral Factory accepts at most ${MAX_TEXT_LENGTH}`,
			`Shorten "${field}" to ${MAX_TEXT_LENGTH} characters or fewer.`,
		);
	}
	return trimmed;
}

export function requireEmail(ctx: IExecuteFunctions, value: unknown, itemIndex: number): string {
	const email = requireText(ctx, value, 'Email', itemIndex, 'nathan@example.com');
	if (!EMAIL_PATTERN.test(email)) {
		throw itemError(
			ctx,
			itemIndex,
			`"Email" is not a valid email address: "${email}"`,
			'Set "Email" to an address such as nathan@example.com.',
		);
	}
	return email;
}

/** Campaign IDs are positive integers ([DEV-CAMP]); the resource locator gives a string or a number. */
export function requireCampaignId(ctx: IExecuteFunctions, value: unknown, itemIndex: number): number {
	const raw = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
	if (raw === undefined || raw === '') {
		throw itemError(
			ctx,
			itemIndex,
			raw === undefined ? `"Campaign" must be a campaign ID, but the value is ${describeType(value)}` : '"Campaign" is empty',
			'Pick the campaign from the list, or enter its ID (Campaigns → Edit Campaign → Integration → API).',
		);
	}
	const id = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) {
		throw itemError(
			ctx,
			itemIndex,
			`"Campaign" must be a positive whole number, but it is "${raw.slice(0, 50)}"`,
			'Pick the campaign from the list, or enter its numeric ID (Campaigns → Edit Campaign → Integration → API).',
		);
	}
	return id;
}

export function requireScalar(
	ctx: IExecuteFunctions,
	value: unknown,
	field: string,
	itemIndex: number,
): string | number | boolean {
	if (typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	throw itemError(
		ctx,
		itemIndex,
		`"${field}" must be text, a number or a boolean, but the value is ${describeType(value)}`,
		`If "${field}" comes from an expression, make it return a single value (for example with .toString()).`,
	);
}

export function requireBoolean(ctx: IExecuteFunctions, value: unknown, field: string, itemIndex: number): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw itemError(ctx, itemIndex, `"${field}" must be true or false`, `If "${field}" comes from an expression, make it return true or false.`);
}
