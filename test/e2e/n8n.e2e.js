'use strict';
/**
 * End-to-end: this package installed into a real n8n (npm package, loopback), driven through
 * n8n itself, against the local Vonage stand-in. Its steps, in the order they run (each one
 * alone: `npm run test:e2e -- <step>`, with the fixtures it needs; see steps.js):
 *   actionWorkflow: action workflow through `n8n execute`: outputs and the stand-in's record of
 *     requests;
 *   platformWorkflow: platform workflow through `n8n execute`: Applications, Users and a Voice v2
 *     call;
 *   visTriggerDeliveries: with the trigger workflow published and n8n started, one VIS
 *     registration for n8n's production URL; a signed delivery runs exactly one execution;
 *     tampered and repeated ones run none;
 *   restartKeepsRegistration (after visTriggerDeliveries): graceful stop and restart keeps
 *     exactly one registration; a redelivery after it stops at Remove Duplicates;
 *   credentialTests: the credentials test through n8n;
 *   deactivateReactivate: deactivation removes the registration, reactivation makes exactly one
 *     again;
 *   oauth2ConnectAndRefresh: the VIS OAuth2 credential connected through n8n's own OAuth2
 *     routes, used, refreshed on 401;
 *   voiceAnswer: the Voice trigger answering calls with the workflow's NCCO (default NCCO via the
 *     fallback when the workflow fails), verifying signed events;
 *   recordedCall (after voiceAnswer): the call answered by the built NCCO (talk, input, record
 *     with transcription): the Voice trigger hears its record and transcription events and hands
 *     them to examples/voice-recording.json, which downloads the recording as n8n binary data
 *     (the stand-in's exact bytes) and reads the transcript;
 *   callControl: Vonage Voice call control, heard by the Voice trigger;
 *   voiceApplicationHeld: a second Voice trigger published for the application the voice-menu
 *     example receives: refused, naming that workflow and its id; Take Over moves it;
 *   voiceTriggerDeactivated: the Voice trigger deactivated: the application's webhooks restored;
 *   deliveryLoadRegularMode: n8n restarted with the busy-line settings: 20 signed deliveries a
 *     second for 60 s into a VIS Trigger → Handle event workflow, each answered within 2 s and
 *     run once (with VONAGE_LOAD=1 also n8n's Webhook node → Handle event beside it);
 *   noSecretInLog: no password, secret or signing key in n8n's log.
 * The fixtures: installed (the package in an n8n user folder, the stand-in, the credentials),
 * n8nUp (n8n started once with the trigger workflows published; started again if a failed step
 * left it stopped) and owner (n8n's owner account, signed in).
 * Runs under Node 24 (re-executes itself with it). Prints n8n's log when a step fails.
 */
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime');
const { deliveryLoad, postToReferenceWebhook } = require('./deliveryLoad');
const { changedBehindItsBack, createVoiceTriggerWorkflow } = require('./voiceApplicationChanged');
const { voiceMenuConversation } = require('./voiceMenu');
const { referenceWebhookWorkflow, triggerOnlyWorkflow } = require('../../scripts/load-workflows');
const { suite } = require('./steps');
const {
	executionsOf,
	finishedExecutions,
	loadOutcome,
	n8nBrowser,
	ranNode,
	restApiUp,
	sleep,
	step,
	underN8nNode,
	visSignature,
	waitFor,
	webhooksServed,
} = require('./helpers');

const { createStandin } = require('../../sandbox/server');

const n8nBin = process.env.E2E_N8N_BIN;
const PORT = 5600 + Math.floor(Math.random() * 300);
const BROWSER_ID = 'e2e-browser';
const actions = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/vis-actions.json'), 'utf8'),
);
const loadReference = referenceWebhookWorkflow('loadReference1');
const triggerWorkflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/vis-trigger.json'), 'utf8'),
);
const triggerNode = triggerWorkflow.nodes.find((n) => n.type.endsWith('vonageVisTrigger'));
const loadWorkflow = triggerOnlyWorkflow(triggerWorkflow, 'vonageVisLoad1');
const productionUrl = `http://127.0.0.1:${PORT}/webhook/${triggerNode.webhookId}/vis-events`;
const oauth2Workflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/vis-oauth2.json'), 'utf8'),
);
const voiceWorkflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/voice-answer.json'), 'utf8'),
);
// The example's greeting (talk, then record with a transcript) with an input action between them,
// so that one answered call runs a built NCCO with talk, input and record.
const greeting = voiceWorkflow.nodes.find((n) => n.name === 'Greet the caller').parameters
	.nccoActions.action;
greeting.splice(1, 0, {
	type: 'input',
	inputTypes: ['dtmf'],
	dtmf: { maxDigits: 1, submitOnHash: true },
});
const menuWorkflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/voice-menu.json'), 'utf8'),
);
const menuApplicationId = menuWorkflow.nodes[0].parameters.applicationId;
const menuWebhookBase = `http://127.0.0.1:${PORT}/webhook/${menuWorkflow.nodes[0].webhookId}/`;
const agentWorkflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/voice-agent.json'), 'utf8'),
);
const agentApplicationId = agentWorkflow.nodes[0].parameters.applicationId;
const agentWebhookBase = `http://127.0.0.1:${PORT}/webhook/${agentWorkflow.nodes[0].webhookId}/`;
const recordingWorkflow = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/voice-recording.json'), 'utf8'),
);
const voiceWebhookBase = `http://127.0.0.1:${PORT}/webhook/${voiceWorkflow.nodes[0].webhookId}/`;

const n8nUrl = `http://127.0.0.1:${PORT}`;
const { asBrowser, rest } = n8nBrowser(n8nUrl, BROWSER_ID);

// The n8n user folder, its log and n8n's environment: set by the installed fixture.
let work;
let logFile;
let env;
let standin;
let n8n;

const running = (child) => Boolean(child) && child.exitCode === null && child.signalCode === null;

function cli(...args) {
	return runtime.n8nCli(n8nBin, env, args);
}

function registrations() {
	return [...standin.state.webhooks.values()];
}

async function sql(query, params = []) {
	return await runtime.queryN8nDb(n8nBin, work, query, params);
}

/** The JSON of `n8n execute --rawOutput`; n8n may log a line before or after it. */
function rawOutputJson(stdout) {
	return JSON.parse(stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1));
}

/** The package built, packed and installed in a new n8n user folder; the stand-in up; credentials imported. */
async function installed() {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-e2e-'));
	logFile = path.join(work, 'n8n.log');
	env = runtime.n8nEnv(work, PORT);
	console.log(`  n8n ${runtime.N8N_VERSION} in ${work}`);
	runtime.installPackage(work);
	standin = createStandin();
	standin.seedEvents(120);
	const standinUrl = await standin.listen();
	const sandbox = standin.sandbox;
	await runtime.importCredentials(n8nBin, env, work, [
		...runtime.sandboxCredentials(standinUrl, sandbox),
		runtime.openAiSandboxCredential(standinUrl),
	]);
}

