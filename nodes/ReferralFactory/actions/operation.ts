import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemMemory, type ItemMemory } from '../helpers/claims';
import type { ApiClient } from '../transport';
import { requestOptions, writeOptions } from './common.descriptions';
import type { OperationName, Resource } from './node.type';

export type OperationResult = IDataObject | IDataObject[];

/** One item, checked and ready: sending it needs only the run's API client. */
export type PreparedItem = (client: ApiClient) => Promise<OperationResult>;

/** What the router knows of an operation: its fields, and how to check one item without sending anything. */
export interface Operation {
	description: INodeProperties[];
	prepare(context: IExecuteFunctions, itemIndex: number): PreparedItem;
}

export interface ItemRun<Request> {
	client: ApiClient;
	itemIndex: number;
	request: Request;
	/** What this item did in an earlier try of this execution (n8n's Retry On Fail), and where its writes are noted. */
	memory: ItemMemory;
}

interface Placement<R extends Resource> {
	resource: R;
	operation: OperationName<R>;
	/** The operation's own fields, without displayOptions; the request options are added after them. */
	properties: INodeProperties[];
	/** For a write that can find its work done already: when that is ("the reward was issued already"); adds Fail If Already Done. */
	alreadyDone?: string;
	/** Options of this operation alone, after Fail If Already Done (Issue's Resend Once If Unconfirmed). */
	extraOptions?: INodeProperties[];
}

interface Spec<R extends Resource, Request> extends Placement<R> {
	/** Reads and checks one item's parameters; throws (naming the item and the field) before anything is sent. */
	prepare(this: IExecuteFunctions, itemIndex: number): Request;
	execute(this: IExecuteFunctions, run: ItemRun<Request>): Promise<OperationResult>;
}

/**
 * Defines an operation: its fields shown only for its resource and operation, and an execute whose request is
 * whatever its prepare returned, checked by the compiler.
 */
export function defineOperation<R extends Resource, Request>(spec: Spec<R, Request>): Operation {
	const show = { show: { resource: [spec.resource], operation: [spec.operation] } };
	return {
		description: updateDisplayOptions(show, [...spec.properties, spec.alreadyDone ? writeOptions(spec.alreadyDone, spec.extraOptions) : requestOptions]),
		prepare(context, itemIndex) {
			const request = spec.prepare.call(context, itemIndex);
			return async (client) => await spec.execute.call(context, { client, itemIndex, request, memory: itemMemory(context, itemIndex) });
		},
	};
}

/** Whether the user asked that work found already done fails the item (Options › Fail If Already Done). */
export function failIfAlreadyDone(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('options.failIfAlreadyDone', itemIndex, false) === true;
}
