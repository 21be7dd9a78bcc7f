// n8n's verification scanner (@n8n/scan-community-package), its lint step, offline: on the sources and on the
// unpacked tarball `npm pack` makes, as the scanner's command line does after fetching a published package and its
// provenance-attested source (that part needs the registry, npm provenance and GitHub). Both must pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'rf-scan-'));
let failed = false;
try {
	execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	execFileSync('npm', ['pack', '--loglevel=warn', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
	for (const [what, dir, patterns] of [
		['sources', root, SOURCE_FILE_PATTERNS],
		[`tarball ${tarball}`, join(work, 'package'), ['**/*.js', 'package.json']],
	]) {
		const result = await analyzePackage(dir, patterns);
		console.log(`scanner lint, ${what}: ${result.passed ? 'passed' : `FAILED (${result.message})`}`);
		if (!result.passed) {
			failed = true;
			if (result.details) console.log(result.details);
		}
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
