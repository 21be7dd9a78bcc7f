import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { requestPages } from '../transport';
import { itemError, requireText } from './validation';

/** The API's `{metric}` (§3.9): every reward list and check is per reward type. */
export const REWARD_TYPES = ['amount', 'commission', 'coupon', 'custom'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

/** The reward type, in the names Referral Factory's dashboard uses ([HELP-REWARDS]). */
export const rewardTypeField: INodeProperties = {
	displayName: 'Reward Type',
	name: 'rewardType',
	type: 'options',
	default: 'amount',
	required: true,
	description: 'The kind of reward, as set up in the campaign',
	options: [
		{ name: 'Commission', value: 'commission' },
		{ name: 'Coupon', value: 'coupon' },
		{ name: 'Custom Reward', value: 'custom' },
		{ name: 'Fixed Amount', value: 'amount' },
	],
};

/** Issue and Cancel: the due reward, and its type (the list in which its state is read after a lost answer). */
export const dueRewardFields: INodeProperties[] = [
	{
		displayName: 'Due Reward ID',
		name: 'rewardId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 501',
		description: 'The ID of the due reward (the "ID" of a reward from Reward → Get Many with Status: Due)',
	},
	{ ...rewardTypeField, description: "The reward's type: the node reads the reward's state in this list if an answer is lost" },
];

export function readRewardType(ctx: IExecuteFunctions, itemIndex: number): RewardType {
	const value = ctx.getNodeParameter('rewardType', itemIndex, 'amount') as RewardType;
	if (!REWARD_TYPES.includes(value)) {
		throw itemError(ctx, itemIndex, `'Reward Type' cannot be "${String(value)}"`, 'Choose Fixed Amount, Commission, Coupon or Custom Reward.');
	}
	return value;
}

/** A due reward's ID: a whole number (§3.9 R7: "the due reward's integer id"). */
export function readRewardId(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter('rewardId', itemIndex, '');
	const text = requireText(ctx, typeof raw === 'number' ? String(raw) : raw, 'Due Reward ID', itemIndex, '501');
	if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw itemError(ctx, itemIndex, `'Due Reward ID' must be a whole number, but it is "${text.slice(0, 50)}"`, 'Use the id of a reward from Reward → Get Many with Status: Due.');
	}
	return Number(text);
}

/**
 * Where a reward is now: still due, issued, or in neither list (cancelled, or never there). There is no endpoint
 * for one reward (§3.9), so the due and issued lists of its type are read until it is found. Used only after an
 * answer was lost, before anything is sent again.
 */
export async function rewardState(
	client: ApiClient,
	type: RewardType,
	rewardId: number,
	options: { itemIndex: number; deadline: number },
): Promise<{ state: 'due' | 'issued'; reward: IDataObject } | undefined> {
	for (const state of ['issued', 'due'] as const) {
		for await (const rewards of requestPages<IDataObject>(client, 'GET', `/rewards/${state}/${type}`, options)) {
			const reward = rewards.find((candidate) => String(candidate?.id) === String(rewardId));
			if (reward) return { state, reward };
		}
	}
	return undefined;
}
