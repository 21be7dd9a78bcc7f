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
				action: 'Add a referrer to a campaign and get their referral link',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a referrer for good; their referral link stops working',
				action: 'Irreversibly delete a referrer by exact ID or code',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a referrer by ID, referral code or email, with their referral link and code',
				action: 'Get a referrer with their referral link',
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
				action: 'Update the first name or email or custom fields of a referrer',
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