/**
 * n8n started with the workflows the steps drive published and active: the VIS trigger, OAuth2,
 * Voice answer (with the input action), recording and call-control examples. Resolves to the
 * Voice application's webhooks as they were before n8n pointed them here.
 */
async function n8nUp() {
	const { sandbox } = standin;
	fs.writeFileSync(path.join(work, 'trigger.json'), JSON.stringify(triggerWorkflow));
	await cli('import:workflow', `--input=${path.join(work, 'trigger.json')}`);
	await cli('publish:workflow', `--id=${triggerWorkflow.id}`);
	await cli('import:workflow', `--input=${path.join(runtime.ROOT, 'examples/vis-oauth2.json')}`);
	await cli('publish:workflow', `--id=${oauth2Workflow.id}`);
	fs.writeFileSync(path.join(work, 'voice-answer.json'), JSON.stringify(voiceWorkflow));
	await cli('import:workflow', `--input=${path.join(work, 'voice-answer.json')}`);
	await cli('publish:workflow', `--id=${voiceWorkflow.id}`);
	// The voice-answer example hands record and transcription events to it (published: a
	// published workflow's sub-workflow runs its published version).
	await cli(
		'import:workflow',
		`--input=${path.join(runtime.ROOT, 'examples/voice-recording.json')}`,
	);
	await cli('publish:workflow', `--id=${recordingWorkflow.id}`);
	await cli('import:workflow', `--input=${path.join(runtime.ROOT, 'examples/voice-control.json')}`);
	await cli('publish:workflow', '--id=vonageVoiceControl1');
	await cli('import:workflow', `--input=${path.join(runtime.ROOT, 'examples/voice-menu.json')}`);
	await cli('publish:workflow', `--id=${menuWorkflow.id}`);
	await cli('import:workflow', `--input=${path.join(runtime.ROOT, 'examples/voice-agent.json')}`);
	await cli('publish:workflow', `--id=${agentWorkflow.id}`);
	for (const id of [menuApplicationId, agentApplicationId])
		standin.state.applications.get(id).capabilities.voice.signed_callbacks = true;
	if (process.env.VONAGE_LOAD === '1') {
		fs.writeFileSync(path.join(work, 'load-reference.json'), JSON.stringify(loadReference));
		await cli('import:workflow', `--input=${path.join(work, 'load-reference.json')}`);
		await cli('publish:workflow', `--id=${loadReference.id}`);
	}
	const voiceApp = standin.state.applications.get(sandbox.applicationId);
	voiceApp.capabilities.voice.signed_callbacks = true;
	const voiceHooksBefore = structuredClone(voiceApp.capabilities.voice.webhooks);
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	// Up means the triggers are active, so that any step can come first: the VIS registration made,
	// the Voice application pointed here, the webhooks the steps call served.
	await waitFor('the VIS registration', () => registrations().length > 0);
	await waitFor(
		'the application to point at n8n',
		() =>
			voiceApp.capabilities.voice.webhooks.event_url.address === `${voiceWebhookBase}voice-events`,
	);
	await webhooksServed(servedWebhooks());
	return { voiceHooksBefore };
}

/** The production webhooks the steps call (what n8nUp waits for). */
function servedWebhooks() {
	const webhooks = [
		['POST', productionUrl],
		...['voice-answer', 'voice-fallback', 'voice-events', 'voice-turns'].flatMap((name) => [
			['POST', `${voiceWebhookBase}${name}`],
			['POST', `${menuWebhookBase}${name}`],
			['POST', `${agentWebhookBase}${name}`],
		]),
		['GET', `${n8nUrl}/webhook/vis-oauth2-self`],
		['GET', `${n8nUrl}/webhook/voice-call-control`],
	];
	if (process.env.VONAGE_LOAD === '1') webhooks.push(['POST', `${n8nUrl}/webhook/load-reference`]);
	return webhooks;
}

/** n8n's owner account set up; the owner's browser (asBrowser, rest) is signed in. */
async function owner() {
	// /healthz answers before the REST routes are mounted.
	await restApiUp(n8nUrl);
	await rest('POST', '/owner/setup', {
		email: 'e2e@example.com',
		firstName: 'E2E',
		lastName: 'Test',
		password: 'E2e-password-123',
	});
}

async function actionWorkflow() {
	fs.writeFileSync(path.join(work, 'actions.json'), JSON.stringify(actions));
	await cli('import:workflow', `--input=${path.join(work, 'actions.json')}`);
	const stdout = await cli('execute', `--id=${actions.id}`, '--rawOutput');
	const output = rawOutputJson(stdout);
	const runData = output.data.resultData.runData;
	assert.equal(
		output.data.resultData.error,
		undefined,
		`execution failed: ${JSON.stringify(output.data.resultData.error)}`,
	);
	const placed = runData['Place call'][0].data.main[0];
	assert.equal(placed.length, 1);
	assert.equal(placed[0].json.phoneNumber, '+14155550100');
	assert.equal(placed[0].json.state, 'RINGING');
	const events = runData['List events'][0].data.main[0];
	assert.equal(events.length, 121, 'Return All lists the 120 seeded events and the placed call');
	assert.equal(new Set(events.map((e) => e.json.id)).size, 121, 'no event twice');
	const placeRequests = standin.requests({ method: 'POST', path: '/t/vbc.prod/vis/v1/self/calls' });
	assert.deepEqual(
		placeRequests.map((r) => r.body),
		[{ phoneNumber: '+14155550100' }],
	);
	assert.deepEqual(
		standin.requests({ path: '/t/vbc.prod/vis/v1/self/events' }).map((r) => r.query.offset),
		['1', '2'],
	);
	assert.equal(standin.state.counters.passwordGrants, 1, 'one token for the whole execution');
	console.log(
		`  placed call ${placed[0].json.id}, listed ${events.length} events in 2 pages, 1 token`,
	);
}

async function platformWorkflow() {
	await cli(
		'import:workflow',
		`--input=${path.join(runtime.ROOT, 'examples/platform-actions.json')}`,
	);
	const platformOut = rawOutputJson(
		await cli('execute', '--id=vonagePlatformDemo1', '--rawOutput'),
	);
	assert.equal(
		platformOut.data.resultData.error,
		undefined,
		`execution failed: ${JSON.stringify(platformOut.data.resultData.error)}`,
	);
	const platformRun = (name) =>
		platformOut.data.resultData.runData[name][0].data.main[0].map((item) => item.json);
	const [createdApp] = platformRun('Create application');
	assert.ok(
		createdApp.keys.private_key.includes('PRIVATE KEY'),
		'Create returns the private key once',
	);
	const [gotApp] = platformRun('Get application');
	assert.equal(
		gotApp.capabilities.voice.webhooks.event_url.address,
		'https://example.com/new-event',
	);
	assert.equal(
		gotApp.capabilities.voice.webhooks.answer_url.address,
		'https://example.com/answer',
		'untouched webhook kept',
	);
	assert.equal(
		gotApp.capabilities.messages.webhooks.inbound_url.address,
		'https://example.com/inbound',
		'untouched capability kept',
	);
	assert.deepEqual(
		platformRun('List users').map((u) => u.name),
		['n8n-example-user'],
	);
	assert.deepEqual(platformRun("Call the user's number"), [
		{ accepted: true, to: [{ type: 'phone', number: '14155550100' }], from: 'random_from_number' },
	]);
	const authOf = (pathPrefix) => [
		...new Set(standin.requests({ path: new RegExp(`^${pathPrefix}`) }).map((r) => r.auth)),
	];
	assert.deepEqual(authOf('/v2/applications'), ['basic']);
	assert.deepEqual(authOf('/v1/users'), ['jwt-bearer']);
	assert.deepEqual(authOf('/v2/calls'), ['jwt-bearer']);
	assert.equal(standin.state.voiceCalls.length, 1);
	console.log(
		`  application ${createdApp.id} created, merged update kept other webhooks; user listed; Voice v2 call accepted`,
	);
}

