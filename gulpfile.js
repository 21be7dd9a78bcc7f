const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// tsc compiles the TypeScript; n8n also needs the icons and the codex files next to the compiled classes.
function copyIcons() {
	return src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons')));
}

function copyCodex() {
	return src(['nodes/**/*.node.json']).pipe(dest(path.resolve('dist', 'nodes')));
}

task('build:assets', parallel(copyIcons, copyCodex));
