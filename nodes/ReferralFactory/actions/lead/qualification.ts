import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { earlierFailed, inTurn, noted, type ItemMemory } from '../../helpers/claims';
import { fetchPerson, personNotFound, readPersonRef, type PersonRef } from '../../helpers/person';
import { dueCoupon } from '../../helpers/reward/lists';
import { settle } from '../../helpers/settle';
import { isQualified, qualifiedBefore, simplifyUser, type ApiUser } from '../../helpers/user';
import { itemError, requireText } from '../../helpers/validation';
import { unwrapData, type ApiClient } from '../../transport';
import { personLookup, simplify } from '../common.descriptions';
import { defineOperation, failIfAlreadyDone } from '../operation';
import { SIMPLIFIED_PERSON } from '../people/roles';

/**
 * The lead as `PUT /users/qualification` takes it: id, code, or email and campaign_id
 * (docs/referral-factory-api.md, P12).
 */
function identify(ref: PersonRef): IDataObject {
	if (ref.mode === 'id') return { id: ref.id };
	if (ref.mode === 'code') return { code: ref.code };
	return { email: ref.email, campaign_id: ref.campaignId };
}

/**
 * The person in an answer: under `data` or `user`, or bare (the n8n endpoint's answer is not documented,
 * docs/referral-factory-api.md, N3).
 */
function personIn(body: unknown): ApiUser | undefined {
	for (const candidate of [unwrapData<unknown>(body), (body as { user?: unknown } | undefined)?.user]) {
		if (candidate && typeof candidate === 'object' && !Array.isArray(candidate) && (candidate as ApiUser).id !== undefined) {
			return candidate as ApiUser;
		}
	}
	return undefined;
}

/**
 * Qualify by coupon: `POST /api/n8n/users/qualify {coupon}` (docs/referral-factory-api.md, N3). No lead can be read by
 * coupon first, so the outcome comes from the answer: `alreadyQualified` when the lead's own qualification time is
 * before the request (beyond the clocks' skew; a date without a time cannot tell), `qualified` otherwise; a second
 * item with the same coupon sends nothing and is `alreadyQualified`; Retry On Fail keeps what the first try found.
 * A coupon Referral Factory does not know
 * is looked for in the due coupon rewards, to say when it is one not issued yet. Resent after transient failures: it
 * sets a state (INFERRED from the PUT's behaviour).
 */
async function qualifyByCoupon(
	client: ApiClient,
	coupon: string,
	lookup: { itemIndex: number; deadline: number },
	memory: ItemMemory,
): Promise<{ lead?: ApiUser; outcome: 'qualified' | 'alreadyQualified'; answer: IDataObject }> {
	const record = `coupon:${coupon}`;
	return await inTurn(client, record, lookup.itemIndex, async (earlier) => {
		if (earlier && !earlier.ok) throw earlierFailed(client, `Coupon ${coupon}`, earlier, lookup.itemIndex);
		// An earlier item of the run qualified this coupon's lead: nothing is sent again.
		if (earlier?.ok) {
			memory.note(record, 'alreadyQualified');
			return { ...earlier.value, outcome: 'alreadyQualified' };
		}
		// What an earlier try of this execution found (Retry On Fail) stands: `qualified` or `alreadyQualified`.
		const mine = memory.recall(record) as 'qualified' | 'alreadyQualified' | undefined;
		const sentAt = Date.now();
		const response = await noted(memory, record, mine ?? 'qualified', async () => {
			const sent = await settle(client.request('POST', '/users/qualify', { surface: 'n8n', body: { coupon }, idempotent: true, ...lookup }));
			if (sent.ok) return sent.value;
			throw Number((sent.error as { httpCode?: unknown }).httpCode) === 404 ? await unknownCoupon(client, coupon, lookup, sent.error) : sent.error;
		});
		const lead = personIn(response);
		const answer = (response && typeof response === 'object' && !Array.isArray(response) ? response : {}) as IDataObject;
		const outcome = mine ?? (lead !== undefined && qualifiedBefore(lead, sentAt) ? 'alreadyQualified' : 'qualified');
		memory.note(record, outcome);
		return { lead, outcome, answer };
	});
}

/** The error for a coupon Referral Factory answered 404 to: one of its due coupon rewards (not issued yet), or unknown. */
async function unknownCoupon(client: ApiClient, coupon: string, lookup: { itemIndex: number; deadline: number }, error: unknown): Promise<NodeApiError> {
	const due = await dueCoupon(client, coupon, lookup).catch(() => undefined);
	const [message, description] = due
		? [
				`Coupon ${coupon} is a reward Referral Factory has not issued yet (due reward ${String(due.id)}), so no lead has it`,
				`Referral Factory qualifies by the coupons it gave out. Issue the reward first (Reward → Issue, due reward ${String(due.id)}), or qualify the lead By ID, By Code or By Email.`,
			]
		: [
				`No lead with coupon ${coupon} was found`,
				"Referral Factory qualifies by the coupons it gave out (a lead's promotion code, or an issued coupon reward) and ignores others. Check the code; to let other coupons pass, set the node's On Error setting to 'Continue (using error output)'.",
			];
	return new NodeApiError(client.node, { message } as JsonObject, { message: `${message} [item ${lookup.itemIndex}]`, description, itemIndex: lookup.itemIndex, httpCode: String((error as { httpCode?: unknown }).httpCode ?? '404') });
}

