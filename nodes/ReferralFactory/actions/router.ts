import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { ExecutionCancelledError, ManualExecutionCancelledError, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ApiClient, DEFAULT_SETTINGS, type RequestSettings } from '../transport';
import type { ReferralFactoryOperations, Resource } from './node.type';
import type { Operation, PreparedItem } from './operation';
import * as campaign from './campaign';
import * as lead from './lead';
import * as referrer from './referrer';
import * as reward from './reward';

const operations: { [R in Resource]: Record<ReferralFactoryOperations[R], Operation> } = {
	campaign: campaign.operations,
	lead: lead.operations,
	referrer: referrer.operations,
	reward: reward.operations,
};

function findOperation(resource: string, operation: string): Operation | undefined {
	if (!Object.prototype.hasOwnProperty.call(operations, resource)) return undefined;
	const ofResource: Record<string, Operation> = operations[resource as Resource];
	return Object.prototype.hasOwnProperty.call(ofResource, operation) ? ofResource[operation] : undefined;
}

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const { message, description, httpCode } = error as {
		message?: string;
		description?: string | null;
		httpCode?: string | null;
	};
	const json: IDataObject = { error: message ?? String(error) };
	if (description) json.description = description;
	if (httpCode) json.httpCode = httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

// Errors of the node are already NodeApiError or NodeOperationError; anything else (a bug) is wrapped so n8n
// still shows which item it happened on.
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

function seconds(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number * 1000 : fallback;
}

/** Every operation's `options` collection is the request options (common.descriptions.ts). */
function readRequestOptions(ctx: IExecuteFunctions): RequestSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		timeoutMs: seconds(options.timeout, DEFAULT_SETTINGS.timeoutMs),
		retryBudgetMs: seconds(options.retryFor, DEFAULT_SETTINGS.retryBudgetMs),
		concurrency: Math.max(1, Math.min(50, Math.floor(Number(options.concurrency) || DEFAULT_SETTINGS.concurrency))),
	};
}

/**
 * Runs the chosen operation once per input item. Every item is checked first, so bad input stops the run before
 * anything is sent (without Continue On Fail) or becomes an error item (with it). Then up to `concurrency` items
 * are sent at a time, so a slow API does not serialize the run; the output keeps the input's order, and each output
 * item is paired with its input item. Without Continue On Fail, the first API failure stops new items from
 * starting; items already in flight finish, and the failure of the lowest item index is thrown. When the user
 * stops the execution, no new item starts, requests in flight are aborted, and nothing is retried.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = findOperation(resource, operation);
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation '${operation}' is not known for '${resource}'`, {
			description: 'Open the node and pick a resource and an operation again.',
		});
	}
	const settings = readRequestOptions(this);
	const continueOnFail = this.continueOnFail();
	const signal = this.getExecutionCancelSignal();

	const results: INodeExecutionData[][] = new Array(items.length);
	const failures = new Map<number, unknown>();
	const prepared: Array<{ itemIndex: number; send: PreparedItem }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push({ itemIndex, send: run.prepare(this, itemIndex) });
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this, error, itemIndex);
			results[itemIndex] = [errorItem(error, itemIndex)];
		}
	}

	// The credential is read once for the run; if it cannot be used (a Base URL that is not a web address), every
	// item that was to be sent fails with that, as an error item under Continue On Fail.
	const client = prepared.length > 0 ? await ApiClient.create(this, settings).catch((error: unknown) => ({ error })) : undefined;
	if (client !== undefined && !(client instanceof ApiClient)) {
		if (!continueOnFail) throw asNodeError(this, client.error, prepared[0].itemIndex);
		for (const { itemIndex } of prepared) results[itemIndex] = [errorItem(client.error, itemIndex)];
	} else if (client !== undefined) {
		let next = 0;
		const worker = async () => {
			while (next < prepared.length && !signal?.aborted && (continueOnFail || failures.size === 0)) {
				const { itemIndex, send } = prepared[next++];
				try {
					const result = await send(client);
					results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
						itemData: { item: itemIndex },
					});
				} catch (error) {
					if (error instanceof ExecutionCancelledError || signal?.aborted) return;
					if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex)];
					else failures.set(itemIndex, error);
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(settings.concurrency, prepared.length) }, worker));
	}

	if (signal?.aborted) throw new ManualExecutionCancelledError(this.getExecutionId());
	if (failures.size > 0) {
		const first = Math.min(...failures.keys());
		throw asNodeError(this, failures.get(first), first);
	}
	return [results.flat()];
}
