/**
 * The sandbox's control routes (/__sandbox/*, no token; the server listens on 127.0.0.1 only): what it received,
 * its users, rewards, webhook registrations and deliveries, its counters, and the switches tests and scripts set.
 */
import { DEFAULT_CONFIG, type Fault, type RecordedRequest, type SandboxConfig, type SandboxStats } from './config';
import { HttpAnswer } from './http';
import type { Rewards } from './rewards';
import type { Store } from './store';
import type { DashboardWebhook, Webhooks } from './webhooks';

export interface SandboxState {
	store: Store;
	rewards: Rewards;
	webhooks: Webhooks;
	config: SandboxConfig;
	faults: Fault[];
	requests: RecordedRequest[];
	stats: SandboxStats;
	/** Arrival times per token, for the rate limit. */
	hits: Map<string, number[]>;
	/** What workflows posted to /__sandbox/sink: how an end-to-end check sees an execution's items. */
	sink: unknown[];
}

export function controlRoutes({ store, rewards, webhooks, config, faults, requests, stats, hits, sink }: SandboxState) {
	return (method: string, path: string, body: unknown): HttpAnswer => {
	const json = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
	if (path === '/requests' && method === 'GET') return new HttpAnswer(200, requests);
	if (path === '/requests' && method === 'DELETE') {
		requests.length = 0;
		return new HttpAnswer(204, undefined);
	}
	if (path === '/users' && method === 'GET') return new HttpAnswer(200, store.users.map((u) => store.present(u)));
	if (path === '/rewards' && method === 'GET') return new HttpAnswer(200, rewards.earned);
	if (path === '/stats' && method === 'GET') return new HttpAnswer(200, stats);
	if (path === '/sink' && method === 'POST') {
		sink.push(body);
		return new HttpAnswer(200, { received: true });
	}
	if (path === '/sink' && method === 'GET') return new HttpAnswer(200, sink);
	if (path === '/webhooks' && method === 'GET') return new HttpAnswer(200, webhooks.registrations);
	if (path === '/deliveries' && method === 'GET') return new HttpAnswer(200, webhooks.deliveries);
	if (path === '/dashboard-webhook' && method === 'POST') {
		webhooks.dashboard = json.url ? (json as unknown as DashboardWebhook) : undefined;
		return new HttpAnswer(200, webhooks.dashboard ?? {});
	}
	if (path === '/reset' && method === 'POST') {
		store.reset(DEFAULT_CONFIG.campaignCount);
		rewards.reset(DEFAULT_CONFIG.campaignCount);
		webhooks.reset();
		sink.length = 0;
		requests.length = 0;
		faults.length = 0;
		hits.clear();
		Object.assign(config, DEFAULT_CONFIG);
		Object.assign(stats, { requests: 0, rateLimited: 0, faults: {}, maxInFlight: 0 });
		return new HttpAnswer(204, undefined);
	}
	if (path === '/config' && method === 'GET') return new HttpAnswer(200, config);
	if (path === '/config' && method === 'POST') {
		// A new limit starts a new count.
		if ('rateLimit' in json || 'rateWindowMs' in json) hits.clear();
		Object.assign(config, json);
		if ('campaignCount' in json) {
			store.reset(config.campaignCount);
			rewards.reset(config.campaignCount);
		}
		return new HttpAnswer(200, config);
	}
	if (path === '/seed' && method === 'POST') {
		// Many referrers at once, for lists and measurements: {campaign_id, count}.
		const campaign = store.findCampaign(String(json.campaign_id ?? 1));
		if (!campaign) return new HttpAnswer(404, { message: 'No such campaign.' });
		const start = store.users.length;
		for (let i = 0; i < Number(json.count ?? 0); i++) {
			store.createUser({ campaign, firstName: `Seeded ${start + i}`, email: `seeded${start + i}@seed.example.com`, meta: [], promotion: false });
		}
		return new HttpAnswer(201, { users: store.users.length });
	}
	// Many qualified leads at once, for lists and measurements: {campaign_id, count, issued, spacingMs}. One referrer
	// brings `count` leads, qualified `spacingMs` apart up to now (each earns the campaign's rewards, due); the first
	// `issued` due rewards of each type are issued, `spacingMs` apart too.
	if (path === '/seed-qualified' && method === 'POST') {
		const campaign = store.findCampaign(String(json.campaign_id ?? 1));
		if (!campaign) return new HttpAnswer(404, { message: 'No such campaign.' });
		const count = Number(json.count ?? 0);
		const spacing = Number(json.spacingMs ?? 60_000);
		const start = Date.now() - count * spacing;
		const tag = store.users.length;
		const referrer = store.createUser({ campaign, firstName: 'Seeded referrer', email: `seeded-referrer${tag}@seed.example.com`, meta: [], promotion: false });
		for (let i = 0; i < count; i++) {
			const lead = store.createUser({ campaign, firstName: `Seeded lead ${i}`, email: `seeded-lead${tag}-${i}@seed.example.com`, meta: [], promotion: false, referrer });
			lead.qualified_at = new Date(start + i * spacing).toISOString();
			rewards.qualified(lead);
		}
		const byType = new Map<string, number>();
		for (const reward of rewards.earned) {
			const n = byType.get(reward.metric) ?? 0;
			if (reward.state !== 'due' || n >= Number(json.issued ?? 0)) continue;
			byType.set(reward.metric, n + 1);
			rewards.issue(reward);
			reward.issued_at = new Date(start + n * spacing).toISOString();
		}
		return new HttpAnswer(201, { users: store.users.length, rewards: rewards.earned.length });
	}
	// A user whose row commits after later ones: reserve an ID, create others, then create the user with it.
	if (path === '/reserve-id' && method === 'POST') return new HttpAnswer(200, { id: store.reserveId() });
	if (path === '/late-user' && method === 'POST') {
		const campaign = store.findCampaign(String(json.campaign_id ?? 1));
		if (!campaign || store.users.some((u) => u.id === Number(json.id))) return new HttpAnswer(422, { message: 'No such campaign, or the ID is taken.' });
		const user = store.createUser({ campaign, firstName: String(json.first_name ?? 'Late'), email: String(json.email ?? `late${String(json.id)}@example.com`), meta: [], promotion: false, id: Number(json.id) });
		return new HttpAnswer(201, store.present(user));
	}
	// Stored fields set as given (a qualification dated in the future, at a chosen time): {id, fields}.
	if (path === '/patch-user' && method === 'POST') {
		const user = store.users.find((u) => u.id === Number(json.id));
		if (!user) return new HttpAnswer(404, { message: 'No such user.' });
		Object.assign(user, json.fields);
		return new HttpAnswer(200, store.present(user));
	}
	if (path === '/faults' && method === 'POST') {
		const fault = json as unknown as Fault;
		faults.push({ ...fault, times: fault.times ?? 1 });
		return new HttpAnswer(201, faults);
	}
	return new HttpAnswer(404, { message: 'Unknown sandbox control route.' });
};

}
