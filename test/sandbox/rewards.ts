/**
 * The sandbox's rewards (docs/referral-factory-api.md, R1–R7; INFERRED where the sources are silent): every
 * campaign has reward rules; qualifying a lead creates due rewards for the referrer (and for the lead, where a
 * rule says so); issuing moves a due reward to issued; cancelling removes it. Unqualifying removes the rewards of
 * that qualification still due. Routes: GET /rewards/{due|issued|dashboard}/{metric}, POST /rewards/issue/{id},
 * POST /rewards/cancel/{id}.
 */
import { HttpAnswer } from './http';
import type { User } from './store';

/** Fields a reward search may filter or sort on: a reward record's own (docs/referral-factory-api.md, R2, R3). */
const REWARD_FIELDS = ['id', 'reward_id', 'recipient_id', 'status', 'issued_at', 'can_be_issued', 'coupon'];

export const METRICS = ['amount', 'commission', 'coupon', 'custom'] as const;
export type Metric = (typeof METRICS)[number];

export interface RewardRule {
	id: number;
	campaign_id: number;
	name: string;
	metric: Metric;
	/** Who gets it when a lead qualifies. */
	recipient: 'person_referring' | 'person_invited';
	value: number;
}

export interface EarnedReward {
	id: number;
	reward_id: number;
	recipient_id: number;
	/** The lead whose qualification earned it. */
	lead_id: number;
	metric: Metric;
	state: 'due' | 'issued';
	coupon: string | null;
	count: number;
	total: number;
	issued_at: string | null;
	/** How many times it was paid out: one, unless an API that allows it was asked twice. */
	payouts: number;
}

/** The named campaigns' reward rules: every type once, for the referrer and (campaign 1's coupon) for the lead. */
const RULES: RewardRule[] = [
	{ id: 9, campaign_id: 1, name: 'Coffee credit', metric: 'amount', recipient: 'person_referring', value: 25 },
	{ id: 10, campaign_id: 1, name: 'Welcome coupon', metric: 'coupon', recipient: 'person_invited', value: 10 },
	{ id: 11, campaign_id: 3, name: 'Partner commission', metric: 'commission', recipient: 'person_referring', value: 120 },
	{ id: 12, campaign_id: 2, name: 'Free class', metric: 'custom', recipient: 'person_referring', value: 1 },
	{ id: 13, campaign_id: 4, name: 'Launch credit', metric: 'amount', recipient: 'person_referring', value: 15 },
];

/** Every campaign earns a reward: the named ones their own rules, each numbered one a credit for the referrer (rule 100 + its ID). */
function rulesFor(campaignCount: number): RewardRule[] {
	const numbered = Array.from({ length: Math.max(0, campaignCount - 4) }, (_, i): RewardRule => {
		const campaign = i + 5;
		return { id: 100 + campaign, campaign_id: campaign, name: `Referral credit (campaign ${campaign})`, metric: 'amount', recipient: 'person_referring', value: 10 };
	});
	return [...RULES.filter((rule) => rule.campaign_id <= campaignCount).map((rule) => ({ ...rule })), ...numbered];
}

export class Rewards {
	rules: RewardRule[] = [];

	earned: EarnedReward[] = [];

	/** A stored time as the API writes it (routes.ts sets it from the `dateFormat` switch; a day by default). */
	date: (stored: string | null) => string | null = (stored) => stored && stored.slice(0, 10);

	/** The recipient to show inside a reward record, if any (routes.ts sets it from the `rewardRecipient` switch). */
	recipientOf: (id: number) => { key: string; person: Record<string, unknown> } | undefined = () => undefined;

	private nextId = 501;

	constructor() {
		this.reset();
	}

	/** No rewards earned yet; the reward rules of campaigns 1 to `campaignCount` (the store's campaigns). */
	reset(campaignCount = 30): void {
		this.rules = rulesFor(campaignCount);
		this.earned = [];
		this.nextId = 501;
	}

	/** A lead qualified: one due reward per rule of the campaign. */
	qualified(lead: User): void {
		if (lead.type !== 'person_invited' || lead.referrer_id === null) return;
		for (const rule of this.rules.filter((r) => r.campaign_id === lead.campaign_id)) {
			const id = this.nextId++;
			this.earned.push({
				id,
				reward_id: rule.id,
				recipient_id: rule.recipient === 'person_referring' ? lead.referrer_id : lead.id,
				lead_id: lead.id,
				metric: rule.metric,
				state: 'due',
				coupon: rule.metric === 'coupon' ? `SAVE${rule.value}-${id}` : null,
				count: 1,
				total: rule.metric === 'coupon' ? 0 : rule.value,
				issued_at: null,
				payouts: 0,
			});
		}
	}

