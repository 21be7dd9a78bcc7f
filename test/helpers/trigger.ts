/**
 * The Referral Factory Trigger in n8n-core's own contexts, as n8n's server drives it: its lifecycle methods
 * (checkExists, create, delete) in a HookContext, as n8n does on publish and unpublish, and its webhook method in a
 * WebhookContext behind a real HTTP server on 127.0.0.1 that the sandbox delivers to. What n8n's server adds around
 * them (routing, the database, starting the execution) is covered by the end-to-end suite in a real n8n.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CredentialTestContext, HookContext, LoadOptionsContext, WebhookContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, INodeParameters, IWebhookData, IWebhookDescription, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { additionalData } from './engine';
import { CREDENTIAL_NAME, nodeTypes, SECRET_CREDENTIAL_NAME, TRIGGER_TYPE, triggerNode } from './package-types';

export const WEBHOOK_ID = '4b1f0c2a-6d8e-4f3a-9b7c-1e2d3c4b5a69';
type Lifecycle = 'checkExists' | 'create' | 'delete';

export interface TriggerSetup {
	parameters: INodeParameters;
	credential?: { id: string; name: string };
	secretCredential?: { id: string; name: string };
	/** The node's version (default 1: the tests were written for it; 1.1 is what a new node gets). */
	typeVersion?: number;
}

let workflows = 0;

/** A published workflow holding the trigger, with the node's static data kept across calls as n8n keeps it. */
export class TriggerWorkflow {
	readonly node: INode;

	readonly workflow: Workflow;

	/** Each delivery's output items, as n8n would start an execution with them. */
	readonly runs: INodeExecutionData[][] = [];

	private server: Server | undefined;

	private baseUrl = 'http://127.0.0.1:9/webhook';

	constructor(setup: TriggerSetup) {
		const credentials: INode['credentials'] = {};
		if (setup.credential) credentials[CREDENTIAL_NAME] = setup.credential;
		if (setup.secretCredential) credentials[SECRET_CREDENTIAL_NAME] = setup.secretCredential;
		this.node = {
			id: 'c1d2e3f4-0a1b-4c2d-8e3f-405162738495',
			name: 'Referral Factory Trigger',
			type: TRIGGER_TYPE,
			typeVersion: setup.typeVersion ?? 1,
			position: [0, 0],
			parameters: setup.parameters,
			credentials,
			webhookId: WEBHOOK_ID,
		};
		// A workflow of its own per instance, as n8n gives each saved workflow: what one remembers (its deliveries lately)
		// is not another's, though the sandbox hands out the same IDs again after a reset.
		this.workflow = new Workflow({ id: `wf-trigger-${++workflows}`, name: 'Referrals to CRM', nodes: [this.node], connections: {}, active: true, nodeTypes, staticData: {} });
	}

	/**
	 * The workflow the editor's test listening runs in, while it listens: as n8n builds it (TestWebhooks.toWorkflow),
	 * inactive and with a static data of its own that starts empty, kept from the test's create to its delete.
	 */
	private testWorkflow: Workflow | undefined;

	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** The static data of the test listening (empty when none is under way). */
	get testStaticData(): IDataObject {
		return this.testWorkflow?.getStaticData('node', this.node) ?? {};
	}

	/** The URL n8n would register: <webhook base>/<webhookId>/referral-factory. */
	get productionUrl(): string {
		return `${this.baseUrl}/${WEBHOOK_ID}/referral-factory`;
	}

	setParameters(parameters: INodeParameters): void {
		this.node.parameters = parameters;
	}

	private data(): IWorkflowExecuteAdditionalData {
		const data = additionalData();
		data.webhookBaseUrl = this.baseUrl;
		data.webhookTestBaseUrl = `${this.baseUrl}-test`;
		return data;
	}

	private webhookData(data: IWorkflowExecuteAdditionalData, isTest = false): IWebhookData {
		return {
			isTest,
			httpMethod: 'POST',
			node: this.node.name,
			path: `${WEBHOOK_ID}/referral-factory`,
			webhookDescription: triggerNode.description.webhooks![0] as IWebhookDescription,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: data,
			webhookId: WEBHOOK_ID,
		};
	}

