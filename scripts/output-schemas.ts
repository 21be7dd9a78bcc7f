/**
 * `npm run schemas`: writes the editor's output schemas (nodes/ReferralFactory/__schema__/v<version>/<resource>/<operation>.json)
 * from what each operation really outputs against the sandbox (test/helpers/output-scenarios.ts). n8n serves them at
 * /schemas/<node type>/<version>/<resource>/<operation>.json and the editor previews a node's output fields from them
 * before its first run. test/output-schemas.test.ts fails when a shipped schema no longer matches the output.
 */
import '../test/helpers/env';

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { addCredential, shutdownEngine } from '../test/helpers/engine';
import { OUTPUT_SCENARIOS, SCHEMA_DIRS, scenarioOutputs, schemaOf } from '../test/helpers/output-scenarios';
import { SandboxClient } from '../test/helpers/sandbox-client';
import { startSandbox } from '../test/sandbox/server';

async function main(): Promise<void> {
	const sandbox = await startSandbox();
	try {
		const client = new SandboxClient(sandbox.url, sandbox.token);
		const credential = addCredential({ accessToken: sandbox.token, baseUrl: sandbox.baseUrl });
		for (const [resource, operations] of Object.entries(OUTPUT_SCENARIOS)) {
			for (const operation of Object.keys(operations)) {
				const schema = schemaOf(await scenarioOutputs(client, credential, resource, operation));
				for (const versionDir of SCHEMA_DIRS) {
					const dir = resolve(__dirname, '..', versionDir, resource);
					mkdirSync(dir, { recursive: true });
					writeFileSync(join(dir, `${operation}.json`), `${JSON.stringify(schema, null, '\t')}\n`);
				}
				console.log(`${resource}/${operation}.json: ${Object.keys(schema.items?.properties ?? schema.properties ?? {}).length} fields`);
			}
		}
	} finally {
		await sandbox.close();
		shutdownEngine();
	}
}

void main();
