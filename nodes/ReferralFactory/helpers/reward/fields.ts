import type { IExecuteFunctions, INodeProperties, NodeOperationError } from 'n8n-workflow';

import { itemError, requireText } from '../validation';

/** The API's `{metric}` (docs/referral-factory-api.md, R1): every reward list and check is per reward type. */
export const REWARD_TYPES = ['amount', 'commission', 'coupon', 'custom'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

/** The reward type, in the names Referral Factory's dashboard uses (docs/referral-factory-api.md, R1). */
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

/**
 * Issue and Cancel: the due reward, by its own ID (a reward's `id` in Reward → Get Many), never the campaign's reward
 * rule (`rewardRuleId`). Its type is not asked for: the calls take only the ID (docs/referral-factory-api.md, R5), and
 * the reward is looked for in every type's lists (`findReward`), so no choice of the user's can point the check at the
 * wrong list. The parameter keeps the name `rewardId` that saved workflows use.
 */
export function dueRewardFields(operation: 'issue' | 'cancel'): INodeProperties[] {
	return [
		{
			displayName: 'Due Reward ID',
			name: 'rewardId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 501',
			description: `The ID of the due reward to ${operation}: a reward's own ID from Reward → Get Many (Status: Due), not its reward rule ID (rewardRuleId)`,
		},
	];
}

/** The item error for an ID in neither the due nor the issued lists: nothing is sent. */
export function notADueReward(ctx: IExecuteFunctions, itemIndex: number, rewardId: number): NodeOperationError {
	return itemError(
		ctx,
		itemIndex,
		`No due reward with ID ${rewardId}: it is in neither Referral Factory's due nor its issued lists`,
		'Nothing was sent. Use the "id" of a reward from Reward → Get Many (Status: Due), not its "rewardRuleId" (the reward set up in the campaign). A cancelled reward is in no list.',
	);
}

/** A due reward's ID: a whole number (docs/referral-factory-api.md, R5). */
export function readRewardId(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter('rewardId', itemIndex, '');
	const text = requireText(ctx, typeof raw === 'number' ? String(raw) : raw, 'Due Reward ID', itemIndex, '501');
	if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw itemError(ctx, itemIndex, `'Due Reward ID' must be a whole number, but it is "${text.slice(0, 50)}"`, 'Use the id of a reward from Reward → Get Many with Status: Due.');
	}
	return Number(text);
}

/** What Simplify says a reward becomes (the parameter's description). */
export const SIMPLIFIED_REWARD = 'camelCase fields, its type and status, and the recipient\'s name and email';
