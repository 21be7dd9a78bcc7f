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
				description: 'Cancel a due reward, given its own ID (the ID from Get Many, not the reward rule ID), so that it is never issued',
				action: 'Irreversibly cancel a due reward by exact ID, not a rule ID, so it is never issued',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List due or issued rewards of one reward type',
				action: 'Get many rewards',
			},
			{
				name: 'Issue',
				value: 'issue',
				description: 'Issue a due reward, given its own ID (the ID from Get Many, not the reward rule ID); this may pay out money, and it is never sent twice',
				action: 'Irreversibly issue a due reward by exact ID, not a rule ID, which may pay out money',
			},
		],
		default: 'getAll',
	},
	...cancel.description,
	...getAll.description,
	...issue.description,
];
