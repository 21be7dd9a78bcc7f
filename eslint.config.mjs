// Flat config. eslint-plugin-n8n-nodes-base only ships legacy configs, so its rule sets are spread per file group;
// @n8n/eslint-plugin-community-nodes ships a real flat config, scoped here to what we publish (it bans timers,
// process.env and console, which the test code and the sandbox legitimately use).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { configs as communityConfigs } from '@n8n/eslint-plugin-community-nodes';

const published = ['credentials/**/*.ts', 'nodes/**/*.ts', 'package.json'];

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'test-results/**', 'gulpfile.js'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json' } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Same choices as n8n's own CLI lint config: this rule misfires on lower-case URLs, and the community
			// plugin's credential-password-field rule covers password fields.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// The community plugin wants NodeConnectionTypes.Main, which these legacy rules do not know.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	...[communityConfigs.recommended].map((config) => ({ ...config, files: published })),
);
