import { NodeApiError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { backoffMs, isAmbiguous } from '../transport';
import { settle } from './settle';

export interface CreateOnceSpec<T> {
	itemIndex: number;
	/** When retries end; shared by every request for the item. */
	deadline: number;
	/** Sends the request that creates the record (not idempotent: the transport never resends it on its own). */
	send(): Promise<T>;
	/** Looks the record up: is it there now? */
	find(): Promise<T | undefined>;
	/** True for the API's answer that the record exists already (such as a 422 on a taken email). */
	isDuplicate?(error: NodeApiError): boolean;
}

export interface CreateOutcome<T> {
	/**
	 * `existing`: the API said the record was there (a duplicate refused, say). After a lost answer neither value is
	 * proof: the record found may be this run's or older, and an "exists" answer may be about this run's own record
	 * (`afterLostAnswer` says so; the caller judges).
	 */
	outcome: 'created' | 'existing';
	record: T;
	/** Whether an answer was lost before the one that settled it (the first request may have done the work). */
	afterLostAnswer: boolean;
	/** When the first request was sent (ms since the epoch). */
	sentAt: number;
	/**
	 * Whether a look-up after a lost answer found nothing: then the record was not there after this run first sent,
	 * and whatever is there now is this run's work, whatever the clocks say.
	 */
	foundNothing: boolean;
}

/**
 * Creates a record without ever creating it twice: after an ambiguous failure (a timeout, a dropped connection, a
 * 5xx) the request may have been carried out, so the record is looked up before it is sent again. Every operation
 * that is not idempotent (adding a person, issuing a reward) goes through here.
 */
export async function createOnce<T>(client: ApiClient, spec: CreateOnceSpec<T>): Promise<CreateOutcome<T>> {
	const sentAt = Date.now();
	let afterLostAnswer = false;
	let foundNothing = false;
	for (let attempt = 0; ; attempt++) {
		const sent = await settle(spec.send());
		if (sent.ok) return { outcome: 'created', record: sent.value, afterLostAnswer, sentAt, foundNothing };
		const failure = sent.error;
		// Anything but the API's answer (a stopped execution, say) ends the item as it is.
		if (!(failure instanceof NodeApiError)) throw failure;
		if (spec.isDuplicate?.(failure)) {
			const existing = await spec.find();
			if (existing !== undefined) return { outcome: 'existing', record: existing, afterLostAnswer, sentAt, foundNothing };
			throw failure;
		}
		if (!isAmbiguous(failure)) throw failure;
		afterLostAnswer = true;
		// The request may have been carried out: if the record is there now, this run most likely created it.
		const created = await spec.find();
		if (created !== undefined) return { outcome: 'created', record: created, afterLostAnswer, sentAt, foundNothing };
		foundNothing = true;
		const wait = backoffMs(attempt);
		if (Date.now() + wait > spec.deadline) throw failure;
		await client.wait(wait);
	}
}
