import type { IDataObject } from 'n8n-workflow';

import type { ApiClient } from '../../transport';
import type { ApiUser } from '../user';
import { embeddedRecipient, recipientsOf } from './recipients';

/**
 * `due` or `issued`: the list the reward came from; the dashboard list (Status: All) holds both and gives a status to
 * issued rewards only (docs/referral-factory-api.md, R3), so there a reward is issued if it says so or has an issue
 * date, due if not. (Cancel's output says `cancelled` itself.)
 */
function statusOf(reward: IDataObject, state: 'due' | 'issued' | undefined): 'due' | 'issued' {
	if (state) return state;
	return reward.issued_at || reward.status === 'issued' ? 'issued' : 'due';
}

/**
 * A reward in the node's words, the same for Get Many, Issue, Cancel and both triggers, and always with the same keys
 * (null where Referral Factory gave no value, so n8n's schema view shows every field): `id` (the due or issued reward
 * itself: what Issue and Cancel take), `rewardRuleId` (the reward set up in the campaign that it was earned under),
 * `type`, `status` (`due` or `issued`), the recipient's `recipientId`, `recipientName` and `recipientEmail`, then
 * `name`, `coupon`, `count`, `total`, `canBeIssued`, `issuedAt` (docs/referral-factory-api.md, R2, R3).
 */
export function simplifyReward(reward: IDataObject, known: { type?: string; state?: 'due' | 'issued' } = {}, recipient?: IDataObject): IDataObject {
	const person = recipient ?? embeddedRecipient(reward);
	const shown: IDataObject = {
		id: reward.id ?? null,
		rewardRuleId: reward.reward_id ?? null,
		type: known.type ?? null,
		status: statusOf(reward, known.state),
		recipientId: reward.recipient_id ?? null,
		recipientName: person?.first_name ?? null,
		recipientEmail: person?.email ?? null,
	};
	for (const [from, to] of [
		['name', 'name'],
		['coupon', 'coupon'],
		['count', 'count'],
		['total', 'total'],
		['can_be_issued', 'canBeIssued'],
		['issued_at', 'issuedAt'],
	]) {
		shown[to] = reward[from] ?? null;
	}
	return shown;
}

/**
 * Rewards simplified, each with its recipient's name and email (read when the record does not carry them). After a
 * write (Issue, Cancel) the work is done whatever happens next, so `afterWrite` leaves the recipient unknown rather
 * than fail the item when the read fails.
 */
export async function simplifyRewards(
	client: ApiClient,
	rewards: Array<{ reward: IDataObject; type?: string; state?: 'due' | 'issued' }>,
	options: { itemIndex: number; deadline: number; afterWrite?: boolean },
): Promise<IDataObject[]> {
	const { afterWrite, ...lookup } = options;
	const reading = recipientsOf(client, rewards.map(({ reward }) => reward), lookup);
	const recipients = afterWrite ? await reading.catch(() => new Map<string, ApiUser>()) : await reading;
	return rewards.map(({ reward, type, state }) => simplifyReward(reward, { type, state }, recipients.get(String(reward.recipient_id))));
}
