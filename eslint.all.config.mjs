/**
 * What `npm run lint` runs ESLint with, refusing every warning: n8n's config for the package
 * (eslint.config.mjs, which must stay exactly as `n8n-node new` writes it for n8n Cloud's strict
 * mode, and which `n8n-node lint` runs but lets warnings through), plus ESLint's recommended rules
 * for the plain JavaScript of the repository (the sandbox, scripts, end-to-end tests and bench),
 * which n8n's config parses but checks with no rule.
 */
import js from '@eslint/js';
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';
import globals from 'globals';

export default [
	...config,
	// Built or downloaded, never written by hand (all in .gitignore).
	globalIgnores(['bench/.build', '.cache', '.e2e', 'coverage']),
	{
		files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
		...js.configs.recommended,
		languageOptions: { globals: globals.node },
	},
	{ files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
];
