import { HttpAnswer } from './http';
import type { Rewards } from './rewards';
import type { Store } from './store';
import { WEBHOOK_EVENTS, type WebhookEvent, type Webhooks } from './webhooks';

type Errors = Record<string, string[]>;

/** The user sources the n8n endpoint offers (an id is the source's name; docs/referral-factory-api.md, N1). */
export const USER_SOURCES = ['Referred', 'Direct', 'Api'];

const NOT_FOUND = 'Not Found -- The specified resource could not be found.';
const WRONG_METHOD = 'Method Not Allowed -- You tried to access a resource with an invalid method.';

/**
 * Referral Factory's n8n endpoints (docs/referral-factory-api.md, N1–N3), served under /api/n8n: the lists the vendor's
 * node picks from (`GET /campaigns`, `/user-sources`, `/rewards`, `{campaigns|sources|rewards: [{id, name}]}`), webhook
 * registration (`POST /webhooks` → `{webhook: {id}}`, `DELETE /webhooks/{id}`; for a reward `PUT /rewards/{id}` and
 * `DELETE /rewards/{id}`), and `POST /users/qualify` with a coupon (or a code, or an email with campaign_id). A coupon
 * is a person's promotion code or an issued coupon reward (INFERRED). The answers the vendor's node passes through
 * are not documented (docs/referral-factory-api.md, N2, N3): by default a registration answers `{webhook: {id}}`
 * and qualify `{message, user}` (the PUT answers `{data, message}`) and a list `{<key>: [...]}`, and `n8nAnswer`
 * switches all three to `data` or bare,
 * so the node's tolerance for each is exercised; an unknown coupon or webhook is a 404 (INFERRED).
 */
export function n8nRoutes(
	store: Store,
	rewards: Rewards,
	webhooks: Webhooks,
	qualify: (json: Record<string, unknown>) => HttpAnswer,
	fail: (status: number, message: string, errors?: Errors) => HttpAnswer,
	answerStyle: () => 'webhook' | 'data' | 'bare' = () => 'webhook',
) {
	/** A registration's answer, in the configured style. */
	const registered = (status: number, id: number) => {
		const style = answerStyle();
		return new HttpAnswer(status, style === 'webhook' ? { webhook: { id } } : style === 'data' ? { data: { id } } : { id });
	};
	/** A list, in the configured style: `{<key>: [...]}` (the vendor's), `{data: [...]}` or the bare array. */
	const list = (key: string, entries: Array<{ id: unknown; name: string }>) => {
		const style = answerStyle();
		return new HttpAnswer(200, style === 'webhook' ? { [key]: entries } : style === 'data' ? { data: entries } : entries);
	};

	/** The body of a registration, checked as the API would check it (INFERRED: its checks are not published). */
	const readRegistration = (json: Record<string, unknown>, event: WebhookEvent | undefined): Errors => {
		const errors: Errors = {};
		if (typeof json.url !== 'string' || !/^https?:\/\/\S+$/i.test(json.url)) errors.url = ['The url must be a valid URL.'];
		if (!event) errors.event = ['The selected event is invalid.'];
		return errors;
	};

	const usersQualify = (json: Record<string, unknown>): HttpAnswer => {
		if (json.coupon === undefined) return qualify({ ...json, qualified: true });
		const coupon = String(json.coupon);
		const holder =
			store.users.find((u) => u.promotion?.code === coupon) ??
			store.users.find((u) => rewards.earned.some((r) => r.coupon === coupon && r.state === 'issued' && r.recipient_id === u.id));
		if (!holder) return fail(404, 'Coupon not found.');
		const answer = qualify({ id: holder.id, qualified: true });
		const user = (answer.body as { data: unknown }).data;
		const style = answerStyle();
		return new HttpAnswer(answer.status, style === 'webhook' ? { message: 'User qualified.', user } : style === 'data' ? { data: user } : user);
	};

	return (method: string, segments: string[], json: Record<string, unknown>): HttpAnswer => {
		const path = segments.join('/');
		const allow = (allowed: string, handle: () => HttpAnswer) => (method === allowed ? handle() : fail(405, WRONG_METHOD));

		if (path === 'test') return allow('GET', () => new HttpAnswer(200, { message: 'OK' }));
		if (path === 'campaigns') return allow('GET', () => list('campaigns', store.campaigns.map((c) => ({ id: c.id, name: c.name }))));
		if (path === 'user-sources') return allow('GET', () => list('sources', USER_SOURCES.map((source) => ({ id: source, name: source === 'Api' ? 'API' : source }))));
		if (path === 'users/qualify') return allow('POST', () => usersQualify(json));

		if (path === 'rewards') return allow('GET', () => list('rewards', rewards.rules.map((rule) => ({ id: rule.id, name: rule.name }))));
		if (segments[0] === 'rewards' && segments.length === 2) {
			const rule = rewards.rules.find((r) => String(r.id) === segments[1]);
			if (method === 'DELETE') {
				return webhooks.remove((r) => r.event === 'reward_issued' && String(r.reward_id) === segments[1]) ? new HttpAnswer(200, { message: 'Webhook deleted.' }) : fail(404, 'Webhook not found.');
			}
			return allow('PUT', () => {
				if (!rule) return fail(404, 'Reward not found.');
				const errors = readRegistration(json, json.event === 'reward_issued' ? 'reward_issued' : undefined);
				if (Object.keys(errors).length > 0) return fail(422, 'Validation errors in your request', errors);
				// One n8n webhook per reward: a PUT replaces the one before.
				webhooks.remove((r) => r.event === 'reward_issued' && r.reward_id === rule.id);
				const registration = webhooks.register({ url: String(json.url), event: 'reward_issued', campaign_id: rule.campaign_id, sources: [], reward_id: rule.id });
				return registered(200, registration.id);
			});
		}

		if (path === 'webhooks') {
			return allow('POST', () => {
				const event = WEBHOOK_EVENTS.find((e) => e === json.event && e !== 'reward_issued');
				const errors = readRegistration(json, event);
				const campaign = store.findCampaign(String(json.campaign_id ?? ''));
				if (json.campaign_id === undefined || json.campaign_id === null || json.campaign_id === '') errors.campaign_id = ['The campaign id field is required.'];
				const sources = Array.isArray(json.sources) ? json.sources.map(String) : [];
				if (event === 'user.join' && sources.some((source) => !USER_SOURCES.includes(source))) errors.sources = ['The selected sources is invalid.'];
				if (Object.keys(errors).length > 0) return fail(422, 'Validation errors in your request', errors);
				if (!campaign) return fail(404, 'Campaign not found.');
				const registration = webhooks.register({ url: String(json.url), event: event!, campaign_id: campaign.id, sources: event === 'user.join' ? sources : [], reward_id: null });
				return registered(201, registration.id);
			});
		}
		if (segments[0] === 'webhooks' && segments.length === 2) {
			return allow('DELETE', () => (webhooks.remove((r) => String(r.id) === segments[1]) ? new HttpAnswer(200, { message: 'Webhook deleted.' }) : fail(404, 'Webhook not found.')));
		}
		return fail(404, NOT_FOUND);
	};
}
