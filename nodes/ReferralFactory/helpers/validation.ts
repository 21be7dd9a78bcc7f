import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseCampaignId } from './campaign';

// Laravel's default string rule on the API side (INFERRED); checked here so nothing is sent that will bounce.
export const MAX_TEXT_LENGTH = 255;

// Deliberately simple: one @, no spaces, a dot in the domain. Referral Factory does its own stricter checks (v1
// refused domains without an MX record) and says so in its answer (docs/referral-factory-api.md, P8).
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

function describeType(value: unknown): string {
	if (value === undefined) return 'missing';
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
	if (value === undefined || value === null) {
		throw itemError(
			ctx,
			itemIndex,
			`'${field}' has no value`,
			`Set '${field}', for example to ${example}. If it comes from an expression, check that the input item has the field it reads (the expression returned ${describeType(value) === 'null' ? 'null' : 'nothing'}).`,
		);
	}
	if (typeof value !== 'string') {
		throw itemError(
			ctx,
			itemIndex,
			`'${field}' must be text, but the value is ${describeType(value)}`,
			`Set '${field}' to text such as ${example}. If it comes from an expression, make the expression return a string.`,
		);
	}
	const trimmed = value.trim();
	// Zero-width characters are invisible: a value made only of them would look empty in Referral Factory.
	if (!trimmed.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')) {
		throw itemError(ctx, itemIndex, `'${field}' is empty`, `Set '${field}', for example ${example}.`);
	}
	if (trimmed.length > MAX_TEXT_LENGTH) {
		throw itemError(
			ctx,
			itemIndex,
			`'${field}' is ${trimmed.length} characters long; Referral Factory accepts at most ${MAX_TEXT_LENGTH}`,
			`Shorten '${field}' to ${MAX_TEXT_LENGTH} characters or fewer.`,
		);
	}
	return trimmed;
}

export function requireEmail(ctx: IExecuteFunctions, value: unknown, itemIndex: number, field = 'Email'): string {
	const email = requireText(ctx, value, field, itemIndex, 'nathan@example.com');
	if (!EMAIL_PATTERN.test(email)) {
		throw itemError(
			ctx,
			itemIndex,
			`'${field}' is not a valid email address: "${email}"`,
			`Set '${field}' to an address such as nathan@example.com.`,
		);
	}
	return email;
}

const CAMPAIGN_HELP = 'Pick the campaign from the list, or enter its numeric ID (Campaigns → Edit Campaign → Integration → API).';

/** A campaign ID from the resource locator, which gives a string or a number (rule: helpers/campaign.ts). */
export function requireCampaignId(ctx: IExecuteFunctions, value: unknown, itemIndex: number, field = 'Campaign'): number {
	if (typeof value !== 'number' && typeof value !== 'string') {
		throw itemError(ctx, itemIndex, `'${field}' must be a campaign ID, but the value is ${describeType(value)}`, CAMPAIGN_HELP);
	}
	const raw = String(value).trim();
	if (raw === '') throw itemError(ctx, itemIndex, `'${field}' is empty`, CAMPAIGN_HELP);
	const id = parseCampaignId(raw);
	if (id === undefined) {
		throw itemError(ctx, itemIndex, `'${field}' must be a positive whole number, but it is "${raw.slice(0, 50)}"`, CAMPAIGN_HELP);
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
		`'${field}' must be text, a number or a boolean, but the value is ${describeType(value)}`,
		`If '${field}' comes from an expression, make it return a single value (for example with .toString()).`,
	);
}

export function requireBoolean(ctx: IExecuteFunctions, value: unknown, field: string, itemIndex: number): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw itemError(ctx, itemIndex, `'${field}' must be true or false`, `If '${field}' comes from an expression, make it return true or false.`);
}
