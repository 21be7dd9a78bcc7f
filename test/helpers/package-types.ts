/**
 * The package's node and credential classes, found through package.json's `n8n` section and loaded as n8n's
 * loader loads them, and the node types registry the engine runs them from.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { ICredentialType, INodeProperties, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import packageJson from '../../package.json';

const ROOT = join(__dirname, '..', '..');
export const PACKAGE_NAME = packageJson.name;
export const CREDENTIAL_NAME = 'referralFactoryPublicApi';
export const SECRET_CREDENTIAL_NAME = 'referralFactoryWebhookApi';

const loadModule = createRequire(__filename);

// Tests load the TypeScript sources behind the paths in package.json; RF_NODE_SOURCE=dist (the demo) loads the
// compiled build itself.
const FROM_DIST = process.env.RF_NODE_SOURCE === 'dist';

/** Loads a class the way n8n's loader does: the file named in package.json, the class named after the file. */
function loadClass<T>(distPath: string, suffix: '.node.js' | '.credentials.js'): T {
	const source = FROM_DIST
		? join(ROOT, distPath)
		: join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const className = distPath.split('/').pop()!.replace(suffix, '');
	const exported = (loadModule(source) as Record<string, new () => T>)[className];
	if (!exported) throw new Error(`${source} does not export a class named ${className}`);
	return new exported();
}

export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	packageJson.n8n.credentials.map((path) => {
		const credential = loadClass<ICredentialType>(path, '.credentials.js');
		return [credential.name, credential];
	}),
);

export const nodeTypeList: INodeType[] = packageJson.n8n.nodes.map((path) =>
	loadClass<INodeType>(path, '.node.js'),
);

export function nodeTypeName(node: INodeType): string {
	return `${PACKAGE_NAME}.${node.description.name}`;
}

export const referralFactoryNode = nodeTypeList.find((n) => n.description.name === 'referralFactory')!;
export const REFERRAL_FACTORY_TYPE = nodeTypeName(referralFactoryNode);
export const triggerNode = nodeTypeList.find((n) => n.description.name === 'referralFactoryTrigger')!;
export const TRIGGER_TYPE = nodeTypeName(triggerNode);
export const pollingTriggerNode = nodeTypeList.find((n) => n.description.name === 'referralFactoryPollingTrigger')!;
export const POLLING_TRIGGER_TYPE = nodeTypeName(pollingTriggerNode);

/** The description of a node that exists only for a test or a measurement, using the package's credential. */
export function helperNodeDescription(name: string, properties: INodeProperties[] = []): INodeType['description'] {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: '',
		defaults: {},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties,
	};
}

export class PackageNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType>();

	register(name: string, type: INodeType): void {
		this.types.set(name, type);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string): INodeType {
		return this.getByName(name) as INodeType;
	}

	getKnownTypes() {
		return {};
	}
}

export const nodeTypes = new PackageNodeTypes();
for (const node of nodeTypeList) nodeTypes.register(nodeTypeName(node), node);
