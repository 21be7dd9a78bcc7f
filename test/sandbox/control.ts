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
		rewards.reset();
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
		if ('campaignCount' in json) store.reset(config.campaignCount);
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
	if (path === '/faults' && method === 'POST') {
		const fault = json as unknown as Fault;
		faults.push({ ...fault, times: fault.times ?? 1 });
		return new HttpAnswer(201, faults);
	}
	return new HttpAnswer(404, { message: 'Unknown sandbox control route.' });
};

}