/**
 * The VIS trigger registered once at n8n's start; a signed delivery runs once, and tampered,
 * redelivered, forged, replayed and hostile ones run nothing. Resolves to the registration and
 * the delivered event.
 */
async function visTriggerDeliveries() {
	await waitFor('the VIS registration', () => registrations().length > 0);
	assert.equal(registrations().length, 1);
	const [hook] = registrations();
	assert.equal(hook.url, productionUrl);
	assert.equal(hook.signingAlgo, 'HMAC_SHA256');
	assert.equal(hook.metadataPolicy, 'HEADER');
	console.log(`  registered ${hook.id} for ${hook.url}`);

	const event = standin.sampleEvent({ state: 'ANSWERED' });
	const delivery = await standin.deliverEvent(hook.id, event, { deliveryId: 'e2e-1' });
	assert.equal(delivery.status, 200, `delivery answered ${delivery.status}: ${delivery.body}`);
	const [execution] = await finishedExecutions(sql, triggerWorkflow.id, 1);
	assert.equal(execution.status, 'success');
	assert.ok(execution.data.includes(event.externalId), 'the execution carries the event');

	const tampered = await standin.deliverEvent(hook.id, event, {
		deliveryId: 'e2e-2',
		tamper: (e) => ({ ...e, phoneNumber: '19005550100' }),
	});
	assert.equal(tampered.status, 401);
	const redelivered = await standin.deliverEvent(hook.id, event, {
		deliveryId: 'e2e-1',
		attempt: 2,
	});
	assert.equal(redelivered.status, 200);
	assert.deepEqual(JSON.parse(delivery.body), { status: 'accepted' }, 'VIS gets a small JSON body');
	const attacks = await hostileDeliveries(hook, event);
	await sleep(3000);
	assert.equal(
		(await executionsOf(sql, triggerWorkflow.id)).length,
		1,
		'tampered, forged, replayed and hostile deliveries run nothing',
	);
	console.log(
		`  1 execution for a signed delivery; tampered → 401, redelivery → 200 without a run; ${attacks}`,
	);
	return { hook, event };
}

/** Graceful stop and restart keep the registration of visTriggerDeliveries; its event's redelivery is stopped. */
async function restartKeepsRegistration({ visTriggerDeliveries: { hook, event } }) {
	await runtime.stopN8n(n8n);
	const afterStop = registrations().length;
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	// n8n 2.41 skips checkExists at a start for a webhook still stored (after a crash), so the
	// proof is that the same registration still works: a new signed delivery runs once more.
	await restApiUp(n8nUrl);
	assert.equal(registrations().length, 1, `after restart (was ${afterStop} while stopped)`);
	assert.equal(registrations()[0].id, hook.id, 'the same registration is kept');
	const afterRestart = await standin.deliverEvent(
		hook.id,
		standin.sampleEvent({ state: 'MISSED' }),
		{ deliveryId: 'e2e-3' },
	);
	assert.equal(
		afterRestart.status,
		200,
		`delivery after restart answered ${afterRestart.status}: ${afterRestart.body}`,
	);
	let seen = [];
	await waitFor('the second execution', async () => {
		seen = await executionsOf(sql, triggerWorkflow.id);
		return seen.length === 2 && seen.every((r) => r.status === 'success');
	}).catch((error) => {
		throw new Error(
			`${error.message}; executions: ${JSON.stringify(seen.map((r) => ({ id: r.id, status: r.status, data: String(r.data).slice(0, 400) })))}`,
		);
	});
	console.log(
		`  while stopped: ${afterStop} registration(s); after restart: the same one, and a new delivery ran once`,
	);

	// The restarted process has forgotten the first event, as another webhook processor would not
	// know it in queue mode: a redelivery starts an execution, and the example's Remove Duplicates
	// step (keyed on eventKey, stored in n8n's database) stops it before "Handle event".
	const redeliveredAfterRestart = await standin.deliverEvent(hook.id, event, {
		deliveryId: 'e2e-1',
		attempt: 3,
	});
	assert.equal(redeliveredAfterRestart.status, 200);
	const all = await finishedExecutions(sql, triggerWorkflow.id, 3);
	const handled = all.filter((row) => ranNode(row.data, 'Handle event'));
	assert.deepEqual(
		all.map((row) => row.status),
		['success', 'success', 'success'],
	);
	assert.equal(
		handled.length,
		2,
		'the redelivered event did not reach "Handle event" a second time',
	);
	console.log(
		'  a redelivery after the restart (memory gone, as in another queue-mode process) stopped at Remove Duplicates',
	);
}

/** The credentials tested through n8n, as its Test button does. */
async function credentialTests() {
	const { sandbox } = standin;
	const connectable = (credential) => credential.type.endsWith('OAuth2Api');
	for (const credential of runtime
		.sandboxCredentials(standin.url, sandbox)
		.filter((c) => !connectable(c))) {
		const { data: result } = await rest('POST', '/credentials/test', { credentials: credential });
		assert.equal(result.status, 'OK', `${credential.type}: ${JSON.stringify(result)}`);
	}
	const [visCredential] = runtime.sandboxCredentials(standin.url, sandbox);
	const { data: refused } = await rest('POST', '/credentials/test', {
		credentials: { ...visCredential, data: { ...visCredential.data, password: 'wrong-password' } },
	});
	assert.equal(refused.status, 'Error');
	assert.ok(
		!JSON.stringify(refused).includes('wrong-password'),
		'the refused password is not echoed',
	);
	console.log(`  all three credential tests OK; a wrong VIS password fails: ${refused.message}`);
}

async function deactivateReactivate() {
	await rest('POST', `/workflows/${triggerWorkflow.id}/deactivate`, {});
	await waitFor('the registration to be deleted', () => registrations().length === 0);
	const { data: current } = await rest('GET', `/workflows/${triggerWorkflow.id}`);
	await rest('POST', `/workflows/${triggerWorkflow.id}/activate`, { versionId: current.versionId });
	await waitFor('a new registration', () => registrations().length > 0);
	await sleep(1000);
	assert.equal(registrations().length, 1);
	console.log('  deactivated → 0 registrations; reactivated → 1');
}

