/**
 * Referral Factory's outgoing webhooks, as the sandbox models them (docs/referral-factory-api.md, N2, N4, N5, N6;
 * INFERRED where the sources are silent): registrations made through the n8n endpoints (one per activation of a
 * trigger), and the dashboard webhook form (a URL, the fields the user ticked under names they chose, optional hidden
 * fields and headers). When a user joins, is qualified or a reward is issued through the API, the sender POSTs the
 * event to every registration that matches it and to the dashboard webhook, and records each delivery.
 *
 * No payload schema is published (docs/referral-factory-api.md, N4): registered deliveries carry the user object as the
 * API presents it (or the reward with its recipient) plus `event`, laid out as the `delivery*` switches say (flat,
 * under `data` or `user`, or in a list; the referrer by id, as an object or as flat fields; the event under one of
 * three names or none); dashboard deliveries carry only the ticked fields, renamed.
 */
import type { SandboxConfig } from './config';

type DeliverySettings = Pick<SandboxConfig, 'deliveryShape' | 'deliveryReferrer' | 'deliveryEvent' | 'deliveryCopies'>;
const FLAT_DELIVERIES: DeliverySettings = { deliveryShape: 'flat', deliveryReferrer: 'id', deliveryEvent: 'event', deliveryCopies: 1 };
/** The time between two copies of one delivery. */
const COPY_GAP_MS = 40;

