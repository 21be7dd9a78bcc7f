/**
 * `npm run test:ui`: the node in a real n8n editor, in Debian's Chromium driven by playwright-core (never a
 * downloaded browser). Starts the editor as `npm run dev` does (on free ports), signs in as the owner through the
 * REST API, opens the example workflow, opens the Referral Factory node, checks that its fields render and that
 * the campaign list (From List) shows the sandbox's campaigns, that n8n serves the node's output schemas to the
 * editor, runs the workflow, then opens the credential (n8n
 * tests it) and retries the test with a wrong token; screenshots go to test-results/ui/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Page } from 'playwright-core';

import { SCHEMA_DIR } from '../helpers/output-scenarios';
import { CREDENTIAL, OWNER, startDevEnvironment, TRY_IT_WORKFLOW_ID } from './dev';
import { freePort, recordCounts, ROOT } from './n8n';

const SHOTS = join(ROOT, 'test-results', 'ui');

const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

const counts = { passed: 0, failed: 0 };

/** One check: counted as passed only when it ran to its end; the first failure ends the run (later checks build on it). */
async function step<T>(page: Page, name: string, action: () => Promise<T>): Promise<T> {
	try {
		const result = await action();
		counts.passed++;
		console.log(`   ✓ ${name}`);
		return result;
	} catch (error) {
		counts.failed++;
		await page.screenshot({ path: join(SHOTS, 'failure.png'), fullPage: true }).catch(() => undefined);
		throw new Error(`${name}: ${(error as Error).message}\n(see test-results/ui/failure.png)`);
	}
}

