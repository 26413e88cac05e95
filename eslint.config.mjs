/**
 * The project's lint is n8n's own verification gate: the exact flat config that
 * @n8n/scan-community-package lints community packages with (@n8n/eslint-plugin-community-nodes'
 * recommended rules plus eslint-plugin-n8n-nodes-base's community, credentials and nodes rules).
 * `npm run scan` runs the scanner itself on the source and on the packed tarball.
 */
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

export default [
	// Only nodes/, credentials/ and package.json ship; the rest (the sandbox that stands in for
	// Vonage's servers, tests, scripts) is never packed, and `n8n-node lint` lints `.`.
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'sandbox/**', 'bench/**', 'scripts/**', 'examples/**', '.cache/**', '*.js', '*.mjs'] },
	...(await buildScanConfig()),
];