/**
 * The attacks of issue 14 through n8n's own body parsing: a forgery that relies on a declared
 * charset, replays with fresh delivery headers, and unsigned bodies built to crash or stall.
 */
async function hostileDeliveries(hook, event) {
	const signature = visSignature(hook, event);
	const post = async (body, headers) => {
		const response = await fetch(hook.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-von-webhook-id': hook.id, ...headers },
			body,
		});
		return response.status;
	};
	const forgedTail = Buffer.from(
		'","event":{"state":"MISSED","phoneNumber":"19005550000"},"y":"',
	).map((byte) => byte | 0x80);
	const forged = Buffer.concat([
		Buffer.from(`{"event":${JSON.stringify(event)},"x":"`),
		forgedTail,
		Buffer.from('"}'),
	]);
	assert.equal(
		await post(forged, {
			'content-type': 'application/json; charset=ascii',
			'x-von-signature': signature,
		}),
		415,
		'charset forgery',
	);
	for (let i = 0; i < 3; i++) {
		assert.equal(
			await post(JSON.stringify({ event }), {
				'x-von-signature': signature,
				'x-von-delivery-id': `replay-${i}`,
			}),
			200,
			'replay',
		);
	}
	assert.equal(
		await post(JSON.stringify({ event }), { 'x-von-signature': signature }),
		200,
		'replay without delivery id',
	);
	const random = 'ab'.repeat(32);
	assert.equal(
		await post(`{"event":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, {
			'x-von-signature': random,
		}),
		400,
		'10k-deep nesting',
	);
	const started = Date.now();
	assert.equal(
		await post(`{"event":{"a":"${'x'.repeat(10_000_000)}"}}`, { 'x-von-signature': random }),
		413,
		'10 MB string',
	);
	return `charset forgery → 415, 4 replays → 200 without a run, 10k-deep → 400, 10 MB → 413 in ${Date.now() - started} ms`;
}

/**
 * The OAuth2 credential connected the way the editor's Connect button does it (n8n's auth URL, the
 * Vonage sign-in page, n8n's callback with the owner's cookies), then used by a published workflow;
 * an expired access token is refreshed by n8n itself on the 401 and the new one is stored.
 */
async function oauth2ConnectAndRefresh() {
	const credentialId = 'vonageVisOAuth2Sandbox';
	const { data: authUrl } = await rest('GET', `/oauth2-credential/auth?id=${credentialId}`);
	const authorize = new URL(authUrl);
	assert.equal(
		`${authorize.origin}${authorize.pathname}`,
		`${standin.url}/authorize`,
		'the hidden auth URL follows the Base URL',
	);
	assert.equal(authorize.searchParams.get('client_id'), standin.sandbox.consumerKey);
	assert.equal(authorize.searchParams.get('scope'), 'openid');
	const callbackUrl = `http://127.0.0.1:${PORT}/rest/oauth2-credential/callback`;
	assert.equal(authorize.searchParams.get('redirect_uri'), callbackUrl);

	const page = await fetch(authorize);
	assert.equal(page.status, 200, 'the Vonage sign-in page');
	const signIn = await fetch(`${standin.url}/authorize`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			...Object.fromEntries(authorize.searchParams),
			username: standin.sandbox.username,
			password: standin.sandbox.password,
		}),
	});
	assert.equal(signIn.status, 302);
	const callback = await asBrowser(signIn.headers.get('location'));
	const callbackPage = await callback.text();
	assert.equal(callback.status, 200, callbackPage.slice(0, 300));
	assert.ok(
		!/error/i.test(callbackPage.replace(/<script[\s\S]*?<\/script>/g, '')),
		`callback page reports an error: ${callbackPage.slice(0, 500)}`,
	);
	assert.equal(standin.state.counters.codeGrants, 1, 'n8n exchanged the code');
	const [exchange] = standin
		.requests({ path: '/token' })
		.filter((r) => r.body.grant_type === 'authorization_code');
	assert.equal(exchange.auth, 'basic', 'consumer key/secret sent as HTTP Basic');
	assert.equal(exchange.body.redirect_uri, callbackUrl);

	const whoAmI = async () => {
		const response = await fetch(`http://127.0.0.1:${PORT}/webhook/vis-oauth2-self`);
		const text = await response.text();
		assert.equal(
			response.status,
			200,
			`the OAuth2 workflow answered ${response.status}: ${text.slice(0, 300)}`,
		);
		return JSON.parse(text);
	};
	const selfCalls = () => standin.requests({ path: '/t/vbc.prod/vis/v1/self' }).length;
	const passwordGrantsBefore = standin.state.counters.passwordGrants;
	assert.equal((await whoAmI()).id, 522078);

	standin.state.accessTokens.forEach((_expiry, token, tokens) => tokens.set(token, 0));
	const before = selfCalls();
	assert.equal((await whoAmI()).id, 522078, 'still answers after the access token expired');
	assert.equal(selfCalls() - before, 2, 'refused with 401, then accepted with the refreshed token');
	const refreshes = standin
		.requests({ path: '/token' })
		.filter((r) => r.body.grant_type === 'refresh_token');
	assert.equal(refreshes.length, 1, 'n8n refreshed once');
	assert.equal(refreshes[0].auth, 'basic');

	assert.equal((await whoAmI()).id, 522078);
	assert.equal(
		standin.requests({ path: '/token' }).filter((r) => r.body.grant_type === 'refresh_token')
			.length,
		1,
		'the refreshed token was stored and reused',
	);
	assert.equal(
		standin.state.counters.passwordGrants,
		passwordGrantsBefore,
		'no password grant on the OAuth2 path',
	);
	console.log(
		'  connected through n8n (code exchanged with Basic auth); expired token refreshed once by n8n and reused',
	);
}

/**
 * The Voice trigger published with answer mode: n8n pointed the application here on start; the
 * workflow's last node is the NCCO; a failing workflow makes Vonage's fallback get the default NCCO;
 * signed events run, tampered ones do not.
 */
