import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

import { CAMPAIGN_ID_PATTERN } from '../helpers/campaign';

/**
 * Fields that several operations share, written once without `displayOptions`; each operation places them with
 * `updateDisplayOptions` (see defineOperation in operation.ts).
 */

/** The campaign resource locator: From List (searchable, paged) or By ID. */
export function campaignLocator(description: string): INodeProperties {
	return {
		displayName: 'Campaign',
		name: 'campaignId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a campaign...',
				typeOptions: { searchListMethod: 'searchCampaigns', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 12345',
				hint: 'In Referral Factory: Campaigns → Edit Campaign → Integration → API → Copy your Campaign ID',
				validation: [
					{
						type: 'regex',
						properties: { regex: CAMPAIGN_ID_PATTERN, errorMessage: 'A campaign ID is a whole number' },
					},
				],
			},
		],
	};
}

/**
 * A person locator of one role: From List (people searched by name or email, methods/listSearch.ts), By ID, By Code,
 * By Email, and `extraModes`. The mode names (`list`, `id`, `code`, `email`) are what saved workflows hold.
 */
export function personLocator(
	role: 'referrer' | 'lead',
	property: { name: string; displayName: string; description: string; defaultMode: string },
	extraModes: INodePropertyMode[] = [],
): INodeProperties {
	return {
		displayName: property.displayName,
		name: property.name,
		type: 'resourceLocator',
		default: { mode: property.defaultMode, value: '' },
		required: true,
		description: property.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${role}...`,
				typeOptions: { searchListMethod: role === 'referrer' ? 'searchReferrers' : 'searchLeads', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1042',
				validation: [{ type: 'regex', properties: { regex: '^\\s*[1-9][0-9]*\\s*$', errorMessage: 'An ID is a whole number' } }],
			},
			{ displayName: 'By Code', name: 'code', type: 'string', placeholder: 'e.g. ueONFmUp' },
			{ displayName: 'By Email', name: 'email', type: 'string', placeholder: 'e.g. nathan@example.com' },
			...extraModes,
		],
	};
}

/**
 * A person (referrer or lead) to work on (personLocator), and the Campaign for By Email. An email is unique only within a campaign
 * (docs/referral-factory-api.md, P9), so By Email shows a Campaign field (a display condition on the locator's
 * mode: n8n reads a `/<name>.mode` path from the node's parameters); left empty, every campaign is searched and the item fails
 * only when the email is there more than once. `extraModes`: ways to name the person that only one operation takes
 * (Qualify: Coupon).
 */
export function personLookup(name: string, displayName: string, description: string, extraModes: INodePropertyMode[] = []): INodeProperties[] {
	const role = name === 'leadId' ? 'lead' : 'referrer';
	return [
		personLocator(role, { name, displayName, description, defaultMode: 'id' }, extraModes),
		{
			...campaignLocator(`The campaign to look the email up in. Leave it empty to look in every campaign: it is needed only when the email is a ${role}'s in several.`),
			required: false,
			displayOptions: { show: { [`/${name}.mode`]: ['email'] } },
		},
	];
}

/** A Get Many's Filters collection (n8n's "Add Filter"), holding the given filters. */
export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Filters', name: 'filters', type: 'collection', placeholder: 'Add Filter', default: {}, options };
}

/** n8n's standard pair for lists. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

export function simplify(what: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: `Whether to return a simplified version of the response instead of the raw data. The simplified item has ${what}.`,
	};
}

/**
 * Include Analytics on a Get or Get Many: asks for the record's figures (`with=user.analytics` or
 * `with=campaign.analytics`: docs/referral-factory-api.md, P15); the simplified item has them under `analytics`.
 */
export function includeAnalytics(figures: string): INodeProperties {
	return {
		displayName: 'Include Analytics',
		name: 'includeAnalytics',
		type: 'boolean',
		default: false,
		description: `Whether to also get ${figures} (as numbers under analytics; null where Referral Factory gives none)`,
	};
}

/**
 * How requests are sent, the same for every operation (defineOperation adds it): read once per run by the router
 * and applied by the API client. The credential's rate limit applies whatever these are.
 */
export const requestOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Concurrent Requests',
			name: 'concurrency',
			type: 'number',
			default: 5,
			typeOptions: { minValue: 1, maxValue: 50 },
			description:
				"How many items are sent to Referral Factory at the same time. The credential's rate limit applies whatever this is.",
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 30,
			typeOptions: { minValue: 1 },
			description:
				'How long to wait for one answer. Referral Factory sometimes takes over 25 seconds; a timed-out add is checked before it is sent again.',
		},
		{
			displayName: 'Retry For Up To (Seconds)',
			name: 'retryFor',
			type: 'number',
			default: 120,
			typeOptions: { minValue: 1 },
			description:
				'How long to keep retrying an item after rate limits, server failures or network drops before it fails',
		},
	],
};

/**
 * The request options of a write that can find its work already done (a reward issued, a lead qualified, a person
 * deleted): with Fail If Already Done, which is off by default so that n8n's Retry On Fail and a re-run of an
 * execution redo nothing and fail nothing (docs/operations.md, "Re-runs and Retry On Fail").
 */
export function writeOptions(alreadyDone: string, extra: INodeProperties[] = []): INodeProperties {
	const failIfAlreadyDone: INodeProperties = {
		displayName: 'Fail If Already Done',
		name: 'failIfAlreadyDone',
		type: 'boolean',
		default: false,
		description: `Whether the item fails when ${alreadyDone}. When off, the item succeeds and its 'outcome' says what was already so, so a re-run or Retry On Fail is safe.`,
	};
	// In alphabetical order, as n8n lists a collection's options.
	const options = [failIfAlreadyDone, ...extra, ...((requestOptions.options ?? []) as INodeProperties[])].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return { ...requestOptions, options };
}

/**
 * Custom Fields: pairs of a campaign form field (`label`, as given: picked from a list, or typed) and a value, sent
 * as the API's `meta` (helpers/new-person.ts).
 */
export function customFields(label: INodeProperties): INodeProperties {
	return {
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		default: {},
		typeOptions: { multipleValues: true },
		description: 'Values for the fields of the campaign form, such as Last Name or Company',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [label, { displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. Smith' }],
			},
		],
	};
}

/** Additional Fields of a person being added (a referrer now, a lead later): custom fields, notification, promotion. */
export const newPersonAdditionalFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{
			displayName: 'Create Promotion Code',
			name: 'promotion',
			type: 'boolean',
			default: false,
			description:
				'Whether to also create a promotion code for the person (works only when Stripe is connected to Referral Factory)',
		},
		customFields({
			displayName: 'Field Name or ID',
			name: 'label',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getCampaignFields', loadOptionsDependsOn: ['campaignId.value'] },
			default: '',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		}),
		{
			displayName: 'Send Welcome Notification',
			name: 'notify',
			type: 'boolean',
			default: false,
			description:
				"Whether Referral Factory sends the person its welcome notification. When off, the campaign's own welcome email settings apply.",
		},
	],
};
