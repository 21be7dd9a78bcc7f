import type { INodeProperties } from 'n8n-workflow';

import { add } from './add.operation';
import { deleteLead } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { qualify } from './qualify.operation';
import { unqualify } from './unqualify.operation';
import { update } from './update.operation';

export const operations = { add, delete: deleteLead, get, getAll, qualify, unqualify, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add a person invited by a referrer, with the referrer who brought them',
				action: 'Add a lead with the referrer who brought them',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a lead for good',
				action: 'Irreversibly delete a lead by exact ID or code',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a lead by ID, referral code or email, with the ID of the referrer who brought them',
				action: 'Get a lead with the ID of their referrer',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List leads, of one campaign or all, qualified or pending',
				action: 'Get many leads',
			},
			{
				name: 'Qualify',
				value: 'qualify',
				description: 'Mark a lead as converted (a purchase, a signed contract), found by ID, referral code, email or a redeemed coupon; rewards follow the campaign settings',
				action: 'Qualify a lead as converted which can make rewards due',
			},
			{
				name: 'Unqualify',
				value: 'unqualify',
				description: 'Set a qualified lead back to pending, for example after a refund',
				action: 'Irreversibly unqualify a lead by exact ID or code dropping its due rewards',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change a lead's first name, email or custom fields",
				action: 'Update the first name or email or custom fields of a lead',
			},
		],
		default: 'add',
	},
	...add.description,
	...deleteLead.description,
	...get.description,
	...getAll.description,
	...qualify.description,
	...unqualify.description,
	...update.description,
];
