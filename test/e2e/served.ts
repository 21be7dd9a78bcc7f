/**
 * Workflows that need a running n8n (`n8n start`), for run.ts: the Referral Factory Trigger (trigger.ts), the node
 * as tools of an MCP Server Trigger (mcp.ts), the polling trigger (polling.ts) and a test of a published Reward Issued
 * trigger (reward-test.ts). Their fixtures (test/e2e/fixtures/served) are imported and published
 * while n8n is stopped (`n8n publish:workflow` works only then; a running n8n publishes only through its public API,
 * with a key), then n8n starts on 127.0.0.1 and every check runs against it; unpublishing comes last.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Sandbox } from '../sandbox/server';
import { mcpChecks } from './mcp';
import { pollingChecks } from './polling';
import { rewardTestChecks } from './reward-test';
import { fill, freePort, n8nCommand, startN8n, stopProcess, type Installed, type N8nProcess } from './n8n';
import { repeatedDeliveryChecks, triggerChecks, unpublishCheck } from './trigger';

const FIXTURES = join(__dirname, 'fixtures', 'served');

export interface Served {
	sandbox: Sandbox;
	/** http://127.0.0.1:<port> */
	base: string;
	values: Record<string, string>;
	n8n(): N8nProcess;
	/** Stops n8n and starts it again on the same port (the registered URLs stay valid). */
	restart(): Promise<void>;
	check: (name: string, run: () => Promise<void>) => Promise<boolean>;
}

export async function servedChecks(
	installed: Installed,
	env: NodeJS.ProcessEnv,
	imports: string,
	sandbox: Sandbox,
	values: Record<string, string>,
	check: Served['check'],
): Promise<void> {
	const filled = { ...values, SINK_URL: `${sandbox.url}/__sandbox/sink` };
	const ids: string[] = [];
	for (const file of readdirSync(FIXTURES)) {
		const text = fill(readFileSync(join(FIXTURES, file), 'utf8'), filled);
		writeFileSync(join(imports, file), text);
		ids.push((JSON.parse(text) as { id: string }).id);
		const imported = await n8nCommand(installed, env, ['import:workflow', `--input=${join(imports, file)}`]);
		assert.equal(imported.code, 0, `import:workflow ${file}:\n${imported.stdout}\n${imported.stderr}`);
	}
	for (const id of ids) {
		const published = await n8nCommand(installed, env, ['publish:workflow', `--id=${id}`]);
		assert.equal(published.code, 0, `publish:workflow ${id}:\n${published.stdout}\n${published.stderr}`);
	}
	sandbox.webhooks.reset();
	sandbox.sink.length = 0;

	const port = await freePort();
	let n8n = await startN8n(installed, env, port);
	const served: Served = {
		sandbox,
		base: `http://127.0.0.1:${port}`,
		values,
		n8n: () => n8n,
		restart: async () => {
			await stopProcess(n8n);
			n8n = await startN8n(installed, env, port);
		},
		check,
	};
	try {
		await triggerChecks(served, check);
		await repeatedDeliveryChecks(served, check);
		await mcpChecks(served, check);
		await unpublishCheck(served, check);
	} finally {
		await stopProcess(n8n);
	}
	// The polling trigger last, on its own: published while n8n is stopped, over an emptied sandbox.
	await pollingChecks(installed, env, imports, sandbox, filled, check);
	await rewardTestChecks(installed, env, imports, sandbox, filled, check);
}
