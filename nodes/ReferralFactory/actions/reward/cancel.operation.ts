import { createOnce } from '../../helpers/create-once';
import { settle } from '../../helpers/settle';
import { dueRewardFields, findReward, readRewardId, rewardsInState, SIMPLIFIED_REWARD, simplifyReward, simplifyRewards } from '../../helpers/reward';
import { itemError } from '../../helpers/validation';
import { apiPath, isRefusal } from '../../transport';
import { simplify } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';

/**
 * Cancels a due reward (POST /rewards/cancel/{id}, docs/referral-factory-api.md, R5). Sent only for a reward the run's
 * lists show due (`rewardsInState`); one they show issued is an error (it was paid, not cancelled), and one in no list
 * is gone already (cancelled by an earlier run — or the ID was never a reward's; nothing can tell the two apart):
 * `outcome: 'gone'`, or an error with Fail If Already Done. Never sent twice: after a lost answer the reward is looked
 * for afresh in every type's lists: in none → done; still due → sent again; issued meanwhile → an error. When Referral
 * Factory refuses the call, the reward is looked for afresh in the same way.
 */
export const cancel = defineOperation({
	resource: 'reward',
	operation: 'cancel',
	properties: [...dueRewardFields, simplify(SIMPLIFIED_REWARD)],
	alreadyDone: 'the reward is no longer there to cancel (cancelled by an earlier run, say)',
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
		/** With Simplify: the reward as it was due (the run's lists), in the node's words, now cancelled. */
		const cancelled = async (outcome: 'cancelled' | 'gone') => {
			if (!simplified) return { cancelled: true, id: rewardId, outcome };
			const due = outcome === 'cancelled' ? (await rewardsInState(client, 'due', lookup)).get(String(rewardId)) : undefined;
			const [shown] = due ? await simplifyRewards(client, [{ reward: due.reward, type: due.type }], { ...lookup, afterWrite: true }) : [simplifyReward({ id: rewardId })];
			return { ...shown, status: outcome === 'cancelled' ? 'cancelled' : shown.status, cancelled: true, outcome };
		};
		const issued = () =>
			itemError(
				this,
				itemIndex,
				`Reward ${rewardId} was issued, so it can no longer be cancelled`,
				'Referral Factory has issued this reward (it may have been paid out). Check it in Referral Factory.',
			);
		const gone = async () => {
			if (strict) {
				throw itemError(this, itemIndex, `No due reward with ID ${rewardId} was found`, 'It was cancelled already, or the ID is not a reward\'s: check it with Reward → Get Many (Status: Due).');
			}
			return await cancelled('gone');
		};
		if (!(await rewardsInState(client, 'due', lookup)).has(String(rewardId))) {
			if ((await rewardsInState(client, 'issued', lookup)).has(String(rewardId))) throw issued();
			return await gone();
		}
		const sent = await settle(
			createOnce(client, {
				itemIndex,
				deadline,
				send: async () => {
					await client.request('POST', apiPath('rewards', 'cancel', rewardId), {
						itemIndex,
						deadline,
						idempotent: false,
						notFound: { message: `No due reward with ID ${rewardId} was found`, description: 'Check the ID with Reward → Get Many (Status: Due).' },
						refused: { otherwise: `A reward can be cancelled only while it is due: look reward ${rewardId} up with Reward → Get Many (Status: Due).` },
					});
					return true;
				},
				find: async () => {
					const found = await findReward(client, rewardId, lookup);
					if (found === undefined) return true;
					if (found.state === 'due') return undefined;
					throw issued();
				},
			}),
		);
		if (sent.ok) return await cancelled('cancelled');
		if (!isRefusal(sent.error)) throw sent.error;
		const found = await findReward(client, rewardId, lookup);
		if (found?.state === 'issued') throw issued();
		if (found !== undefined) throw sent.error;
		return await gone();
	},
});
