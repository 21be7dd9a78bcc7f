/**
 * `npm run dev` as a user starts it, up to the point where it checks its ports (before it builds or installs
 * anything): many users already run n8n on 5678, so a busy port must be named, with the way around it.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

async function runDev(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test', 'e2e', 'dev.ts'), ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	// Were the check missing, the script would go on to build and start n8n: stop it by its PID well before that.
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	clearTimeout(timer);
	return { code, output };
}

let busy: Server;
let busyPort: number;
beforeAll(async () => {
	busy = createServer();
	await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
	busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => await new Promise<void>((resolve) => busy.close(() => resolve())));

describe('npm run dev', () => {
	it('names a busy n8n port given with --port, and how to pick another, without a stack trace', async () => {
		const { code, output } = await runDev(['--port', String(busyPort)]);

		expect(code).toBe(1);
		expect(output).toContain(`Port ${busyPort} (for n8n) is already in use on 127.0.0.1`);
		expect(output).toContain('npm run dev -- --port <port>');
		expect(output).not.toMatch(/EADDRINUSE|\n\s+at /);
	}, 30_000);

	it('takes the sandbox port from SANDBOX_PORT, and names it when it is busy', async () => {
		const free = createServer();
		await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
		const freePort = (free.address() as { port: number }).port;
		await new Promise<void>((resolve) => free.close(() => resolve()));

		const { code, output } = await runDev([], { N8N_PORT: String(freePort), SANDBOX_PORT: String(busyPort) });

		expect(code).toBe(1);
		expect(output).toContain(`Port ${busyPort} (for the sandbox) is already in use on 127.0.0.1`);
	}, 30_000);

	it('refuses a port that is not a port number', async () => {
		const { code, output } = await runDev(['--port', 'http']);

		expect(code).toBe(1);
		expect(output).toContain('--port / N8N_PORT must be a port number from 1 to 65535, not "http"');
	}, 30_000);
});
