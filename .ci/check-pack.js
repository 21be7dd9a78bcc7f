// Checks that `npm pack` would publish only dist/, the user docs (docs/*.md: the nodes' Docs links open them),
// package.json, README.md and LICENSE, with everything n8n loads.
const { execFileSync } = require('node:child_process');

const pkg = require('../package.json');
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const files = pack.files.map((f) => f.path);
const allowed = (path) => path.startsWith('dist/') || /^docs\/[\w-]+\.md$/.test(path) || ['package.json', 'README.md', 'LICENSE'].includes(path);
const problems = [];

for (const path of files) if (!allowed(path)) problems.push(`unexpected file in the package: ${path}`);
for (const path of ['package.json', 'README.md', 'LICENSE', 'docs/credentials.md', 'docs/trigger.md', 'docs/polling-trigger.md', ...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!files.includes(path)) problems.push(`missing from the package: ${path}`);
}
for (const path of ['dist/icons/referralFactory.svg', 'dist/icons/referralFactory.dark.svg', 'dist/nodes/ReferralFactory/ReferralFactory.node.json', 'dist/nodes/ReferralFactoryTrigger/ReferralFactoryTrigger.node.json', 'dist/nodes/ReferralFactoryPollingTrigger/ReferralFactoryPollingTrigger.node.json']) {
	if (!files.includes(path)) problems.push(`missing from the package: ${path}`);
}
if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) problems.push('package.json has runtime dependencies');

if (problems.length > 0) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(`npm pack: ${files.length} files, all under dist/ or docs/*.md, or package.json, README.md, LICENSE`);
