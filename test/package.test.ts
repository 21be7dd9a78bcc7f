import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import packageJson from '../package.json';
import type { INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { credentialTypes, nodeTypeList, nodeTypes, referralFactoryNode, REFERRAL_FACTORY_TYPE, TRIGGER_TYPE, triggerNode, POLLING_TRIGGER_TYPE, pollingTriggerNode } from './helpers/engine';

const ROOT = join(__dirname, '..');

describe('the package as n8n loads it', () => {
	it('is a community node package with no runtime dependencies and no install scripts', () => {
		expect(packageJson.name).toBe('n8n-nodes-referral-factory-api');
		expect(packageJson.keywords).toContain('n8n-community-node-package');
		expect(packageJson.license).toBe('MIT');
		// The built nodes, the docs (the nodes' Docs links open them: see 'links documentation …' below) and what the
		// docs link to (.ci/check-pack.js follows every link).
		expect(packageJson.files).toEqual(['dist', 'docs/*.md', 'docs/images/*.png', 'examples/*.json', 'BENCHMARKS.md', 'CHANGELOG.md']);
		expect(packageJson).not.toHaveProperty('dependencies');
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
			expect(packageJson.scripts).not.toHaveProperty(script);
		}
		expect(packageJson.n8n).toEqual({
			n8nNodesApiVersion: 1,
			credentials: ['dist/credentials/ReferralFactoryPublicApi.credentials.js', 'dist/credentials/ReferralFactoryWebhookApi.credentials.js'],
			nodes: [
				'dist/nodes/ReferralFactory/ReferralFactory.node.js',
				'dist/nodes/ReferralFactoryTrigger/ReferralFactoryTrigger.node.js',
				'dist/nodes/ReferralFactoryPollingTrigger/ReferralFactoryPollingTrigger.node.js',
			],
		});
	});

	it('has light and dark icons for every node and credential, and they exist', () => {
		const icons = [
			...nodeTypeList.map((node) => [join(ROOT, 'nodes', node.constructor.name), node.description.icon] as const),
			...Object.values(credentialTypes).map((credential) => [join(ROOT, 'credentials'), credential.icon] as const),
		];
		expect(icons.map(([, icon]) => icon)).toHaveLength(nodeTypeList.length + Object.keys(credentialTypes).length);
		for (const [dir, icon] of icons) {
			expect(icon).toEqual({ light: expect.stringMatching(/^file:.*\.svg$/), dark: expect.stringMatching(/^file:.*\.dark\.svg$/) });
			for (const file of Object.values(icon as Record<string, string>)) {
				const path = join(dir, file.replace(/^file:/, ''));
				expect(existsSync(path)).toBe(true);
				expect(readFileSync(path, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
			}
		}
	});

	it('is usable as an AI tool and names its credential', () => {
		expect(referralFactoryNode.description.usableAsTool).toBe(true);
		expect(referralFactoryNode.description.credentials).toEqual([{ name: 'referralFactoryPublicApi', required: true }]);
	});

	it('links documentation without a #fragment (n8n appends its tracking query after the URL)', () => {
		const codexes = nodeTypeList.map((node) => JSON.parse(readFileSync(join(ROOT, 'nodes', node.constructor.name, `${node.constructor.name}.node.json`), 'utf8')));
		const urls = [
			...Object.values(credentialTypes).map((credential) => credential.documentationUrl),
			...codexes.flatMap((codex) => Object.values(codex.resources as Record<string, Array<{ url: string }>>).flat().map((r) => r.url)),
		];
		expect(urls.length).toBeGreaterThan(1);
		for (const url of urls) expect(url).toMatch(/^https:\/\/[^#]+$/);
		// Each resolves once the package is published: its npm page, or a file the package ships (the docs the README
		// links), as jsDelivr serves it from npm. Nothing points at a repository that may not exist under that name.
		const packed = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		const npmPage = `https://www.npmjs.com/package/${packageJson.name}`;
		const shipped = `https://cdn.jsdelivr.net/npm/${packageJson.name}/`;
		for (const url of new Set(urls.map(String))) {
			if (url === npmPage) continue;
			expect(url.startsWith(shipped)).toBe(true);
			const file = url.slice(shipped.length);
			expect([file, packed.includes(file)]).toEqual([file, true]);
			expect([file, readme.includes(`](${file})`)]).toEqual([file, true]);
		}
		expect(urls).toContain(npmPage);
	});

	it('is an API node, not a transform, with a credential type name of its own', () => {
		expect(referralFactoryNode.description.group).not.toContain('transform');
		// n8n-nodes-referral-factory (Referral Factory's own package) names its credential referralFactoryApi.
		expect(Object.keys(credentialTypes)).not.toContain('referralFactoryApi');
	});

	it.each(nodeTypeList.map((node) => [node.constructor.name, node] as const))('%s has a codex file that names the node by its package type', (name, node) => {
		const codex = JSON.parse(readFileSync(join(ROOT, 'nodes', name, `${name}.node.json`), 'utf8'));
		expect(codex.node).toBe(`${packageJson.name}.${node.description.name}`);
		expect(codex.categories.length).toBeGreaterThan(0);
		// n8n's known categories (KNOWN_CODEX_CATEGORIES of @n8n/eslint-plugin-community-nodes' valid-codex-categories
		// rule, mirrored from its editor's node panel): an unknown one hides the node from the panel's categories.
		const known = ['AI', 'Analytics', 'Communication', 'Core Nodes', 'Data & Storage', 'Developer Tools', 'Development', 'ECM', 'Finance & Accounting', 'HITL', 'Marketing & Content', 'Miscellaneous', 'Productivity', 'Sales', 'Utility'];
		for (const category of codex.categories) expect(known).toContain(category);
	});

	it('gives every parameter of every node and credential a default (n8n\'s require-param-default rule)', () => {
		const missing: string[] = [];
		const walk = (properties: Array<Record<string, unknown>>, path: string) => {
			for (const property of properties) {
				const name = `${path}.${String(property.name)}`;
				// A fixedCollection's groups ({name, displayName, values}) are not parameters; their values are.
				if (Array.isArray(property.values)) {
					walk(property.values as Array<Record<string, unknown>>, name);
					continue;
				}
				if (!('default' in property)) missing.push(name);
				if ((property.type === 'collection' || property.type === 'fixedCollection') && Array.isArray(property.options)) {
					walk(property.options as Array<Record<string, unknown>>, name);
				}
			}
		};
		let walked = 0;
		for (const node of nodeTypeList) {
			walk(node.description.properties as unknown as Array<Record<string, unknown>>, node.description.name);
			walked += node.description.properties.length;
		}
		for (const credential of Object.values(credentialTypes)) {
			walk(credential.properties as unknown as Array<Record<string, unknown>>, credential.name);
			walked += credential.properties.length;
		}
		expect(walked).toBeGreaterThan(0);
		expect(missing).toEqual([]);
	});

	it('keeps the parameter names saved workflows depend on', () => {
		const shownFor = (resource: string, operation: string) =>
			referralFactoryNode.description.properties.filter((p) => {
				const show = p.displayOptions?.show ?? {};
				return (!show.resource || show.resource.includes(resource)) && (!show.operation || show.operation.includes(operation));
			});
		expect(shownFor('referrer', 'add').map((p) => p.name)).toEqual([
			'resource', 'operation', 'campaignId', 'firstName', 'email', 'ifExists', 'simplify', 'additionalFields', 'options',
		]);
		const additional = shownFor('referrer', 'add').find((p) => p.name === 'additionalFields')!;
		expect(additional.options!.map((o) => o.name).sort()).toEqual(['customFields', 'notify', 'promotion']);
		const operation = shownFor('referrer', 'add').find((p) => p.name === 'operation')!;
		expect(operation.options).toContainEqual(expect.objectContaining({ name: 'Add', value: 'add', action: 'Add a referrer' }));
	});

	it('names each action as a person scans it (n8n names the node after it): verb first, short; the warnings in the description', () => {
		const operations = referralFactoryNode.description.properties.filter((p) => p.name === 'operation');
		const irreversible = ['referrer.delete', 'lead.delete', 'lead.unqualify', 'reward.cancel', 'reward.issue'];
		const seen: string[] = [];
		for (const property of operations) {
			const resource = property.displayOptions!.show!.resource![0] as string;
			for (const option of property.options as Array<{ name: string; value: string; action: string; description: string }>) {
				const id = `${resource}.${option.value}`;
				seen.push(id);
				// "Get Many" → "Get many referrers"; "Issue" → "Issue a reward": the operation's own verb, then the record.
				expect([id, option.action]).toEqual([id, expect.stringMatching(new RegExp(`^${option.name.charAt(0)}${option.name.slice(1).toLowerCase()}( a| an)? ${resource}s?$`))]);
				expect([id, option.action.length <= 40]).toEqual([id, true]);
				if (irreversible.includes(id)) expect([id, option.description]).toEqual([id, expect.stringMatching(/^Irreversible/)]);
				else expect([id, option.description]).toEqual([id, expect.not.stringMatching(/irreversibl/i)]);
			}
		}
		expect(seen).toEqual(expect.arrayContaining(irreversible));
	});

	/** The node's subtitle on the canvas, worked out by n8n's expression engine for these parameters. */
	function subtitleFor(type: string, subtitle: string, parameters: INode['parameters']): unknown {
		const node: INode = { id: '1', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters };
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {});
	}

	it('shows each operation and event on the canvas in words, not internal values', () => {
		const seen = new Set<string>();
		const resources = referralFactoryNode.description.properties.find((p) => p.name === 'resource')!.options as Array<{ name: string; value: string }>;
		for (const resource of resources) {
			const operations = referralFactoryNode.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource.value))!;
			for (const operation of operations.options as Array<{ name: string; value: string }>) {
				const words = subtitleFor(REFERRAL_FACTORY_TYPE, referralFactoryNode.description.subtitle!, { resource: resource.value, operation: operation.value });
				expect(words).toEqual(expect.stringMatching(/^[A-Z][a-z]+( [A-Z][a-z]+)+$/));
				expect(words).toContain(operation.name);
				expect(words).toContain(resource.name);
				seen.add(words as string);
			}
		}
		const events = triggerNode.description.properties.find((p) => p.name === 'event')!.options as Array<{ name: string; value: string }>;
		for (const event of events) {
			expect(subtitleFor(TRIGGER_TYPE, triggerNode.description.subtitle!, { setup: 'automatic', event: event.value })).toBe(event.name);
		}
		expect(subtitleFor(TRIGGER_TYPE, triggerNode.description.subtitle!, { setup: 'dashboard' })).toBe('Dashboard Webhook');
		const polled = pollingTriggerNode.description.properties.find((p) => p.name === 'event')!.options as Array<{ name: string; value: string }>;
		for (const event of polled) {
			expect(subtitleFor(POLLING_TRIGGER_TYPE, pollingTriggerNode.description.subtitle!, { event: event.value })).toBe(event.name);
		}
		expect(seen.size).toBeGreaterThan(1);
	});
});
