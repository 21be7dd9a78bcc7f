/**
 * The sandbox's data: campaigns and users, modelled on the v2 API's objects
 * (docs/referral-factory-api.md, P1, P2, C2, C3). Routes in server.ts read and change it; tests inspect it.
 */
import { randomInt } from 'node:crypto';

import type { SandboxConfig } from './config';

export interface CampaignField {
	id: string;
	type: 'input' | 'select';
	label: string;
	value: string;
	required: boolean;
}

export interface Campaign {
	id: number;
	name: string;
	code: string;
	subdomain: string;
	lang: string;
	status: 'launched' | 'draft' | 'paused';
	starts_at: string | null;
	ends_at: string | null;
	created_at: string;
	fields: { person_referring: CampaignField[]; person_invited: CampaignField[] };
}

export interface MetaEntry {
	field: string;
	value: unknown;
}

export interface User {
	id: number;
	campaign_id: number;
	referrer_id: number | null;
	code: string;
	first_name: string;
	email: string;
	source: 'Api' | 'Direct' | 'Referred';
	type: 'person_referring' | 'person_invited';
	ip: string;
	signed_up_at: string;
	qualified_at: string | null;
	unsubscribed_at: string | null;
	meta: MetaEntry[];
	promotion: { code: string } | null;
}

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function field(label: string, required = false, type: 'input' | 'select' = 'input'): CampaignField {
	return { id: label.toLowerCase().replace(/\W+/g, '_'), type, label, value: '', required };
}

const NAMED_CAMPAIGNS: Array<Pick<Campaign, 'name' | 'subdomain' | 'status'> & { extra: CampaignField[] }> = [
	{ name: 'Acme Coffee Friends', subdomain: 'acme-coffee', status: 'launched', extra: [field('Last Name'), field('Company')] },
	{ name: 'Bloom Yoga Refer a Friend', subdomain: 'bloom-yoga', status: 'launched', extra: [field('Last Name'), field('Phone')] },
	{ name: 'Northwind SaaS Partners', subdomain: 'northwind', status: 'launched', extra: [field('Company', true), field('Plan', false, 'select')] },
	{ name: 'Summer Launch', subdomain: 'summer-launch', status: 'draft', extra: [] },
];

export class Store {
	campaigns: Campaign[] = [];

	users: User[] = [];

	// campaign id + lower-cased email → user: the API's uniqueness rule, and a fast lookup for big runs.
	private readonly byEmail = new Map<string, User>();

	private nextUserId = 1001;

	constructor(
		private readonly settings: () => Pick<SandboxConfig, 'dateFormat' | 'clockOffsetMs' | 'fieldIds' | 'qualifiedForm'> = () => ({
			dateFormat: 'date',
			clockOffsetMs: 0,
			fieldIds: 'slug',
			qualifiedForm: 'qualified_at',
		}),
	) {
		this.reset();
	}

	/** Four named campaigns plus numbered ones up to `campaignCount` (30 by default: two pages of 25). */
	reset(campaignCount = 30): void {
		this.users = [];
		this.byEmail.clear();
		this.userCodes.clear();
		this.nextUserId = 1001;
		const created = '2026-01-05';
		this.campaigns = NAMED_CAMPAIGNS.map((c, index) => this.campaign(index + 1, c.name, c.subdomain, c.status, c.extra, created));
		for (let n = this.campaigns.length + 1; n <= campaignCount; n++) {
			this.campaigns.push(this.campaign(n, `Regional Campaign ${String(n).padStart(2, '0')}`, `region-${n}`, 'launched', [], created));
		}
	}

	private campaign(
		id: number,
		name: string,
		subdomain: string,
		status: Campaign['status'],
		extra: CampaignField[],
		created: string,
	): Campaign {
		const base = [field('First Name', true), field('Email', true)];
		return {
			id,
			name,
			code: this.uniqueCode(new Set(this.campaigns.map((c) => c.code))),
			subdomain,
			lang: 'en',
			status,
			starts_at: null,
			ends_at: null,
			created_at: created,
			fields: { person_referring: [...base, ...extra], person_invited: [...base] },
		};
	}

	private readonly userCodes = new Set<string>();

	private uniqueUserCode(): string {
		const code = this.uniqueCode(this.userCodes);
		this.userCodes.add(code);
		return code;
	}

	private uniqueCode(taken: Set<string>): string {
		for (;;) {
			let code = '';
			for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
			if (!taken.has(code)) return code;
		}
	}

	findCampaign(identifier: string): Campaign | undefined {
		return this.campaigns.find((c) => String(c.id) === identifier || c.code === identifier);
	}

	findUser(identifier: string): User | undefined {
		const lowered = identifier.toLowerCase();
		return this.users.find((u) => String(u.id) === identifier || u.code === identifier || u.email === lowered);
	}

	findUserByEmail(campaignId: number, email: string): User | undefined {
		return this.byEmail.get(`${campaignId}\n${email.toLowerCase()}`);
	}

