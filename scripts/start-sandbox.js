#!/usr/bin/env node
'use strict';
/**
 * `npm start`: n8n (http://127.0.0.1:5678 unless taken) with this package installed, the local
 * Vonage stand-in as a sandbox (http://127.0.0.1:5680 unless taken), sandbox credentials, and
 * the example workflows, so the nodes can be tried without a Vonage account.
 *
 * Safe to run again in the same folder, also after an interrupted run: what n8n already has
 * (credentials, workflows, an OAuth2 connection) is kept, and only what is missing is added.
 * VONAGE_SANDBOX_FOLDER chooses the n8n user folder (default .cache/sandbox-user).
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const runtime = require('./n8n-runtime');

// n8n's own sqlite3 is built for the Node that runs n8n, so this script runs there too: under
// another Node it only starts itself again under n8n's.
const underN8nsNode = process.versions.node.startsWith('24.');
if (!underN8nsNode) {
	const n8nBin = runtime.ensureN8n();
	const child = spawn(path.join(runtime.nodeBinDir(), 'node'), [__filename], {
		stdio: 'inherit',
		env: { ...process.env, VONAGE_SANDBOX_N8N_BIN: n8nBin },
	});
	// Ctrl-C reaches both processes; the child shuts down and this one follows it.
	process.on('SIGINT', () => undefined);
	process.on('SIGTERM', () => child.kill('SIGTERM'));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const { createStandin } = require('../sandbox/server');

const userFolder = path.resolve(
	process.env.VONAGE_SANDBOX_FOLDER || path.join(runtime.CACHE, 'sandbox-user'),
);
const EXAMPLES = [
	'vis-actions.json',
	'vis-trigger.json',
	'vis-oauth2.json',
	'platform-actions.json',
	'voice-answer.json',
	'voice-control.json',
	'voice-recording.json',
	'voice-menu.json',
	'voice-agent.json',
];
const ACTIVE_EXAMPLES = [
	'vonageVisTrigger1',
	'vonageVisOAuth2Self',
	'vonageVoiceAnswer1',
	'vonageVoiceControl1',
	'vonageVoiceRecording1',
	'vonageVoiceMenu1',
	'vonageVoiceAgent1',
];
const OAUTH2_CREDENTIAL_ID = 'vonageVisOAuth2Sandbox';
/** Written once the OAuth2 credential was found connected or connected here, so the check runs once per folder. */
const OAUTH2_CHECKED = '.oauth2-connected-by-sandbox';

