import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEFAULT_SETTINGS, setRequestSettings } from '../transport';
import * as referrer from './referrer';

/**
 * An operation in two steps: `prepare` reads and checks one item's parameters without sending anything, `execute`
 * sends what `prepare` returned.
 */
interface Operation<Request> {
	prepare(this: IExecuteFunctions, itemIndex: number): Request;
	execute(this: IExecuteFunctions, itemIndex: number, request: Request): Promise<IDataObject | IDataObject[]>;
}

// Each operation's request type is its own; the router only hands what `prepare` returned to the same
// operation's `execute`.
const resources: Record<string, Record<string, Operation<unknown>>> = {
	referrer: referrer.operations as Record<string, Operation<unknown>>,
};

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

/**
 * Runs the chosen operation once per input item. Every item is checked first, so bad input stops the run before
 * anything is sent (without Continue On Fail) or becomes an error item (with it). Then up to `concurrency` items
 * are sent at a time, so a slow API does not serialize the run; the output keeps the input's order, and each output
 * item is paired with its input item. Without Continue On Fail, the first API failure stops new items from
 * starting; items already in flight finish, and the failure of the lowest item index is thrown.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = resources[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known for "${resource}"`, {
			description: 'Open the node and pick a resource and an operation again.',
		});
	}

	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = Math.max(1, Math.min(50, Math.floor(Number(options.concurrency) || 5)));
	setRequestSettings(this, {
		timeoutMs: seconds(options.timeout, DEFAULT_SETTINGS.timeoutMs),
		retryBudgetMs: seconds(options.retryFor, DEFAULT_SETTINGS.retryBudgetMs),
	});
	const continueOnFail = this.continueOnFail();

	const results: INodeExecutionData[][] = new Array(items.length);
	const failures = new Map<number, unknown>();
	const prepared: Array<{ itemIndex: number; request: unknown }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push({ itemIndex, request: run.prepare.call(this, itemIndex) });
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this, error, itemIndex);
			results[itemIndex] = [errorItem(error, itemIndex)];
		}
	}

	let next = 0;
	const worker = async () => {
		while (next < prepared.length && (continueOnFail || failures.size === 0)) {
			const { itemIndex, request } = prepared[next++];
			try {
				const result = await run.execute.call(this, itemIndex, request);
				results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
					itemData: { item: itemIndex },
				});
			} catch (error) {
				if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex)];
				else failures.set(itemIndex, error);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, prepared.length) }, worker));

	if (failures.size > 0) {
		const first = Math.min(...failures.keys());
		throw asNodeError(this, failures.get(first), first);
	}
	return [results.flat()];
}
