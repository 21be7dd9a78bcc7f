/**
 * The Referral Factory Polling Trigger in n8n-core's own PollContext, as n8n's server drives it on every scheduled
 * check: a published workflow's node, its static data kept across polls, and a "restart" that reloads the static data
 * as n8n saved it (JSON, through the database). What n8n's scheduler adds (the cron, saving the static data,
 * starting the execution) is covered by the end-to-end suite in a real n8n.
 */
import { PollContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { additionalData } from './engine';
import { CREDENTIAL_NAME, nodeTypes, POLLING_TRIGGER_TYPE, pollingTriggerNode } from './package-types';
import type { TestContext } from './setup';

let workflows = 0;

export class PollingWorkflow {
	readonly node: INode;

	/** Each test's workflow is a workflow of its own, as two workflows in one n8n are. */
	readonly id = `wf-polling-${++workflows}`;

	private workflow: Workflow;

	constructor(parameters: INodeParameters, credential: { id: string; name: string }) {
		this.node = {
			id: 'e4f5a6b7-1c2d-4e3f-9a0b-112233445566',
			name: 'Referral Factory Polling Trigger',
			type: POLLING_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
			credentials: { [CREDENTIAL_NAME]: credential },
		};
		this.workflow = this.make({});
	}

	private make(staticData: IDataObject): Workflow {
		return new Workflow({ id: this.id, name: 'New referrals', nodes: [this.node], connections: {}, active: true, nodeTypes, staticData });
	}

	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	setParameters(parameters: INodeParameters): void {
		Object.assign(this.node.parameters, parameters);
	}

	/** One check: `trigger` as on the schedule, `manual` as the editor's test. The items of the execution it starts, or null. */
	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[] | null> {
		const context = new PollContext(this.workflow, this.node, additionalData(), mode, 'activate');
		const result = await pollingTriggerNode.poll!.call(context);
		return result === null ? null : result[0];
	}

	/** The workflow's static data as n8n would save it now. */
	saved(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	/** The workflow loaded again with static data saved earlier (`saved`): a check whose static data n8n did not save. */
	restoreStaticData(saved: IDataObject): void {
		this.workflow = this.make(JSON.parse(JSON.stringify(saved)) as IDataObject);
	}

	/** n8n restarted: the workflow is loaded again with the static data as saved (a JSON copy). */
	restart(): void {
		this.workflow = this.make(JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject);
	}
}

/** A published polling trigger after its first check, which only notes where the lists stand and starts nothing. */
export async function publishedPoll(t: TestContext, parameters: INodeParameters): Promise<PollingWorkflow> {
	const wf = new PollingWorkflow(parameters, t.credential);
	expect(await wf.poll()).toBeNull();
	return wf;
}

/** The requests `check` sent to the API (not to the sandbox's control routes). */
export async function apiRequestsOf(t: TestContext, check: () => Promise<unknown>) {
	await t.client.clearRequests();
	await check();
	return (await t.client.requests()).filter((request) => request.path.startsWith('/api/'));
}