	/**
	 * One lifecycle method, as n8n's server calls it: on publish (mode `trigger`) and unpublish (`internal`), or for
	 * the editor's Execute step while listening for a test event (`test`: mode `manual`, the test URL; removed in mode `internal`).
	 */
	async lifecycle(method: Lifecycle, options: { test?: boolean } = {}): Promise<boolean> {
		const data = this.data();
		const mode = method === 'delete' ? 'internal' : options.test ? 'manual' : 'trigger';
		if (options.test) {
			this.testWorkflow ??= new Workflow({ id: this.workflow.id, name: this.workflow.name, nodes: [this.node], connections: {}, active: false, nodeTypes, staticData: {} });
		}
		const workflow = options.test ? this.testWorkflow! : this.workflow;
		const context = new HookContext(workflow, this.node, data, mode, options.test ? 'manual' : 'activate', this.webhookData(data, options.test));
		try {
			return await triggerNode.webhookMethods!.default![method]!.call(context);
		} finally {
			// n8n forgets a test registration once it is removed (or could not be made).
			if (options.test && method !== 'checkExists' && (method === 'delete' || Object.keys(this.testStaticData).length === 0)) this.testWorkflow = undefined;
		}
	}

	/** n8n's activation: create unless checkExists says the registration is there. */
	async activate(): Promise<void> {
		if (!(await this.lifecycle('checkExists'))) await this.lifecycle('create');
	}

	/** Serves the trigger's webhook method on 127.0.0.1 (the URL it registers points here). */
	async listen(): Promise<void> {
		this.server = createServer((req, res) => {
			this.deliver(req, res).catch((error: unknown) => {
				res.writeHead(500).end(String(error));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
	}

	private async deliver(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		// The production URL, or the test URL while the editor listens (n8n answers 404 for any other).
		const test = url.pathname === `/webhook-test/${WEBHOOK_ID}/referral-factory` && this.testWorkflow !== undefined;
		if ((url.pathname !== `/webhook/${WEBHOOK_ID}/referral-factory` && !test) || req.method !== 'POST') {
			res.writeHead(404).end();
			return;
		}
		// What n8n's server (express) gives the webhook as its query data.
		(req as IncomingMessage & { query?: unknown }).query = Object.fromEntries(url.searchParams);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const text = Buffer.concat(chunks).toString('utf8');
		// What n8n's body parser does for JSON.
		(req as IncomingMessage & { body?: unknown }).body = text ? (JSON.parse(text) as unknown) : {};
		const data = this.data();
		data.httpRequest = req as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		data.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const context = new WebhookContext(test ? this.testWorkflow! : this.workflow, this.node, data, test ? 'manual' : 'webhook', this.webhookData(data, test), [], null);
		const result = await triggerNode.webhook!.call(context);
		if (result.workflowData) this.runs.push(result.workflowData[0]);
		if (!result.noWebhookResponse && !res.headersSent) res.writeHead(200).end();
	}

	async close(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
	}
}

/** One of the trigger's load-options methods, in n8n-core's LoadOptionsContext, as the editor calls it. */
export async function loadTriggerOptions(method: string, credential: { id: string; name: string }, parameters: INodeParameters = {}) {
	const { node, workflow } = new TriggerWorkflow({ parameters, credential });
	const context = new LoadOptionsContext(workflow, node, additionalData(), method === 'getRewards' ? 'rewardId' : 'sources');
	return await triggerNode.methods!.loadOptions![method].call(context);
}

/** The webhook secret credential's test, as n8n's credentials tester runs a `testedBy` method. */
export async function testSecretCredential(data: ICredentialDataDecryptedObject) {
	const test = triggerNode.methods!.credentialTest!.testWebhookSecret;
	return await test.call(new CredentialTestContext(), { id: 'under-test', name: 'Under test', type: SECRET_CREDENTIAL_NAME, data });
}
