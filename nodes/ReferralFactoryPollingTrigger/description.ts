import type { INodeProperties } from 'n8n-workflow';

import { campaignLocator } from '../ReferralFactory/actions/common.descriptions';
import { rewardTypeField } from '../ReferralFactory/helpers/reward/fields';

export type PollEvent = 'newReferrer' | 'newLead' | 'leadQualified' | 'rewardDue' | 'rewardIssued';

/** The event each item says it is, in the words of the webhook trigger's deliveries (docs/referral-factory-api.md, N2). */
export const EVENT_OF: Record<PollEvent, string> = {
	newReferrer: 'user.join',
	newLead: 'user.join',
	leadQualified: 'user.qualified',
	rewardDue: 'reward_due',
	rewardIssued: 'reward_issued',
};

const eventOptions: Array<{ name: string; value: PollEvent; description: string }> = [
	{ name: 'Lead Qualified', value: 'leadQualified', description: 'A lead was qualified (converted) since the last check' },
	{ name: 'New Lead', value: 'newLead', description: 'Someone joined through a referrer’s link since the last check' },
	{ name: 'New Referrer', value: 'newReferrer', description: 'Someone joined as a referrer since the last check' },
	{ name: 'Reward Due', value: 'rewardDue', description: 'A reward was earned and waits to be issued' },
	{ name: 'Reward Issued', value: 'rewardIssued', description: 'A reward was issued since the last check' },
];

/** Each event's name as the panel shows it, for the node's subtitle. */
export const POLL_EVENT_NAMES = Object.fromEntries(eventOptions.map(({ name, value }) => [value, name])) as Record<PollEvent, string>;

const rewards = { event: ['rewardDue', 'rewardIssued'] };

export const properties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'newReferrer',
		options: eventOptions,
	},
	{
		...campaignLocator('Only this campaign’s events. Leave it empty for every campaign.'),
		required: false,
	},
	{
		...rewardTypeField,
		required: false,
		default: 'all',
		description: 'Each reward type is a list of its own: All Types checks four lists on every poll',
		options: [{ name: 'All Types', value: 'all' }, ...(rewardTypeField.options ?? [])],
		displayOptions: { show: rewards },
	},
	{
		displayName:
			'Checks Referral Factory on the schedule above and starts one execution per check with everything new since the last one. The first check after publishing starts nothing: it notes where the lists stand. Use this trigger when Referral Factory cannot reach your n8n; otherwise the Referral Factory Trigger is instant and costs no requests.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
	},
];
