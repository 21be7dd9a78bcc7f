import type { INodeProperties } from 'n8n-workflow';

import { campaignLocator } from '../ReferralFactory/actions/common.descriptions';

/** The trigger's events, named as Referral Factory's n8n endpoints name them (docs/referral-factory-api.md, N2). */
export const EVENTS = {
	userJoined: 'user.join',
	userQualified: 'user.qualified',
	rewardIssued: 'reward_issued',
} as const;

export type TriggerEvent = keyof typeof EVENTS;

/** Named as the polling trigger names the same events: New Referrer, New Lead, Lead Qualified, Reward Issued. */
const eventOptions: Array<{ name: string; value: TriggerEvent; description: string }> = [
	{ name: 'Lead Qualified', value: 'userQualified', description: 'A lead in the campaign was qualified (converted)' },
	{ name: 'New Referrer or Lead', value: 'userJoined', description: 'Someone joined the campaign: a new referrer, or a lead brought by one (narrow it with Joined Through)' },
	{ name: 'Reward Issued', value: 'rewardIssued', description: 'A reward was issued to someone' },
];

/** Each event's name as the panel shows it, for the node's subtitle. */
export const EVENT_NAMES = Object.fromEntries(eventOptions.map(({ name, value }) => [value, name])) as Record<TriggerEvent, string>;

const automatic = { setup: ['automatic'] };

export const properties: INodeProperties[] = [
	{
		displayName: 'Set Up',
		name: 'setup',
		type: 'options',
		noDataExpression: true,
		default: 'automatic',
		options: [
			{
				name: 'Automatically',
				value: 'automatic',
				description: 'When the workflow is published, the trigger registers its URL with Referral Factory for the event you pick',
			},
			{
				name: 'Dashboard Webhook',
				value: 'dashboard',
				description: "You paste the trigger's URL into Referral Factory's webhook settings, with the fields you choose there",
			},
		],
	},
	{
		displayName:
			'Copy the Production URL (under Webhook URLs above) into Referral Factory → Settings → Webhooks (the Test URL only while the trigger is listening, after Execute step). Tick the fields to send; the trigger reads the usual names (email, first_name, code, url, referral_link, campaign_id…) and keeps the whole body under raw.',
		name: 'dashboardNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { setup: ['dashboard'] } },
	},
	{
		displayName:
			'Pick the event and its campaign (or campaign reward): Execute step stays unavailable until then. It listens for one test event (its Test URL is registered with Referral Factory until the test ends); publishing the workflow registers the Production URL, and unpublishing removes it.',
		name: 'automaticNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: automatic },
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'userJoined',
		displayOptions: { show: automatic },
		options: [
			...eventOptions,
		],
	},
	{
		...campaignLocator('The campaign whose events start the workflow'),
		displayOptions: { show: { ...automatic, event: ['userJoined', 'userQualified'] } },
	},
	// Version 1 started with Referred only (leads); since 1.1 nothing picked means everyone, as the event's name says.
	{
		displayName: 'Joined Through Names or IDs',
		name: 'sources',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getUserSources' },
		default: ['Referred'],
		displayOptions: { show: { ...automatic, event: ['userJoined'], '@version': [1] } },
		description:
			'Only people who joined this way: Referred (leads, through a referral link), Direct (referrers who signed up themselves) or API. Leave empty for everyone. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Joined Through Names or IDs',
		name: 'sources',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getUserSources' },
		default: [],
		displayOptions: { show: { ...automatic, event: ['userJoined'], '@version': [{ _cnd: { gte: 1.1 } }] } },
		description:
			'Only people who joined this way: Referred (leads, through a referral link), Direct (referrers who signed up themselves) or API. Leave empty for everyone. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Campaign Reward Name or ID',
		name: 'rewardId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getRewards' },
		default: '',
		required: true,
		displayOptions: { show: { ...automatic, event: ['rewardIssued'] } },
		description:
			'The reward set up in the campaign (a reward rule: the "rewardRuleId" of the rewards it earns) whose issuing starts the workflow. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		default: 'none',
		displayOptions: { show: { setup: ['dashboard'] } },
		options: [
			{ name: 'None', value: 'none' },
			{
				name: 'Header Secret',
				value: 'headerSecret',
				description: 'Deliveries must carry a header with a shared secret (add it in Referral Factory under the webhook’s Headers)',
			},
		],
		description: 'Whether a delivery must prove it comes from your Referral Factory account',
	},
];
