/**
 * Several plausible Referral Factories: for each behaviour the API's notes mark INFERRED (docs/referral-factory-api.md),
 * the sandbox's switches set one way or another. `documented` is the sandbox's default (what the docs and the vendor's
 * own node show); the others are what a Laravel API of that shape could as well answer. The variant suite
 * (test/variants.test.ts) runs every operation and the trigger under each; the probe's test checks that
 * `npm run probe` tells each one apart from the default.
 */
import type { SandboxConfig } from '../sandbox/config';

export const VARIANTS: Record<string, Partial<SandboxConfig>> = {
	documented: {},
	'laravel-links': {
		envelope: 'links',
		errorStyle: 'plain',
		duplicates: 'reject',
		dateFormat: 'iso',
		fieldIds: 'opaque',
		searchIgnores: ['type', 'qualified', 'status'],
		rewardAnswer: 'message',
		rewardRecipient: 'recipient',
		n8nAnswer: 'data',
		deliveryShape: 'data',
		deliveryReferrer: 'object',
		deliveryEvent: 'event_name',
		retryAfterFormat: 'date',
		rateLimitHeaders: true,
		rateLimitResetFormat: 'unix',
		sorting: 'honoured',
	},
	'meta-only': {
		envelope: 'meta',
		errorStyle: 'list',
		dateFormat: 'local',
		rewardRecipient: 'user',
		n8nAnswer: 'bare',
		deliveryShape: 'user',
		deliveryReferrer: 'flat',
		deliveryEvent: 'trigger',
		rateLimitHeaders: true,
	},
	bare: {
		envelope: 'bare',
		errorStyle: 'list',
		duplicates: 'reject',
		searchIgnores: ['email', 'campaign_id'],
		rewardAnswer: 'message',
		n8nAnswer: 'bare',
		deliveryShape: 'list',
		deliveryEvent: 'none',
		retryAfterFormat: 'date',
	},
	// How else a list may page (docs/referral-factory-api.md, A6, A7, A13): Laravel's cursor paginator (page ignored,
	// an opaque cursor in links.next, no page count), and pages that hold fewer records than asked for.
	cursor: {
		pagination: 'cursor',
		listOrder: 'newest',
		sorting: 'honoured',
	},
	'capped-100': {
		maxPerPage: 100,
		envelope: 'links',
		sorting: 'refused',
		dateFormat: 'iso',
	},
	'capped-25': {
		maxPerPage: 25,
		envelope: 'bare',
		dateFormat: 'local',
	},
};
