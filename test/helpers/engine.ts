/**
 * Runs workflows with this package's node in n8n's own execution engine, in-process: n8n-core's WorkflowExecute
 * with real parameter and expression resolution and the real httpRequestWithAuthentication (axios) talking HTTP
 * to the sandbox. The package's classes come from package-types.ts, the in-memory credentials store from
 * credentials.ts.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	ITaskData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

import { credentialsHelper } from './credentials';
import { CREDENTIAL_NAME, nodeTypes, REFERRAL_FACTORY_TYPE, referralFactoryNode } from './package-types';

export * from './credentials';
export * from './package-types';


export function additionalData(hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
	const unused = async () => {
		throw new Error('Not used by these tests');
	};
	return {
		credentialsHelper,
		hooks,
		executeWorkflow: unused,
		getRunExecutionData: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: unused,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface NodeRun {
	/** The node's output items (first output). */
	items: INodeExecutionData[];
	/** The error that stopped the run, if one did. */
	error?: ITaskData['error'];
	run: IRun;
}

export interface RunOptions {
	parameters: INodeParameters;
	credential: { id: string; name: string };
	/** The items the node receives, as if from the node before it. */
	input: Array<Record<string, unknown>>;
	continueOnFail?: boolean;
	/** n8n's Retry On Fail setting: the engine runs the node again, with every item, when it fails. */
	retryOnFail?: { maxTries: number };
	mode?: WorkflowExecuteMode;
	/** The execution's ID (each run gets a new one unless given). */
	executionId?: string;
	/** Another registered node type to run in the same place (the benchmark's bare-helper baseline). */
	type?: string;
	/** The node's version (default 1, what the tests were written for). */
	typeVersion?: number;
}

const NODE_NAME = 'Referral Factory';
let executions = 0;

function referralFactoryNodeDefinition(options: Pick<RunOptions, 'parameters' | 'credential' | 'continueOnFail' | 'retryOnFail' | 'type' | 'typeVersion'>): INode {
	return {
		id: 'a7f3c2e4-0d1b-4c55-9d8e-2f1a6b3c4d5e',
		name: NODE_NAME,
		type: options.type ?? REFERRAL_FACTORY_TYPE,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { [CREDENTIAL_NAME]: options.credential },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.retryOnFail ? { retryOnFail: true, maxTries: options.retryOnFail.maxTries, waitBetweenTries: 0 } : {}),
	};
}

/**
 * Runs one Referral Factory node in WorkflowExecute with the given input items, the way n8n starts a workflow
 * from a node with trigger data, and returns what the node output.
 */
export async function runReferralFactoryNode(options: RunOptions): Promise<NodeRun> {
	return await startReferralFactoryNode(options).finished;
}

/**
 * Starts the run and returns at once: `stop()` cancels it as n8n does when a user stops an execution (WorkflowExecute
 * aborts the execution's cancel signal), and `finished` resolves with what the node output.
 */
export function startReferralFactoryNode(options: RunOptions): { stop(): void; finished: Promise<NodeRun> } {
	const node = referralFactoryNodeDefinition(options);
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Referral Factory test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', 'test-execution', {
		id: 'test-workflow',
		name: 'Referral Factory test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		activeVersionId: null,
	});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node,
					data: { [NodeConnectionTypes.Main]: [options.input.map((json) => ({ json: json as INodeExecutionData['json'] }))] },
					source: null,
				} as IExecuteData,
			],
		},
	});
	// Each run is an execution of its own, as in n8n: what the node remembers of a run (across Retry On Fail) is
	// keyed by the execution's ID.
	const data = additionalData(hooks);
	data.executionId = options.executionId ?? `test-execution-${++executions}`;
	const execute = new WorkflowExecute(data, options.mode ?? 'manual', runExecutionData);
	const running = execute.processRunExecutionData(workflow);
	const finished = (async (): Promise<NodeRun> => {
		const run = await running;
		const task = run.data.resultData.runData[NODE_NAME]?.[0];
		return {
			items: task?.data?.[NodeConnectionTypes.Main]?.[0] ?? [],
			error: task?.error ?? run.data.resultData.error,
			run,
		};
	})();
	return { stop: () => running.cancel(), finished };
}

/** Calls one of the node's list searches in n8n-core's LoadOptionsContext, as the editor does for From List. */
export async function listSearch(
	method: string,
	credential: { id: string; name: string },
	filter?: string,
	paginationToken?: string,
	parameters: INodeParameters = {},
) {
	const node = referralFactoryNodeDefinition({ parameters, credential });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, additionalData(), 'campaignId');
	const search = referralFactoryNode.methods!.listSearch![method];
	return await search.call(context, filter, paginationToken);
}

/** Calls one of the node's load-options methods with the given current parameters, as the editor does. */
export async function loadOptions(
	method: string,
	credential: { id: string; name: string },
	parameters: INodeParameters,
	path: string,
) {
	const node = referralFactoryNodeDefinition({ parameters, credential });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const data = additionalData();
	data.currentNodeParameters = parameters;
	const context = new LoadOptionsContext(workflow, node, data, path);
	return await referralFactoryNode.methods!.loadOptions![method].call(context);
}

/**
 * Stops what n8n-core's DI container started: every execution context builds SSH helpers, whose client manager
 * keeps a 60 s interval alive that would hold jest (or the demo) open.
 */
export function shutdownEngine(): void {
	Container.get(SSHClientsManager).onShutdown();
	Container.reset();
}
