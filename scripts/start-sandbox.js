#!/usr/bin/env node
'use strict';
/**
 * `npm start`: n8n at http://127.0.0.1:5678 with this package installed, the local Vonage
 * stand-in as a sandbox at http://127.0.0.1:5680, sandbox credentials, and one example
 * workflow per node, so the nodes can be tried without a Vonage account.
 */
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('./n8n-runtime');
const { createStandin } = require('../test/standin/server');

const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.VONAGE_STANDIN_PORT || 5680);
const userFolder = path.join(runtime.CACHE, 'sandbox-user');
const examples = ['vis-actions.json', 'vis-trigger.json', 'vis-oauth2.json', 'platform-actions.json', 'voice-answer.json'].map((file) => path.join(runtime.ROOT, 'examples', file));

async function main() {
	const n8nBin = runtime.ensureN8n();
	fs.mkdirSync(userFolder, { recursive: true });
	runtime.log('building and installing n8n-nodes-vonage into the sandbox n8n…');
	runtime.installPackage(userFolder);

	const standin = createStandin({ stateFile: path.join(userFolder, 'sandbox-webhooks.json') });
	standin.seedEvents(50);
	const sandboxUrl = await standin.listen(SANDBOX_PORT);
	const env = runtime.n8nEnv(userFolder, N8N_PORT);
	await runtime.importCredentials(n8nBin, env, userFolder, runtime.sandboxCredentials(sandboxUrl, standin.sandbox));
	for (const file of examples) await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${file}`]);
	for (const id of ['vonageVisTrigger1', 'vonageVisOAuth2Self', 'vonageVoiceAnswer1']) await runtime.n8nCli(n8nBin, env, ['publish:workflow', `--id=${id}`]);
	// As a careful account would have it: the sandbox application signs its Voice callbacks.
	standin.state.applications.get(standin.sandbox.applicationId).capabilities.voice.signed_callbacks = true;

	const logFile = path.join(userFolder, 'n8n.log');
	runtime.log(`starting n8n (log: ${logFile})…`);
	const { child, url } = await runtime.startN8n(n8nBin, env, logFile);

	console.log(`
n8n with n8n-nodes-vonage is running: ${url}
  First visit: create the owner account n8n asks for (it stays on this machine).
  Example workflows (Workflows list):
    - "Vonage VIS: place a call, then list call events": open it and click "Execute workflow".
    - "Vonage Platform: application, user and a Voice v2 call": the same, for the platform APIs.
    - "Vonage VIS: react to call events": active; its trigger is registered at the sandbox.
      Send it a signed call event:  curl -X POST ${sandboxUrl}/_standin/deliver \\
        -H 'content-type: application/json' -d '{"webhookId":"<id from ${sandboxUrl}/_standin/state>"}'
    - "Vonage VIS with OAuth2: who am I": open the credential "Vonage VIS OAuth2 (sandbox)", click
      Connect and sign in as ${standin.sandbox.username} / ${standin.sandbox.password}; then: curl ${url}/webhook/vis-oauth2-self
    - "Vonage Voice: answer … calls": active; the sandbox application now points at it.
      Ring it:  curl -X POST ${sandboxUrl}/_standin/voice-answer -H 'content-type: application/json' \\
        -d '{"applicationId":"${standin.sandbox.applicationId}","call":{"from":"14155550111"}}'
      (from 14155550999 the workflow fails and the caller gets the default NCCO)
      A signed call event:  curl -X POST ${sandboxUrl}/_standin/voice-event -H 'content-type: application/json' \\
        -d '{"applicationId":"${standin.sandbox.applicationId}","event":{"status":"answered"}}'
  Sandbox Vonage (local stand-in): ${sandboxUrl}   state: ${sandboxUrl}/_standin/state
  Credentials "… (sandbox)" point at it. To use real Vonage, open a credential, set Base URL to
  https://api.vonage.com (VIS) or https://api.nexmo.com (key/secret, JWT) and enter your own
  consumer key/secret and VBC login, API key/secret, or application id and private key.
Press Ctrl-C to stop.`);

	const stop = async () => {
		await runtime.stopN8n(child);
		await standin.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	child.on('exit', (code) => {
		console.error(`n8n exited (${code}); last lines of its log:\n${runtime.tail(logFile, 40)}`);
		standin.close().then(() => process.exit(code ?? 1));
	});
}

main().catch((error) => {
	console.error(`npm start failed: ${error.stack ?? error}`);
	process.exit(1);
});
