'use strict';
/**
 * The per-item cases again, inside a real n8n (the same install the e2e tests use), where the
 * costs that a unit-level harness stubs out are real: credentials read from n8n's database and
 * decrypted, expressions, n8n's HTTP client. The comparison is what a user would build instead:
 * n8n's own HTTP Request node, with the auth header computed beforehand (the in-n8n floor).
 * Both nodes run in one workflow, on the same 1,000 items, each timed by n8n (runData
 * executionTime); the workflow runs ROUNDS times and the ratio of medians is reported.
 *
 * Prints a Markdown table on stdout; `bench/run.ts` includes it. Runs under Node 24.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../scripts/n8n-runtime');

runtime.underN8nNode(__filename, 'BENCH_N8N_BIN', { stdin: 'ignore' });

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const ROUNDS = Number(process.env.BENCH_N8N_ROUNDS ?? 3);
const n8nBin = process.env.BENCH_N8N_BIN;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-bench-'));
const env = runtime.n8nEnv(work, 5900 + Math.floor(Math.random() * 90));
const VIS_REQUESTS_PER_MINUTE = 1_000_000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function startStandin() {
	const infoFile = path.join(work, 'sandbox.json');
	const child = spawn(
		process.execPath,
		[
			path.join(runtime.ROOT, 'sandbox/cli.js'),
			'--port',
			'0',
			'--events',
			'0',
			'--json-out',
			infoFile,
		],
		{ stdio: 'ignore' },
	);
	for (let i = 0; i < 100 && !fs.existsSync(infoFile); i++)
		await new Promise((r) => setTimeout(r, 50));
	const sandbox = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
	const control = async (route, body) =>
		(
			await fetch(`${sandbox.url}/_standin/${route}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body ?? {}),
			})
		).json();
	return { sandbox, control, stop: () => child.kill() };
}

/** A token from the stand-in, the way the floor gets one: once, outside the timed part. */
async function visToken(sandbox) {
	const response = await fetch(`${sandbox.url}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'password',
			scope: 'openid',
			client_id: sandbox.consumerKey,
			client_secret: sandbox.consumerSecret,
			username: `${sandbox.username}@vbc.prod`,
			password: sandbox.password,
		}),
	});
	const { access_token: accessToken } = await response.json();
	if (!accessToken)
		throw new Error(`the stand-in refused the VIS token request (${response.status})`);
	return accessToken;
}

async function applicationJwt(sandbox) {
	const { SignJWT, importPKCS8 } = require('jose');
	const key = await importPKCS8(sandbox.privateKey, 'RS256');
	const now = Math.floor(Date.now() / 1000);
	return await new SignJWT({ application_id: sandbox.applicationId })
		.setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
		.setIssuedAt(now)
		.setExpirationTime(now + 3600)
		.setJti(String(now))
		.sign(key);
}

const PKG = require('../package.json').name;
const position = (i) => [240 * (i % 4), 200 * Math.floor(i / 4)];

/** Vonage node and HTTP Request node, side by side, each fed the same generated items. */
function workflow(sandbox, callId) {
	const cases = [
		{
			label: 'Get Application',
			vonage: {
				type: `${PKG}.vonagePlatform`,
				parameters: {
					resource: 'application',
					operation: 'get',
					applicationId: '={{ $json.appId }}',
				},
				credentials: { vonageKeySecretApi: { id: 'vonageKeySecretSandbox', name: 'k' } },
			},
			http: {
				parameters: {
					url: `=${sandbox.url}/v2/applications/{{ $json.appId }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpBasicAuth',
					options: {},
				},
				credentials: { httpBasicAuth: { id: 'benchBasic', name: 'b' } },
			},
		},
		{
			label: 'Create User (JWT)',
			vonage: {
				type: `${PKG}.vonagePlatform`,
				parameters: { resource: 'user', operation: 'create', name: '={{ "node-" + $json.name }}' },
				credentials: { vonageJwtApi: { id: 'vonageJwtSandbox', name: 'j' } },
			},
			http: {
				parameters: {
					method: 'POST',
					url: `${sandbox.url}/v1/users`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ name: "http-" + $json.name }) }}',
					options: {},
				},
				credentials: { httpHeaderAuth: { id: 'benchJwtHeader', name: 'h' } },
			},
		},
		{
			label: 'VIS Get Call',
			vonage: {
				type: `${PKG}.vonageVis`,
				parameters: { resource: 'call', operation: 'get', callId: '={{ $json.callId }}' },
				credentials: { vonageVisPasswordApi: { id: 'vonageVisSandbox', name: 'v' } },
			},
			http: {
				parameters: {
					url: `=${sandbox.url}/t/vbc.prod/vis/v1/self/calls/{{ $json.callId }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					options: {},
				},
				credentials: { httpHeaderAuth: { id: 'benchVisHeader', name: 'h' } },
			},
		},
	];
	const nodes = [
		{
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'items',
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [200, 0],
			parameters: {
				jsCode: `return Array.from({ length: ${ITEMS} }, (_, i) => ({ json: { appId: ${JSON.stringify(sandbox.applicationId)}, callId: ${callId}, name: $execution.id + '-' + i } }));`,
			},
		},
	];
	const connections = {
		Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[]] },
	};
	cases.forEach((c, i) => {
		c.vonageName = `Vonage ${c.label}`;
		c.httpName = `HTTP ${c.label}`;
		nodes.push({
			id: `v${i}`,
			name: c.vonageName,
			typeVersion: 1,
			position: position(2 * i + 4),
			...c.vonage,
		});
		nodes.push({
			id: `h${i}`,
			name: c.httpName,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: position(2 * i + 5),
			...c.http,
		});
		connections.Items.main[0].push(
			{ node: c.vonageName, type: 'main', index: 0 },
			{ node: c.httpName, type: 'main', index: 0 },
		);
	});
	return {
		cases,
		definition: {
			id: 'vonageBenchPerItem',
			name: 'bench: per item',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes,
			connections,
		},
	};
}

async function main() {
	process.stderr.write(`[bench:n8n] n8n ${runtime.N8N_VERSION} in ${work}\n`);
	runtime.installPackage(work);
	const { sandbox, control, stop } = await startStandin();
	try {
		const [{ ids }, token, jwt] = await Promise.all([
			control('seed-calls', { count: 1 }),
			visToken(sandbox),
			applicationJwt(sandbox),
		]);
		const credentials = runtime.sandboxCredentials(sandbox.url, sandbox);
		// The nodes pace VIS requests to the credential's quota (10 a minute by default): out of
		// reach here, so the VIS case measures the node, not 100 minutes of waiting.
		credentials.find((c) => c.type === 'vonageVisPasswordApi').data.requestsPerMinute =
			VIS_REQUESTS_PER_MINUTE;
		await runtime.importCredentials(n8nBin, env, work, [
			...credentials,
			{
				id: 'benchBasic',
				name: 'bench basic',
				type: 'httpBasicAuth',
				data: { user: sandbox.apiKey, password: sandbox.apiSecret },
			},
			{
				id: 'benchJwtHeader',
				name: 'bench JWT header',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${jwt}` },
			},
			{
				id: 'benchVisHeader',
				name: 'bench VIS header',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${token}` },
			},
		]);
		const { cases, definition } = workflow(sandbox, ids[0]);
		const file = path.join(work, 'workflow.json');
		fs.writeFileSync(file, JSON.stringify(definition));
		await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${file}`]);

		const times = {};
		for (let round = 0; round < ROUNDS; round++) {
			await control('clear-users');
			const stdout = await runtime.n8nCli(n8nBin, env, [
				'execute',
				`--id=${definition.id}`,
				'--rawOutput',
			]);
			const { data } = JSON.parse(stdout.slice(stdout.indexOf('{')));
			if (data.resultData.error)
				throw new Error(`bench workflow failed: ${JSON.stringify(data.resultData.error)}`);
			for (const c of cases) {
				for (const name of [c.vonageName, c.httpName]) {
					const [run] = data.resultData.runData[name];
					const out = run.data.main[0];
					if (out.length !== ITEMS || out.some((item) => item.json.error))
						throw new Error(`${name} returned ${out.length} items or an error`);
					(times[name] ??= []).push(run.executionTime);
				}
			}
		}
		const lines = [
			`Inside n8n ${runtime.N8N_VERSION} (Node ${process.version}), ${ITEMS} items, median of ${ROUNDS} runs of one workflow; time as n8n records it per node. VIS credential's Requests per Minute: ${VIS_REQUESTS_PER_MINUTE.toLocaleString('en')} (no pacing wait).`,
			'',
			'| case | Vonage node | HTTP Request node, auth header computed beforehand | Vonage/HTTP Request |',
			'|---|---|---|---|',
			...cases.map((c) => {
				const vonage = median(times[c.vonageName]);
				const http = median(times[c.httpName]);
				return `| ${c.label} ×${ITEMS} | ${vonage} ms | ${http} ms | ${(vonage / http).toFixed(2)} |`;
			}),
		];
		console.log(lines.join('\n'));
	} finally {
		stop();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
