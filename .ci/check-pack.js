// Checks that `npm pack` would publish only dist/, the user docs (docs/*.md: the nodes' Docs links open them), the
// example workflows, package.json, README.md, LICENSE, BENCHMARKS.md and CHANGELOG.md, with everything n8n loads; and
// that every relative link in a published document leads to a published file (the docs are read from the package).
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { dirname, join, normalize } = require('node:path');

const pkg = require('../package.json');
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const files = pack.files.map((f) => f.path);
const allowed = (path) =>
	path.startsWith('dist/') ||
	/^docs\/[\w-]+\.md$/.test(path) ||
	/^docs\/images\/[\w-]+\.png$/.test(path) ||
	/^examples\/[\w-]+\.json$/.test(path) ||
	['package.json', 'README.md', 'LICENSE', 'BENCHMARKS.md', 'CHANGELOG.md'].includes(path);
const problems = [];

for (const path of files) if (!allowed(path)) problems.push(`unexpected file in the package: ${path}`);
for (const path of ['package.json', 'README.md', 'LICENSE', 'docs/credentials.md', 'docs/trigger.md', 'docs/polling-trigger.md', ...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!files.includes(path)) problems.push(`missing from the package: ${path}`);
}
for (const path of ['dist/icons/referralFactory.svg', 'dist/icons/referralFactory.dark.svg', 'dist/nodes/ReferralFactory/ReferralFactory.node.json', 'dist/nodes/ReferralFactoryTrigger/ReferralFactoryTrigger.node.json', 'dist/nodes/ReferralFactoryPollingTrigger/ReferralFactoryPollingTrigger.node.json']) {
	if (!files.includes(path)) problems.push(`missing from the package: ${path}`);
}
for (const doc of files.filter((path) => path.endsWith('.md'))) {
	const text = readFileSync(join(__dirname, '..', doc), 'utf8');
	for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
		if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
		const path = normalize(join(dirname(doc), target.split('#')[0]));
		const folder = target.endsWith('/') && files.some((file) => file.startsWith(path));
		if (!files.includes(path) && !folder) problems.push(`${doc} links to ${target}, which is not in the package`);
	}
}
if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) problems.push('package.json has runtime dependencies');

if (problems.length > 0) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(`npm pack: ${files.length} files, all under dist/, docs/ (text, images) or examples/, or package.json, README.md, LICENSE, BENCHMARKS.md, CHANGELOG.md; every relative link in them leads to one of them`);
