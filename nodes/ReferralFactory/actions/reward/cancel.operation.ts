import type { IDataObject } from 'n8n-workflow';

import { earlierFailed, inTurn } from '../../helpers/claims';
import { createOnce } from '../../helpers/create-once';
import { dueRewardFields, notADueReward, readRewardId, SIMPLIFIED_REWARD } from '../../helpers/reward/fields';
import { findReward, rewardsInState } from '../../helpers/reward/lists';
import { simplifyReward, simplifyRewards } from '../../helpers/reward/simplify';
import { settle } from '../../helpers/settle';
import { itemError } from '../../helpers/validation';
import { apiPath, isRefusal } from '../../transport';
import { simplify } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';

/**
 * Cancels a due reward (POST /rewards/cancel/{id}, docs/referral-factory-api.md, R5). Sent only for a reward the run's
 * lists show due (`rewardsInState`); one they show issued is an error (it was paid, not cancelled), and one in no list
 * is an item error too — a cancelled reward and an ID that was never a due reward's (a reward rule's, say) look the
 * same — unless this execution cancelled it in an earlier try (Retry On Fail): then `cancelled`. One item per reward
 * in a run sends it (`inTurn`); another item with the same ID gets `alreadyCancelled`. After a lost answer the reward
 * is looked for afresh in every type's lists: in none → done; still due → sent again (a second cancel cannot pay);
 * issued meanwhile → an error. When Referral Factory refuses the call, the reward is looked for afresh in the same way.
 */
export const cancel = defineOperation({
	resource: 'reward',
	operation: 'cancel',
	properties: [...dueRewardFields('cancel'), simplify(SIMPLIFIED_REWARD)],
	alreadyDone: 'the reward was cancelled already (by another item of the run, say)',
	prepare(itemIndex) {
		return {
			rewardId: readRewardId(this, itemIndex),
			strict: failIfAlreadyDone(this, itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, memory, request: { rewardId, strict, simplify: simplified } }) {
		const deadline = client.deadline();
		const lookup = { itemIndex, deadline };
		const record = `reward:${rewardId}`;
		/** Whether an earlier try of this execution sent the cancel (Retry On Fail): then a reward in no list is its work. */
		const mine = memory.recall(record) === 'cancelled';
		/** With Simplify: the reward as it was due (the run's lists), in the node's words, now cancelled. */
		const cancelled = async (outcome: 'cancelled' | 'alreadyCancelled'): Promise<IDataObject> => {
			if (!simplified) return { cancelled: true, id: rewardId, outcome };
			const due = (await rewardsInState(client, 'due', lookup)).get(String(rewardId));
			const [shown] = due ? await simplifyRewards(client, [{ reward: due.reward, type: due.type }], { ...lookup, afterWrite: true }) : [simplifyReward({ id: rewardId })];
			return { ...shown, status: 'cancelled', cancelled: true, outcome };
		};
		const issued = () =>
			itemError(
				this,
				itemIndex,
				`Reward ${rewardId} was issued, so it can no longer be cancelled`,
				'Referral Factory has issued this reward (it may have been paid out). Check it in Referral Factory.',
			);
		const done = () => {
			memory.note(record, 'cancelled');
			return 'cancelled' as const;
		};

		const outcome = await inTurn(client, record, itemIndex, async (earlier): Promise<'cancelled' | 'alreadyCancelled'> => {
			if (earlier && !earlier.ok) throw earlierFailed(client, `Reward ${rewardId}`, earlier, itemIndex);
			if (earlier?.ok) return 'alreadyCancelled';
			const likely = (await rewardsInState(client, 'due', lookup)).get(String(rewardId))?.type;
			if (likely === undefined) {
				if ((await rewardsInState(client, 'issued', lookup)).has(String(rewardId))) throw issued();
				if (mine) return 'cancelled';
				throw notADueReward(this, itemIndex, rewardId);
			}
			let attempts = 0;
			const sent = await settle(
				createOnce(client, {
					itemIndex,
					deadline,
					send: async () => {
						// Noted as it first leaves: a retry of the execution then knows it may have been done.
						if (++attempts === 1) memory.note(record, 'cancelled');
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
						const found = await findReward(client, rewardId, lookup, likely);
						if (found === undefined) return true;
						if (found.state === 'due') return undefined;
						throw issued();
					},
				}),
			);
			if (sent.ok) return done();
			if (!isRefusal(sent.error)) throw sent.error;
			// Refused, and gone from the lists since they were read: a resend refused after a lost answer means this run's
			// first request did it; a first request refused means someone else did, meanwhile. Still listed: it stands.
			const found = await findReward(client, rewardId, lookup, likely);
			if (found?.state === 'issued') throw issued();
			if (found !== undefined) throw sent.error;
			if (attempts > 1) return done();
			memory.note(record, undefined);
			return 'alreadyCancelled';
		});
		if (outcome === 'alreadyCancelled' && strict) {
			throw itemError(this, itemIndex, `Reward ${rewardId} was cancelled already`, "Nothing more was sent. To let such items pass, turn off Options › 'Fail If Already Done'.");
		}
		return await cancelled(outcome);
	},
});
