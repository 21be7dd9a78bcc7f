import type { IDataObject } from 'n8n-workflow';

import { readRewardType, rewardTypeField } from '../../helpers/reward';
import { itemError } from '../../helpers/validation';
import { requestAllItems } from '../../transport';
import { returnAllOrLimit } from '../common.descriptions';
import { defineOperation } from '../operation';

const PATH = { due: 'due', issued: 'issued', all: 'dashboard' } as const;

/**
 * Rewards of one type: due (waiting to be issued), issued, or all, as the API gives them
 * (docs/referral-factory-api.md, R1).
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
		rewardTypeField,
		...returnAllOrLimit,
	],
	prepare(itemIndex) {
		const status = this.getNodeParameter('status', itemIndex, 'due') as keyof typeof PATH;
		if (!(status in PATH)) throw itemError(this, itemIndex, `'Status' cannot be "${String(status)}"`, 'Choose Due, Issued or All.');
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			path: `/rewards/${PATH[status]}/${readRewardType(this, itemIndex)}`,
			returnAll,
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
		};
	},
	async execute({ client, itemIndex, request }) {
		return await requestAllItems<IDataObject>(client, 'GET', request.path, {
			itemIndex,
			returnAll: request.returnAll,
			limit: request.limit,
			concurrency: client.settings.concurrency,
		});
	},
});
