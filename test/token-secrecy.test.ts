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
	const scenarios: Array<{ name: string; setup?: () => Promise<void>; token?: string; input: Array<Record<string, unknown>>; baseUrl?: () => string }> = [
		{ name: 'a successful add', input: [{ firstName: 'Ann', email: 'ann@example.com' }] },
		{ name: 'a rejected token (401)', token: 'rf_wrong_secret_1234567890', input: [{ firstName: 'Ann', email: 'ann@example.com' }] },
		{ name: 'bad input', input: [{ firstName: 'Ann', email: 'nope' }] },
		{
			name: 'a validation answer (422)',
			setup: () => t.client.configure({ duplicates: 'reject' }),
			input: [
				{ firstName: 'Ann', email: 'ann@example.com' },
				{ firstName: 'Ann', email: 'ann@example.com' },
			],
		},
		{ name: 'a server failure (500)', setup: () => t.client.addFault({ status: 500 }), input: [{ firstName: 'Ann', email: 'ann@example.com' }] },
		{ name: 'an unreachable server', baseUrl: () => 'http://127.0.0.1:9/api/v2', input: [{ firstName: 'Ann', email: 'ann@example.com' }] },
	];

	describe.each([false, true])('Continue On Fail: %s', (continueOnFail) => {
		it.each(scenarios)('$name', async ({ setup, token, input, baseUrl }) => {
			const secret = token ?? TOKEN;
			// The sandbox accepts TOKEN; any other token is refused with 401.
			const credential = addCredential({ accessToken: secret, baseUrl: baseUrl ? baseUrl() : t.sandbox.baseUrl });
			if (setup) await setup();

			const { result, written } = await runCapturingOutput({
				credential,
				parameters: addReferrerParameters({ options: { retryFor: 1 } }),
				input,
				continueOnFail,
			});

			const serialised = everything(result.run);
			expect(serialised.length).toBeGreaterThan(100);
			expect(serialised).not.toContain(secret);
			expect(written).not.toContain(secret);
		});
	});
});
