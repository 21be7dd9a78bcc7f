import type { INodeProperties } from 'n8n-workflow';

import { add } from './add.operation';

export const operations = { add };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['referrer'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add a person to a campaign as a referrer and get their referral link and code',
				action: 'Add referrer',
			},
		],
		default: 'add',
	},
	...add.description,
];