function portIsFree(port) {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/**
 * The port to use: the one asked for when it is free. When it was chosen by default and is
 * taken (another n8n, say), the next free one; when it was set explicitly, a clear error.
 * n8n also needs its task-broker port free: port + 1000 unless N8N_RUNNERS_BROKER_PORT chooses it.
 */
async function choosePort(variable, fallback, alsoNeeds = () => []) {
	const explicit = process.env[variable];
	const wanted = Number(explicit || fallback);
	const free = async (port) =>
		(await Promise.all([port, ...alsoNeeds(port)].map(portIsFree))).every(Boolean);
	if (await free(wanted)) return wanted;
	if (explicit) {
		throw new Error(
			`${variable}=${wanted}, but port ${wanted}${alsoNeeds(wanted).length ? ` or ${alsoNeeds(wanted).join(', ')}` : ''} is in use. Stop what uses it, or choose another: ${variable}=${wanted + 10} npm start`,
		);
	}
	for (let port = wanted + 1; port < wanted + 50; port++) {
		if (await free(port)) {
			runtime.log(
				`port ${wanted} is in use, so ${{ N8N_PORT: 'n8n', N8N_RUNNERS_BROKER_PORT: 'n8n’s task broker' }[variable] ?? 'the sandbox'} takes ${port} (set ${variable} to choose)`,
			);
			return port;
		}
	}
	throw new Error(`no free port near ${wanted}; set ${variable} to a free one`);
}

/** The addresses the examples' sticky notes name; this install's replace them when a port was taken. */
const NOTE_SANDBOX_URL = 'http://127.0.0.1:5680';
const NOTE_N8N_URL = 'http://127.0.0.1:5678';

/**
 * The examples as this install imports them: each webhook gets its own random id, once, and the
 * sticky notes (how to try each example in the sandbox) name this install's n8n and sandbox.
 */
function exampleForThisInstall(file, { n8nUrl, sandboxUrl }) {
	const workflow = JSON.parse(fs.readFileSync(path.join(runtime.ROOT, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.webhookId) node.webhookId = crypto.randomUUID();
		if (node.type === 'n8n-nodes-base.stickyNote') {
			node.parameters.content = node.parameters.content
				.replaceAll(NOTE_SANDBOX_URL, sandboxUrl)
				.replaceAll(NOTE_N8N_URL, n8nUrl);
		}
	}
	return workflow;
}

async function main() {
	const n8nBin = process.env.VONAGE_SANDBOX_N8N_BIN || runtime.ensureN8n();
	// N8N_PORT_DEFAULT lets the start test (test/e2e/start.e2e.js) play the default away from 5678.
	const brokerChosen = Boolean(process.env.N8N_RUNNERS_BROKER_PORT);
	const n8nPort = await choosePort(
		'N8N_PORT',
		Number(process.env.N8N_PORT_DEFAULT || 5678),
		(port) => (brokerChosen ? [] : [port + 1000]),
	);
	// n8n's task broker listens too: a second `npm start` must be able to move it as well.
	const brokerPort = await choosePort('N8N_RUNNERS_BROKER_PORT', n8nPort + 1000, (port) =>
		port === n8nPort ? [port] : [],
	);
	const sandboxPort = await choosePort('VONAGE_STANDIN_PORT', 5680, (port) =>
		port === n8nPort || port === brokerPort ? [port] : [],
	);
	fs.mkdirSync(userFolder, { recursive: true });
	runtime.log('building and installing n8n-nodes-vonage into the sandbox n8n…');
	runtime.installPackage(userFolder);

	// Call events are delivered to the registered triggers as VIS delivers them, failures included.
	const standin = createStandin({
		stateFile: path.join(userFolder, 'sandbox-state.json'),
		deliverCallEvents: true,
	});
	// Once per sandbox folder: the state file keeps the events of earlier runs.
	if (!standin.state.events.length) standin.seedEvents(50);
	const sandboxUrl = await standin.listen(sandboxPort);
	const env = runtime.n8nEnv(userFolder, n8nPort, {
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
	});
	// As a careful account would have it: the sandbox application signs its Voice callbacks.
	standin.state.applications.get(
		standin.sandbox.applicationId,
	).capabilities.voice.signed_callbacks = true;

	// Only what n8n does not have yet: importing again would reset a connected OAuth2 credential,
	// and n8n refuses to import over a published workflow.
	const credentialIds = new Set(
		(await runtime.queryN8nDb(n8nBin, userFolder, 'SELECT id FROM credentials_entity')).map(
			(row) => row.id,
		),
	);
	// The OAuth2 credential comes connected, as its Connect button would leave it: n8n may preselect it
	// for a new VIS node or trigger, which must then work on its first test.
	const oauth2Callback = `http://127.0.0.1:${n8nPort}/rest/oauth2-credential/callback`;
	const connected = async () => ({
		oauthTokenData: await runtime.sandboxOAuth2TokenData(
			sandboxUrl,
			standin.sandbox,
			oauth2Callback,
		),
	});
	// With "OpenAI (sandbox)", for an AI Agent's OpenAI Chat Model (sandbox/openai.js).
	const missingCredentials = [
		...runtime.sandboxCredentials(
			sandboxUrl,
			standin.sandbox,
			credentialIds.has(OAUTH2_CREDENTIAL_ID) ? {} : await connected(),
		),
		runtime.openAiSandboxCredential(sandboxUrl),
	].filter((credential) => !credentialIds.has(credential.id));
	if (missingCredentials.length)
		await runtime.importCredentials(n8nBin, env, userFolder, missingCredentials);
	const oauth2Checked = path.join(userFolder, OAUTH2_CHECKED);
	if (credentialIds.has(OAUTH2_CREDENTIAL_ID) && !fs.existsSync(oauth2Checked))
		await connectOAuth2MadeEarlier(n8nBin, env, sandboxUrl, connected);
	fs.writeFileSync(oauth2Checked, new Date().toISOString());
	const workflowIds = new Set(
		(await runtime.queryN8nDb(n8nBin, userFolder, 'SELECT id FROM workflow_entity')).map(
			(row) => row.id,
		),
	);
	const addresses = { n8nUrl: `http://127.0.0.1:${n8nPort}`, sandboxUrl };
	const missing = EXAMPLES.map((file) => exampleForThisInstall(file, addresses)).filter(
		(workflow) => !workflowIds.has(workflow.id),
	);
	if (missing.length) {
		const folder = fs.mkdtempSync(path.join(userFolder, 'import-'));
		try {
			for (const workflow of missing)
				fs.writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
			await runtime.n8nCli(n8nBin, env, ['import:workflow', '--separate', `--input=${folder}`]);
		} finally {
			fs.rmSync(folder, { recursive: true, force: true });
		}
		for (const workflow of missing) {
			if (ACTIVE_EXAMPLES.includes(workflow.id))
				await runtime.n8nCli(n8nBin, env, ['publish:workflow', `--id=${workflow.id}`]);
		}
	}

	const logFile = path.join(userFolder, 'n8n.log');
	runtime.log(`starting n8n (log: ${logFile})…`);
	const { child, url } = await runtime.startN8n(n8nBin, env, logFile);
	// The trigger's webhook id as this install generated it; its VIS registration names that URL.
	const visTriggerNode = await workflowNode(
		n8nBin,
		'vonageVisTrigger1',
		'n8n-nodes-vonage.vonageVisTrigger',
	);
	const visRegistration = await waitForRegistration(standin, `/${visTriggerNode?.webhookId}/`);
	const oauth2Path =
		(await workflowNode(n8nBin, 'vonageVisOAuth2Self', 'n8n-nodes-base.webhook'))?.parameters
			?.path ?? 'vis-oauth2-self';
	const json = (value) => `'${JSON.stringify(value)}'`;
	// The names in full, as the Workflows list shows them.
	const names = Object.fromEntries(
		EXAMPLES.map((file) => exampleForThisInstall(file, addresses)).map((workflow) => [
			workflow.id,
			workflow.name,
		]),
	);

	console.log(`
n8n with n8n-nodes-vonage is running: ${url}
  First visit: create the owner account n8n asks for (it stays on this machine).
  Example workflows (Workflows list):
    - "${names.vonageVisActions1}": open it and click "Execute workflow".
    - "${names.vonagePlatformDemo1}": the same, for the platform APIs.
    - "${names.vonageVisTrigger1}": published, registered at the sandbox as ${visRegistration ?? '(not yet: see the n8n log)'}.
      Send it a signed call event:
        curl -X POST ${sandboxUrl}/_standin/deliver -H 'content-type: application/json' -d ${json({ webhookId: visRegistration ?? '' })}
    - "${names.vonageVisOAuth2Self}": published. The credential
      "Vonage VIS OAuth2 (sandbox)" came connected (to connect again, click Reconnect and sign in as
      ${standin.sandbox.username} / ${standin.sandbox.password}). Ask it who is signed in:
        curl ${url}/webhook/${oauth2Path}
    - "${names.vonageVoiceAnswer1}":
      published; the sandbox application points at it. Ring it:
        curl -X POST ${sandboxUrl}/_standin/voice-answer -H 'content-type: application/json' -d ${json({ applicationId: standin.sandbox.applicationId, call: { from: '14155550111' } })}
      (from 14155550999 the workflow fails and the caller gets the Default NCCO)
      Send it a signed call event:
        curl -X POST ${sandboxUrl}/_standin/voice-event -H 'content-type: application/json' -d ${json({ applicationId: standin.sandbox.applicationId, event: { status: 'answered' } })}
    - "${names.vonageVoiceControl1}":
      published; it places a call, reads it, speaks into it and hangs up (Voice API v1), and the
      Voice trigger above hears its events:
        curl '${url}/webhook/voice-call-control?to=14155550100'
    - "${names.vonageVoiceRecording1}":
      published; the Voice trigger above hands it the record and transcription events of the
      calls it answers (its greeting records them), and it downloads the recording (binary data)
      and the transcript (JSON and text). It also places a call that records, to the same end:
        curl '${url}/webhook/voice-record-call?to=14155550100'
    - "${names.vonageVoiceMenu1}":
      published on the sandbox's "Voice menu application". Call it as a caller: the sandbox runs
      each NCCO as Vonage does, presses and says what the script says at each input, and prints
      what the caller heard and did (lines):
        curl -X POST ${sandboxUrl}/_standin/voice-answer -H 'content-type: application/json' -d ${json({ applicationId: 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a992', call: { from: '14155550111' }, caller: [{ press: '1' }, { press: '2' }], wait: true })}
    - "${names.vonageVoiceAgent1}":
      published on the "AI phone agent application"; its model is the OpenAI stand-in below:
        curl -X POST ${sandboxUrl}/_standin/voice-answer -H 'content-type: application/json' -d ${json({ applicationId: 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a993', call: { from: '14155550111' }, caller: [{ say: 'What are your opening hours?' }, { say: 'Thanks, bye' }], wait: true })}
  Your own trigger: add a Vonage VIS Trigger, or a Vonage Voice Trigger on "Sandbox application",
  click "Execute step" on it, and while it listens send it a test event. Without an id the sandbox
  delivers to the newest VIS registration, or to the application a trigger being tested points at:
        curl -X POST ${sandboxUrl}/_standin/deliver
        curl -X POST ${sandboxUrl}/_standin/voice-event
  With Answer Calls With This Workflow on, ring the Voice Trigger that listens:
        curl -X POST ${sandboxUrl}/_standin/voice-answer
  A Vonage VIS Poll Trigger reads the sandbox line's calls: make one happen (its events also go
  to every VIS registration), then click "Execute step" on the poll trigger:
        curl -X POST ${sandboxUrl}/_standin/calls-happen
  Each example workflow has a sticky note that says how to try it.
  Sandbox Vonage (local stand-in): ${sandboxUrl}   state: ${sandboxUrl}/_standin/state
  Credentials "… (sandbox)" point at it, and each works as n8n preselects it for a new node.
  OpenAI-compatible stand-in: ${sandboxUrl}/openai/v1 (any API key; credential "OpenAI (sandbox)"):
  it answers "You said: <your words>. This is turn <n>.", and adds "Goodbye. [END]" on "bye".
  To use real Vonage, open a credential, set Base URL to
  https://api.vonage.com (VIS) or https://api.nexmo.com (key/secret, JWT) and enter your own
  consumer key/secret and VBC login, API key/secret, or application id and private key.
  n8n user folder: ${userFolder} (delete it to start from scratch).
Press Ctrl-C to stop.`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the sandbox…');
		await runtime.stopN8n(child);
		await standin.close();
		console.log('stopped.');
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	child.on('exit', (code) => {
		if (stopping) return;
		console.error(`n8n exited (${code}); last lines of its log:\n${runtime.tail(logFile, 40)}`);
		standin.close().then(() => process.exit(code || 1));
	});
}

/**
 * A folder made before the sandbox connected its OAuth2 credential has it unconnected: connect it
 * now, unless it was connected meanwhile or pointed elsewhere than this sandbox.
 */
async function connectOAuth2MadeEarlier(n8nBin, env, sandboxUrl, connected) {
	const folder = fs.mkdtempSync(path.join(userFolder, 'export-'));
	try {
		const file = path.join(folder, 'oauth2.json');
		await runtime.n8nCli(n8nBin, env, [
			'export:credentials',
			`--id=${OAUTH2_CREDENTIAL_ID}`,
			'--decrypted',
			`--output=${file}`,
		]);
		const [credential] = JSON.parse(fs.readFileSync(file, 'utf8'));
		if (!credential || credential.data?.oauthTokenData || credential.data?.baseUrl !== sandboxUrl)
			return;
		await runtime.importCredentials(n8nBin, env, userFolder, [
			{ ...credential, data: { ...credential.data, ...(await connected()) } },
		]);
		runtime.log(
			'connected the credential "Vonage VIS OAuth2 (sandbox)" that an earlier run left unconnected',
		);
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

/** A node of a workflow as n8n stores it. */
async function workflowNode(n8nBin, workflowId, type) {
	const [row] = await runtime.queryN8nDb(
		n8nBin,
		userFolder,
		'SELECT nodes FROM workflow_entity WHERE id = ?',
		[workflowId],
	);
	return row ? JSON.parse(row.nodes).find((node) => node.type === type) : undefined;
}

/** The VIS registration the active trigger made for its URL, once n8n has activated it. */
async function waitForRegistration(standin, urlPart, timeoutMs = 30_000) {
	for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
		const hook = [...standin.state.webhooks.values()].find((candidate) =>
			String(candidate.url).includes(urlPart),
		);
		if (hook) return hook.id;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return undefined;
}

if (underN8nsNode)
	main().catch((error) => {
		// fetch() says only "fetch failed"; its cause names the socket error and the address.
		const cause = error.cause
			? ` (${error.cause.code ?? ''} ${error.cause.message ?? error.cause})`
			: '';
		console.error(`npm start failed: ${error.message ?? error}${cause}`);
		process.exit(1);
	});