async function main(): Promise<number> {
	mkdirSync(SHOTS, { recursive: true });
	const started = Date.now();
	const dev = await startDevEnvironment({ n8nPort: await freePort(), sandboxPort: 0, folder: 'ui' });
	console.log(`editor on ${dev.editorUrl}, up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	const profile = mkdtempSync(join(tmpdir(), 'rf-chromium-'));
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`].filter((flag) => !flag.startsWith('--user-data-dir')),
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();

		await step(page, 'sign in as the owner', async () => {
			const login = await context.request.post(`${dev.editorUrl}/rest/login`, {
				data: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
			});
			assert.equal(login.status(), 200, await login.text());
		});

		await step(page, 'open the example workflow', async () => {
			await page.goto(`${dev.editorUrl}/workflow/${TRY_IT_WORKFLOW_ID}`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Add Referrer"]').waitFor({ timeout: 60_000 });
		});

		await step(page, 'open the Referral Factory node', async () => {
			await page.locator('[data-test-id="canvas-node"][data-node-name="Add Referrer"]').dblclick();
			await page.locator('[data-test-id="ndv"]').waitFor({ timeout: 20_000 });
		});

		const ndv = page.locator('[data-test-id="ndv"]');
		await step(page, 'its fields render', async () => {
			for (const label of ['Credential', 'Resource', 'Operation', 'Campaign', 'First Name', 'Email', 'Simplify']) {
				await ndv.getByText(label, { exact: true }).first().waitFor({ timeout: 10_000 });
			}
			const values = await ndv.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
			assert.ok(values.includes('Referral Factory sandbox'), `the sandbox credential is not selected: ${values.join(', ')}`);
		});

		await step(page, 'n8n serves the output schemas the editor previews before a first run', async () => {
			// The editor's getSchemaPreview asks for /schemas/<node type>/<version padded>/<resource>/<operation>.json.
			for (const [resource, operation] of [['referrer', 'add'], ['lead', 'qualify'], ['reward', 'getAll']]) {
				const url = `/schemas/n8n-nodes-referral-factory-api.referralFactory/1.0.0/${resource}/${operation}.json`;
				const served = await page.evaluate(async (path) => {
					const response = await fetch(path);
					return { status: response.status, body: response.ok ? ((await response.json()) as unknown) : undefined };
				}, url);
				assert.equal(served.status, 200, `${url}: HTTP ${served.status}`);
				assert.deepEqual(served.body, JSON.parse(readFileSync(join(ROOT, SCHEMA_DIR, resource, `${operation}.json`), 'utf8')));
			}
		});

		await step(page, 'the campaign list shows the sandbox campaigns', async () => {
			await ndv.locator('[data-test-id="rlc-input"]').first().click();
			const items = page.locator('[data-test-id="rlc-item"]');
			// The first row is the saved value; the rest arrive from the sandbox.
			await items.filter({ hasText: 'Northwind SaaS Partners' }).waitFor({ timeout: 20_000 });
			const names = await items.allInnerTexts();
			for (const campaign of ['Acme Coffee Friends', 'Bloom Yoga Refer a Friend', 'Northwind SaaS Partners']) {
				assert.ok(names.some((name) => name.includes(campaign)), `"${campaign}" is not in the list: ${names.join(', ')}`);
			}
			const listed = dev.sandbox.requests.filter((r) => r.path === '/api/v2/campaigns');
			assert.ok(listed.length > 0, 'the editor did not ask the sandbox for campaigns');
		});

		await page.screenshot({ path: join(SHOTS, 'node-panel-campaign-list.png') });
		console.log('   screenshot: test-results/ui/node-panel-campaign-list.png');

		await step(page, '"Execute workflow" in the editor adds the three sample customers', async () => {
			await page.keyboard.press('Escape');
			await page.locator('[data-test-id="ndv"]').getByRole('button', { name: /close/i }).first().click().catch(() => page.keyboard.press('Escape'));
			await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden', timeout: 10_000 });
			await page.locator('[data-test-id="execute-workflow-button"]').first().click();
			const deadline = Date.now() + 30_000;
			while (dev.sandbox.store.users.length < 3 && Date.now() < deadline) await page.waitForTimeout(250);
			assert.deepEqual(
				dev.sandbox.store.users.map((u) => u.email),
				['amelia@example.com', 'bruno@example.com', 'chen@example.com'],
			);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Add Referrer"]').dblclick();
			const firstCode = dev.sandbox.store.users[0].code;
			await page.locator('[data-test-id="ndv"]').getByText(firstCode).first().waitFor({ timeout: 20_000 });
		});
		await page.screenshot({ path: join(SHOTS, 'node-output-after-execution.png') });
		console.log('   screenshot: test-results/ui/node-output-after-execution.png');

		// n8n 2.41 tests a credential when it is opened or saved, and again with "Retry" (its Test button).
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await step(page, 'opening the credential tests it: "Connection tested successfully"', async () => {
			const before = dev.sandbox.requests.length;
			await page.goto(`${dev.editorUrl}/home/credentials/${CREDENTIAL.id}`);
			await modal.getByText('Connection tested successfully').waitFor({ timeout: 30_000 });
			// The test's one request (the editor may still be loading other things for the workflow it left).
			const tests = dev.sandbox.requests.slice(before).filter((r) => r.path === '/api/v2/campaigns' && r.query.per_page === '1');
			assert.deepEqual(tests.map((r) => `${r.method} ${r.status} ${r.headers.authorization === `Bearer ${dev.sandbox.token}`}`), ['GET 200 true']);
		});
		await step(page, 'Retry with a wrong token shows why: "Referral Factory rejected the access token"', async () => {
			const wrong = 'rf_wrong_token_typed_in_the_editor';
			await modal.locator('[data-test-id="parameter-input-accessToken"] input').first().fill(wrong);
			await modal.getByRole('button', { name: 'Retry' }).click();
			await modal.getByText('Couldn’t connect with these settings').waitFor({ timeout: 30_000 });
			await modal.getByText('More details').click().catch(() => undefined);
			await modal.getByText(/Referral Factory rejected the access token/).waitFor({ timeout: 10_000 });
			const refused = dev.sandbox.requests.filter((r) => r.status === 401).map((r) => r.headers.authorization);
			assert.deepEqual(refused, [`Bearer ${wrong}`]);
			assert.ok(!(await modal.innerText()).includes(wrong), 'the token is shown in the credential panel');
			await page.screenshot({ path: join(SHOTS, 'credential-test-wrong-token.png') });
			// Closed without saving: the stored credential keeps the right token.
			await page.keyboard.press('Escape');
		});
		console.log('   screenshot: test-results/ui/credential-test-wrong-token.png');
	} finally {
		await browser.close();
		rmSync(profile, { recursive: true, force: true });
		await dev.stop();
	}
	console.log(`browser check: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	console.log(`${counts.passed} passed, ${counts.failed} failed`);
	recordCounts('ui', counts.passed, counts.failed);
	return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(String((error as Error).message ?? error));
		counts.failed = Math.max(1, counts.failed);
		console.log(`${counts.passed} passed, ${counts.failed} failed`);
		recordCounts('ui', counts.passed, counts.failed);
		process.exit(1);
	},
);
