/**
 * Runs workflows with this package's node in n8n's own execution engine, in-process: n8n-core's WorkflowExecute
 * with real parameter and expression resolution and the real httpRequestWithAuthentication (axios) talking HTTP
 * to the sandbox. Node and credential classes are found through package.json's `n8n` section, as n8n's loader
 * finds them. The one piece written here is the credentials store (ICredentialsHelper): in n8n it lives in the
 * server package with a database; this one keeps credentials in memory and applies the credential's own
 * `authenticate` block with the workflow's expression engine, as n8n's server does.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	Workflow,
} from 'n8n-workflow';

import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

import packageJson from '../../package.json';

const ROOT = join(__dirname, '..', '..');
export const PACKAGE_NAME = packageJson.name;
export const CREDENTIAL_NAME = 'referralFactoryPublicApi';

const loadModule = createRequire(__filename);

// Tests load the TypeScript sources behind the paths in package.json; RF_NODE_SOURCE=dist (the demo) loads the
// compiled build itself.
const FROM_DIST = process.env.RF_NODE_SOURCE === 'dist';

/** Loads a class the way n8n's loader does: the file named in package.json, the class named after the file. */
function loadClass<T>(distPath: string, suffix: '.node.js' | '.credentials.js'): T {
	const source = FROM_DIST
		? join(ROOT, distPath)
		: join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const className = distPath.split('/').pop()!.replace(suffix, '');
	const exported = (loadModule(source) as Record<string, new () => T>)[className];
	if (!exported) throw new Error(`${source} does not export a class named ${className}`);
	return new exported();
}

export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	packageJson.n8n.credentials.map((path) => {
		const credential = loadClass<ICredentialType>(path, '.credentials.js');
		return [credential.name, credential];
	}),
);

export const nodeTypeList: INodeType[] = packageJson.n8n.nodes.map((path) =>
	loadClass<INodeType>(path, '.node.js'),
);

export function nodeTypeName(node: INodeType): string {
	return `${PACKAGE_NAME}.${node.description.name}`;
}

export const referralFactoryNode = nodeTypeList.find((n) => n.description.name === 'referralFactory')!;
export const REFERRAL_FACTORY_TYPE = nodeTypeName(referralFactoryNode);

/** The description of a node that exists only for a test or a measurement, using the package's credential. */
export function helperNodeDescription(name: string, properties: INodeProperties[] = []): INodeType['description'] {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: '',
		defaults: {},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties,
	};
}

export class PackageNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType>();

	register(name: string, type: INodeType): void {
		this.types.set(name, type);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string): INodeType {
		return this.getByName(name) as INodeType;
	}

	getKnownTypes() {
		return {};
	}
}

export const nodeTypes = new PackageNodeTypes();
for (const node of nodeTypeList) nodeTypes.register(nodeTypeName(node), node);

/** In-memory credentials; `authenticate` resolves the credential type's generic block as n8n's server does. */
class InMemoryCredentialsHelper extends ICredentialsHelper {
	readonly stored = new Map<string, ICredentialDataDecryptedObject>();

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = credentialTypes[typeName];
		const { authenticate } = type;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate?.type === 'generic') {
			const resolve = (value: string) =>
				isExpression(value)
					? String(
							workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ??
								'',
						)
					: value;
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				const bag = ((requestOptions as unknown as Record<string, Record<string, unknown>>)[target] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					bag[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by this package');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: { id: string | null },
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.stored.get(`${type}:${nodeCredentials.id}`);
		if (!data) throw new Error(`No ${type} credential with id ${nodeCredentials.id}`);
		// A copy, as n8n decrypts a fresh object for every call.
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialTypes[type].properties;
	}
}

export const credentialsHelper = new InMemoryCredentialsHelper();

let credentialCounter = 0;
/** Stores a Referral Factory API credential and returns the reference a node puts in `credentials`. */
export function addCredential(data: {
	accessToken: string;
	baseUrl?: string;
	rateLimit?: number;
	rateLimitWindow?: number;
}): { id: string; name: string } {
	const id = String(++credentialCounter);
	credentialsHelper.stored.set(`${CREDENTIAL_NAME}:${id}`, { ...data } as ICredentialDataDecryptedObject);
	return { id, name: `Referral Factory ${id}` };
}

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
	mode?: WorkflowExecuteMode;
	/** Another registered node type to run in the same place (the benchmark's bare-helper baseline). */
	type?: string;
}

const NODE_NAME = 'Referral Factory';

function referralFactoryNodeDefinition(options: Pick<RunOptions, 'parameters' | 'credential' | 'continueOnFail' | 'type'>): INode {
	return {
		id: 'a7f3c2e4-0d1b-4c55-9d8e-2f1a6b3c4d5e',
		name: NODE_NAME,
		type: options.type ?? REFERRAL_FACTORY_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { [CREDENTIAL_NAME]: options.credential },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
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
	const execute = new WorkflowExecute(additionalData(hooks), options.mode ?? 'manual', runExecutionData);
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
