/** One answer of the sandbox's API: status, JSON body, headers. */
export class HttpAnswer {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {}
}
