/**
 * What n8n's verification guidelines ask of the code a user installs (docs/verification.md), checked on the built
 * JavaScript — compiled here into a folder of its own under .cache/, as `npm run build` compiles dist/ — not on the sources: no
 * environment variables, no file system, no process or network access of its own, imports of nothing but
 * n8n-workflow, node:crypto and the package's own files; and on package.json and LICENSE: MIT, no dependencies.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
let out: string;
let files: string[];

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : path.endsWith('.js') ? [path] : [];
	});
}

beforeAll(() => {
	// Inside the project, so the built code finds n8n-workflow as it would in n8n.
	mkdirSync(join(ROOT, '.cache'), { recursive: true });
	out = mkdtempSync(join(ROOT, '.cache', 'built-'));
	execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false', '--declaration', 'false'], { cwd: ROOT });
	files = [...walk(join(out, 'nodes')), ...walk(join(out, 'credentials'))];
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every match of `pattern` in the built code, as `file:line text`. */
function findings(pattern: RegExp): string[] {
	return files.flatMap((file) =>
		readFileSync(file, 'utf8')
			.split('\n')
			.flatMap((line, i) => (pattern.test(line) ? [`${relative(out, file)}:${i + 1} ${line.trim().slice(0, 120)}`] : [])),
	);
}

describe('the built nodes and credentials (what n8n loads)', () => {
	it('are there: every node and credential package.json names', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
		const built = new Set(files.map((file) => relative(out, file)));
		expect([...pkg.n8n.nodes, ...pkg.n8n.credentials].map((path) => path.replace(/^dist\//, '')).filter((path) => !built.has(path))).toEqual([]);
	});

	it('read no environment variable', () => {
		expect(findings(/process\s*\.\s*env|process\s*\[\s*['"]env|\bprocess\b/)).toEqual([]);
	});

	it('touch no file, start no process and open no socket: they import only n8n-workflow, node:crypto and their own files', () => {
		const imports = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/require\(\s*["']([^"']+)["']\s*\)|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]));
		const foreign = [...new Set(imports.filter((name) => !name.startsWith('.') && !['n8n-workflow', 'node:crypto'].includes(name)))];
		expect(foreign).toEqual([]);
		// Nothing reaches the file system, processes or the network around those imports either.
		expect(findings(/\b(readFileSync|writeFileSync|createReadStream|child_process|globalThis\s*\.\s*(fetch|process)|\bfetch\s*\(|XMLHttpRequest|\beval\s*\(|new Function\s*\()/)).toEqual([]);
	});

	it('send every request through n8n with the credential (httpRequestWithAuthentication), none with a bare helper', () => {
		expect(findings(/helpers\s*\.\s*(httpRequest|request|requestWithAuthentication)\s*[(.]/)).toEqual([]);
		expect(findings(/httpRequestWithAuthentication/).length).toBeGreaterThan(0);
	});
});

describe('the package', () => {
	it('is MIT, with the licence text, and has no runtime dependencies', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect([pkg.license, pkg.dependencies, pkg.optionalDependencies, pkg.bundledDependencies]).toEqual(['MIT', undefined, undefined, undefined]);
		expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
	});

	it('connects to one service: every credential the nodes use is this package’s own', async () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
		const used: string[] = [];
		for (const path of pkg.n8n.nodes) {
			const module = (await import(join(out, path.replace(/^dist\//, '')))) as Record<string, new () => { description: { credentials?: Array<{ name: string }> } }>;
			// The class n8n loads from a node file is the one named as the file.
			const NodeClass = module[path.split('/').pop()!.replace(/\.node\.js$/, '')];
			used.push(...(new NodeClass().description.credentials ?? []).map((credential) => credential.name));
		}
		expect([...new Set(used)].sort()).toEqual(['referralFactoryPublicApi', 'referralFactoryWebhookApi']);
	});
});