async function voiceAnswer() {
	const { applicationId } = standin.sandbox;
	const hooks = () => standin.state.applications.get(applicationId).capabilities.voice.webhooks;
	await waitFor(
		'the application to point at n8n',
		() => hooks().event_url.address === `${voiceWebhookBase}voice-events`,
	);
	assert.deepEqual(hooks().answer_url, {
		address: `${voiceWebhookBase}voice-answer`,
		http_method: 'POST',
	});
	assert.deepEqual(hooks().fallback_answer_url, {
		address: `${voiceWebhookBase}voice-fallback`,
		http_method: 'POST',
	});

	const answeredAt = Date.now();
	const greeted = await standin.answerCall(applicationId, { from: '14155550111' });
	assert.equal(greeted.answeredBy, 'answer_url', JSON.stringify(greeted));
	assert.deepEqual(greeted.ncco, [
		{
			action: 'talk',
			text: 'Hello 14155550111, this call is answered by n8n. Please leave a message after the beep.',
		},
		{
			action: 'input',
			type: ['dtmf'],
			dtmf: { maxDigits: 1, submitOnHash: true },
			// Left empty in the workflow: the trigger (version 4) gives the input its own URL.
			eventUrl: [`${voiceWebhookBase}voice-turns?turn=input`],
		},
		{ action: 'record', beepStart: true, endOnSilence: 3, transcription: { language: 'en-US' } },
	]);
	// The workflow fails for this caller: the trigger answers with the Default NCCO itself, so
	// Vonage neither retries (running the workflow again) nor needs the fallback.
	const failed = await standin.answerCall(applicationId, { from: '14155550999' });
	assert.deepEqual(
		failed.attempts.map((a) => [a.webhook, a.status]),
		[['answer_url', 200]],
		JSON.stringify(failed),
	);
	assert.deepEqual(failed.ncco, [
		{ action: 'talk', text: 'Sorry, we cannot take your call right now.' },
	]);
	// The greeted call's record and transcription events run the trigger too (recordedCall): let them
	// finish first, so that the counts below are this step's alone. 4 runs: two answers, two events.
	await finishedExecutions(sql, voiceWorkflow.id, 4);

	const before = (await executionsOf(sql, voiceWorkflow.id)).length;
	const event = standin.sampleVoiceEvent({ status: 'answered', direction: 'inbound' });
	const signed = await standin.deliverVoiceEvent(applicationId, event);
	assert.equal(signed.status, 200);
	assert.equal(
		(await standin.deliverVoiceEvent(applicationId, event, { tamper: { to: '19005550100' } }))
			.status,
		401,
	);
	const replay = () =>
		fetch(hooks().event_url.address, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: signed.authorization },
			body: JSON.stringify(event),
		});
	for (let i = 0; i < 3; i++)
		assert.equal((await replay()).status, 200, 'a replayed signed event is answered without a run');
	const unsigned = await fetch(hooks().answer_url.address, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ from: '14155550111', to: '14155550105', uuid: 'forged' }),
	});
	assert.equal(unsigned.status, 401, 'an unsigned answer request is refused');
	assert.equal(
		(
			await standin.deliverVoiceEvent(
				applicationId,
				standin.sampleVoiceEvent({ status: 'ringing' }),
			)
		).status,
		200,
	);
	const runs = await finishedExecutions(sql, voiceWorkflow.id, before + 1);
	await sleep(1500);
	assert.equal(
		(await executionsOf(sql, voiceWorkflow.id)).length,
		before + 1,
		'tampered and filtered-out events run nothing',
	);
	assert.ok(runs[runs.length - 1].data.includes(event.uuid), 'the execution carries the event');
	console.log(
		'  NCCO from the workflow; failing workflow → the Default NCCO from the answer URL; 1 run for a signed event, tampered → 401, 3 replays → no run, unsigned answer → 401',
	);
	return { ...greeted, answeredAt };
}

/** Resolves once the application's event URL is the Voice Trigger's at `webhookBase`. */
async function pointsAtN8n(applicationId, webhookBase) {
	const application = standin.state.applications.get(applicationId);
	await waitFor(
		`application ${application.name} to point at n8n`,
		() =>
			application.capabilities.voice.webhooks.event_url.address === `${webhookBase}voice-events`,
	);
}

/** examples/voice-menu.json called by the sandbox's scripted caller (test/e2e/voiceMenu.js). */
async function voiceMenu() {
	await pointsAtN8n(menuApplicationId, menuWebhookBase);
	await voiceMenuConversation({
		standin,
		applicationId: menuApplicationId,
		finished: (count) => finishedExecutions(sql, menuWorkflow.id, count),
	});
}

/**
 * examples/voice-agent.json with two callers at once: each spoken turn goes through n8n's AI Agent
 * to the sandbox's OpenAI-compatible stand-in, which numbers the caller's messages it was sent: a
 * count that only grows when n8n's memory keeps each call's conversation apart. "bye" ends it.
 */
async function voiceAgent() {
	await pointsAtN8n(agentApplicationId, agentWebhookBase);
	const call = (from, says) =>
		standin.answerCall(
			agentApplicationId,
			{ from },
			{ caller: says.map((say) => ({ say })), wait: true, timeoutMs: 120_000 },
		);
	const started = Date.now();
	const [first, second] = await Promise.all([
		call('14155550111', ['What are your opening hours?', 'And on Sundays?', 'Thanks, bye']),
		call('14155550122', ['Can I speak to billing?', 'Goodbye']),
	]);
	const tookMs = Date.now() - started;
	const greeting = 'heard: Hello, this is the Example Corp assistant. How can I help you?';
	const conversation = (answered) =>
		answered.lines.filter((line) => !line.startsWith('call ended'));
	assert.deepEqual(conversation(first), [
		greeting,
		'said: What are your opening hours?',
		'heard: You said: What are your opening hours?. This is turn 1.',
		'said: And on Sundays?',
		'heard: You said: And on Sundays?. This is turn 2.',
		'said: Thanks, bye',
		'heard: You said: Thanks, bye. This is turn 3. Goodbye.',
	]);
	assert.deepEqual(conversation(second), [
		greeting,
		'said: Can I speak to billing?',
		'heard: You said: Can I speak to billing?. This is turn 1.',
		'said: Goodbye',
		'heard: You said: Goodbye. This is turn 2. Goodbye.',
	]);
	for (const answered of [first, second]) {
		assert.equal(answered.ended, 'the NCCO ran out', 'the agent ended the call');
		assert.ok(
			answered.webhooks
				.filter((hook) => hook.kind === 'input')
				.every(
					(hook) => hook.target === 'eventUrl' && hook.status === 200 && hook.answer === 'NCCO',
				),
			JSON.stringify(answered.webhooks),
		);
	}
	const runs = await finishedExecutions(sql, agentWorkflow.id, 7);
	assert.ok(
		runs.every((row) => row.status === 'success'),
		'every agent execution succeeded',
	);
	console.log(`    2 calls at once, 5 spoken turns through the AI Agent in ${tookMs} ms`);
}

/**
 * A published Voice Trigger checking its application every minute; someone points the event URL
 * elsewhere (in the dashboard, say): within one check a failed execution names the URL and where
 * it points now, and the application is left as they set it (the default is to report).
 */
async function voiceApplicationChanged() {
	const reportedMs = await changedBehindItsBack({ standin, rest, sql, webhookBase: n8nUrl });
	console.log(
		`    reported ${Math.round(reportedMs / 1000)} s after the change (check every 60 s)`,
	);
}

/**
 * A new user's own Voice Trigger published for the sandbox's Voice menu application, which
 * examples/voice-menu.json already receives: publication is refused with an error (the editor's
 * toast) that names the menu workflow and its id, which the new trigger learnt by asking the
 * menu's trigger through n8n itself; the application still points at the menu, and the question
 * ran nothing there. With Take Over From Another Workflow the application moves; unpublishing
 * gives it back to the menu.
 */
