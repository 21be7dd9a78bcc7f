import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as campaign from './actions/campaign';
import * as lead from './actions/lead';
import * as referrer from './actions/referrer';
import * as reward from './actions/reward';
import { router } from './actions/router';
import { searchCampaigns } from './methods/listSearch';
import { getCampaignFields, getCampaigns } from './methods/loadOptions';

/**
 * Programmatic (execute()) rather than declarative routing: adding a person or issuing a reward is not idempotent,
 * so the node needs its own control over pacing, retries and duplicate checks between requests, which the
 * declarative engine does not give. Each operation lives in actions/<resource>/<operation>.operation.ts.
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
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Consume the Referral Factory API',
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
		listSearch: { searchCampaigns },
		loadOptions: { getCampaignFields, getCampaigns },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
