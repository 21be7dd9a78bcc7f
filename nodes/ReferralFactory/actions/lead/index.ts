import type { INodeProperties } from 'n8n-workflow';

import { deletePerson } from '../people/delete';
import { getPerson } from '../people/get';
import { getManyPeople } from '../people/getAll';

const deleteLead = deletePerson('lead');
const get = getPerson('lead');
const getAll = getManyPeople('lead');

export const operations = { delete: deleteLead, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a lead for good',
				action: 'Delete lead',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a lead by ID, referral code or email, with the ID of the referrer who brought them',
				action: 'Get lead',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List leads, of one campaign or all',
				action: 'Get many leads',
			},
		],
		default: 'get',
	},
	...deleteLead.description,
	...get.description,
	...getAll.description,
];
