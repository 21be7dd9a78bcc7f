/**
 * `npm run demo`: the main job with no Referral Factory account. Starts the sandbox on 127.0.0.1, runs three
 * sample customers through the compiled Add Referrer node inside n8n's own engine, and prints each customer with
 * the referral link and code the next step of a workflow would send them.
 */
process.env.RF_NODE_SOURCE = 'dist';
import '../test/helpers/env';

import { addCredential, runReferralFactoryNode, shutdownEngine } from '../test/helpers/engine';
import { startSandbox } from '../test/sandbox/server';

const customers = [
	{ firstName: 'Amelia', email: 'amelia@example.com', lastName: 'Hart' },
	{ firstName: 'Bruno', email: 'bruno@example.com', lastName: 'Costa' },
	{ firstName: 'Chen', email: 'chen@example.com', lastName: 'Wei' },
];

async function main(): Promise<number> {
	const sandbox = await startSandbox();
	try {
		console.log(`Referral Factory sandbox on ${sandbox.url}`);
		const credential = addCredential({ accessToken: sandbox.token, baseUrl: sandbox.baseUrl });
		const { items, error } = await runReferralFactoryNode({
			credential,
			input: customers,
			parameters: {
				resource: 'referrer',
				operation: 'add',
				campaignId: { __rl: true, mode: 'list', value: '1', cachedResultName: 'Acme Coffee Friends' },
				firstName: '={{ $json.firstName }}',
				email: '={{ $json.email }}',
				additionalFields: { customFields: { field: [{ label: 'Last Name', value: '={{ $json.lastName }}' }] } },
			},
		});
		if (error) {
			console.error(`The workflow stopped: ${error.message}`);
			return 1;
		}
		console.log('\nAdd Referrer → campaign "Acme Coffee Friends"\n');
		for (const item of items) {
			const { firstName, email, referralLink, referralCode } = item.json as Record<string, string>;
			const input = (item.pairedItem as { item: number }).item;
			console.log(`  [item ${input}] ${`${firstName} <${email}>`.padEnd(30)} ${String(referralLink).padEnd(52)} code ${referralCode}`);
		}
		console.log(`\n${items.length} referrers added; the sandbox holds ${sandbox.store.users.length} users.`);
		return items.length === customers.length && items.every((item) => item.json.referralLink && item.json.referralCode) ? 0 : 1;
	} finally {
		await sandbox.close();
		shutdownEngine();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