async function voiceApplicationHeld() {
	await pointsAtN8n(menuApplicationId, menuWebhookBase);
	const hooks = () => standin.state.applications.get(menuApplicationId).capabilities.voice.webhooks;
	const menuRunsBefore = (await executionsOf(sql, menuWorkflow.id)).length;
	const { workflow, node } = await createVoiceTriggerWorkflow(rest, 'My own menu', {
		applicationId: menuApplicationId,
		answerCalls: true,
	});
	const started = Date.now();
	const message = await publicationError(workflow.id, workflow.versionId, node.id);
	const refusedMs = Date.now() - started;
	assert.equal(
		message,
		`Application: "Voice menu application" (${menuApplicationId}) already sends its calls to the published workflow "${menuWorkflow.name}" (id ${menuWorkflow.id}) of this n8n (its event_url is ${menuWebhookBase}voice-events)`,
	);
	assert.equal(hooks().event_url.address, `${menuWebhookBase}voice-events`);
	assert.equal(hooks().answer_url.address, `${menuWebhookBase}voice-answer`);
	assert.equal(
		(await executionsOf(sql, menuWorkflow.id)).length,
		menuRunsBefore,
		'the question ran nothing in the menu workflow',
	);
	console.log(`    refused after ${refusedMs} ms: ${message}`);

	await rest('POST', `/workflows/${workflow.id}/deactivate`, {});
	const { data: updated } = await rest('PATCH', `/workflows/${workflow.id}`, {
		nodes: [
			{ ...node, parameters: { ...node.parameters, options: { takeOverApplication: true } } },
		],
		connections: {},
	});
	await rest('POST', `/workflows/${workflow.id}/activate`, { versionId: updated.versionId });
	const ownBase = `${n8nUrl}/webhook/${node.webhookId}/`;
	await pointsAtN8n(menuApplicationId, ownBase);
	assert.equal(hooks().answer_url.address, `${ownBase}voice-answer`);
	await rest('POST', `/workflows/${workflow.id}/deactivate`, {});
	await pointsAtN8n(menuApplicationId, menuWebhookBase);
	assert.equal(hooks().answer_url.address, `${menuWebhookBase}voice-answer`);
	console.log('    with Take Over it moved; unpublishing gave it back to the menu');
}

/**
 * Publishes a workflow and returns the error its trigger node's activation ended with: the
 * message n8n's editor shows in its toast. n8n 2.41 publishes through its publication outbox by
 * default: the request is accepted, and the outcome (after n8n's retries) is the trigger's
 * publication status; without the outbox, the request itself is refused with it.
 */
async function publicationError(workflowId, versionId, nodeId) {
	const response = await asBrowser(`${n8nUrl}/rest/workflows/${workflowId}/activate`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ versionId }),
	});
	const text = await response.text();
	if (response.status === 400) return JSON.parse(text).message;
	assert.equal(response.status, 200, text);
	const failed = await waitFor(
		'the trigger to fail to activate',
		async () => {
			const { data } = await rest('GET', `/workflows/${workflowId}/publication-status`);
			const trigger = data.triggers.find((t) => t.nodeId === nodeId);
			if (trigger?.status === 'activated') throw new Error('the trigger was activated');
			return data.status !== 'in_progress' && trigger?.status === 'failed' && trigger;
		},
		60_000,
	);
	return failed.errorMessage;
}

/**
 * A turn whose workflow takes 3 s, for an application whose event socket timeout is 1.5 s: the
 * trigger answers with the Default NCCO before Vonage gives up, and n8n's late answer is dropped
 * without an error in n8n's log.
 */