/**
 * Qualify (a lead converted: a purchase, a signed contract) or Unqualify (a refund: back to Pending): the lead is
 * read first, and the PUT (naming the lead by the ID read) is sent only when the lead is not in that state already;
 * two items of a run for one lead take turns, the second reading the lead again (helpers/claims.ts). So a re-run
 * or Retry On Fail never qualifies twice, whatever the API would do with a second qualification (v1 was measured
 * treating it as a no-op, docs/referral-factory-api.md, P13; v2 is not), and the output's `outcome` says which it
 * was: `qualified` / `unqualified` by this execution (also on Retry On Fail), or `alreadyQualified` /
 * `alreadyUnqualified` (an error with Fail If Already Done). The PUT is safe to resend after a transient failure. Qualifying may create rewards per the campaign's settings; they land in
 * Due unless Auto Issue is on (docs/referral-factory-api.md, R7). The answer's body is not documented
 * (docs/referral-factory-api.md, P12): the lead in `data` is used when there, else the lead is fetched.
 *
 * Qualify also takes a redeemed coupon (a promotion code or coupon Referral Factory gave the lead). The public API
 * has no such call, so this one goes to Referral Factory's n8n endpoint `POST /api/n8n/users/qualify {coupon}`, as
 * the vendor's node does (docs/referral-factory-api.md, N3). Resent after transient failures like the PUT: it sets a
 * state, it does not add one (INFERRED from the PUT's measured behaviour; the endpoint's answers are not documented,
 * docs/referral-factory-api.md, N3, so the lead is read from `data`, `user` or the body itself, and any other answer is
 * passed on with the coupon, and `outcome`: qualifyByCoupon).
 */
export function qualification(operation: 'qualify' | 'unqualify') {
	const qualified = operation === 'qualify';
	const byCoupon = qualified ? [{ displayName: 'Coupon', name: 'coupon', type: 'string' as const, placeholder: 'e.g. FRIEND10-X7K2' }] : [];
	return defineOperation({
		resource: 'lead',
		operation,
		properties: [
			...personLookup(
				'leadId',
				'Lead',
				qualified
					? 'The lead to qualify: by ID, by referral code, by email within a campaign, or by a coupon Referral Factory gave them that they redeemed'
					: 'The lead to unqualify: by ID, by referral code, or by email within a campaign',
				byCoupon,
			),
			simplify(SIMPLIFIED_PERSON),
		],
		alreadyDone: qualified ? 'the lead was qualified already' : 'the lead was not qualified (pending) already',
		prepare(itemIndex) {
			const mode = (this.getNodeParameter('leadId', itemIndex) as { mode?: unknown } | undefined)?.mode;
			const simplified = this.getNodeParameter('simplify', itemIndex, true) as boolean;
			if (mode === 'coupon') {
				if (!qualified) {
					throw itemError(this, itemIndex, `'Lead' is given by coupon, but a lead can be unqualified only by ID, referral code or email`, `Switch 'Lead' to From List, By ID, By Code or By Email.`);
				}
				const coupon = requireText(this, this.getNodeParameter('leadId', itemIndex, '', { extractValue: true }), 'Lead', itemIndex, 'FRIEND10-X7K2');
				return { coupon, simplify: simplified, strict: failIfAlreadyDone(this, itemIndex) };
			}
			return { ref: readPersonRef(this, 'leadId', 'Lead', itemIndex), simplify: simplified, strict: failIfAlreadyDone(this, itemIndex) };
		},
		async execute({ client, itemIndex, memory, request }) {
			const deadline = client.deadline();
			if (request.coupon !== undefined) {
				const { lead, outcome, answer } = await qualifyByCoupon(client, request.coupon, { itemIndex, deadline }, memory);
				if (outcome === 'alreadyQualified' && request.strict) {
					throw itemError(this, itemIndex, 'The lead with this coupon was qualified already', `Referral Factory was asked (it sets the state, so nothing changed). To let such items pass, turn off Options › 'Fail If Already Done'.`);
				}
				if (!lead) return { coupon: request.coupon, outcome, ...answer };
				return request.simplify ? { ...simplifyUser(lead), outcome } : lead;
			}
			const ref = request.ref;
			const lookup = { itemIndex, deadline };
			const done = qualified ? 'qualified' : 'unqualified';
			const already = qualified ? 'alreadyQualified' : 'alreadyUnqualified';
			const before = await fetchPerson(client, this.getNode(), 'lead', ref, lookup);
			// Written by the ID read, whatever the user gave; two items for one lead take turns.
			const byId: PersonRef | undefined = before.id === undefined ? undefined : { mode: 'id', id: Number(before.id) };
			const record = `person:${String(before.id ?? JSON.stringify(ref))}`;
			const { lead, outcome } = await inTurn<{ lead: ApiUser; outcome: string }>(client, record, itemIndex, async (earlier) => {
				if (earlier && !earlier.ok) throw earlierFailed(client, `Lead ${String(before.id)}`, earlier, itemIndex);
				// After an earlier item of this run wrote the lead, it is read again.
				const now = earlier ? await fetchPerson(client, this.getNode(), 'lead', byId ?? ref, lookup) : before;
				if (isQualified(now) === qualified) return { lead: now, outcome: memory.recall(record) === done ? done : already };
				// Noted before it is sent: a retry of the execution knows it may have been done (helpers/claims.ts).
				const response = await noted(memory, record, done, async () =>
					await client.request('PUT', '/users/qualification', {
						body: { ...identify(byId ?? ref), qualified },
						itemIndex,
						deadline,
						notFound: personNotFound('lead', ref),
					}),
				);
				return { lead: personIn(response) ?? (await fetchPerson(client, this.getNode(), 'lead', byId ?? ref, lookup)), outcome: done };
			});
			if (outcome === already && request.strict) {
				throw itemError(
					this,
					itemIndex,
					`The lead ${qualified ? 'was qualified already' : 'was not qualified'}`,
					`Nothing was sent. To let such items pass, turn off Options › 'Fail If Already Done'.`,
				);
			}
			return request.simplify ? { ...simplifyUser(lead), outcome } : lead;
		},
	});
}
