/**
 * The sandbox in a process of its own, for tests whose checks depend on when requests arrive (the rate limit):
 * in the test's own process, a pause of n8n's engine (a first-time module load, a garbage collection) would also
 * delay the sandbox's clock. Started on an ephemeral 127.0.0.1 port and stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SandboxProcess {
	url: string;
	baseUrl: string;
	token: string;
	stop(): Promise<void>;
}

export async function startSandboxProcess(token: string): Promise<SandboxProcess> {
	const root = join(__dirname, '..', '..');
	const child: ChildProcess = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', join(root, 'test', 'sandbox', 'cli.ts'), '--port', '0', '--token', token],
		{ cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${output}`)), 30_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}:\n${output}`)));
	});
	return {
		url,
		baseUrl: `${url}/api/v2`,
		token,
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
