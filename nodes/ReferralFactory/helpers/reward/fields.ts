import type { IExecuteFunctions, INodeProperties, NodeOperationError } from 'n8n-workflow';

import { itemError, requireText } from '../validation';

/** The API's `{metric}` (docs/referral-factory-api.md, R1): every reward list and check is per reward type. */
export const REWARD_TYPES = ['amount', 'commission', 'coupon', 'custom'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

/** Each reward type in the names Referral Factory's dashboard uses (docs/referral-factory-api.md, R1). */
export const REWARD_TYPE_NAMES: Record<RewardType, string> = { amount: 'Fixed Amount', commission: 'Commission', coupon: 'Coupon', custom: 'Custom Reward' };

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
	const own = 'its own ID (the id from Reward → Get Many, Status: Due), never its rewardRuleId';
	const hint = 'A due reward\'s own "id" (e.g. 501), not its "rewardRuleId" (the reward set up in the campaign)';
	return [
		// Version 1: a text field; saved workflows keep it.
		{
			displayName: 'Due Reward ID',
			name: 'rewardId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 501',
			hint,
			description: `The due reward to ${operation}: ${own}`,
			displayOptions: { show: { '@version': [1] } },
		},
		// Since 1.1: picked from the due rewards (recipient · type · amount or coupon), or given by ID.
		{
			displayName: 'Due Reward',
			name: 'rewardId',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: `The due reward to ${operation}: pick it from the list, or give ${own}`,
			displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a due reward...',
					typeOptions: { searchListMethod: 'searchDueRewards', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 501',
					hint,
					validation: [{ type: 'regex', properties: { regex: '^\\s*[1-9]\\d*\\s*$', errorMessage: 'A due reward ID is a whole number' } }],
				},
			],
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
	const raw = ctx.getNodeParameter('rewardId', itemIndex, '', { extractValue: true });
	// The field's name as the panel shows it: a text field in version 1, a picker since 1.1.
	const label = ctx.getNode().typeVersion >= 1.1 ? 'Due Reward' : 'Due Reward ID';
	const text = requireText(ctx, typeof raw === 'number' ? String(raw) : raw, label, itemIndex, '501');
	if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
		const fix = 'Use the id of a reward from Reward → Get Many with Status: Due';
		throw itemError(ctx, itemIndex, `'${label}' must be a whole number, but it is "${text.slice(0, 50)}"`, label === 'Due Reward' ? `Pick it from the list, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}.` : `${fix}.`);
	}
	return Number(text);
}

/** What Simplify says a reward becomes (the parameter's description). */
export const SIMPLIFIED_REWARD = 'camelCase fields, its type and status, and the recipient\'s name and email';
