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
				action: 'Add a lead',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Irreversible: delete a lead for good, by exact ID or referral code',
				action: 'Delete a lead',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a lead by ID, referral code or email, with the ID of the referrer who brought them',
				action: 'Get a lead',
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
				action: 'Qualify a lead',
			},
			{
				name: 'Unqualify',
				value: 'unqualify',
				description: 'Irreversible: set a qualified lead back to pending (after a refund, say), by exact ID or referral code; its due rewards are dropped',
				action: 'Unqualify a lead',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change a lead's first name, email or custom fields",
				action: 'Update a lead',
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
