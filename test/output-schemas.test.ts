/**
 * The editor's output schemas (nodes/ReferralFactory/__schema__/v1.0.0/<resource>/<operation>.json, written by
 * `npm run schemas`): one per operation of the node, each in the shape n8n's editor accepts (an object schema with
 * properties), each describing exactly what the operation outputs against the sandbox with the node's defaults: a
 * field renamed, added or dropped in the code fails here until the schemas are written again.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { scenarioOutputs, SCHEMA_DIR, SCHEMA_DIRS, schemaOf, type Schema } from './helpers/output-scenarios';
import { referralFactoryNode } from './helpers/engine';
import { useSandbox } from './helpers/setup';

const t = useSandbox();
const root = join(__dirname, '..');

/** resource → operations, as the node's own Operation dropdowns list them. */
const operations = referralFactoryNode.description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.displayOptions?.show?.resource as string[]).flatMap((resource) => (property.options as Array<{ value: string }>).map((option) => [resource, option.value] as const)),
	);

describe('output schemas for the editor', () => {
	it('there is one for every operation the node offers, and no other', () => {
		const shipped = readdirSync(join(root, SCHEMA_DIR)).flatMap((resource) =>
			readdirSync(join(root, SCHEMA_DIR, resource)).map((file) => `${resource}/${file.replace(/\.json$/, '')}`),
		);
		expect(shipped.sort()).toEqual(operations.map(([resource, operation]) => `${resource}/${operation}`).sort());
	});

	it('every version of the node has them, the same (n8n asks for /schemas/<type>/<version>/…)', () => {
		const versions = [referralFactoryNode.description.version].flat().map((version) => `v${Number(version).toFixed(1)}.0`);
		expect(SCHEMA_DIRS.map((dir) => dir.split('/').pop())).toEqual(versions);
		for (const dir of SCHEMA_DIRS) {
			for (const [resource, operation] of operations) {
				expect(readFileSync(join(root, dir, resource, `${operation}.json`), 'utf8')).toBe(readFileSync(join(root, SCHEMA_DIR, resource, `${operation}.json`), 'utf8'));
			}
		}
	});

	it.each(operations)('%s → %s: the shipped schema describes what the operation outputs', async (resource, operation) => {
		const file = join(root, SCHEMA_DIR, resource, `${operation}.json`);
		expect(existsSync(file)).toBe(true);
		const shipped = JSON.parse(readFileSync(file, 'utf8')) as Schema;
		// What n8n's editor requires before it shows a preview (getSchemaPreview: `type` and non-empty `properties`).
		expect(shipped.type).toBe('object');
		expect(Object.keys(shipped.properties ?? {}).length).toBeGreaterThan(0);

		const outputs = await scenarioOutputs(t.client, t.credential, resource, operation);
		expect(outputs.length).toBeGreaterThan(0);
		// If this fails after a change to an operation's output: `npm run schemas`, and review the difference.
		expect(schemaOf(outputs)).toEqual(shipped);
	});
});
