import type { IDataObject, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { earlierFailed, inTurn, noted } from '../../helpers/claims';
import { dueRewardFields, notADueReward, readRewardId, SIMPLIFIED_REWARD, type RewardType } from '../../helpers/reward/fields';
import { findReward, rewardsInState } from '../../helpers/reward/lists';
import { simplifyRewards } from '../../helpers/reward/simplify';
import { settle } from '../../helpers/settle';
import { itemError } from '../../helpers/validation';
import { apiPath, isAmbiguous, isRefusal, unwrapData } from '../../transport';
import { simplify } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';

/**
 * Issues a due reward (POST /rewards/issue/{id}, docs/referral-factory-api.md, R5). Issuing may pay out money
 * (Tremendous, Stripe: R7) and Referral Factory offers no idempotency key, so a second request it accepts is a second
 * payout. The protocol (docs/writes.md, "Issue"):
 * - one item per reward in a run sends it (`inTurn`); another item with the same ID gets `alreadyIssued`;
 * - only a reward the run's lists show due is sent; one they show issued is `alreadyIssued` (or `issued` when this
 *   execution issued it in an earlier try: Retry On Fail); one in neither list is an item error (a reward rule's ID,
 *   a cancelled reward), nothing sent;
 * - after an answer that does not say (no answer, a 5xx, a dropped connection) the request is never sent again
 *   blind: the node waits at least the request's timeout (Referral Factory may still be paying out), then reads the
 *   lists afresh: issued → `issued`; still due → the item fails and says so, unless Resend Once If Unconfirmed is on;
 * - a 2xx whose reward the lists still show due is `unknown`, not `issued`;
 * - a refused request (404, 409, 422) for a reward found issued is `alreadyIssued`.
 */

/** The option that lets an unconfirmed issue be sent once more (off: the user decides). */
const resendOption: INodeProperties = {
	displayName: 'Resend Once If Unconfirmed',
	name: 'resendIfUnconfirmed',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the issue once more when Referral Factory did not answer it and, after waiting as long as the request timeout, its lists still show the reward due. Off: the item fails and nothing is sent again. On: a payout Referral Factory is still processing may be paid twice.',
};

type Outcome = 'issued' | 'alreadyIssued' | 'unknown';

interface Issued {
	reward: IDataObject;
	outcome: Outcome;
}

export const issue = defineOperation({
	resource: 'reward',
	operation: 'issue',
	properties: [...dueRewardFields('issue'), simplify(SIMPLIFIED_REWARD)],
	alreadyDone: 'the reward was issued already (by an earlier run, say)',
	extraOptions: [resendOption],
	prepare(itemIndex) {
		return {
			rewardId: readRewardId(this, itemIndex),
			strict: failIfAlreadyDone(this, itemIndex),
			resend: this.getNodeParameter('options.resendIfUnconfirmed', itemIndex, false) === true,
			simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		};
	},
	async execute({ client, itemIndex, memory, request: { rewardId, strict, resend, simplify: simplified } }) {
		const deadline = client.deadline();
		const lookup = { itemIndex, deadline };
		const record = `reward:${rewardId}`;
		/**
		 * What this item did to the reward in an earlier try of this execution (Retry On Fail): `issued`, or `sent:N`
		 * (N requests sent whose answers never said). The item sends at most once, or twice with Resend Once If
		 * Unconfirmed, per execution, whatever n8n's retries do.
		 */
		const mine = memory.recall(record);
		const sentBefore = (noted: string | undefined) => (noted?.startsWith('sent:') ? Number(noted.slice(5)) : 0);
		const allowed = resend ? 2 : 1;
		const settleMs = client.settings.timeoutMs;

		/** The item's error when an issue was sent, not confirmed, and the reward is still due: never sent again blind. */
		const notConfirmed = (why: string, httpCode?: string | null) =>
			new NodeApiError(client.node, { message: why } as JsonObject, {
				message: `Referral Factory did not confirm issuing reward ${rewardId}; as far as its lists show, the reward is not issued [item ${itemIndex}]`,
				description: `${why}, and the reward is still due. It was not sent again, so that it cannot be paid twice. Check the reward in Referral Factory, then run the workflow again to retry${resend ? '' : ' (or turn on Options › Resend Once If Unconfirmed)'}.`,
				itemIndex,
				httpCode: httpCode ?? undefined,
			});
		const leftTheLists = () =>
			itemError(
				this,
				itemIndex,
				`Reward ${rewardId} is neither due nor issued any more`,
				'An answer from Referral Factory was lost and the reward has since left the due list without being issued (cancelled?). Check it in Referral Factory before issuing again.',
			);

		/** The reward's type, from the run's lists: the look-ups after a lost answer read its lists first. */
		let likely: RewardType | undefined;
		/** Sends the issue, then, after no answer that says, at most `resends` more times. */
		const send = async (resends: number): Promise<Issued> => {
			// Noted before it leaves, taken back only when Referral Factory refuses it outright (helpers/claims.ts).
			const sent = await settle(
				noted(memory, record, `sent:${sentBefore(memory.recall(record)) + 1}`, async () =>
					await client.request('POST', apiPath('rewards', 'issue', rewardId), {
						itemIndex,
						deadline,
						idempotent: false,
						notFound: { message: `No due reward with ID ${rewardId} was found`, description: 'Check the ID with Reward → Get Many (Status: Due); a cancelled reward is gone.' },
						refused: {
							otherwise: `A reward is issued once, while it is due: look reward ${rewardId} up with Reward → Get Many (Status: Due). If it is due, check in Referral Factory how the reward pays out (a payout provider such as Tremendous or Stripe must be connected and funded).`,
						},
					}),
				),
			);
			if (sent.ok) {
				memory.note(record, 'issued');
				const answered = unwrapData<IDataObject | undefined>(sent.value);
				if (answered && typeof answered === 'object' && !Array.isArray(answered) && answered.id !== undefined) return { reward: answered, outcome: 'issued' };
				// The answer is not published (docs/referral-factory-api.md, R5): without the reward in it, the lists say.
				// Issued either way: a failed read does not fail the item.
				const found = await findReward(client, rewardId, lookup, likely).catch(() => undefined);
				if (found?.state === 'due') return { reward: found.reward, outcome: 'unknown' };
				return { reward: found?.reward ?? { id: rewardId, status: 'issued' }, outcome: 'issued' };
			}
			if (isRefusal(sent.error)) {
				const found = await findReward(client, rewardId, lookup, likely);
				// Refused and issued: by this execution when it sent before (a resend after no answer), else before it.
				if (found?.state === 'issued') return { reward: found.reward, outcome: memory.recall(record) ? 'issued' : 'alreadyIssued' };
				throw sent.error;
			}
			if (!isAmbiguous(sent.error)) throw sent.error;
			// Sent, and no answer that says: Referral Factory may be paying out right now. Wait, then look.
			await client.wait(settleMs);
			const found = await findReward(client, rewardId, lookup, likely);
			if (found?.state === 'issued') {
				memory.note(record, 'issued');
				return { reward: found.reward, outcome: 'issued' };
			}
			if (found === undefined) throw leftTheLists();
			if (resends > 0) return await send(resends - 1);
			const cause = sent.error as NodeApiError;
			throw notConfirmed(`Its answer was lost (${cause.message.replace(/ \[item \d+\]$/, '')}); ${Math.round(settleMs / 1000)} s later`, cause.httpCode);
		};

		const { reward, outcome } = await inTurn<Issued>(client, record, itemIndex, async (earlier) => {
			if (earlier && !earlier.ok) throw earlierFailed(client, `Reward ${rewardId}`, earlier, itemIndex);
			// What the first item for this reward came to is so for this one too: issued, or still unknown.
			if (earlier?.ok) return { reward: earlier.value.reward, outcome: earlier.value.outcome === 'unknown' ? 'unknown' : 'alreadyIssued' };
			const due = (await rewardsInState(client, 'due', lookup)).get(String(rewardId));
			likely = due?.type;
			if (due === undefined) {
				const issued = (await rewardsInState(client, 'issued', lookup)).get(String(rewardId));
				if (issued) return { reward: issued.reward, outcome: mine ? 'issued' : 'alreadyIssued' };
				if (mine) throw leftTheLists();
				throw notADueReward(this, itemIndex, rewardId);
			}
			// This execution sent it before (Retry On Fail) and the lists still show it due: never sent blind again.
			if (mine === 'issued') return { reward: due.reward, outcome: 'unknown' };
			const sends = sentBefore(mine);
			if (sends >= allowed) throw notConfirmed(`An earlier try of this execution sent it ${sends === 1 ? 'once' : `${sends} times`} and got no answer that says`);
			return await send(allowed - sends - 1);
		});

		if (outcome === 'alreadyIssued' && strict) {
			throw itemError(this, itemIndex, `Reward ${rewardId} was issued already`, "Nothing was sent again. To let such items pass, turn off Options › 'Fail If Already Done'.");
		}
		if (!simplified) return { ...reward, outcome };
		// In the node's words, with the type from the run's lists (read already) and the recipient's name and email.
		const state = outcome === 'unknown' ? 'due' : 'issued';
		const listed = (await rewardsInState(client, 'due', lookup)).get(String(rewardId)) ?? (await rewardsInState(client, 'issued', lookup)).get(String(rewardId));
		const [shown] = await simplifyRewards(client, [{ reward: { ...listed?.reward, ...reward }, type: listed?.type, state }], { ...lookup, afterWrite: true });
		return { ...shown, status: state, outcome };
	},
});