async function voiceTurnDeadline() {
	const applicationId = 'a5e1b0c2-5a4d-4c2e-9f0e-0000000dead1';
	standin.state.applications.set(applicationId, {
		id: applicationId,
		name: 'Slow turns',
		capabilities: {
			voice: {
				signed_callbacks: true,
				webhooks: {
					answer_url: { address: 'https://example.com/answer', http_method: 'GET' },
					event_url: {
						address: 'https://example.com/event',
						http_method: 'POST',
						socket_timeout: 1500,
					},
				},
			},
		},
		keys: {},
	});
	const trigger = {
		id: crypto.randomUUID(),
		webhookId: crypto.randomUUID(),
		name: 'Slow turns',
		type: 'n8n-nodes-vonage.vonageVoiceTrigger',
		typeVersion: 4,
		position: [0, 0],
		parameters: {
			applicationId,
			answerCalls: true,
			defaultNccoSource: 'json',
			defaultNcco: '[{"action":"talk","text":"Too slow."}]',
		},
		credentials: {
			vonageKeySecretApi: { id: 'vonageKeySecretSandbox', name: 'Vonage key and secret (sandbox)' },
		},
	};
	const wait = {
		id: crypto.randomUUID(),
		name: 'Think for 3 s',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [300, 0],
		parameters: { resume: 'timeInterval', amount: 3, unit: 'seconds' },
	};
	const { data: workflow } = await rest('POST', '/workflows', {
		name: 'Slow turns',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [trigger, wait],
		connections: {
			'Slow turns': { main: [[], [], [{ node: wait.name, type: 'main', index: 0 }]] },
		},
	});
	await rest('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
	const hooks = () => standin.state.applications.get(applicationId).capabilities.voice.webhooks;
	await waitFor('the slow application to point at n8n', () =>
		hooks().event_url.address.startsWith(n8nUrl),
	);
	const logBefore = fs.readFileSync(logFile, 'utf8').length;
	// Sent where an input the trigger served sends its result: its turn URL.
	const eventUrl = hooks().event_url.address;
	hooks().event_url.address = `${eventUrl.replace(/voice-events$/, 'voice-turns')}?turn=input`;
	const started = Date.now();
	const answer = await standin.deliverVoiceEvent(applicationId, {
		uuid: 'slow-turn-1',
		conversation_uuid: 'CON-slow-turn-1',
		dtmf: { digits: '1', timed_out: false },
		speech: {},
	});
	const tookMs = Date.now() - started;
	hooks().event_url.address = eventUrl;
	assert.equal(answer.status, 200, answer.body);
	assert.deepEqual(JSON.parse(answer.body), [{ action: 'talk', text: 'Too slow.' }]);
	assert.ok(tookMs < 1500, `answered in ${tookMs} ms, inside the 1.5 s socket timeout`);
	const [run] = await finishedExecutions(sql, workflow.id, 1);
	assert.equal(run.status, 'success');
	await sleep(500);
	const log = fs.readFileSync(logFile, 'utf8').slice(logBefore);
	assert.match(
		log,
		/answered a caller's turn \(input\) with the Default NCCO: the workflow did not answer within 500 ms/,
	);
	assert.doesNotMatch(log, /ERR_HTTP_HEADERS_SENT|Cannot set headers|Error in handling webhook/);
	await rest('POST', `/workflows/${workflow.id}/deactivate`, {});
	console.log(
		`    Default NCCO after ${tookMs} ms; the workflow's own answer 3 s later dropped quietly`,
	);
}

/**
 * The call voiceAnswer answered with talk, input and record: the stand-in recorded it and sent its
 * record and transcription events to the application's event URL (the Voice trigger, whose
 * Statuses list Recording Ready and Transcript Ready); the trigger hands each to
 * examples/voice-recording.json, which downloads the recording as n8n binary data and the
 * transcript as JSON and text. The bytes n8n stored are read back through n8n's own
 * binary-data route and compared with what the stand-in serves.
 */
async function recordedCall({ voiceAnswer: greeted }) {
	assert.equal(greeted.recordings.length, 1, JSON.stringify(greeted.recordings));
	const [{ recording, transcript }] = greeted.recordings;
	assert.ok(transcript, 'the record action asked for a transcript');
	const delivered = await waitFor('the record and transcription events', () => {
		const mine = standin.state.deliveries.filter((d) => d.event?.recording_uuid === recording);
		return mine.length === 2 ? mine : undefined;
	});
	assert.deepEqual(
		delivered.map((d) => [d.kind, d.status]).sort(),
		[
			['record', 200],
			['transcription', 200],
		],
		JSON.stringify(delivered.map((d) => d.body)),
	);
	const runs = await finishedExecutions(sql, recordingWorkflow.id, 2);
	assert.deepEqual(
		runs.map((r) => r.status),
		['success', 'success'],
		JSON.stringify(runs.map((r) => String(r.data).slice(0, 600))),
	);
	// How long from the answer until both downloads had finished, as n8n timed its runs.
	const times = await sql(
		'SELECT "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1',
		[recordingWorkflow.id],
	);
	const ms = (value) =>
		value instanceof Date
			? value.getTime()
			: Date.parse(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${String(value).replace(' ', 'T')}Z`);
	const done = Math.max(...times.map((t) => ms(t.stoppedAt)));
	const runMs = times.map((t) => ms(t.stoppedAt) - ms(t.startedAt));
	assert.ok(Number.isFinite(done), `n8n's run times: ${JSON.stringify(times)}`);

	const recordingRun = runs.find((r) => ranNode(r.data, 'Download the recording'));
	const transcriptRun = runs.find((r) => ranNode(r.data, 'Transcript as text'));
	assert.ok(
		recordingRun && transcriptRun && recordingRun !== transcriptRun,
		'one run downloads the recording, the other the transcript',
	);
	assert.ok(recordingRun.data.includes(recording), 'the recording run carries its record event');
	const binaryId = /"(filesystem(?:-v2)?:[^"]+)"/.exec(recordingRun.data)?.[1];
	assert.ok(
		binaryId,
		`the recording is in n8n's binary data store, not the execution: ${String(recordingRun.data).slice(0, 600)}`,
	);
	assert.ok(recordingRun.data.includes('"audio/mpeg"'), 'its MIME type is kept');
	const stored = await asBrowser(
		`${n8nUrl}/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`,
	);
	assert.equal(stored.status, 200, `n8n's binary-data route answered ${stored.status}`);
	const bytes = Buffer.from(await stored.arrayBuffer());
	const served = standin.state.files.get(recording).body;
	assert.equal(bytes.length, served.length, 'as many bytes as the stand-in serves');
	assert.ok(bytes.equals(served), 'the same bytes as the stand-in serves');
	assert.ok(
		transcriptRun.data.includes('Hello, this call was recorded by the Vonage sandbox.'),
		'the transcript text reached "Transcript as text"',
	);
	console.log(
		`  answer → record + transcription events → trigger → both downloads done in ${done - greeted.answeredAt} ms (the sub-workflow runs took ${runMs.join(' and ')} ms); recording ${bytes.length} bytes in n8n's binary store (${binaryId.split(':')[0]}), equal to the stand-in's; transcript read`,
	);
}

/**
 * Voice v1 call control in one workflow (examples/voice-control.json): create a call, get it,
 * speak into it, hang it up. The Voice trigger, still pointed at by the application, receives
 * that call's signed events.
 */
async function callControl() {
	const before = (await executionsOf(sql, voiceWorkflow.id)).length;
	const response = await fetch(
		`http://127.0.0.1:${PORT}/webhook/voice-call-control?to=14155550177`,
	);
	const text = await response.text();
	assert.equal(response.status, 200, text);
	const [call] = standin.state.v1Calls.values();
	assert.ok(call, 'the stand-in has the call');
	assert.deepEqual(JSON.parse(text), { uuid: call.uuid, action: 'hangup' });
	assert.equal(call.to.number, '14155550177');
	assert.equal(call.status, 'completed');
	assert.deepEqual(
		call.talks.map((talk) => talk.text),
		['This call is controlled by an n8n workflow. Goodbye.'],
	);
	const methods = standin.state.requests
		.filter((r) => r.path.startsWith('/v1/calls'))
		.map((r) => `${r.method} ${r.path.replace(call.uuid, '{uuid}')}`);
	assert.deepEqual(methods, [
		'POST /v1/calls',
		'GET /v1/calls/{uuid}',
		'PUT /v1/calls/{uuid}/talk',
		'PUT /v1/calls/{uuid}',
	]);
	// The trigger lets "answered" and "completed" through: both events of this call run the workflow.
	const runs = await waitFor('the call events to run the Voice trigger', async () => {
		const rows = await executionsOf(sql, voiceWorkflow.id);
		const mine = rows.slice(before).filter((row) => row.data?.includes(call.uuid));
		return mine.length >= 2 && mine.every((r) => r.status !== 'running' && r.status !== 'new')
			? mine
			: undefined;
	});
	assert.equal(runs.length, 2);
	console.log(
		`  call ${call.uuid}: created, read, spoken into, hung up; the trigger ran for its answered and completed events`,
	);
}

async function voiceTriggerDeactivated({ n8nUp: { voiceHooksBefore } }) {
	const hooks = () =>
		standin.state.applications.get(standin.sandbox.applicationId).capabilities.voice.webhooks;
	await rest('POST', `/workflows/${voiceWorkflow.id}/deactivate`, {});
	await waitFor(
		'the webhooks to be restored',
		() => hooks().event_url.address === voiceHooksBefore.event_url.address,
	);
	assert.deepEqual(hooks(), voiceHooksBefore);
	console.log('  deactivation restored the webhooks');
}

/**
 * 20 signed deliveries a second for 60 s into one n8n, restarted with the settings the README
 * gives for a busy line, through a workflow of its own (published while n8n is stopped) with no
 * step between the trigger and "Handle event"; each must be answered within VIS's 2 s and run
 * once. With VONAGE_LOAD=1 the same load also goes into n8n's own Webhook node, side by
 * side, and both are recorded in bench/delivery-load.json.
 */
