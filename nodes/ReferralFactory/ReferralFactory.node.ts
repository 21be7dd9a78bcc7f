import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as campaign from './actions/campaign';
import * as lead from './actions/lead';
import * as referrer from './actions/referrer';
import * as reward from './actions/reward';
import { router } from './actions/router';
import { searchCampaigns, searchDueRewards, searchLeads, searchReferrers } from './methods/listSearch';
import { getCampaignFields, getCampaigns } from './methods/loadOptions';

/**
 * Programmatic (execute()) rather than declarative routing: adding a person or issuing a reward is not idempotent,
 * so the node needs its own control over pacing, retries and duplicate checks between requests, which the
 * declarative engine does not give. Every operation is actions/<resource>/<operation>.operation.ts; referrers and
 * leads share their code (actions/people/), Qualify and Unqualify theirs (actions/lead/qualification.ts).
 */
export class ReferralFactory implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Referral Factory',
		name: 'referralFactory',
		icon: {
			light: 'file:../../icons/referralFactory.svg',
			dark: 'file:../../icons/referralFactory.dark.svg',
		},
		group: ['input', 'output'],
		// 1.1: Issue and Cancel pick the due reward from a list (version 1 keeps its text field for saved workflows).
		version: [1, 1.1],
		defaultVersion: 1.1,
		// In words ("Add Referrer"), each operation's action; test/node-description.test.ts keeps it complete.
		subtitle: '={{ {"campaign:get":"Get Campaign","campaign:getAll":"Get Many Campaigns","lead:add":"Add Lead","lead:delete":"Delete Lead","lead:get":"Get Lead","lead:getAll":"Get Many Leads","lead:qualify":"Qualify Lead","lead:unqualify":"Unqualify Lead","lead:update":"Update Lead","referrer:add":"Add Referrer","referrer:delete":"Delete Referrer","referrer:get":"Get Referrer","referrer:getAll":"Get Many Referrers","referrer:update":"Update Referrer","reward:cancel":"Cancel Reward","reward:getAll":"Get Many Rewards","reward:issue":"Issue Reward"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Add referrers and leads, qualify leads, issue rewards and read campaigns in Referral Factory',
		defaults: {
			name: 'Referral Factory',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'referralFactoryPublicApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Campaign',
						value: 'campaign',
					},
					{
						name: 'Lead',
						value: 'lead',
					},
					{
						name: 'Referrer',
						value: 'referrer',
					},
					{
						name: 'Reward',
						value: 'reward',
					},
				],
				default: 'referrer',
			},
			...referrer.description,
			...lead.description,
			...reward.description,
			...campaign.description,
		],
	};

	methods = {
		listSearch: { searchCampaigns, searchDueRewards, searchLeads, searchReferrers },
		loadOptions: { getCampaignFields, getCampaigns },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
