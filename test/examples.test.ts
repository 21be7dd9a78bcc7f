/**
 * The importable workflows in examples/: every Referral Factory node in them sets only parameters the node shows for
 * its operation (operationParameters refuses any other), and every trigger only parameters the trigger has, so an
 * example never carries a field a user cannot see or one the node ignores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { runReferralFactoryNode } from './helpers/engine';
import { POLLING_TRIGGER_TYPE, pollingTriggerNode, REFERRAL_FACTORY_TYPE, TRIGGER_TYPE, triggerNode } from './helpers/package-types';
import { operationParameters, useSandbox } from './helpers/setup';

const EXAMPLES = join(__dirname, '..', 'examples');
// The node as an AI tool: n8n registers every usableAsTool node under its type with a Tool suffix.
const TOOL_TYPE = `${REFERRAL_FACTORY_TYPE}Tool`;
const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
}

describe('examples', () => {
	it.each(files)('%s: the package’s nodes set only parameters they show', (file) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as { nodes: ExampleNode[] };
		const ours = workflow.nodes.filter((node) => [REFERRAL_FACTORY_TYPE, TOOL_TYPE, TRIGGER_TYPE, POLLING_TRIGGER_TYPE].includes(node.type));
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			if (node.type === POLLING_TRIGGER_TYPE) {
				// n8n adds Poll Times to every polling node.
				const names = new Set(['pollTimes', ...pollingTriggerNode.description.properties.map((property) => property.name)]);
				expect(Object.keys(node.parameters).filter((name) => !names.has(name))).toEqual([]);
			} else if (node.type !== TRIGGER_TYPE) {
				// A tool node also has the tool's description, which n8n adds to every node used as a tool.
				const { resource, operation, descriptionType, toolDescription, ...values } = node.parameters;
				if (node.type === TOOL_TYPE) expect([descriptionType, String(toolDescription).length > 40]).toEqual(['manual', true]);
				expect(() => operationParameters(String(resource), String(operation), values, node.typeVersion)).not.toThrow();
			} else {
				const names = new Set(triggerNode.description.properties.map((property) => property.name));
				expect(Object.keys(node.parameters).filter((name) => !names.has(name))).toEqual([]);
				expect((node as ExampleNode & { webhookId?: string }).webhookId).toMatch(/^[0-9a-f-]{36}$/);
			}
		}
	});
});

describe('the "a lead qualifies → due rewards" example, run node after node in n8n’s engine against the sandbox', () => {
	const t = useSandbox();

	it('ends with the due rewards the qualification made, each with its recipient by name', async () => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES, 'try-it-lead-qualifies-rewards.json'), 'utf8')) as { nodes: ExampleNode[] };
		let input: Array<Record<string, unknown>> = [{}];
		for (const node of workflow.nodes.filter((n) => n.type === REFERRAL_FACTORY_TYPE)) {
			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: node.parameters, typeVersion: node.typeVersion, input });
			expect([node.name, error?.message]).toEqual([node.name, undefined]);
			input = items.map((item) => item.json);
		}

		expect(input.map((reward) => [reward.recipientName, reward.type, reward.status]).sort()).toEqual([
			['Dana', 'amount', 'due'],
			['Eli', 'coupon', 'due'],
		]);
	});
});
