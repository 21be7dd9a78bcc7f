/**
 * The node as AI tools, for real: a published workflow whose MCP Server Trigger (v2, bearer auth) has three Referral
 * Factory tool nodes attached (Add Referrer, Get Referrer, Qualify Lead, inputs from `$fromAI`), and an MCP client
 * (@modelcontextprotocol/sdk, streamable HTTP) that lists the tools, checks their input schemas, calls each and
 * checks the sandbox's state. No language model is involved: the client is what an agent would be.
 */
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import type { Served } from './served';

const PATH = 'referral-factory-tools';

interface ToolResult {
	isError?: boolean;
	content?: Array<{ type: string; text?: string }>;
}

const textOf = (result: unknown) =>
	((result as ToolResult).content ?? [])
		.map((part) => part.text ?? '')
		.join('\n');

/** The first JSON object in a tool result's text (n8n returns the node's output items as JSON text). */
function jsonOf(result: unknown): Record<string, unknown> {
	const parsed = JSON.parse(textOf(result)) as unknown;
	const first = Array.isArray(parsed) ? parsed[0] : parsed;
	return ((first as { json?: unknown })?.json ?? first) as Record<string, unknown>;
}

export async function mcpChecks(served: Served, check: Served['check']): Promise<void> {
	const { sandbox, base, values } = served;
	const client = new Client({ name: 'referral-factory-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp/${PATH}`), {
		requestInit: { headers: { Authorization: `Bearer ${values.MCP_TOKEN}` } },
	});
	const results: unknown[] = [];
	const call = async (name: string, args: Record<string, unknown>) => {
		const result = await client.callTool({ name, arguments: args });
		results.push(result);
		return result;
	};

	const connected = await check('an MCP client connects with the bearer token; without it, it is refused', async () => {
		const refused = await fetch(`${base}/mcp/${PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
			body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
		});
		// n8n answers 403 to a missing bearer token (2.41.1); 401 would be as good.
		assert.ok([401, 403].includes(refused.status), `HTTP ${refused.status} without the token`);
		await client.connect(transport);
	});
	if (!connected) return;
	try {
		await check('lists the three tools with descriptions and input schemas an agent can fill', async () => {
			const { tools } = await client.listTools();
			const byName = new Map(tools.map((tool) => [tool.name, tool]));
			assert.deepEqual([...byName.keys()].sort(), ['Add_Referrer', 'Get_Referrer', 'Qualify_Lead']);
			const add = byName.get('Add_Referrer')!;
			assert.match(add.description ?? '', /referrer.*referralLink/s);
			assert.deepEqual(Object.keys(add.inputSchema.properties ?? {}).sort(), ['email', 'firstName']);
			assert.deepEqual([...(add.inputSchema.required ?? [])].sort(), ['email', 'firstName']);
			assert.deepEqual(Object.keys(byName.get('Get_Referrer')!.inputSchema.properties ?? {}), ['referralCode']);
			assert.deepEqual(Object.keys(byName.get('Qualify_Lead')!.inputSchema.properties ?? {}), ['leadReferralCode']);
		});

		let referralCode = '';
		await check('Add_Referrer adds the person in the sandbox and returns their link and code', async () => {
			const before = sandbox.store.users.length;
			const result = jsonOf(await call('Add_Referrer', { firstName: 'Ada', email: 'ada.mcp@example.com' }));
			const added = sandbox.store.users.find((user) => user.email === 'ada.mcp@example.com');
			assert.ok(added, 'the referrer is not in the sandbox');
			assert.equal(sandbox.store.users.length, before + 1);
			assert.equal(result.referralCode, added.code);
			assert.match(String(result.referralLink), new RegExp(`/${added.code}$`));
			referralCode = added.code;
		});

		await check('Get_Referrer finds them by referral code', async () => {
			const result = jsonOf(await call('Get_Referrer', { referralCode }));
			assert.deepEqual([result.email, result.firstName, result.referralCode], ['ada.mcp@example.com', 'Ada', referralCode]);
		});

		await check('Qualify_Lead qualifies the lead in the sandbox', async () => {
			const referrer = sandbox.store.users.find((user) => user.code === referralCode)!;
			const lead = sandbox.store.createUser({ campaign: sandbox.store.findCampaign('1')!, firstName: 'Lou', email: 'lou.mcp@example.com', meta: [], promotion: false, referrer });
			const result = jsonOf(await call('Qualify_Lead', { leadReferralCode: lead.code }));
			assert.equal(result.qualified, true);
			assert.notEqual(lead.qualified_at, null);
		});

		await check('a bad email comes back as an error the agent can read, with nothing sent to Referral Factory', async () => {
			const sent = sandbox.requests.length;
			const result = await call('Add_Referrer', { firstName: 'Eve', email: 'eve-at-example.com' });
			assert.match(textOf(result), /'Email' is not a valid email address: "eve-at-example\.com"/);
			assert.equal(sandbox.requests.length, sent, 'a request reached the sandbox');
		});

		await check('the access token appears in no tool result', async () => {
			assert.ok(results.length >= 4);
			for (const result of results) assert.ok(!JSON.stringify(result).includes(sandbox.token), 'a tool result holds the token');
		});
	} finally {
		await client.close();
	}
}
