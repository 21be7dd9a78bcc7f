/**
 * The node as AI tools, for real: a published workflow whose MCP Server Trigger (v2, bearer auth) has a Referral
 * Factory tool node for every operation attached (inputs from `$fromAI`; three with descriptions set by hand, the rest
 * described by n8n from the operation), and an MCP client (@modelcontextprotocol/sdk, streamable HTTP) that lists the
 * tools, checks their descriptions and input schemas, calls them and checks the sandbox's state. No language model is
 * involved: the client is what an agent would be.
 */
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import type { Served } from './served';

const PATH = 'referral-factory-tools';

/** Every tool of the fixture (one per operation) and the inputs an agent must give it (`$fromAI` in its parameters). */
const INPUTS: Record<string, string[]> = {
	Add_Referrer: ['email', 'firstName'],
	Get_Referrer: ['referralCode'],
	Get_Many_Referrers: [],
	Update_Referrer: ['firstName', 'referrerId'],
	Delete_Referrer: ['referrerId'],
	Add_Lead: ['email', 'firstName', 'referrerCode'],
	Get_Lead: ['leadReferralCode'],
	Get_Many_Leads: [],
	Qualify_Lead: ['leadReferralCode'],
	Unqualify_Lead: ['leadId'],
	Update_Lead: ['email', 'leadId'],
	Delete_Lead: ['leadId'],
	Get_Campaign: ['campaignId'],
	Get_Many_Campaigns: [],
	Get_Many_Rewards: [],
	Issue_Reward: ['dueRewardId'],
	Cancel_Reward: ['dueRewardId'],
};
/** The tools that cannot be undone: the workflow describes them by hand, as docs/ai-agents.md advises. */
const IRREVERSIBLE = ['Delete_Referrer', 'Delete_Lead', 'Unqualify_Lead', 'Issue_Reward', 'Cancel_Reward'];
/** The tools whose description the workflow sets by hand. */
const MANUAL = ['Add_Referrer', 'Get_Referrer', 'Qualify_Lead', ...IRREVERSIBLE];

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
		await check('lists every operation as a tool, the irreversible ones saying so, each with the inputs an agent must fill', async () => {
			const { tools } = await client.listTools();
			const byName = new Map(tools.map((tool) => [tool.name, tool]));
			const required = (name: string) => [...(byName.get(name)?.inputSchema.required ?? [])].sort();
			// Every operation of the node, as n8n names the tool after its node.
			assert.deepEqual([...byName.keys()].sort(), Object.keys(INPUTS).sort());
			for (const [name, inputs] of Object.entries(INPUTS)) {
				assert.deepEqual(Object.keys(byName.get(name)!.inputSchema.properties ?? {}).sort(), [...inputs].sort(), `${name}: inputs`);
				assert.deepEqual(required(name), [...inputs].sort(), `${name}: required inputs`);
			}
			const add = byName.get('Add_Referrer')!;
			assert.match(add.description ?? '', /referrer.*referralLink/s);
			// The others describe themselves: n8n's automatic tool description, the operation's short action "in Referral Factory".
			for (const name of Object.keys(INPUTS).filter((tool) => !MANUAL.includes(tool))) {
				const description = byName.get(name)!.description ?? '';
				assert.match(description, /^(Add|Get|Update|Qualify) (a|many) \w+ in Referral Factory$/, `${name}: "${description}"`);
			}
			// Those that cannot be undone carry the workflow's own words: the warning and which ID to give.
			for (const name of IRREVERSIBLE) assert.match(byName.get(name)!.description ?? '', /^Irreversible.*exact ID|^Irreversible.*own id/, `${name}: "${byName.get(name)!.description}"`);
			assert.match(byName.get('Issue_Reward')!.description ?? '', /pay out money/);
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

		await check('Get_Many_Referrers with Include Analytics gives each referrer’s figures', async () => {
			const listed = JSON.parse(textOf(await call('Get_Many_Referrers', {}))) as Array<Record<string, unknown>>;
			const ada = listed.map((entry) => ((entry as { json?: Record<string, unknown> }).json ?? entry)).find((entry) => entry.referralCode === referralCode);
			assert.deepEqual(ada?.analytics, { reach: 1, referrals: 1, qualifiedReferrals: 1 });
		});

		await check('Issue_Reward issues the exact due reward once; Cancel_Reward and Delete_Lead change what they name and nothing else', async () => {
			const referrer = sandbox.store.users.find((user) => user.code === referralCode)!;
			const credit = sandbox.rewards.earned.find((reward) => reward.recipient_id === referrer.id)!;
			const coupon = sandbox.rewards.earned.find((reward) => reward.recipient_id !== referrer.id)!;
			// A reward rule's ID where the due reward's is asked: an error the agent can read, nothing sent.
			const sent = sandbox.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/rewards/')).length;
			assert.match(textOf(await call('Issue_Reward', { dueRewardId: String(credit.reward_id) })), /No due reward with ID \d+: it is in neither/);
			assert.equal(sandbox.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v2/rewards/')).length, sent, 'a rule ID was sent');
			const issued = jsonOf(await call('Issue_Reward', { dueRewardId: String(credit.id) }));
			assert.deepEqual([issued.id, issued.status, issued.rewardRuleId], [credit.id, 'issued', credit.reward_id]);
			assert.equal(jsonOf(await call('Issue_Reward', { dueRewardId: String(credit.id) })).outcome, 'alreadyIssued');
			assert.equal(credit.payouts, 1);
			await call('Cancel_Reward', { dueRewardId: String(coupon.id) });
			assert.deepEqual(sandbox.rewards.earned.map((reward) => reward.id), [credit.id]);
			const lead = sandbox.store.users.find((user) => user.email === 'lou.mcp@example.com')!;
			await call('Delete_Lead', { leadId: String(lead.id) });
			assert.deepEqual(sandbox.store.users.map((user) => user.email).filter((email) => email.endsWith('.mcp@example.com')), ['ada.mcp@example.com']);
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
