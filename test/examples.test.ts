/**
 * The importable workflows in examples/: every Referral Factory node in them sets only parameters the node shows for
 * its operation (operationParameters refuses any other), and every trigger only parameters the trigger has, so an
 * example never carries a field a user cannot see or one the node ignores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { REFERRAL_FACTORY_TYPE, TRIGGER_TYPE, triggerNode } from './helpers/package-types';
import { operationParameters } from './helpers/setup';

const EXAMPLES = join(__dirname, '..', 'examples');
const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));

interface ExampleNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

describe('examples', () => {
	it.each(files)('%s: the package’s nodes set only parameters they show', (file) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as { nodes: ExampleNode[] };
		const ours = workflow.nodes.filter((node) => node.type === REFERRAL_FACTORY_TYPE || node.type === TRIGGER_TYPE);
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			if (node.type === REFERRAL_FACTORY_TYPE) {
				const { resource, operation, ...values } = node.parameters;
				expect(() => operationParameters(String(resource), String(operation), values)).not.toThrow();
			} else {
				const names = new Set(triggerNode.description.properties.map((property) => property.name));
				expect(Object.keys(node.parameters).filter((name) => !names.has(name))).toEqual([]);
				expect((node as ExampleNode & { webhookId?: string }).webhookId).toMatch(/^[0-9a-f-]{36}$/);
			}
		}
	});
});
