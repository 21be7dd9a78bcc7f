/** One answer of the sandbox's API: status, JSON body, headers. */
export class HttpAnswer {
	/**
	 * Work that takes a while (a payout): the server waits `ms` — whether or not the client is still there — then
	 * `settle` does the work and gives the answer.
	 */
	pending?: { ms: number; settle: () => HttpAnswer };

	/** The body as text on the wire instead of JSON (a fault's `text`). */
	text?: { body: string; contentType?: string };

	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {}
}
