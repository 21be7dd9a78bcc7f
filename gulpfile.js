const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// tsc compiles the TypeScript; n8n also needs the icons, the codex files and the output schemas next to the compiled classes.
function copyIcons() {
	return src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons')));
}

function copyCodex() {
	return src(['nodes/**/*.node.json']).pipe(dest(path.resolve('dist', 'nodes')));
}

// The editor's output schemas: n8n serves them from __schema__ next to the node file (npm run schemas writes them).
function copySchemas() {
	return src(['nodes/**/__schema__/**/*.json']).pipe(dest(path.resolve('dist', 'nodes')));
}

task('build:assets', parallel(copyIcons, copyCodex, copySchemas));
