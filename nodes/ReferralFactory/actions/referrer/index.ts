import type { INodeProperties } from 'n8n-workflow';

import { add } from './add.operation';
import { deleteReferrer } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { update } from './update.operation';

export const operations = { add, delete: deleteReferrer, get, getAll, update };

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
				action: 'Add a referrer',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Irreversible: delete a referrer for good, by exact ID or referral code; their referral link stops working',
				action: 'Delete a referrer',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a referrer by ID, referral code or email, with their referral link and code',
				action: 'Get a referrer',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List referrers, of one campaign or all',
				action: 'Get many referrers',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change a referrer's first name, email or custom fields",
				action: 'Update a referrer',
			},
		],
		default: 'add',
	},
	...add.description,
	...deleteReferrer.description,
	...get.description,
	...getAll.description,
	...update.description,
];
