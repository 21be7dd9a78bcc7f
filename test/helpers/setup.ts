import type { INodeParameters } from 'n8n-workflow';

import { startSandbox, type Sandbox, type SandboxConfig } from '../sandbox/server';
import { addCredential, shutdownEngine } from './engine';
import { SandboxClient } from './sandbox-client';

export interface TestContext {
	sandbox: Sandbox;
	client: SandboxClient;
	/** A credential pointing at the sandbox with the right token. */
	credential: { id: string; name: string };
}

/**
 * Starts one sandbox on an ephemeral 127.0.0.1 port for the test file, resets its store before every test, and
 * stops it (and n8n-core's timers) afterwards.
 */
export function useSandbox(config: Partial<SandboxConfig> = {}, token?: string): TestContext {
	const context = {} as TestContext;
	beforeAll(async () => {
		context.sandbox = await startSandbox({ token });
		context.client = new SandboxClient(context.sandbox.url, context.sandbox.token);
		context.credential = addCredential({ accessToken: context.sandbox.token, baseUrl: context.sandbox.baseUrl });
	});
	beforeEach(async () => {
		await context.client.reset();
		if (Object.keys(config).length > 0) await context.client.configure(config);
	});
	afterAll(async () => {
		await context.sandbox?.close();
		shutdownEngine();
	});
	return context;
}

/** Add Referrer parameters as the editor saves them, reading first name and email from the input item. */
export function addReferrerParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'referrer',
		operation: 'add',
		campaignId: { __rl: true, mode: 'list', value: '1', cachedResultName: 'Acme Coffee Friends' },
		firstName: '={{ $json.firstName }}',
		email: '={{ $json.email }}',
		...overrides,
	};
}

export function customers(count: number, domain = 'example.com'): Array<{ firstName: string; email: string }> {
	return Array.from({ length: count }, (_, i) => ({ firstName: `Customer ${i}`, email: `customer${i}@${domain}` }));
}
