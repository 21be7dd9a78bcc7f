import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { createOnce } from '../../helpers/create-once';
import { dueRewardFields, readRewardId, readRewardType, rewardState } from '../../helpers/reward';
import { apiPath, unwrapData } from '../../transport';
import { defineOperation } from '../operation';

/**
 * Issues a due reward (POST /rewards/issue/{id}, §3.9 R7). Issuing may pay out money (Tremendous, Stripe), so it is
 * never sent twice: after a lost answer the reward's state is read first: issued → done (by this run); still due →
 * sent again; neither → an error that says so.
 */
export const issue = defineOperation({
	resource: 'reward',
	operation: 'issue',
	properties: dueRewardFields,
	prepare(itemIndex) {
		return { rewardId: readRewardId(this, itemIndex), type: readRewardType(this, itemIndex) };
	},
	async execute({ client, itemIndex, request: { rewardId, type } }) {
		const deadline = client.deadline();
		const { record } = await createOnce<IDataObject>(client, {
			itemIndex,
			deadline,
			send: async () => {
				const response = await client.request('POST', apiPath('rewards', 'issue', rewardId), {
					itemIndex,
					deadline,
					idempotent: false,
					notFound: { message: `No due reward with ID ${rewardId} was found`, description: 'Check the ID with Reward → Get Many (Status: Due); a cancelled reward is gone.' },
				});
				const reward = unwrapData<IDataObject | undefined>(response);
				return reward && typeof reward === 'object' && !Array.isArray(reward) ? reward : { id: rewardId, status: 'issued' };
			},
			find: async () => {
				const found = await rewardState(client, type, rewardId, { itemIndex, deadline });
				if (found?.state === 'issued') return found.reward;
				if (found?.state === 'due') return undefined;
				throw new NodeApiError(this.getNode(), { httpCode: '404' } as JsonObject, {
					message: `Reward ${rewardId} is neither due nor issued any more [item ${itemIndex}]`,
					description: 'An answer from Referral Factory was lost and the reward has since left the due list without being issued (cancelled?). Check it in Referral Factory before issuing again.',
					itemIndex,
				});
			},
		});
		return record;
	},
});
