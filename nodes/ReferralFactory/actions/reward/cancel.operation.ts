import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { createOnce } from '../../helpers/create-once';
import { dueRewardFields, readRewardId, readRewardType, rewardState } from '../../helpers/reward';
import { apiPath } from '../../transport';
import { defineOperation } from '../operation';

/**
 * Cancels a due reward (POST /rewards/cancel/{id}, §3.9 R8). Never sent twice: after a lost answer the reward's state
 * is read first: gone from the due list → done; still due → sent again; issued meanwhile → an error.
 */
export const cancel = defineOperation({
	resource: 'reward',
	operation: 'cancel',
	properties: dueRewardFields,
	prepare(itemIndex) {
		return { rewardId: readRewardId(this, itemIndex), type: readRewardType(this, itemIndex) };
	},
	async execute({ client, itemIndex, request: { rewardId, type } }) {
		const deadline = client.deadline();
		await createOnce(client, {
			itemIndex,
			deadline,
			send: async () => {
				await client.request('POST', apiPath('rewards', 'cancel', rewardId), {
					itemIndex,
					deadline,
					idempotent: false,
					notFound: { message: `No due reward with ID ${rewardId} was found`, description: 'Check the ID with Reward → Get Many (Status: Due).' },
				});
				return true;
			},
			find: async () => {
				const found = await rewardState(client, type, rewardId, { itemIndex, deadline });
				if (found === undefined) return true;
				if (found.state === 'due') return undefined;
				throw new NodeApiError(this.getNode(), { httpCode: '422' } as JsonObject, {
					message: `Reward ${rewardId} was issued, so it can no longer be cancelled [item ${itemIndex}]`,
					description: 'An answer from Referral Factory was lost and the reward has since been issued. Check it in Referral Factory.',
					itemIndex,
				});
			},
		});
		return { cancelled: true, id: rewardId };
	},
});