	/** Partial update; meta entries replace those with the same label and add the others. */
	updateUser(user: User, changes: { firstName?: string; email?: string; meta?: MetaEntry[] }): User {
		if (changes.firstName !== undefined) user.first_name = changes.firstName;
		if (changes.email !== undefined) {
			this.byEmail.delete(`${user.campaign_id}\n${user.email}`);
			user.email = changes.email.toLowerCase();
			this.byEmail.set(`${user.campaign_id}\n${user.email}`, user);
		}
		for (const entry of changes.meta ?? []) {
			const current = user.meta.find((m) => m.field.toLowerCase() === String(entry.field).toLowerCase());
			if (current) current.value = entry.value;
			else user.meta.push({ field: entry.field, value: entry.value });
		}
		return user;
	}

	deleteUser(user: User): void {
		this.users = this.users.filter((other) => other !== user);
		this.byEmail.delete(`${user.campaign_id}\n${user.email}`);
	}

	createUser(input: {
		campaign: Campaign;
		firstName: string;
		email: string;
		meta: MetaEntry[];
		promotion: boolean;
		referrer?: User;
		/** An ID reserved earlier (`reserveId`): a record whose commit comes after later ones'. */
		id?: number;
	}): User {
		const user: User = {
			id: input.id ?? this.nextUserId++,
			campaign_id: input.campaign.id,
			referrer_id: input.referrer?.id ?? null,
			code: this.uniqueUserCode(),
			first_name: input.firstName,
			email: input.email.toLowerCase(),
			// A lead came through a referrer (INFERRED from the sources: docs/referral-factory-api.md, P2, N1).
			source: input.referrer ? 'Referred' : 'Api',
			type: input.referrer ? 'person_invited' : 'person_referring',
			ip: '127.0.0.1',
			signed_up_at: this.now(),
			qualified_at: null,
			unsubscribed_at: null,
			meta: input.meta,
			promotion: input.promotion ? { code: `PROMO-${this.nextUserId}` } : null,
		};
		// In ID order, as a table read without an order gives its rows (a reserved ID lands before later ones).
		const after = this.users.findIndex((other) => other.id > user.id);
		if (after < 0) this.users.push(user);
		else this.users.splice(after, 0, user);
		this.byEmail.set(`${user.campaign_id}\n${user.email}`, user);
		return user;
	}

	/** An ID taken now for a user created later: the database's sequence moved on, the row commits late. */
	reserveId(): number {
		return this.nextUserId++;
	}

	/** The sandbox's clock (with its offset), as stored: an ISO time in UTC. */
	now(): string {
		return new Date(Date.now() + this.settings().clockOffsetMs).toISOString();
	}

	/** A stored time as the API writes it (`dateFormat`). */
	date(stored: string | null): string | null {
		if (stored === null) return null;
		const format = this.settings().dateFormat;
		if (format === 'iso') return stored.replace(/\.(\d{3})Z$/, '.$1000Z');
		if (format === 'local') return stored.slice(0, 19).replace('T', ' ');
		return stored.slice(0, 10);
	}

	/** The user object as the API shows it: stored fields plus the link, QR and sharing derived from them. */
	present(user: User): Record<string, unknown> {
		const campaign = this.campaigns.find((c) => c.id === user.campaign_id);
		const url = `https://${campaign?.subdomain ?? 'app'}.referral-factory.com/${user.code}`;
		const { qualifiedForm } = this.settings();
		const { qualified_at: qualifiedAt, ...rest } = user;
		const qualification =
			qualifiedForm === 'qualified_at'
				? { qualified_at: this.date(qualifiedAt) }
				: { qualified: qualifiedForm === 'number' ? (qualifiedAt === null ? 0 : 1) : qualifiedAt !== null };
		return {
			...rest,
			...qualification,
			signed_up_at: this.date(user.signed_up_at),
			reach: 0,
			url,
			qr: { src: `${url}/qr-code`, download: `${url}/download-qr-code` },
			sharing: {
				socials: ['email', 'whatsapp', 'linkedin'].map((social) => ({
					social,
					url: `https://referral-factory.com/${user.code}/socials/${social}`,
				})),
				subject: null,
				text: null,
			},
		};
	}

	presentCampaign(campaign: Campaign): Record<string, unknown> {
		const { subdomain, ...rest } = campaign;
		const shown: Record<string, unknown> = { ...rest, reach: 0, url: `https://${subdomain}.referral-factory.com/${campaign.code}/signup` };
		if (this.settings().fieldIds === 'opaque') {
			const opaque = (fields: CampaignField[], offset: number) => fields.map((f, i) => ({ ...f, id: `cf_${campaign.id}${offset + i}` }));
			shown.fields = { person_referring: opaque(campaign.fields.person_referring, 0), person_invited: opaque(campaign.fields.person_invited, 50) };
		}
		return shown;
	}
}
