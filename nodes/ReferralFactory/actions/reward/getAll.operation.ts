import type { IDataObject } from 'n8n-workflow';

import { REWARD_TYPES, rewardTypeField, SIMPLIFIED_REWARD, type RewardType } from '../../helpers/reward/fields';
import { simplifyRewards } from '../../helpers/reward/simplify';
import { itemError } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { returnAllOrLimit, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';

const PATH = { due: 'due', issued: 'issued', all: 'dashboard' } as const;

/**
 * Rewards: due (waiting to be issued), issued, or all, of one type or of every type (the API lists them per type:
 * docs/referral-factory-api.md, R1, so All Types reads the four lists one after another, up to the Limit). With
 * Simplify, each reward is in the node's words with its recipient's name and email (helpers/reward.ts).
 */
export const getAll = defineOperation({
	resource: 'reward',
	operation: 'getAll',
	properties: [
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			default: 'due',
			description: 'Which rewards to list',
			options: [
				{ name: 'All', value: 'all', description: 'Due and issued' },
				{ name: 'Due', value: 'due', description: 'Earned and waiting to be issued' },
				{ name: 'Issued', value: 'issued' },
			],
		},
		{
			...rewardTypeField,
			default: 'all',
			description: 'The kind of reward, as set up in the campaign, or every kind',
			options: [{ name: 'All Types', value: 'all' }, ...(rewardTypeField.options ?? [])],
		},
		...returnAllOrLimit,
		simplify(SIMPLIFIED_REWARD),
	],
	prepare(itemIndex) {
		const status = this.getNodeParameter('status', itemIndex, 'due') as keyof typeof PATH;
		if (!(status in PATH)) throw itemError(this, itemIndex, `'Status' cannot be "${String(status)}"`, 'Choose Due, Issued or All.');
		const type = this.getNodeParameter('rewardType', itemIndex, 'all') as RewardType | 'all';
		if (type !== 'all' && !REWARD_TYPES.includes(type)) {
			throw itemError(this, itemIndex, `'Reward Type' cannot be "${String(type)}"`, 'Choose All Types, Fixed Amount, Commission, Coupon or Custom Reward.');
		}
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			status,
			types: type === 'all' ? [...REWARD_TYPES] : [type],
			returnAll,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request }) {
		const found: Array<{ reward: IDataObject; type: RewardType; state?: 'due' | 'issued' }> = [];
		for (const type of request.types) {
			const left = request.limit === undefined ? undefined : request.limit - found.length;
			if (left !== undefined && left <= 0) break;
			const rewards = await requestAllItems<IDataObject>(client, 'GET', `/rewards/${PATH[request.status]}/${type}`, {
				itemIndex,
				returnAll: request.returnAll,
				limit: left,
				concurrency: client.settings.concurrency,
			});
			found.push(...rewards.map((reward) => ({ reward, type, state: request.status === 'all' ? undefined : request.status })));
		}
		if (!request.simplify) return found.map(({ reward }) => reward);
		return await simplifyRewards(client, found, { itemIndex, deadline: client.deadline() });
	},
});
