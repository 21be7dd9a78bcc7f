import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { ExecuteContext, RoutingNode } from 'n8n-core';

import { additionalData, CREDENTIAL_NAME, credentialsHelper, credentialTypes, helperNodeDescription, PackageNodeTypes } from './engine';

function valueAt(data: unknown, key: string): unknown {
	return key.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), data);
}

/**
 * Runs a credential's `test` request the way n8n's credentials tester (packages/cli credentials-tester.service.ts)
 * does for declarative tests: a temporary node whose one property routes the test request, run by n8n-core's
 * RoutingNode; on a thrown error the tester reads `error.cause.response.status` for `responseCode` rules, else
 * the error's message; on success it checks the `responseSuccessBody` rules against the body, in order.
 */
export async function testCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const credentialType = credentialTypes[CREDENTIAL_NAME];
	const testRequest = credentialType.test!;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'test.credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [CREDENTIAL_NAME]: { id: 'under-test', name: 'Under test' } },
	};
	const nodeType: INodeType = {
		description: helperNodeDescription('credentialTest', [
			{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
		]),
	};
	const types = new PackageNodeTypes();
	types.register('test.credentialTest', nodeType);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: types });
	credentialsHelper.stored.set(`${CREDENTIAL_NAME}:under-test`, data);
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(),
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const decrypted: ICredentialsDecrypted = { id: 'under-test', name: 'Under test', type: CREDENTIAL_NAME, data };
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, decrypted).runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status?: number; statusText?: string }; code?: string } }).cause;
		if (cause?.response) {
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === cause.response.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}` };
		}
		if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: String((error as Error).message) };
	}
	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && valueAt(response![0][0].json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
