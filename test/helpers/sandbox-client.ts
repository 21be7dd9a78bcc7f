/**
 * Test-side HTTP access to the sandbox with undici: seeding through the public API as a real client would,
 * and reading what the sandbox received through its /__sandbox routes.
 */
import { request } from 'undici';

import type { Fault, RecordedRequest, SandboxStats } from '../sandbox/server';
import type { DashboardWebhook, Delivery, Registration } from '../sandbox/webhooks';

export interface SandboxUser {
	id: number;
	campaign_id: number;
	referrer_id: number | null;
	code: string;
	url: string;
	email: string;
	first_name: string;
	meta: Array<{ field: string; value: unknown }>;
	qualified_at: string | null;
	promotion: { code: string } | null;
}

export class SandboxClient {
	constructor(
		readonly url: string,
		readonly token: string,
	) {}

	private async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, auth = false): Promise<T> {
		const headers: Record<string, string> = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (auth) headers.authorization = `Bearer ${this.token}`;
		const response = await request(`${this.url}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.body.text();
		if (response.statusCode >= 400) throw new Error(`${method} ${path} → ${response.statusCode} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** Creates a referrer through the public API, as another integration would. */
	async createUser(body: Record<string, unknown>): Promise<SandboxUser> {
		return (await this.call<{ data: SandboxUser }>('POST', '/api/v2/users', body, true)).data;
	}

	/** Deletes a person through the public API, as someone in the dashboard might. */
	async deleteUser(id: number): Promise<void> {
		await this.call('DELETE', `/api/v2/users/${id}`, undefined, true);
	}

	/** Qualifies (or unqualifies) a person through the public API. */
	async qualify(body: Record<string, unknown>): Promise<SandboxUser> {
		return (await this.call<{ data: SandboxUser }>('PUT', '/api/v2/users/qualification', body, true)).data;
	}

	/** Every reward the sandbox holds, due and issued, with its state. */
	async rewards(): Promise<Array<{ id: number; recipient_id: number; metric: string; state: 'due' | 'issued'; total: number; payouts: number }>> {
		return await this.call('GET', '/__sandbox/rewards');
	}

	/** Issues a due reward through the public API. */
	async issueReward(id: number): Promise<void> {
		await this.call('POST', `/api/v2/rewards/issue/${id}`, {}, true);
	}

	/** Webhook registrations made through the n8n endpoints, deleted ones included (with `deleted_at`). */
	async webhooks(): Promise<Registration[]> {
		return await this.call('GET', '/__sandbox/webhooks');
	}

	/** Deliveries the sandbox sent, once every one under way has its answer. */
	async deliveries(): Promise<Delivery[]> {
		return await this.call('GET', '/__sandbox/deliveries');
	}

	/** Sets (or, with no url, removes) the dashboard webhook. */
	async dashboardWebhook(webhook: Partial<DashboardWebhook>): Promise<void> {
		await this.call('POST', '/__sandbox/dashboard-webhook', webhook);
	}

	/** An ID for a user whose row commits late (`lateUser`), taken before others are made. */
	async reserveId(): Promise<number> {
		return (await this.call<{ id: number }>('POST', '/__sandbox/reserve-id', {})).id;
	}

	async lateUser(body: Record<string, unknown>): Promise<SandboxUser> {
		return await this.call<SandboxUser>('POST', '/__sandbox/late-user', body);
	}

	/** Sets stored fields of a user as given (times as ISO text in UTC). */
	async patchUser(id: number, fields: Record<string, unknown>): Promise<void> {
		await this.call('POST', '/__sandbox/patch-user', { id, fields });
	}

	/** A referrer and `count` leads, qualified a minute apart up to now, their rewards due; the first `issued` of each type issued. */
	async seedQualified(campaignId: number, count: number, issued = 0, spacingMs = 60_000): Promise<void> {
		await this.call('POST', '/__sandbox/seed-qualified', { campaign_id: campaignId, count, issued, spacingMs });
	}

	/** Adds `count` referrers to a campaign straight into the store. */
	async seed(campaignId: number, count: number): Promise<void> {
		await this.call('POST', '/__sandbox/seed', { campaign_id: campaignId, count });
	}

	async reset(): Promise<void> {
		await this.call('POST', '/__sandbox/reset');
	}

	async requests(): Promise<RecordedRequest[]> {
		return await this.call<RecordedRequest[]>('GET', '/__sandbox/requests');
	}

	async clearRequests(): Promise<void> {
		await this.call('DELETE', '/__sandbox/requests');
	}

	async users(): Promise<SandboxUser[]> {
		return await this.call<SandboxUser[]>('GET', '/__sandbox/users');
	}

	async stats(): Promise<SandboxStats> {
		return await this.call<SandboxStats>('GET', '/__sandbox/stats');
	}

	async configure(config: Record<string, unknown>): Promise<void> {
		await this.call('POST', '/__sandbox/config', config);
	}

	async addFault(fault: Partial<Fault>): Promise<void> {
		await this.call('POST', '/__sandbox/faults', fault);
	}
}
