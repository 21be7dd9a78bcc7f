import type { IDataObject } from 'n8n-workflow';

import { apiPath, isObject, isRefusal, type ApiClient } from '../../transport';
import { settle } from '../settle';
import { userFrom, type ApiUser } from '../user';

/** A reward's recipient when the record carries them itself (`recipient` or `user`, INFERRED: the lists give only `recipient_id`). */
export function embeddedRecipient(reward: IDataObject): IDataObject | undefined {
	return [reward.recipient, reward.user].find(isObject);
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
