import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { NodeOperationError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { apiPath, isRefusal, listItems } from '../transport';
import { settle } from './settle';
import { userFrom, type ApiUser } from './user';
import { itemError, requireText } from './validation';

/** The API's `{metric}` (docs/referral-factory-api.md, R1): every reward list and check is per reward type. */
export const REWARD_TYPES = ['amount', 'commission', 'coupon', 'custom'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];

/** The reward type, in the names Referral Factory's dashboard uses (docs/referral-factory-api.md, R1). */
export const rewardTypeField: INodeProperties = {
	displayName: 'Reward Type',
	name: 'rewardType',
	type: 'options',
	default: 'amount',
	required: true,
	description: 'The kind of reward, as set up in the campaign',
	options: [
		{ name: 'Commission', value: 'commission' },
		{ name: 'Coupon', value: 'coupon' },
		{ name: 'Custom Reward', value: 'custom' },
		{ name: 'Fixed Amount', value: 'amount' },
	],
};

/**
 * Issue and Cancel: the due reward, by its own ID (a reward's `id` in Reward → Get Many), never the campaign's reward
 * rule (`rewardRuleId`). Its type is not asked for: the calls take only the ID (docs/referral-factory-api.md, R5), and
 * the reward is looked for in every type's lists (`findReward`), so no choice of the user's can point the check at the
 * wrong list. The parameter keeps the name `rewardId` that saved workflows use.
 */
export function dueRewardFields(operation: 'issue' | 'cancel'): INodeProperties[] {
	return [
		{
			displayName: 'Due Reward ID',
			name: 'rewardId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 501',
			description: `The ID of the due reward to ${operation}: a reward's own ID from Reward → Get Many (Status: Due), not its reward rule ID (rewardRuleId)`,
		},
	];
}

/** The item error for an ID in neither the due nor the issued lists: nothing is sent. */
export function notADueReward(ctx: IExecuteFunctions, itemIndex: number, rewardId: number): NodeOperationError {
	return itemError(
		ctx,
		itemIndex,
		`No due reward with ID ${rewardId}: it is in neither Referral Factory's due nor its issued lists`,
		'Nothing was sent. Use the "id" of a reward from Reward → Get Many (Status: Due), not its "rewardRuleId" (the reward set up in the campaign). A cancelled reward is in no list.',
	);
}

/** A due reward's ID: a whole number (docs/referral-factory-api.md, R5). */
export function readRewardId(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter('rewardId', itemIndex, '');
	const text = requireText(ctx, typeof raw === 'number' ? String(raw) : raw, 'Due Reward ID', itemIndex, '501');
	if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw itemError(ctx, itemIndex, `'Due Reward ID' must be a whole number, but it is "${text.slice(0, 50)}"`, 'Use the id of a reward from Reward → Get Many with Status: Due.');
	}
	return Number(text);
}

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

/** What Simplify says a reward becomes (the parameter's description). */
export const SIMPLIFIED_REWARD = 'camelCase fields, its type and status, and the recipient\'s name and email';

const objectOf = (value: unknown): IDataObject | undefined =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;

/** A reward's recipient when the record carries them itself (`recipient` or `user`, INFERRED: the lists give only `recipient_id`). */
export function embeddedRecipient(reward: IDataObject): IDataObject | undefined {
	return objectOf(reward.recipient) ?? objectOf(reward.user);
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
		status: reward.status ?? known.state ?? null,
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
 * The recipients of these rewards, by ID: GET /users/{id} once per person per run (shared by the run's items), for
 * rewards that do not carry their recipient. A person deleted since (404) is left out; any other failure fails the item.
 */
export async function recipientsOf(
	client: ApiClient,
	rewards: IDataObject[],
	options: { itemIndex: number; deadline: number },
): Promise<Map<string, ApiUser>> {
	const { found, failed } = await readRecipients(client, rewards, options);
	for (const error of failed.values()) throw error;
	return found;
}

/**
 * As `recipientsOf`, without failing: the recipients found, and for each one that could not be read (other than
 * deleted), why not.
 */
export async function readRecipients(
	client: ApiClient,
	rewards: IDataObject[],
	options: { itemIndex: number; deadline: number },
): Promise<{ found: Map<string, ApiUser>; failed: Map<string, unknown> }> {
	const ids = [...new Set(rewards.filter((r) => !embeddedRecipient(r) && r.recipient_id != null).map((r) => String(r.recipient_id)))];
	const found = new Map<string, ApiUser>();
	const failed = new Map<string, unknown>();
	const width = Math.max(1, client.settings.concurrency);
	for (let start = 0; start < ids.length; start += width) {
		await Promise.all(
			ids.slice(start, start + width).map(async (id) => {
				const user = await settle(
					client.once(`recipient:${id}`, async () => {
						const read = await settle(client.request('GET', apiPath('users', id), options));
						if (read.ok) return userFrom(client.node, read.value, options.itemIndex);
						if (isRefusal(read.error) && ['404', '410'].includes(String(read.error.httpCode))) return undefined;
						throw read.error;
					}),
				);
				if (!user.ok) failed.set(id, user.error);
				else if (user.value) found.set(id, user.value);
			}),
		);
	}
	return { found, failed };
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
