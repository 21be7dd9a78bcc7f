import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { settle, type Settled } from './settle';

/**
 * The two memories every write goes through (docs/writes.md):
 *
 * - **One claim per record per run** (`inTurn`): two items of one run that name the same record (the same lead, the
 *   same reward, the same email in a campaign) never write it at the same time. The second waits for the first, then
 *   does its own work knowing what the first did, so it reports what is already so (`alreadyQualified`, `existing`)
 *   instead of doing it again.
 * - **What an execution did** (`ItemMemory`): n8n's Retry On Fail runs the node again, with every item, in the same
 *   execution. The records the first try created, issued, qualified, cancelled or deleted are this execution's work,
 *   so the retry reports them as such (`created`, not `existing`). Kept in this process for a day, for at most
 *   `MAX_EXECUTIONS` executions, keyed by the execution's and the node's IDs: nothing secret, nothing unbounded.
 */

/** What an earlier item of the run that named the same record came to. */
export type Earlier<T> = { itemIndex: number } & Settled<T>;

interface Claim {
	itemIndex: number;
	done: Promise<Settled<unknown>>;
}

/**
 * Runs `work` for `record` once every earlier item of this run that named the same record has finished; `work` is told
 * what the last of them came to. Items naming other records run side by side as before.
 */
export async function inTurn<T>(
	client: ApiClient,
	record: string,
	itemIndex: number,
	work: (earlier: Earlier<T> | undefined) => Promise<T>,
): Promise<T> {
	const claims = await client.once('claims', async () => new Map<string, Claim>());
	const before = claims.get(record);
	const done = (async () => {
		const earlier = before && ({ itemIndex: before.itemIndex, ...(await before.done) } as Earlier<T>);
		return await settle(work(earlier));
	})();
	claims.set(record, { itemIndex, done });
	const result = await done;
	if (result.ok) return result.value as T;
	throw result.error;
}

/** The error of an item whose record was also in an earlier item that failed: nothing was sent for it. */
export function earlierFailed(client: ApiClient, what: string, earlier: { itemIndex: number }, itemIndex: number): NodeOperationError {
	return new NodeOperationError(client.node, `${what} is also in item ${earlier.itemIndex}, which failed [item ${itemIndex}]`, {
		itemIndex,
		description: 'Nothing was sent for this item, so that the record is not written twice. See the error of the other item, then run the workflow again.',
	});
}

/** What one item did to one record in an earlier try of this execution. */
interface Done {
	record: string;
	outcome: string;
}

/** At most this many executions are remembered; the oldest go first. */
export const MAX_EXECUTIONS = 200;
/** At most this many items are remembered per execution (a run of more forgets its first items' work). */
export const MAX_ITEMS = 100_000;
/** An execution is forgotten this long after it last wrote. */
export const KEEP_MS = 24 * 3_600_000;

const executions = new Map<string, { at: number; items: Map<number, Done> }>();

/** What an item of this execution did in an earlier try, and where it notes what it does now. */
export interface ItemMemory {
	/** The outcome this item reached for `record` in an earlier try of this execution, if it wrote it. */
	recall(record: string): string | undefined;
	/** Notes that this item did `outcome` to `record` (as soon as the write is known done). */
	note(record: string, outcome: string): void;
}

function itemsOf(key: string | undefined, create: boolean): Map<number, Done> | undefined {
	if (key === undefined) return undefined;
	const now = Date.now();
	for (const [other, entry] of executions) if (now - entry.at > KEEP_MS) executions.delete(other);
	let entry = executions.get(key);
	if (entry === undefined && create) {
		entry = { at: now, items: new Map() };
		executions.set(key, entry);
		while (executions.size > MAX_EXECUTIONS) executions.delete(executions.keys().next().value as string);
	} else if (entry !== undefined && create) {
		// The most recently written execution goes last, so the oldest is the first forgotten.
		entry.at = now;
		executions.delete(key);
		executions.set(key, entry);
	}
	return entry?.items;
}

/**
 * The memory of one item in this execution of this node. Without an execution ID (nothing to tie a retry to), the
 * memory lasts this try only.
 */
export function itemMemory(ctx: IExecuteFunctions, itemIndex: number): ItemMemory {
	const execution = ctx.getExecutionId();
	const node = ctx.getNode();
	const key = execution ? JSON.stringify([ctx.getWorkflow().id ?? '', execution, node.id ?? node.name]) : undefined;
	const local = new Map<number, Done>();
	return {
		recall(record) {
			const done = (itemsOf(key, false) ?? local).get(itemIndex);
			return done?.record === record ? done.outcome : undefined;
		},
		note(record, outcome) {
			const items = itemsOf(key, true) ?? local;
			if (items.size >= MAX_ITEMS && !items.has(itemIndex)) return;
			items.set(itemIndex, { record, outcome });
		},
	};
}
