import { NodeApiError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { backoffMs, isAmbiguous } from '../transport';

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
	/** `existing`: the API said the record was there before this run. */
	outcome: 'created' | 'existing';
	record: T;
}

type Sent<T> = { ok: true; record: T } | { ok: false; failure: unknown };

/**
 * Creates a record without ever creating it twice: after an ambiguous failure (a timeout, a dropped connection, a
 * 5xx) the request may have been carried out, so the record is looked up before it is sent again. Every operation
 * that is not idempotent (adding a person, issuing a reward) goes through here.
 */
export async function createOnce<T>(client: ApiClient, spec: CreateOnceSpec<T>): Promise<CreateOutcome<T>> {
	for (let attempt = 0; ; attempt++) {
		const sent = await spec.send().then(
			(record): Sent<T> => ({ ok: true, record }),
			(failure: unknown): Sent<T> => ({ ok: false, failure }),
		);
		if (sent.ok) return { outcome: 'created', record: sent.record };
		const { failure } = sent;
		// Anything but the API's answer (a stopped execution, say) ends the item as it is.
		if (!(failure instanceof NodeApiError)) throw failure;
		if (spec.isDuplicate?.(failure)) {
			const existing = await spec.find();
			if (existing !== undefined) return { outcome: 'existing', record: existing };
			throw failure;
		}
		if (!isAmbiguous(failure)) throw failure;
		// The request may have been carried out: if the record is there now, this run created it.
		const created = await spec.find();
		if (created !== undefined) return { outcome: 'created', record: created };
		const wait = backoffMs(attempt);
		if (Date.now() + wait > spec.deadline) throw failure;
		await client.wait(wait);
	}
}