	/** A lead unqualified (a refund): what it earned and is still due goes. */
	unqualified(lead: User): void {
		this.earned = this.earned.filter((reward) => reward.lead_id !== lead.id || reward.state !== 'due');
	}

	present(reward: EarnedReward): Record<string, unknown> {
		const shown: Record<string, unknown> = {
			id: reward.id,
			reward_id: reward.reward_id,
			recipient_id: reward.recipient_id,
			can_be_issued: reward.state === 'due',
		};
		if (reward.metric === 'coupon') shown.coupon = reward.coupon;
		else Object.assign(shown, { count: reward.count, total: reward.total });
		if (reward.state === 'issued') Object.assign(shown, { status: 'issued', issued_at: this.date(reward.issued_at) });
		const recipient = this.recipientOf(reward.recipient_id);
		if (recipient) shown[recipient.key] = recipient.person;
		return shown;
	}

	list(status: string, metric: Metric): EarnedReward[] {
		return this.earned.filter((reward) => reward.metric === metric && (status === 'dashboard' || reward.state === status));
	}

	find(id: string): EarnedReward | undefined {
		return this.earned.find((reward) => String(reward.id) === id);
	}

	issue(reward: EarnedReward): void {
		reward.payouts++;
		reward.state = 'issued';
		reward.issued_at = new Date().toISOString();
	}

	cancel(reward: EarnedReward): void {
		this.earned = this.earned.filter((other) => other !== reward);
	}
}

/** The reward routes, over the API's own `fail` and `paginate` (routes.ts). */
export function rewardRoutes(
	rewards: Rewards,
	settings: () => { reissue: 'refuse' | 'allow'; rewardAnswer: 'reward' | 'message'; issueTakesMs: number },
	fail: (status: number, message: string) => HttpAnswer,
	paginate: (path: string, all: unknown[], query: Record<string, string>) => HttpAnswer,
	search: (path: string, all: Array<Record<string, unknown>>, fields: string[], query: Record<string, string>, body: Record<string, unknown>, present: (record: Record<string, unknown>) => unknown) => HttpAnswer,
	issued: (reward: EarnedReward) => void = () => undefined,
) {
	return (method: string, segments: string[], query: Record<string, string>, body: Record<string, unknown> = {}): HttpAnswer => {
		const route = (allowed: string[], handle: () => HttpAnswer) =>
			allowed.includes(method) ? handle() : fail(405, 'Method Not Allowed -- You tried to access a resource with an invalid method.');
		const [, status, metric] = segments;
		if (['due', 'issued', 'dashboard'].includes(status) && segments.length === 3) {
			if (!METRICS.includes(metric as Metric)) return fail(404, 'Not Found -- The specified resource could not be found.');
			return route(['GET'], () => paginate(`/rewards/${status}/${metric}`, rewards.list(status, metric as Metric).map((r) => rewards.present(r)), query));
		}
		// The lists' searches (docs/referral-factory-api.md, R1): the users' filter shape over a reward's fields (INFERRED).
		if (['due', 'issued', 'dashboard'].includes(status) && segments.length === 4 && segments[3] === 'search') {
			if (!METRICS.includes(metric as Metric)) return fail(404, 'Not Found -- The specified resource could not be found.');
			return route(['POST'], () =>
				search(`/rewards/${status}/${metric}/search`, rewards.list(status, metric as Metric).map((r) => rewards.present(r)), REWARD_FIELDS, query, body, (r) => r),
			);
		}
		if (['issue', 'cancel'].includes(status) && segments.length === 3) {
			return route(['POST'], () => {
				const reward = rewards.find(metric);
				if (!reward) return fail(404, 'Reward not found.');
				if (reward.state !== 'due' && !(status === 'issue' && settings().reissue === 'allow')) {
					return fail(422, `The reward has already been issued.`);
				}
				if (status === 'issue') {
					const settle = () => {
						rewards.issue(reward);
						issued(reward);
						if (settings().rewardAnswer === 'message') return new HttpAnswer(200, { message: 'Reward issued successfully.' });
						return new HttpAnswer(200, { data: rewards.present(reward), message: 'Reward issued successfully.' });
					};
					const takes = settings().issueTakesMs;
					if (takes <= 0) return settle();
					// In progress: the reward stays due until the payout is done (see SandboxConfig.issueTakesMs).
					const inProgress = new HttpAnswer(202, {});
					inProgress.pending = { ms: takes, settle };
					return inProgress;
				}
				rewards.cancel(reward);
				return new HttpAnswer(200, { message: 'Reward cancelled successfully.' });
			});
		}
		return fail(404, 'Not Found -- The specified resource could not be found.');
	};
}
