/**
 * `npm run dev`: a real n8n editor with this package loaded, wired to the sandbox, for trying the node without a
 * Referral Factory account. Builds and packs the package, installs it into .cache/dev/user/.n8n/nodes, starts the
 * sandbox on 127.0.0.1:4010 and n8n on http://localhost:5678 (or the ports given by --port / --sandbox-port or
 * N8N_PORT / SANDBOX_PORT; a busy port is named before anything starts), imports a credential pointing at the sandbox and the
 * example workflows, sets up an owner account, and prints what to open. Ctrl-C stops everything it started.
 *
 * startDevEnvironment() is also what the browser check (npm run test:ui) starts.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox/server';
import {
	CACHE,
	createUserFolder,
	installN8n,
	n8nCommand,
	n8nEnv,
	NODE_TYPE,
	packPackage,
	ROOT,
	startN8n,
	stopProcess,
	TARGETS,
} from './n8n';

export const OWNER = { email: 'owner@example.com', password: 'Sandbox-Password-1', firstName: 'Sandbox', lastName: 'Owner' };
export const CREDENTIAL = { id: 'rfSandboxCred001', name: 'Referral Factory sandbox' };
export const CREDENTIAL_TYPE = 'referralFactoryPublicApi';
export const TRY_IT_WORKFLOW_ID = 'rfExampleTryIt01';
/** The example that ends with due rewards (examples/try-it-lead-qualifies-rewards.json). */
export const REWARDS_WORKFLOW_ID = 'rfExampleTryIt02';

export interface DevEnvironment {
	editorUrl: string;
	sandbox: Sandbox;
	workflows: Array<{ id: string; name: string }>;
	stop(): Promise<void>;
}

export async function startDevEnvironment(
	options: { n8nPort?: number; sandboxPort?: number; folder?: string } = {},
): Promise<DevEnvironment> {
	const target = TARGETS[0];
	const port = options.n8nPort ?? 5678;
	const sandboxPort = options.sandboxPort ?? 4010;
	// Say so before minutes of building and installing, not in a stack trace at the end.
	for (const [what, value, variable] of [['n8n', port, 'N8N_PORT'], ['the sandbox', sandboxPort, 'SANDBOX_PORT']] as const) {
		if (value !== 0 && !(await portIsFree(value))) {
			throw new UserFacingError(
				`Port ${value} (for ${what}) is already in use on 127.0.0.1. Stop what uses it, or pick another port: npm run dev -- --${variable === 'N8N_PORT' ? 'port' : 'sandbox-port'} <port> (or ${variable}=<port> npm run dev).`,
			);
		}
	}
	const installed = installN8n(target);
	const tarball = packPackage();
	// A fresh user folder every start: the imports, the owner and the package are always the current ones.
	const parent = join(CACHE, '..', options.folder ?? 'dev');
	rmSync(parent, { recursive: true, force: true });
	mkdirSync(parent, { recursive: true });
	const userFolder = createUserFolder(tarball, parent);

	const sandbox = await startSandbox({ port: sandboxPort });
	const env = await n8nEnv(installed, userFolder, { N8N_SECURE_COOKIE: 'false', N8N_EDITOR_BASE_URL: `http://localhost:${port}` });
	const imports = join(userFolder, 'imports');
	mkdirSync(imports, { recursive: true });
	writeFileSync(
		join(imports, 'credentials.json'),
		JSON.stringify([{ ...CREDENTIAL, type: CREDENTIAL_TYPE, data: { accessToken: sandbox.token, baseUrl: sandbox.baseUrl } }]),
	);
	const run = async (args: string[]) => {
		const result = await n8nCommand(installed, env, args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
	};
	await run(['import:credentials', `--input=${join(imports, 'credentials.json')}`]);
	const workflows: Array<{ id: string; name: string }> = [];
	const examples = join(ROOT, 'examples');
	for (const file of readdirSync(examples).filter((f) => f.endsWith('.json')).sort()) {
		const workflow = JSON.parse(readFileSync(join(examples, file), 'utf8'));
		// The examples leave the credential for the user to pick; here it is the sandbox's.
		for (const node of workflow.nodes as Array<{ type: string; credentials?: Record<string, unknown> }>) {
			if ([NODE_TYPE, `${NODE_TYPE}Trigger`, `${NODE_TYPE}PollingTrigger`, `${NODE_TYPE}Tool`].includes(node.type)) node.credentials = { [CREDENTIAL_TYPE]: CREDENTIAL };
		}
		writeFileSync(join(imports, file), JSON.stringify(workflow));
		await run(['import:workflow', `--input=${join(imports, file)}`]);
		workflows.push({ id: workflow.id, name: workflow.name });
	}

	const n8n = await startN8n(installed, env, port);
	const editorUrl = `http://localhost:${port}`;
	const setup = await fetch(`${editorUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!setup.ok) {
		await stopProcess(n8n);
		await sandbox.close();
		throw new Error(`Setting up the owner account failed: ${setup.status} ${await setup.text()}`);
	}
	return {
		editorUrl,
		sandbox,
		workflows,
		stop: async () => {
			await stopProcess(n8n);
			await sandbox.close();
		},
	};
}

/** An error whose message is all the user needs: printed without a stack trace. */
class UserFacingError extends Error {}

async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** `--port N` / `--sandbox-port N`, else N8N_PORT / SANDBOX_PORT, else 5678 / 4010. */
function portOption(flag: string, variable: string, fallback: number): number {
	const index = process.argv.indexOf(flag);
	const raw = index >= 0 ? process.argv[index + 1] : process.env[variable];
	if (raw === undefined || raw === '') return fallback;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		throw new UserFacingError(`${flag} / ${variable} must be a port number from 1 to 65535, not "${raw}".`);
	}
	return port;
}

async function main(): Promise<void> {
	const n8nPort = portOption('--port', 'N8N_PORT', 5678);
	const sandboxPort = portOption('--sandbox-port', 'SANDBOX_PORT', 4010);
	console.log('Building, packing and starting n8n with the package (the first run installs n8n: a few minutes)...');
	const dev = await startDevEnvironment({ n8nPort, sandboxPort });
	console.log(`
n8n ${TARGETS[0].n8n} is running with n8n-nodes-referral-factory-api loaded.

  Open      ${dev.editorUrl}/workflow/${TRY_IT_WORKFLOW_ID}
  Sign in   ${OWNER.email} / ${OWNER.password}

  Click "Execute workflow": three sample customers become referrers in the sandbox.
  To see a reward: open ${dev.editorUrl}/workflow/${REWARDS_WORKFLOW_ID} ("Try it: a lead qualifies → due rewards")
  and click "Execute workflow": a referrer brings a lead, the lead qualifies, and "Due Rewards" lists what they
  earned. Then add Referral Factory → "Issue a reward" and pick one from the Due Reward list.
  The credential "${CREDENTIAL.name}" points at the sandbox on ${dev.sandbox.baseUrl}
  (token ${dev.sandbox.token}). Other examples: ${dev.workflows.filter((w) => ![TRY_IT_WORKFLOW_ID, REWARDS_WORKFLOW_ID].includes(w.id)).map((w) => `"${w.name}"`).join(', ')}.

Press Ctrl-C to stop n8n and the sandbox.`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox...');
		dev.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof UserFacingError ? `\n${error.message}` : error);
		process.exit(1);
	});
}
