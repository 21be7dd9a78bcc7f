import type { IDataObject } from 'n8n-workflow';

import { listItems, type ApiClient } from '../../transport';
import { REWARD_TYPES, type RewardType } from './fields';

/** Where a reward is now, and in which type's list. */
export interface FoundReward {
	state: 'due' | 'issued';
	type: RewardType;
	reward: IDataObject;
}

/**
 * Where a reward is now: issued, still due, or in no list (cancelled, or never there). There is no endpoint for one
 * reward (docs/referral-factory-api.md, R4), so the issued and due lists are read until it is found: those of the type
 * the run's lists gave (`likely`) first, then every type's. Used only when an answer was lost or refused, never on the
 * common path.
 */
export async function findReward(
	client: ApiClient,
	rewardId: number,
	options: { itemIndex: number; deadline: number },
	likely?: RewardType,
): Promise<FoundReward | undefined> {
	const everywhere = (['issued', 'due'] as const).flatMap((state) => REWARD_TYPES.map((type) => [state, type] as const));
	const first = likely === undefined ? [] : everywhere.filter(([, type]) => type === likely);
	for (const [state, type] of [...first, ...everywhere.filter((list) => !first.includes(list))]) {
		for await (const rewards of listItems<IDataObject>(client, 'GET', `/rewards/${state}/${type}`, options)) {
			const reward = rewards.find((candidate) => String(candidate?.id) === String(rewardId));
			if (reward) return { state, type, reward };
		}
	}
	return undefined;
}

/**
 * Every reward in one state (due or issued), of every type, as the lists stood when this run first asked: read once
 * per run and shared by its items, so that checking many items costs a few pages, not a few pages each.
 */
export async function rewardsInState(
	client: ApiClient,
	state: 'due' | 'issued',
	options: { itemIndex: number; deadline: number },
): Promise<Map<string, FoundReward>> {
	return await client.once(`rewards:${state}`, async () => {
		const found = new Map<string, FoundReward>();
		for (const type of REWARD_TYPES) {
			for await (const rewards of listItems<IDataObject>(client, 'GET', `/rewards/${state}/${type}`, options)) {
				for (const reward of rewards) if (reward?.id !== undefined) found.set(String(reward.id), { state, type, reward });
			}
		}
		return found;
	});
}

/**
 * The due coupon reward with this coupon, if any: read only to explain a coupon Referral Factory does not know, and
 * once per run (shared by its items, as a batch of redeemed coupons may hold many unknown ones).
 */
export async function dueCoupon(client: ApiClient, coupon: string, options: { itemIndex: number; deadline: number }): Promise<IDataObject | undefined> {
	const byCoupon = await client.once('rewards:due:coupon', async () => {
		const found = new Map<string, IDataObject>();
		for await (const rewards of listItems<IDataObject>(client, 'GET', '/rewards/due/coupon', options)) {
			for (const reward of rewards) if (typeof reward?.coupon === 'string') found.set(reward.coupon.toLowerCase(), reward);
		}
		return found;
	});
	return byCoupon.get(coupon.toLowerCase());
}