export const WEBHOOK_EVENTS = ['user.join', 'user.qualified', 'reward_issued'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Registration {
	id: number;
	url: string;
	event: WebhookEvent;
	campaign_id: number | null;
	sources: string[];
	reward_id: number | null;
	created_at: string;
	/** Set when the registration is deleted: the record stays, so tests can see one registration per activation. */
	deleted_at: string | null;
}

export interface DashboardWebhook {
	url: string;
	/** A header the user added in the form, with its value: the trigger's shared secret. */
	headerName?: string;
	secret?: string;
	/** API field → the name the user gave it in the form (the fields not listed are not sent). */
	fields?: Record<string, string>;
	/** Hidden fields: fixed values sent with every delivery. */
	hidden?: Record<string, string>;
	events?: WebhookEvent[];
}

export interface Delivery {
	kind: 'registered' | 'dashboard';
	registrationId: number | null;
	url: string;
	event: WebhookEvent;
	body: unknown;
	/** The receiver's HTTP status; -1 when it could not be reached. */
	status: number;
	response: string;
	at: number;
}

/** Names a dashboard user might give the ticked fields (the help's example: docs/referral-factory-api.md, N5). */
export const DEFAULT_DASHBOARD_FIELDS: Record<string, string> = {
	email: 'email_address',
	first_name: 'First Name',
	code: 'referral_code',
	url: 'referral_link',
	campaign_id: 'campaign',
	referrer_id: 'referred_by',
};

export class Webhooks {
	registrations: Registration[] = [];

	deliveries: Delivery[] = [];

	dashboard: DashboardWebhook | undefined;

	private nextId = 7001;

	private readonly pending = new Set<Promise<void>>();

	constructor(
		private readonly settings: () => DeliverySettings = () => FLAT_DELIVERIES,
		/** A user as the API presents them, by id: the referrer a lead's delivery may carry. */
		private readonly person: (id: number) => Record<string, unknown> | undefined = () => undefined,
	) {}

	/** A registered delivery's body for `event` about `user` (plus `extra`, such as the reward), laid out per the switches. */
	private registeredBody(event: WebhookEvent, user: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
		const { deliveryShape, deliveryReferrer, deliveryEvent } = this.settings();
		const shown: Record<string, unknown> = { ...user };
		const referrer = typeof user.referrer_id === 'number' ? this.person(user.referrer_id) : undefined;
		if (referrer && deliveryReferrer === 'object') {
			delete shown.referrer_id;
			shown.referrer = referrer;
		}
		if (referrer && deliveryReferrer === 'flat') {
			Object.assign(shown, { referrer_email: referrer.email, referrer_code: referrer.code, referrer_name: referrer.first_name });
		}
		const tag = deliveryEvent === 'none' ? {} : { [deliveryEvent]: event };
		if (deliveryShape === 'data') return { ...tag, ...extra, data: shown };
		if (deliveryShape === 'user') return { ...tag, ...extra, user: shown };
		const flat = Object.keys(extra).length > 0 ? { ...tag, ...extra, user: shown } : { ...tag, ...shown };
		return deliveryShape === 'list' ? [flat] : flat;
	}

	reset(): void {
		this.registrations = [];
		this.deliveries = [];
		this.dashboard = undefined;
		this.nextId = 7001;
	}

	register(input: Omit<Registration, 'id' | 'created_at' | 'deleted_at'>): Registration {
		const registration: Registration = { ...input, id: this.nextId++, created_at: new Date().toISOString(), deleted_at: null };
		this.registrations.push(registration);
		return registration;
	}

	/** Deletes a live registration; false when there is none (already deleted, or never there). */
	remove(match: (registration: Registration) => boolean): boolean {
		const live = this.registrations.filter((r) => r.deleted_at === null && match(r));
		for (const registration of live) registration.deleted_at = new Date().toISOString();
		return live.length > 0;
	}

	get live(): Registration[] {
		return this.registrations.filter((r) => r.deleted_at === null);
	}

	/** A user joined or was qualified: their campaign's registrations for the event (and source), and the dashboard. */
	userEvent(event: 'user.join' | 'user.qualified', user: Record<string, unknown>): void {
		for (const registration of this.live) {
			if (registration.event !== event || registration.campaign_id !== user.campaign_id) continue;
			if (event === 'user.join' && registration.sources.length > 0 && !registration.sources.includes(String(user.source))) continue;
			this.deliver('registered', registration.id, registration.url, event, this.registeredBody(event, user), {});
		}
		this.dashboardEvent(event, user);
	}

	/** A reward was issued: the registrations for that reward (the campaign's reward rule). */
	rewardIssued(reward: Record<string, unknown>, recipient: Record<string, unknown> | undefined): void {
		for (const registration of this.live) {
			if (registration.event !== 'reward_issued' || registration.reward_id !== reward.reward_id) continue;
			this.deliver('registered', registration.id, registration.url, 'reward_issued', this.registeredBody('reward_issued', recipient ?? {}, { reward }), {});
		}
	}

	private dashboardEvent(event: WebhookEvent, user: Record<string, unknown>): void {
		const dashboard = this.dashboard;
		if (!dashboard || (dashboard.events && !dashboard.events.includes(event))) return;
		const body: Record<string, unknown> = { ...(dashboard.hidden ?? {}) };
		for (const [field, name] of Object.entries(dashboard.fields ?? DEFAULT_DASHBOARD_FIELDS)) body[name] = user[field] ?? null;
		const headers: Record<string, string> = dashboard.headerName && dashboard.secret !== undefined ? { [dashboard.headerName]: dashboard.secret } : {};
		this.deliver('dashboard', null, dashboard.url, event, body, headers);
	}

	private deliver(kind: Delivery['kind'], registrationId: number | null, url: string, event: WebhookEvent, body: unknown, headers: Record<string, string>): void {
		const copies = Math.max(1, Math.floor(this.settings().deliveryCopies || 1));
		for (let copy = 0; copy < copies; copy++) {
			const delivery: Delivery = { kind, registrationId, url, event, body, status: 0, response: '', at: Date.now() };
			this.deliveries.push(delivery);
			this.send(delivery, headers, copy * COPY_GAP_MS);
		}
	}

	private send(delivery: Delivery, headers: Record<string, string>, afterMs: number): void {
		const { url, body } = delivery;
		const sent = new Promise((resolve) => setTimeout(resolve, afterMs))
			.then(async () => {
				delivery.at = Date.now();
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'user-agent': 'Referral Factory sandbox', ...headers },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(10_000),
				});
				delivery.status = response.status;
				delivery.response = (await response.text()).slice(0, 500);
			})
			.catch((error: unknown) => {
				delivery.status = -1;
				delivery.response = String(error);
			})
			.finally(() => this.pending.delete(sent));
		this.pending.add(sent);
	}

	/** Resolves once every delivery started so far has its answer. */
	async settled(): Promise<void> {
		while (this.pending.size > 0) await Promise.all([...this.pending]);
	}
}
