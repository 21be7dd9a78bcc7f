/**
 * A node that exists only in tests: it runs a piece of the package's transport (the API client, the pagination
 * helpers) inside n8n's real engine, with the package's credential, against the sandbox. The transport's building
 * blocks are used by operations that do not exist yet; this tests each one on its own.
 */
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { helperNodeDescription, nodeTypes, runReferralFactoryNode, startReferralFactoryNode } from './engine';

export const TRANSPORT_NODE_TYPE = 'test.transport';

type Script = (context: IExecuteFunctions) => Promise<IDataObject[]>;
let script: Script = async () => [];

const transportNode: INodeType = {
	description: helperNodeDescription('transport'),
	async execute(this: IExecuteFunctions) {
		const items = await script(this);
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	},
};
nodeTypes.register(TRANSPORT_NODE_TYPE, transportNode);

/** Runs `run` as the body of a node's execute() in WorkflowExecute; returns what it output, or the error. */
export async function runInEngine(credential: { id: string; name: string }, run: Script) {
	script = run;
	return await runReferralFactoryNode({ credential, parameters: {}, input: [{}], type: TRANSPORT_NODE_TYPE });
}

/** As runInEngine, started: `stop()` stops the execution as a user does. */
export function startInEngine(credential: { id: string; name: string }, run: Script) {
	script = run;
	return startReferralFactoryNode({ credential, parameters: {}, input: [{}], type: TRANSPORT_NODE_TYPE });
}
