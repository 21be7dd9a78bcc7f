import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isAmbiguous, type ApiClient } from '../transport';
import { settle, type Settled } from './settle';

/**
 * The two memories every write goes through (docs/writes.md):
 *
 * - **One claim per record per run** (`inTurn`): two items of one run that name the same record (the same lead, the
 *   same reward, the same email in a campaign) never write it at the same time. The second waits for the first, then
 *   does its own work knowing what the first did, so it reports what is already so (`alreadyQualified`, `existing`)
 *   instead of doing it again.
 * - **What an execution did** (`ItemMemory`, `noted`): n8n's Retry On Fail runs the node again, with every item, in
 *   the same execution. A write is noted before it is sent, so the records the first try created, issued, qualified,
 *   cancelled or deleted — also those whose answer never came — are this execution's work, and the retry reports
 *   them as such (`created`, not `existing`). Kept in this process for a day, for at most `MAX_ENTRIES` items, keyed
 *   by the workflow, the execution, the node and its run: nothing secret, nothing unbounded.
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

/** At most this many items' work is remembered, across executions; the executions written longest ago go first. */
export const MAX_ENTRIES = 200_000;
/** An execution is forgotten this long after it last wrote. */
export const KEEP_MS = 24 * 3_600_000;

const executions = new Map<string, { at: number; items: Map<number, Done> }>();
let entries = 0;

/** What an item of this execution did in an earlier try, and where it notes what it does now. */
export interface ItemMemory {
	/** What this item noted for `record` in an earlier try of this execution (or earlier in this try), if anything. */
	recall(record: string): string | undefined;
	/** Notes what this item is doing or did to `record`; `undefined` forgets it. */
	note(record: string, outcome: string | undefined): void;
}

function drop(key: string): void {
	entries -= executions.get(key)?.items.size ?? 0;
	executions.delete(key);
}

function itemsOf(key: string | undefined, create: boolean): Map<number, Done> | undefined {
	if (key === undefined) return undefined;
	const now = Date.now();
	for (const [other, entry] of executions) if (now - entry.at > KEEP_MS) drop(other);
	let entry = executions.get(key);
	if (entry === undefined && create) {
		entry = { at: now, items: new Map() };
		executions.set(key, entry);
	} else if (entry !== undefined && create) {
		// The most recently written execution goes last, so the one written longest ago is the first forgotten.
		entry.at = now;
		executions.delete(key);
		executions.set(key, entry);
	}
	return entry?.items;
}

/**
 * Where an execution's notes live: the workflow, the execution, the node and the node's run in it (a node run again
 * in a loop is another run; n8n's Retry On Fail repeats the same run). None without an execution ID.
 */
const keys = new WeakMap<IExecuteFunctions, string | undefined>();
function keyOf(ctx: IExecuteFunctions): string | undefined {
	if (keys.has(ctx)) return keys.get(ctx);
	const execution = ctx.getExecutionId();
	const node = ctx.getNode();
	const run = ctx.getWorkflowDataProxy(0).$runIndex;
	const key = execution ? JSON.stringify([ctx.getWorkflow().id ?? '', execution, node.id ?? node.name, run]) : undefined;
	keys.set(ctx, key);
	return key;
}

/**
 * The memory of one item in this execution of this node. Without an execution ID (nothing to tie a retry to), the
 * memory lasts this try only.
 */
export function itemMemory(ctx: IExecuteFunctions, itemIndex: number): ItemMemory {
	const key = keyOf(ctx);
	const local = new Map<number, Done>();
	return {
		recall(record) {
			const done = (itemsOf(key, false) ?? local).get(itemIndex);
			return done?.record === record ? done.outcome : undefined;
		},
		note(record, outcome) {
			const items = itemsOf(key, true) ?? local;
			const had = items.has(itemIndex);
			if (outcome === undefined) items.delete(itemIndex);
			else items.set(itemIndex, { record, outcome });
			if (items === local) return;
			entries += (items.has(itemIndex) ? 1 : 0) - (had ? 1 : 0);
			// Over the bound, the executions written longest ago are forgotten first (never the one writing now).
			for (const other of executions.keys()) {
				if (entries <= MAX_ENTRIES || other === key) break;
				drop(other);
			}
		},
	};
}

/** A refusal that says the write was not done: a 4xx other than 429, whatever else. */
export function refusedOutright(error: unknown): boolean {
	const status = Number((error as { httpCode?: unknown } | undefined)?.httpCode);
	return error instanceof NodeApiError && !isAmbiguous(error) && status >= 400 && status < 500 && status !== 429;
}

/**
 * A write noted before it is sent, so that a retry of the execution knows it may have been done even when no answer
 * ever came (the answer lost, the retries run out): `outcome` for `record` stays noted unless Referral Factory refused
 * the write outright (a 4xx), which takes the note back.
 */
export async function noted<T>(memory: ItemMemory, record: string, outcome: string, write: () => Promise<T>): Promise<T> {
	const before = memory.recall(record);
	memory.note(record, outcome);
	const written = await settle(write());
	if (written.ok) return written.value;
	if (refusedOutright(written.error)) memory.note(record, before);
	throw written.error;
}
