/**
 * `npm run sandbox`: starts the Referral Factory sandbox on 127.0.0.1 and prints what to put in the credential.
 * Options: --port N (default 4010; 0 picks a free one), --token T. Stops on Ctrl-C or SIGTERM.
 */
import { DEFAULT_TOKEN, startSandbox } from './server';

function option(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
	const port = Number(option('port') ?? process.env.SANDBOX_PORT ?? 4010);
	const sandbox = await startSandbox({ port, token: option('token') ?? DEFAULT_TOKEN });
	const campaigns = sandbox.store.campaigns
		.slice(0, 4)
		.map((c) => `    ${String(c.id).padStart(2)}  ${c.name}`)
		.join('\n');
	console.log(`Referral Factory sandbox listening on ${sandbox.url}

  Credential "Referral Factory Public API":
    API Access Token  ${sandbox.token}
    Base URL          ${sandbox.baseUrl}

  Campaigns (30 in all):
${campaigns}

  Inspect: GET ${sandbox.url}/__sandbox/requests, GET ${sandbox.url}/__sandbox/users
Press Ctrl-C to stop.`);

	const stop = () => {
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
