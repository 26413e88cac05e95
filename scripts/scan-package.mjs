/**
 * n8n's verification check, offline: @n8n/scan-community-package's own analyzePackage on the
 * source (the files `n8n-node lint` covers) and on the `npm pack` tarball, as n8n's verification
 * runs it. Its verdict counts errors only, so the same ESLint config is run once more here to
 * count warnings too: both legs must have none. Then the built package must not require jose
 * (it is bundled), the bundled jose must sign (its size and load time are printed), and no file of
 * the tarball may hold the sandbox's addresses or control paths.
 * Run after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import {
	analyzePackage,
	buildScanConfig,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let failed = false;

/**
 * What only `npm start`'s sandbox understands, which a user of the published package has not got:
 * its addresses and its /_standin/ control paths. The trigger panels once told every user to curl
 * them; they belong in `npm start`'s banner and the example workflows' sticky notes.
 */
const DEVELOPMENT_TEXT = /_standin|127\.0\.0\.1:5680|localhost:5680|\b5680\b|npm start sandbox/gi;

/** Prints each file of the unpacked tarball and line that holds development text; true when any does. */
function reportDevelopmentText(packageDir) {
	const found = [];
	for (const file of glob.sync('**/*', { cwd: packageDir, dot: true, onlyFiles: true })) {
		const lines = fs.readFileSync(path.join(packageDir, file), 'latin1').split('\n');
		lines.forEach((line, index) => {
			for (const match of line.matchAll(DEVELOPMENT_TEXT)) {
				const context = line
					.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40)
					.trim();
				found.push(`  ${file}:${index + 1}: "${match[0]}" in …${context}…`);
			}
		});
	}
	if (found.length)
		console.log(
			`the tarball holds sandbox addresses or control paths (development text):\n${found.join('\n')}`,
		);
	else console.log('tarball: no sandbox address or control path in any file');
	return found.length > 0;
}

/**
 * Prints each relative require() of the unpacked tarball that names a file the tarball does not
 * hold (the tests' test/helpers/node.js, say, which reaches Node's modules outside n8n's rules);
 * true when any does.
 */
function reportMissingRequires(packageDir) {
	const missing = [];
	for (const file of glob.sync('**/*.js', { cwd: packageDir })) {
		const source = fs.readFileSync(path.join(packageDir, file), 'utf8');
		for (const [, request] of source.matchAll(/\brequire\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g)) {
			const target = path.resolve(packageDir, path.dirname(file), request);
			const held = [target, `${target}.js`, `${target}.json`, path.join(target, 'index.js')].some(
				(candidate) =>
					candidate.startsWith(packageDir + path.sep) &&
					fs.statSync(candidate, { throwIfNoEntry: false })?.isFile(),
			);
			if (!held) missing.push(`  ${file}: require("${request}")`);
		}
	}
	if (missing.length)
		console.log(`the tarball requires files it does not hold:\n${missing.join('\n')}`);
	else console.log('tarball: every relative require() names a file it holds');
	return missing.length > 0;
}

async function leg(name, dir, patterns = ['**/*.js', '**/*.ts', '**/*.json']) {
	const verdict = await analyzePackage(dir, patterns);
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
	const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
	console.log(
		`scanner, ${name}: ${verdict.passed ? 'passed' : 'FAILED'}; ${errors} errors, ${warnings} warnings in ${files.length} files`,
	);
	if (!verdict.passed || errors || warnings) {
		failed = true;
		console.log(
			(await (await eslint.loadFormatter('stylish')).format(results)) ||
				verdict.details ||
				verdict.message,
		);
	}
}

await leg('source', ROOT, SOURCE_FILE_PATTERNS);

const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-vonage-scan-'));
try {
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	const tarball = path.join(packDir, pack.stdout.trim().split('\n').pop());
	spawnSync('tar', ['-xzf', tarball, '-C', packDir], { stdio: 'inherit' });
	const packageDir = path.join(packDir, 'package');
	await leg('npm pack tarball', packageDir);

	const requiresJose = glob
		.sync('**/*.js', { cwd: packageDir, absolute: true })
		.filter((file) => /require\(["']jose["']\)/.test(fs.readFileSync(file, 'utf8')));
	if (requiresJose.length) {
		failed = true;
		console.log(
			`the package still requires jose at run time: ${requiresJose.map((f) => path.relative(packageDir, f)).join(', ')}`,
		);
	}
	failed = reportDevelopmentText(packageDir) || failed;
	failed = reportMissingRequires(packageDir) || failed;

	const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	if (Object.keys(packageJson.dependencies ?? {}).length) {
		failed = true;
		console.log(
			`the package has runtime dependencies: ${Object.keys(packageJson.dependencies).join(', ')}`,
		);
	}

	// The bundled jose, loaded from the unpacked tarball with nothing installed beside it, must
	// sign an application JWT.
	const bundle = path.join(packageDir, 'dist', 'nodes', 'shared', 'auth', 'jose.js');
	const probe = `
		const started = process.hrtime.bigint();
		const { applicationJwt } = require(${JSON.stringify(path.join(packageDir, 'dist', 'nodes', 'shared', 'auth', 'applicationJwt.js'))});
		const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
		const { privateKey } = require('node:crypto').generateKeyPairSync('rsa', { modulusLength: 2048 });
		applicationJwt({ applicationId: 'scan', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) }).then((jwt) => {
			process.stdout.write(JSON.stringify({ loadMs, parts: jwt.split('.').length }));
		});`;
	const run = spawnSync(process.execPath, ['-e', probe], { cwd: packageDir, encoding: 'utf8' });
	const signed = run.status === 0 ? JSON.parse(run.stdout) : undefined;
	if (signed?.parts !== 3) {
		failed = true;
		console.log(`the bundled jose did not sign a JWT: ${run.stderr}`);
	} else {
		console.log(
			`bundled jose: ${Math.round(fs.statSync(bundle).size / 1024)} KB; loading the JWT module with it took ${signed.loadMs.toFixed(1)} ms; it signs`,
		);
	}
} finally {
	fs.rmSync(packDir, { recursive: true, force: true });
}

if (failed) {
	console.log('\nscan: FAILED');
	process.exit(1);
}
console.log('scan: 0 errors, 0 warnings on both legs');
