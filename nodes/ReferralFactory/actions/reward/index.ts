import type { INodeProperties } from 'n8n-workflow';

import { cancel } from './cancel.operation';
import { getAll } from './getAll.operation';
import { issue } from './issue.operation';

export const operations = { cancel, getAll, issue };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['reward'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Irreversible: cancel a due reward so that it is never issued, given its own ID (the ID from Get Many, not its rewardRuleId)',
				action: 'Cancel a reward',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List due or issued rewards, or both, of one reward type or all',
				action: 'Get many rewards',
			},
			{
				name: 'Issue',
				value: 'issue',
				description: 'Irreversible, and may pay out money: issue a due reward, given its own ID (the ID from Get Many, not its rewardRuleId); never sent twice',
				action: 'Issue a reward',
			},
		],
		default: 'getAll',
	},
	...cancel.description,
	...getAll.description,
	...issue.description,
];
