import type { IDataObject } from 'n8n-workflow';

import { createOnce } from '../../helpers/create-once';
import { settle } from '../../helpers/settle';
import { dueRewardFields, findReward, oncePerReward, readRewardId, rewardsInState, SIMPLIFIED_REWARD, simplifyRewards } from '../../helpers/reward';
import { itemError } from '../../helpers/validation';
import { apiPath, isRefusal, unwrapData } from '../../transport';
import { simplify } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';

/**
 * Issues a due reward (POST /rewards/issue/{id}, docs/referral-factory-api.md, R5). Issuing may pay out money
 * (Tremendous, Stripe: docs/referral-factory-api.md, R7), so it is never sent twice, not even to an API that would pay
 * an issued reward again:
 * - one item per reward ID in a run sends it (`oncePerReward`); another item with the same ID gets its result;
 * - before sending, the reward must not be issued already (the run's reward lists, `rewardsInState`); if it is, the
 *   item succeeds with `outcome: 'alreadyIssued'` (a re-run, Retry On Fail), or fails with Fail If Already Done;
 * - after a lost answer the reward is looked for afresh in every type's lists before anything is sent again:
 *   issued → done (by this run); still due → sent again; in no list → an error that says so;
 * - when Referral Factory refuses the call (404, 422 …) and the reward is found issued, it was issued before.
 */
/** An answer to the issue call without the reward in it. */
const NOT_IN_ANSWER: IDataObject = {};

export const issue = defineOperation({
	resource: 'reward',
	operation: 'issue',
	properties: [...dueRewardFields, simplify(SIMPLIFIED_REWARD)],
	alreadyDone: 'the reward was issued already (by an earlier run, say)',
	prepare(itemIndex) {
		return {
			rewardId: readRewardId(this, itemIndex),
			strict: failIfAlreadyDone(this, itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, request: { rewardId, strict, simplify: simplified } }) {
		const deadline = client.deadline();
		const lookup = { itemIndex, deadline };
		const alreadyIssued = (reward: IDataObject): IDataObject => {
			if (strict) {
				throw itemError(this, itemIndex, `Reward ${rewardId} was issued already`, "Nothing was sent again. To let such items pass, turn off Options › 'Fail If Already Done'.");
			}
			return { ...reward, outcome: 'alreadyIssued' };
		};

		const issueOnce = async (): Promise<IDataObject> => {
			if (!(await rewardsInState(client, 'due', lookup)).has(String(rewardId))) {
				const issued = (await rewardsInState(client, 'issued', lookup)).get(String(rewardId));
				if (issued) return alreadyIssued(issued.reward);
			}
			const sent = await settle(
				createOnce<IDataObject>(client, {
					itemIndex,
					deadline,
					send: async () => {
						const response = await client.request('POST', apiPath('rewards', 'issue', rewardId), {
							itemIndex,
							deadline,
							idempotent: false,
							notFound: { message: `No due reward with ID ${rewardId} was found`, description: 'Check the ID with Reward → Get Many (Status: Due); a cancelled reward is gone.' },
							refused: {
								otherwise: `A reward is issued once, while it is due: look reward ${rewardId} up with Reward → Get Many (Status: Due). If it is due, check in Referral Factory how the reward pays out (a payout provider such as Tremendous or Stripe must be connected and funded).`,
							},
						});
						const reward = unwrapData<IDataObject | undefined>(response);
						// The answer is not published (docs/referral-factory-api.md, R5): without the reward in it, the
						// reward is read from the lists below.
						return reward && typeof reward === 'object' && !Array.isArray(reward) && reward.id !== undefined ? reward : NOT_IN_ANSWER;
					},
					find: async () => {
						const found = await findReward(client, rewardId, lookup);
						if (found?.state === 'issued') return found.reward;
						if (found?.state === 'due') return undefined;
						throw itemError(
							this,
							itemIndex,
							`Reward ${rewardId} is neither due nor issued any more`,
							'An answer from Referral Factory was lost and the reward has since left the due list without being issued (cancelled?). Check it in Referral Factory before issuing again.',
						);
					},
				}),
			);
			if (sent.ok && sent.value.record !== NOT_IN_ANSWER) return { ...sent.value.record, outcome: 'issued' };
			if (sent.ok) {
				// Issued: a failed read now must not fail the item, so the reward's ID stands in for it then.
				const found = await findReward(client, rewardId, lookup).catch(() => undefined);
				return { ...(found?.state === 'issued' ? found.reward : { id: rewardId, status: 'issued' }), outcome: 'issued' };
			}
			if (!isRefusal(sent.error)) throw sent.error;
			const found = await findReward(client, rewardId, lookup);
			if (found?.state !== 'issued') throw sent.error;
			return alreadyIssued(found.reward);
		};

		const { result, earlier } = await oncePerReward(client, rewardId, itemIndex, issueOnce);
		const output = earlier === undefined ? result : alreadyIssued(result);
		if (!simplified) return output;
		// In the node's words, with the type from the run's lists (read already) and the recipient's name and email.
		const { outcome, ...reward } = output;
		const listed = (await rewardsInState(client, 'due', lookup)).get(String(rewardId)) ?? (await rewardsInState(client, 'issued', lookup)).get(String(rewardId));
		const [shown] = await simplifyRewards(client, [{ reward: { ...listed?.reward, ...reward }, type: listed?.type, state: 'issued' }], { ...lookup, afterWrite: true });
		return { ...shown, status: 'issued', outcome };
	},
});
