/**
 * n8n's newer lint rules hold for the package: missing-paired-item, require-node-api-error, webhook-lifecycle-complete,
 * no-silent-error-swallowing and trigger-node-conventions (in `@n8n/eslint-plugin-community-nodes`' recommended set,
 * which `npm run lint` applies to `nodes/`, `credentials/` and package.json). Each is shown to be on for the
 * package's files (a file that breaks it is reported), and the package's own sources have no finding. Where n8n's rule
 * cannot look — its webhook checks read only object literals written inside the node class, and ours come from
 * registration.ts — the rule's intent is checked here on the loaded classes and on the source of the lifecycle.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeType } from 'n8n-workflow';
import * as ts from 'typescript';

import { ReferralFactory } from '../nodes/ReferralFactory/ReferralFactory.node';
import { ReferralFactoryPollingTrigger } from '../nodes/ReferralFactoryPollingTrigger/ReferralFactoryPollingTrigger.node';
import { ReferralFactoryTrigger } from '../nodes/ReferralFactoryTrigger/ReferralFactoryTrigger.node';

const ROOT = join(__dirname, '..');
const RULES = ['missing-paired-item', 'require-node-api-error', 'webhook-lifecycle-complete', 'no-silent-error-swallowing', 'trigger-node-conventions'].map(
	(rule) => `@n8n/community-nodes/${rule}`,
);

interface LintResult {
	filePath: string;
	messages: Array<{ ruleId: string | null; message: string; line: number }>;
}

/** ESLint with the project's own config (eslint.config.mjs), as `npm run lint` runs it. */
function eslint(args: string[], input?: string): LintResult[] {
	const out = execFileSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...args], {
		cwd: ROOT,
		input,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		// ESLint exits 1 when it finds something; the JSON is what is judged.
		stdio: ['pipe', 'pipe', 'pipe'],
	}).toString();
	return JSON.parse(out) as LintResult[];
}

function eslintAllowingFindings(args: string[], input?: string): LintResult[] {
	try {
		return eslint(args, input);
	} catch (error) {
		const stdout = (error as { stdout?: string }).stdout;
		if (!stdout) throw error;
		return JSON.parse(stdout) as LintResult[];
	}
}

/** A trigger that breaks each of the five rules once. */
const BREAKS_EACH_RULE = `
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
export class BadTrigger implements INodeType {
	description = { displayName: 'Bad', name: 'bad', inputs: [], webhooks: [{ name: 'default', httpMethod: 'POST', path: 'x' }] };
	webhookMethods = {
		default: {
			async checkExists() { try { return await Promise.resolve(true); } catch (error) { return false; } },
			async create() { return true; },
		},
	};
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try { await Promise.resolve(); } catch (error) { throw error; }
		return [[{ json: {} }]];
	}
}
`;

describe("n8n's newer lint rules", () => {
	it('are on for the package’s node files: a file under nodes/ that breaks each is reported by each', () => {
		const [result] = eslintAllowingFindings(['--stdin', '--stdin-filename', 'nodes/Bad/BadTrigger.node.ts', '--parser-options=project:false'], BREAKS_EACH_RULE);
		const reported = new Set(result.messages.map((message) => message.ruleId));
		expect(RULES.filter((rule) => !reported.has(rule))).toEqual([]);
	});

	it('find nothing in the package’s sources', () => {
		const findings = eslintAllowingFindings(['nodes', 'credentials']).flatMap((file) =>
			file.messages.filter((message) => RULES.includes(message.ruleId ?? '')).map((message) => `${file.filePath}:${message.line} ${message.ruleId}: ${message.message}`),
		);
		expect(findings).toEqual([]);
	}, 120_000);
});

describe('the rules’ intent where n8n’s rules cannot look', () => {
	const nodes: Array<[string, INodeType]> = [
		['ReferralFactory', new ReferralFactory()],
		['ReferralFactoryTrigger', new ReferralFactoryTrigger()],
		['ReferralFactoryPollingTrigger', new ReferralFactoryPollingTrigger()],
	];

	it('webhook-lifecycle-complete: every webhook group has checkExists, create and delete (the methods are imported, so n8n’s rule skips them)', () => {
		const withWebhooks = nodes.filter(([, node]) => (node.description.webhooks ?? []).length > 0);
		expect(withWebhooks.map(([name]) => name)).toEqual(['ReferralFactoryTrigger']);
		for (const [, node] of withWebhooks) {
			const groups = Object.entries(node.webhookMethods ?? {});
			expect(groups.map(([group]) => group)).toEqual(['default']);
			for (const [, methods] of groups) {
				expect(Object.fromEntries(['checkExists', 'create', 'delete'].map((method) => [method, typeof (methods as Record<string, unknown>)[method]]))).toEqual({
					checkExists: 'function',
					create: 'function',
					delete: 'function',
				});
			}
		}
	});

	it('no-silent-error-swallowing: no catch in the webhook lifecycle (registration.ts) is empty or only returns a constant', () => {
		const file = join(ROOT, 'nodes/ReferralFactoryTrigger/registration.ts');
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
		const silent: string[] = [];
		const isSilent = (body: ts.Node | undefined): boolean => {
			if (body === undefined) return true;
			if (!ts.isBlock(body)) return body.kind === ts.SyntaxKind.TrueKeyword || body.kind === ts.SyntaxKind.FalseKeyword || ts.isIdentifier(body) && body.text === 'undefined';
			if (body.statements.length === 0) return true;
			if (body.statements.length > 1) return false;
			const [only] = body.statements;
			return ts.isReturnStatement(only) && (only.expression === undefined || isSilent(only.expression));
		};
		const where = (node: ts.Node) => `registration.ts:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
		const visit = (node: ts.Node): void => {
			if (ts.isCatchClause(node) && isSilent(node.block)) silent.push(where(node));
			// `.catch(() => false)` swallows as surely as a catch block.
			if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'catch') {
				const [handler] = node.arguments;
				if (handler && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) && isSilent(handler.body)) silent.push(where(node));
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
		expect(silent).toEqual([]);
	});

	it('trigger-node-conventions: each trigger’s name and display name say Trigger, it has no inputs, is in the trigger group and is not offered as an AI tool', () => {
		for (const [name, node] of nodes.filter(([className]) => className.endsWith('Trigger'))) {
			const { description } = node;
			expect([name, description.name.endsWith('Trigger'), description.displayName.includes('Trigger'), description.inputs, description.group, description.usableAsTool]).toEqual([
				name,
				true,
				true,
				[],
				['trigger'],
				undefined,
			]);
		}
	});
});
