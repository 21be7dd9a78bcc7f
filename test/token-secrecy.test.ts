import { addCredential, runReferralFactoryNode, type RunOptions } from './helpers/engine';
import { addReferrerParameters, useSandbox } from './helpers/setup';


/** Serialises everything reachable, Error fields (message, stack, cause, …) included, which JSON.stringify skips. */
function everything(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, current: unknown) => {
		if (current && typeof current === 'object') {
			if (seen.has(current)) return '[seen]';
			seen.add(current);
			if (current instanceof Error) {
				return Object.fromEntries(
					Object.getOwnPropertyNames(current).map((name) => [name, (current as unknown as Record<string, unknown>)[name]]),
				);
			}
		}
		return current;
	});
}

/** Runs the node while capturing everything written to stdout, stderr and the console. */
async function runCapturingOutput(options: RunOptions) {
	const written: string[] = [];
	const capture = (stream: NodeJS.WriteStream) => {
		const original = stream.write.bind(stream);
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			written.push(String(chunk));
			return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
		return () => (stream.write = original);
	};
	const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
		jest.spyOn(console, level).mockImplementation((...args: unknown[]) => written.push(args.map(String).join(' '))),
	);
	const restores = [capture(process.stdout), capture(process.stderr)];
	try {
		const result = await runReferralFactoryNode(options);
		return { result, written: written.join('\n') };
	} finally {
		restores.forEach((restore) => restore());
		consoleSpies.forEach((spy) => spy.mockRestore());
	}
}

const TOKEN = 'rf_secret_token_9f8e7d6c5b4a';
const t = useSandbox({}, TOKEN);

describe('the access token never appears in an output, an error or a log', () => {
	const input = [{ firstName: 'Ann', email: 'ann@example.com' }];
	const scenarios: Array<{
		name: string;
		setup?: () => Promise<void>;
		token?: string;
		input?: Array<Record<string, unknown>>;
		parameters?: Parameters<typeof addReferrerParameters>[0];
		baseUrl?: () => string;
		/** What the run must end in, so the scenario is known to have reached the path it is named for. */
		outcome: RegExp | 'success';
	}> = [
		{ name: 'a successful add', outcome: 'success' },
		{ name: 'a rejected token (401)', token: 'rf_wrong_secret_1234567890', outcome: /rejected the access token/ },
		{ name: 'bad input', input: [{ firstName: 'Ann', email: 'nope' }], outcome: /'Email' is not a valid email address/ },
		{
			name: 'a validation answer (422)',
			parameters: {
				campaignId: { __rl: true, mode: 'id', value: '3' },
				additionalFields: { customFields: { field: [{ label: 'Shoe Size', value: '42' }] } },
			},
			outcome: /Referral Factory did not accept the request/,
		},
		{ name: 'a server failure (500)', setup: () => t.client.addFault({ status: 500, times: 1000 }), outcome: /service is unavailable \(HTTP 500\)/ },
		{ name: 'an unreachable server', baseUrl: () => 'http://127.0.0.1:9/api/v2', outcome: /Could not reach Referral Factory/ },
		{
			// A proxy or debug page that quotes the request back: only the node's own scrubbing keeps the token out.
			name: 'an answer that quotes the Authorization header back',
			setup: () => t.client.addFault({ status: 500, echoAuthorization: true, times: 1000 }),
			outcome: /Authorization: Bearer \[hidden\]/,
		},
		{
			// The same in a 422 whose field errors are a list: the scrubbing reaches into lists too.
			name: 'a 422 whose list of field errors quotes the Authorization header back',
			setup: async () => {
				await t.client.configure({ errorStyle: 'list' });
				await t.client.addFault({ status: 422, echoAuthorization: true, times: 1000 });
			},
			outcome: /'request': Upstream error\. Request headers: Authorization: Bearer \[hidden\]/,
		},
	];

	describe.each([false, true])('Continue On Fail: %s', (continueOnFail) => {
		it.each(scenarios)('$name', async ({ setup, token, baseUrl, parameters, outcome, ...scenario }) => {
			const secret = token ?? TOKEN;
			// The sandbox accepts TOKEN; any other token is refused with 401.
			const credential = addCredential({ accessToken: secret, baseUrl: baseUrl ? baseUrl() : t.sandbox.baseUrl });
			if (setup) await setup();

			const { result, written } = await runCapturingOutput({
				credential,
				parameters: addReferrerParameters({ ...parameters, options: { retryFor: 1 } }),
				input: scenario.input ?? input,
				continueOnFail,
			});

			const failure = (continueOnFail ? result.items[0]?.json : result.error) as { message?: unknown; error?: unknown; description?: unknown } | undefined;
			if (outcome === 'success') {
				expect(result.error).toBeUndefined();
				expect(result.items[0].json).toMatchObject({ email: 'ann@example.com', referralCode: expect.any(String) });
			} else {
				expect(failure).toBeDefined();
				expect(`${String(failure!.message ?? failure!.error)} ${String(failure!.description)}`).toMatch(outcome);
			}
			const serialised = everything(result.run);
			expect(serialised).not.toContain(secret);
			expect(written).not.toContain(secret);
		});
	});
});
