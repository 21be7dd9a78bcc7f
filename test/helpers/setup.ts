import type { INodeParameters } from 'n8n-workflow';

import { startSandbox, type Sandbox, type SandboxConfig } from '../sandbox/server';
import { addCredential, referralFactoryNode, shutdownEngine } from './engine';
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

/**
 * Any operation's parameters as the editor saves them: the resource, the operation and the given values. Every
 * value must name a parameter the node shows for that operation, so a test can never set a field that does not
 * exist (and pass because the node ignored it).
 */
export function operationParameters(resource: string, operation: string, values: INodeParameters = {}, typeVersion = 1): INodeParameters {
	const parameters: INodeParameters = { resource, operation, ...values };
	const properties = referralFactoryNode.description.properties;
	// A condition on a parameter that is not set sees its default, as in the editor (Limit shows while Return All is off).
	// A condition may name a path from the root ('/referrerId.mode': a locator's mode), as n8n reads it.
	const valueOf = (name: string): unknown => {
		const [root, ...path] = name.replace(/^\//, '').split('.');
		let value: unknown = parameters[root] ?? properties.find((property) => property.name === root)?.default;
		for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
		return value;
	};
	// '@version' is the node's version: a value, or `{_cnd: {gte: n}}` (the only condition the node uses).
	const versionIs = (allowed: unknown[]) =>
		allowed.some((wanted) => (typeof wanted === 'object' && wanted !== null ? typeVersion >= Number((wanted as { _cnd: { gte: number } })._cnd.gte) : wanted === typeVersion));
	const shown = properties.filter((property) => {
		const show = property.displayOptions?.show ?? {};
		return Object.entries(show).every(([name, allowed]) => (name === '@version' ? versionIs(allowed as unknown[]) : (allowed as unknown[]).includes(valueOf(name))));
	});
	const names = new Set(shown.map((property) => property.name));
	for (const name of Object.keys(values)) {
		if (!names.has(name)) throw new Error(`${resource} → ${operation} has no parameter "${name}"`);
	}
	return parameters;
}

/** Add Referrer parameters, reading first name and email from the input item. */
export function addReferrerParameters(overrides: INodeParameters = {}): INodeParameters {
	return operationParameters('referrer', 'add', {
		campaignId: { __rl: true, mode: 'list', value: '1', cachedResultName: 'Acme Coffee Friends' },
		firstName: '={{ $json.firstName }}',
		email: '={{ $json.email }}',
		...overrides,
	});
}

export function customers(count: number, domain = 'example.com'): Array<{ firstName: string; email: string }> {
	return Array.from({ length: count }, (_, i) => ({ firstName: `Customer ${i}`, email: `customer${i}@${domain}` }));
}
