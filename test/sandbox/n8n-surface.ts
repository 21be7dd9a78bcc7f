import { HttpAnswer } from './http';
import type { Rewards } from './rewards';
import type { Store } from './store';

/**
 * Referral Factory's n8n endpoints (§5.3), as far as the node uses them: POST /users/qualify with a coupon (or a
 * code, or an email with campaign_id). A coupon is a person's promotion code (§3.1 `promotion`) or an issued
 * coupon reward. The answers are not documented (§7.15): this one answers `{message, user}` (the PUT answers
 * `{data, message}`), so the node's tolerance for both is exercised; an unknown coupon is a 404 (INFERRED).
 */
export function n8nRoutes(
	store: Store,
	rewards: Rewards,
	qualify: (json: Record<string, unknown>) => HttpAnswer,
	fail: (status: number, message: string) => HttpAnswer,
) {
	return (method: string, segments: string[], json: Record<string, unknown>): HttpAnswer => {
		if (segments[0] === 'users' && segments[1] === 'qualify' && segments.length === 2) {
			if (method !== 'POST') return fail(405, 'Method Not Allowed -- You tried to access a resource with an invalid method.');
			if (json.coupon === undefined) return qualify({ ...json, qualified: true });
			const coupon = String(json.coupon);
			const holder =
				store.users.find((u) => u.promotion?.code === coupon) ??
				store.users.find((u) => rewards.earned.some((r) => r.coupon === coupon && r.state === 'issued' && r.recipient_id === u.id));
			if (!holder) return fail(404, 'Coupon not found.');
			const answer = qualify({ id: holder.id, qualified: true });
			return new HttpAnswer(answer.status, {
				message: 'User qualified.',
				user: (answer.body as { data: unknown }).data,
			});
		}
		return fail(404, 'Not Found -- The specified resource could not be found.');
	};
}