async function deliveryLoadRegularMode() {
	await runtime.stopN8n(n8n);
	fs.writeFileSync(path.join(work, 'load.json'), JSON.stringify(loadWorkflow));
	await cli('import:workflow', `--input=${path.join(work, 'load.json')}`);
	await cli('publish:workflow', `--id=${loadWorkflow.id}`);
	n8n = (await runtime.startN8n(n8nBin, { ...env, ...runtime.BUSY_LINE_ENV }, logFile)).child;
	await restApiUp(n8nUrl);
	const loadUrl = `http://127.0.0.1:${PORT}/webhook/${loadWorkflow.nodes[0].webhookId}/vis-events`;
	const liveRegistration = await waitFor("the load workflow's registration", () =>
		registrations().find((r) => r.url === loadUrl),
	);
	const settleOn = (workflowId) => async (total) =>
		loadOutcome(await finishedExecutions(sql, workflowId, total, 420_000));
	const summary = await deliveryLoad({
		mode: 'regular mode, VIS Trigger → Handle event: one n8n process',
		processes: { n8n: n8n.pid },
		send: async () =>
			(await standin.deliverEvent(liveRegistration.id, standin.sampleEvent({ state: 'RINGING' })))
				.status,
		settle: settleOn(loadWorkflow.id),
	});
	console.log(`  ${summary}`);
	if (process.env.VONAGE_LOAD !== '1') return;
	step("   the same load into n8n's own Webhook node, side by side");
	const reference = await deliveryLoad({
		mode: "regular mode, n8n's Webhook node → Handle event (reference): one n8n process",
		processes: { n8n: n8n.pid },
		send: () =>
			postToReferenceWebhook(`http://127.0.0.1:${PORT}`, standin.sampleEvent({ state: 'RINGING' })),
		settle: settleOn(loadReference.id),
	});
	console.log(`  ${reference}`);
}

/** None of the sandbox's secrets, nor the signing key of n8n's first VIS registration, is in n8n's log. */
async function noSecretInLog() {
	const { sandbox } = standin;
	const [first] = await waitFor('the first VIS registration', () => {
		const created = standin.requests({ method: 'POST', path: '/t/vbc.prod/vis/v1/self/webhooks' });
		return created.length && created;
	});
	const hook = { signingKey: first.body.signingKey };
	const log = fs.readFileSync(logFile, 'utf8');
	for (const secret of [
		sandbox.password,
		sandbox.consumerSecret,
		sandbox.apiSecret,
		hook.signingKey,
	]) {
		assert.ok(!log.includes(secret), 'no secret in the n8n log');
	}
	console.log('  no password, secret or signing key in the n8n log');
}

const e2e = suite('n8n', {
	label: 'end-to-end',
	logTail: () =>
		logFile ? `--- n8n log (${logFile}), last 150 lines ---\n${runtime.tail(logFile, 150)}` : '',
});
const installedFixture = e2e.fixture('installed', installed, {
	title: 'the package installed in a new n8n user folder, the stand-in up, credentials imported',
	tearDown: async ({ passed }) => {
		if (standin) await standin.close();
		if (work && passed && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	},
});
const n8nFixture = e2e.fixture('n8nUp', n8nUp, {
	title:
		'n8n started with the VIS trigger, OAuth2, Voice answer, recording and call-control workflows published and active',
	needs: [installedFixture],
	// A step that failed may have left n8n stopped (or killed): the steps after it need it running.
	recover: async () => {
		if (running(n8n)) return;
		console.log('  n8n is not running after the failed step: starting it again');
		n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
		await restApiUp(n8nUrl);
	},
	tearDown: async () => {
		if (running(n8n)) await runtime.stopN8n(n8n);
	},
});
const ownerFixture = e2e.fixture('owner', owner, {
	title: "n8n's owner account set up and signed in",
	needs: [n8nFixture],
});

e2e.step(actionWorkflow, {
	title: 'action workflow through `n8n execute`',
	needs: [installedFixture],
});
e2e.step(platformWorkflow, {
	title: 'platform workflow: application create/update/get, user create/list, Voice v2 call',
	needs: [installedFixture],
});
const visDeliveries = e2e.step(visTriggerDeliveries, {
	title:
		'trigger workflow published, n8n started: one registration; a signed delivery runs once, tampered and repeated ones none',
	needs: [n8nFixture],
});
e2e.step(restartKeepsRegistration, {
	title: 'graceful stop and restart keep exactly one registration',
	needs: [n8nFixture, visDeliveries],
});
e2e.step(credentialTests, {
	title: 'credential tests through n8n (Test button)',
	needs: [ownerFixture],
});
e2e.step(deactivateReactivate, {
	title: 'deactivate removes the registration, reactivate makes exactly one',
	needs: [ownerFixture],
});
e2e.step(oauth2ConnectAndRefresh, {
	title: 'VIS OAuth2 credential: Connect, use, refresh on 401',
	needs: [ownerFixture],
});
const answered = e2e.step(voiceAnswer, {
	title: 'Voice trigger: application pointed here, NCCO from the workflow, fallback, signed events',
	needs: [n8nFixture],
});
e2e.step(recordedCall, {
	title:
		'recorded call: record and transcription events heard by the trigger; recording downloaded as binary, transcript read',
	needs: [ownerFixture, answered],
});
e2e.step(voiceMenu, {
	title:
		'voice menu: each turn of a call answered with the next NCCO by the workflow (Caller Turn)',
	needs: [n8nFixture],
});
e2e.step(voiceAgent, {
	title:
		'AI phone agent: speech → AI Agent (OpenAI-compatible stand-in) → talk + input, memory per call',
	needs: [n8nFixture],
});
e2e.step(voiceApplicationChanged, {
	title: 'Voice trigger: an application pointed elsewhere is reported within one check',
	needs: [n8nFixture, ownerFixture],
});
e2e.step(voiceApplicationHeld, {
	title:
		'Voice trigger: publishing for an application another workflow holds is refused, naming it; Take Over moves it',
	needs: [n8nFixture, ownerFixture],
});
e2e.step(voiceTurnDeadline, {
	title: "a turn slower than Vonage's socket timeout: the Default NCCO in time, no n8n error",
	needs: [n8nFixture, ownerFixture],
});
e2e.step(callControl, {
	title: 'Vonage Voice: create a call, get it, speak into it, hang it up; the trigger hears it',
	needs: [n8nFixture],
});
e2e.step(voiceTriggerDeactivated, {
	title: "Voice trigger deactivated: the application's webhooks are put back",
	needs: [n8nFixture, ownerFixture],
});
e2e.step(deliveryLoadRegularMode, {
	title:
		'load: 20 signed deliveries per second for 60 s into one n8n (regular mode), each answered within 2 s',
	needs: [n8nFixture],
});
e2e.step(noSecretInLog, {
	title: 'no password, secret or signing key in the n8n log',
	needs: [n8nFixture],
});

module.exports = e2e;

if (require.main === module) {
	underN8nNode(__filename);
	e2e.main();
}
