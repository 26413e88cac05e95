'use strict';
/**
 * The package in n8n's scaling mode, on loopback: Postgres and Redis (Debian's packages), a main
 * that serves no production webhooks, one worker, and two webhook processors behind a small
 * round-robin balancer that N8N_WEBHOOK_URL points at. Its steps, in the order they run (each
 * one alone: `npm run test:e2e -- <step>`; see steps.js):
 *   queueActivation: one VIS registration and one Voice application update at activation;
 *   queueDeliveriesSpread: deliveries spread over both processors each run once on the worker;
 *   queueRedeliveries: a redelivery of one event to both processors, one after the other or at
 *     the same moment, runs once through the queue-mode example's Redis counter;
 *   queueApplicationHeld: a second Voice trigger published for the voice-menu example's
 *     application is refused, naming that workflow, which the main asked through a webhook
 *     processor;
 *   queueApplicationChanged: a Voice application pointed elsewhere behind the trigger's back is
 *     reported by a failed execution within one check, by the leader main;
 *   queueVoiceOnceFromCatchUp: with Catch-Up Runs "Final Statuses From the Catch-Up Only", live
 *     and missed calls' final statuses each run once, from the catch-up, and no execution is a copy;
 *   queueVoiceRedeliveries: so does a Voice call event through the Voice queue-mode example's;
 *   queueActionsOnWorker: action nodes run on the worker with the password-grant, key/secret,
 *     JWT and OAuth2 credentials, and the worker's OAuth2 refresh is stored;
 *   queueRestartAll: after every process restarts, still one registration and one application
 *     update, and deliveries run;
 *   queueOutage: every process stopped while calls happen: the missed calls run once each;
 *   queueVoiceMissedWhileDown: every process stopped while 10 Voice calls happen (their events
 *     dropped after two tries): the main's catch-up runs each final status on the worker, and
 *     the example's Redis counter lets one copy of each status through (voiceCatchUp.js);
 *   queueRenewal: a quiet period: one renewal per due period, also across a restart of the main;
 *   queueKilledDuringCatchUp: the main killed twice during a catch-up (crashCatchUp.js);
 *   queueLoad: 20 signed deliveries a second for 60 s into a VIS Trigger → Handle event workflow
 *     (published for that step) are each answered within 2 s and run once (VONAGE_LOAD=1 adds
 *     n8n's Webhook node → Handle event beside it);
 *   queueDeactivation: deactivation removes the registration and restores the application.
 * The fixtures: cluster (Postgres, Redis, the balancer, the stand-in, the package installed for
 * every process, credentials and workflows imported and published) and clusterUp (main, worker
 * and both webhook processors running; a process a failed step left stopped is started again).
 *
 * Without postgres/redis-server it says so loudly and exits 0, except under CI, where .ci/run
 * installs them and their absence fails.
 */
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime');
const { deliveryLoad, postToReferenceWebhook } = require('./deliveryLoad');
const { referenceWebhookWorkflow, triggerOnlyWorkflow } = require('../../scripts/load-workflows');
const {
	finishedExecutions,
	loadOutcome,
	n8nBrowser,
	ranNode,
	sleep,
	step,
	underN8nNode,
	visSignature,
	waitFor,
	webhooksServed,
} = require('./helpers');
const { suite } = require('./steps');
const { crashDuringCatchUp, slowCatchUpWorkflow } = require('./crashCatchUp');
const { changedBehindItsBack, createVoiceTriggerWorkflow } = require('./voiceApplicationChanged');
const { missedWhileDown, voiceCatchUpWorkflow, MISSED_CALLS } = require('./voiceCatchUp');

const { queueCluster, MISSING } = require('../../scripts/queue-cluster');

const { createStandin } = require('../../sandbox/server');
const { voiceMenuConversation } = require('./voiceMenu');

const n8nBin = process.env.E2E_N8N_BIN;
const BASE_PORT = 7000 + Math.floor(Math.random() * 200) * 5;
const examples = (file) =>
	JSON.parse(fs.readFileSync(path.join(runtime.ROOT, 'examples', file), 'utf8'));
const triggerWorkflow = examples('vis-trigger-queue.json');
const voiceWorkflow = examples('voice-answer-queue.json');
const menuWorkflow = examples('voice-menu.json');
const menuApplicationId = menuWorkflow.nodes[0].parameters.applicationId;
// Published only for the load step, so the earlier steps see exactly one registration.
const loadWorkflow = triggerOnlyWorkflow(triggerWorkflow, 'vonageVisLoadQ1');
const crashWorkflow = slowCatchUpWorkflow(
	triggerOnlyWorkflow(triggerWorkflow, 'vonageVisCrashQ1'),
	'vonageVisCrashQ1',
);
// Registrations of 60 s instead of VIS's 10 days: renewed in their last 12 s, longer than a main
// restart takes here, as VIS's 48-hour renewal window is far longer than any restart.
const WEBHOOK_TTL_MS = 60_000;
const processes = {};
// Set by the cluster fixture: the work folder, the cluster's ports and roles, the owner's browser
// on the main, the stand-in, the Voice application's webhooks before n8n pointed them here.
let work;
let cluster;
let PORTS;
let ROLES;
let owner;
let standin;
let mainEnv;
let served;
let actions;
let voiceApp;
let voiceHooksBefore;
// The Vonage trigger workflows published now; queueDeactivation unpublishes them.
const publishedTriggers = new Set();
const running = (child) => Boolean(child) && child.exitCode === null && child.signalCode === null;

async function start(name) {
	const role = ROLES[name];
	const { child } = await runtime.startN8n(
		n8nBin,
		cluster.roleEnv(name),
		path.join(work, `${name}.log`),
		180_000,
		role.command,
		role.port,
	);
	processes[name] = child;
}

async function stopAll() {
	await Promise.all(
		Object.entries(processes).map(async ([name, child]) => {
			await runtime.stopN8n(child);
			delete processes[name];
		}),
	);
}

async function sql(query, params = []) {
	const pg = require(path.join(path.dirname(path.dirname(n8nBin)), '..', 'pg'));
	const client = new pg.Client({
		host: '127.0.0.1',
		port: PORTS.postgres,
		user: 'n8n',
		database: 'n8n',
	});
	await client.connect();
	try {
		return (await client.query(query, params)).rows;
	} finally {
		await client.end();
	}
}

/** Waits for the workflow's count executions to finish (a load's take minutes) and returns them all. */
async function finished(workflowId, count) {
	return await finishedExecutions(sql, workflowId, count, 420_000);
}

let ownerSetUp = false;

/** The owner's browser on the main, signed in (the owner set up the first time). */
async function signedInOwner() {
	if (ownerSetUp) return;
	await owner.rest('POST', '/owner/setup', {
		email: 'queue@example.com',
		firstName: 'Queue',
		lastName: 'Test',
		password: 'Queue-password-123',
	});
	ownerSetUp = true;
}

/** Publishes or unpublishes a workflow through the main's REST API, as the owner's browser would. */
async function setActive(workflowId, active) {
	await signedInOwner();
	if (!active) {
		const deactivated = (await owner.rest('POST', `/workflows/${workflowId}/deactivate`, {})).data;
		publishedTriggers.delete(workflowId);
		return deactivated;
	}
	const { versionId } = (await owner.rest('GET', `/workflows/${workflowId}`)).data;
	const activated = (await owner.rest('POST', `/workflows/${workflowId}/activate`, { versionId }))
		.data;
	publishedTriggers.add(workflowId);
	return activated;
}

/** A delivery signed as VIS signs it, sent to one URL (a processor directly, or the balancer). */
async function deliver(hook, event, url = hook.url) {
	const signature = visSignature(hook, event);
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-von-signature': signature,
			'x-von-webhook-id': hook.id,
			'x-von-delivery-id': crypto.randomUUID(),
			'x-von-attempt': '1',
		},
		body: JSON.stringify({ event }),
	});
	return response.status;
}

/** A published workflow behind a GET webhook that runs one action node per credential kind. */
function actionsWorkflow() {
	const credentials = {
		vis: { vonageVisPasswordApi: { id: 'vonageVisSandbox', name: 'Vonage VIS (sandbox)' } },
		oauth2: {
			vonageVisOAuth2Api: { id: 'vonageVisOAuth2Sandbox', name: 'Vonage VIS OAuth2 (sandbox)' },
		},
		keySecret: {
			vonageKeySecretApi: { id: 'vonageKeySecretSandbox', name: 'Vonage key and secret (sandbox)' },
		},
		jwt: { vonageJwtApi: { id: 'vonageJwtSandbox', name: 'Vonage application JWT (sandbox)' } },
	};
	const node = (name, type, parameters, credential, x) => ({
		id: crypto.randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials: credential,
	});
	const nodes = [
		{
			id: crypto.randomUUID(),
			name: 'When called',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: crypto.randomUUID(),
			parameters: {
				httpMethod: 'GET',
				path: 'queue-actions',
				responseMode: 'lastNode',
				options: {},
			},
		},
		node(
			'VIS user (password grant)',
			'n8n-nodes-vonage.vonageVis',
			{ resource: 'user', operation: 'get' },
			credentials.vis,
			200,
		),
		node(
			'VIS user (OAuth2)',
			'n8n-nodes-vonage.vonageVis',
			{ authentication: 'oAuth2', resource: 'user', operation: 'get' },
			credentials.oauth2,
			400,
		),
		node(
			'Application (key and secret)',
			'n8n-nodes-vonage.vonagePlatform',
			{ resource: 'application', operation: 'get', applicationId: standin.sandbox.applicationId },
			credentials.keySecret,
			600,
		),
		node(
			'Users (JWT)',
			'n8n-nodes-vonage.vonagePlatform',
			{ resource: 'user', operation: 'list', returnAll: true },
			credentials.jwt,
			800,
		),
	];
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		id: 'queueActions1',
		name: 'Queue mode: every credential kind on the worker',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections,
	};
}

const plainWebhook = referenceWebhookWorkflow('queuePlainWebhook1');

/** OAuth2 tokens issued by the stand-in's password grant, stored as n8n stores a connected credential. */
async function connectedOAuth2Data() {
	const { consumerKey, consumerSecret, username, password } = standin.sandbox;
	const response = await fetch(`${standin.url}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'password',
			client_id: consumerKey,
			client_secret: consumerSecret,
			username: `${username}@vbc.prod`,
			password,
			scope: 'openid',
		}).toString(),
	});
	const tokens = await response.json();
	assert.ok(tokens.access_token, JSON.stringify(tokens));
	return {
		baseUrl: standin.url,
		clientId: consumerKey,
		clientSecret: consumerSecret,
		oauthTokenData: { ...tokens },
	};
}

const registrations = () => [...standin.state.webhooks.values()];
const processorBase = (port) => `http://127.0.0.1:${port}/`;
const voicePuts = () =>
	standin.requests({ method: 'PUT', path: `/v2/applications/${standin.sandbox.applicationId}` })
		.length;

/**
 * Postgres, Redis, the balancer and the stand-in up; the package installed for every process;
 * credentials and workflows imported into the main's database, and the workflows published.
 */
async function clusterReady() {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-queue-'));
	fs.chmodSync(work, 0o755);
	cluster = queueCluster(work, BASE_PORT);
	PORTS = cluster.ports;
	ROLES = cluster.roles;
	owner = n8nBrowser(`http://127.0.0.1:${PORTS.main}`, 'queue-e2e');
	console.log(
		`  queue mode: Postgres ${cluster.postgresVersion}, Redis, main + worker + 2 webhook processors in ${work}`,
	);
	await cluster.startPostgres();
	await cluster.startRedis();
	served = cluster.startBalancer();
	// VIS's pause between delivery retries shrunk from 10 s to 0.25 s, for the outage step.
	standin = createStandin({ webhookTtlMs: WEBHOOK_TTL_MS, deliveryTimeScale: 0.025 });
	standin.seedEvents(5);
	await standin.listen();
	await fetch(`${standin.url}/_standin/seed-users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{"count":2}',
	});
	voiceApp = standin.state.applications.get(standin.sandbox.applicationId);
	voiceApp.capabilities.voice.signed_callbacks = true;
	voiceHooksBefore = structuredClone(voiceApp.capabilities.voice.webhooks);

	runtime.installPackage(path.join(work, 'main'));
	for (const name of ['worker', 'webhookA', 'webhookB']) {
		fs.cpSync(path.join(work, 'main', '.n8n', 'nodes'), path.join(work, name, '.n8n', 'nodes'), {
			recursive: true,
		});
	}
	mainEnv = cluster.roleEnv('main');
	const credentials = runtime.sandboxCredentials(standin.url, standin.sandbox);
	// 60-second registrations are checked every 3 s: more VIS requests than the default quota of
	// 10 a minute the nodes pace themselves to.
	credentials.find((c) => c.type === 'vonageVisPasswordApi').data.requestsPerMinute = 1000;
	const oauth2 = credentials.find((c) => c.type === 'vonageVisOAuth2Api');
	oauth2.data = await connectedOAuth2Data();
	// The example's duplicate check uses the Redis that queue mode already runs, in its own database.
	credentials.push({
		id: 'redisQueueMode',
		name: 'Redis (queue mode)',
		type: 'redis',
		data: { host: '127.0.0.1', port: PORTS.redis, database: 1, password: '' },
	});
	await runtime.importCredentials(n8nBin, mainEnv, path.join(work, 'main'), credentials);
	actions = actionsWorkflow();
	standin.state.applications.get(menuApplicationId).capabilities.voice.signed_callbacks = true;
	for (const workflow of [
		triggerWorkflow,
		voiceWorkflow,
		menuWorkflow,
		actions,
		...(process.env.VONAGE_LOAD === '1' ? [plainWebhook] : []),
	]) {
		const file = path.join(work, `${workflow.id}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
		await runtime.n8nCli(n8nBin, mainEnv, ['import:workflow', `--input=${file}`]);
		await runtime.n8nCli(n8nBin, mainEnv, ['publish:workflow', `--id=${workflow.id}`]);
	}
	publishedTriggers.add(triggerWorkflow.id);
	publishedTriggers.add(voiceWorkflow.id);
	publishedTriggers.add(menuWorkflow.id);
}

/**
 * The main started (it registers at VIS and points the Voice application here), then the worker
 * and both webhook processors, serving the webhooks the steps call.
 */
async function clusterUp() {
	await start('main');
	await waitFor('the VIS registration', () => registrations().length > 0);
	await waitFor('the Voice application update', () => voicePuts() > 0);
	await Promise.all([start('worker'), start('webhookA'), start('webhookB')]);
	// The webhooks the steps call, served through the balancer, so that any step can come first.
	const balancer = `http://127.0.0.1:${PORTS.balancer}`;
	const menuApp = standin.state.applications.get(menuApplicationId);
	await waitFor('the menu application update', () =>
		menuApp.capabilities.voice.webhooks.event_url.address.startsWith(balancer),
	);
	const voiceHooks = [voiceApp, menuApp]
		.flatMap((app) => Object.values(app.capabilities.voice.webhooks))
		.filter((hook) => hook.address?.startsWith(balancer));
	const webhooks = [
		['POST', registrations()[0].url],
		...voiceHooks.map((hook) => ['POST', hook.address]),
		['GET', `${balancer}/webhook/queue-actions`],
	];
	if (process.env.VONAGE_LOAD === '1')
		webhooks.push(['POST', `${balancer}/webhook/load-reference`]);
	await webhooksServed(webhooks);
	return { hook: registrations()[0] };
}

async function queueActivation() {
	await sleep(2000);
	assert.equal(registrations().length, 1, 'exactly one VIS registration');
	assert.equal(voicePuts(), 1, 'exactly one Voice application update');
	const [hook] = registrations();
	assert.ok(hook.url.startsWith(`http://127.0.0.1:${PORTS.balancer}/webhook/`), hook.url);
	console.log(`  1 registration (${hook.id}) at ${hook.url}; 1 application update`);
}

async function queueDeliveriesSpread({ clusterUp: { hook } }) {
	const events = Array.from({ length: 10 }, (_, i) =>
		standin.sampleEvent({ state: i % 2 ? 'ANSWERED' : 'RINGING' }),
	);
	const statuses = await Promise.all(events.map((event) => deliver(hook, event)));
	assert.deepEqual(statuses, Array(10).fill(200));
	const rows = await finished(triggerWorkflow.id, 10);
	assert.equal(rows.length, 10);
	assert.ok(rows.every((row) => row.status === 'success' && ranNode(row.data, 'Handle event')));
	assert.ok(served[PORTS.webhookA] >= 5 && served[PORTS.webhookB] >= 5, JSON.stringify(served));
	const workerLog = fs.readFileSync(path.join(work, 'worker.log'), 'utf8');
	for (const row of rows)
		assert.match(
			workerLog,
			new RegExp(`execution ${row.id}\\b`),
			`execution ${row.id} ran on the worker`,
		);
	console.log(
		`  10 deliveries (processor A served ${served[PORTS.webhookA]}, B ${served[PORTS.webhookB]}) → 10 executions on the worker`,
	);
}

async function queueRedeliveries({ clusterUp: { hook } }) {
	// What ran before this step: queueDeliveriesSpread's 10 executions, in a full run.
	const earlier = await finished(triggerWorkflow.id, 0);
	const handledEarlier = earlier.filter((row) => ranNode(row.data, 'Handle event')).length;
	const event = standin.sampleEvent({ state: 'MISSED' });
	const hookPath = new URL(hook.url).pathname;
	const processorUrl = (port) => new URL(hookPath, processorBase(port)).href;
	assert.equal(await deliver(hook, event, processorUrl(PORTS.webhookA)), 200);
	await finished(triggerWorkflow.id, earlier.length + 1);
	assert.equal(await deliver(hook, event, processorUrl(PORTS.webhookB)), 200);
	// Five more events, each sent to both processors at once: each processor's own replay memory
	// lets its copy through, so only the shared Redis counter can keep the second one out.
	const racing = Array.from({ length: 5 }, () => standin.sampleEvent({ state: 'ANSWERED' }));
	const raced = await Promise.all(
		racing.flatMap((copy) => [
			deliver(hook, copy, processorUrl(PORTS.webhookA)),
			deliver(hook, copy, processorUrl(PORTS.webhookB)),
		]),
	);
	assert.deepEqual(raced, Array(10).fill(200));
	const afterRedelivery = await finished(triggerWorkflow.id, earlier.length + 12);
	const handled = afterRedelivery.filter((row) => ranNode(row.data, 'Handle event'));
	assert.ok(
		afterRedelivery.every((row) => row.status === 'success'),
		'no execution failed',
	);
	assert.equal(
		handled.length,
		handledEarlier + 6,
		'every event reached "Handle event" exactly once',
	);
	for (const copy of [event, ...racing]) {
		const ran = afterRedelivery.filter(
			(row) => ranNode(row.data, 'Handle event') && row.data.includes(copy.externalId),
		);
		assert.equal(ran.length, 1, `event ${copy.externalId} handled once`);
	}
	console.log(
		'  1 event to A then B, and 5 events to A and B at the same moment: 12 executions, each event handled once (the other copy stops at "First copy only")',
	);
}

/** examples/voice-menu.json's conversation, its turns spread over both webhook processors. */
async function queueVoiceMenu() {
	const servedBefore = { ...served };
	await voiceMenuConversation({
		standin,
		applicationId: menuApplicationId,
		finished: (count) => finished(menuWorkflow.id, count),
	});
	const byProcessor = [PORTS.webhookA, PORTS.webhookB].map(
		(port) => (served[port] ?? 0) - (servedBefore[port] ?? 0),
	);
	console.log(`    processor A answered ${byProcessor[0]} of them, B ${byProcessor[1]}`);
}

/**
 * A second Voice trigger published for the application examples/voice-menu.json receives: the
 * main asks the menu's trigger which workflow it is through N8N_WEBHOOK_URL (the balancer, then
 * a webhook processor), and the refusal names the menu workflow; the application stays with it.
 * n8n 2.41 publishes through its outbox and retries a failed trigger (5 attempts), so the
 * refusal is the trigger's publication status, and each attempt asked once.
 */
async function queueApplicationHeld() {
	await signedInOwner();
	const hooks = () => standin.state.applications.get(menuApplicationId).capabilities.voice.webhooks;
	const menuEventUrl = hooks().event_url.address;
	const servedBefore = { ...served };
	const {
		workflow,
		node: { id: nodeId },
	} = await createVoiceTriggerWorkflow(owner.rest, 'My own menu', {
		applicationId: menuApplicationId,
		answerCalls: true,
	});
	await owner.rest('POST', `/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});
	const failed = await waitFor(
		'the trigger to fail to activate',
		async () => {
			const { data } = await owner.rest('GET', `/workflows/${workflow.id}/publication-status`);
			const trigger = data.triggers.find((t) => t.nodeId === nodeId);
			if (trigger?.status === 'activated') throw new Error('the trigger was activated');
			return data.status !== 'in_progress' && trigger?.status === 'failed' && trigger;
		},
		60_000,
	);
	assert.equal(
		failed.errorMessage,
		`Application: "Voice menu application" (${menuApplicationId}) already sends its calls to the published workflow "${menuWorkflow.name}" (id ${menuWorkflow.id}) of this n8n (its event_url is ${menuEventUrl})`,
	);
	assert.equal(hooks().event_url.address, menuEventUrl, 'the application stays with the menu');
	await owner.rest('POST', `/workflows/${workflow.id}/deactivate`, {});
	const byProcessor = [PORTS.webhookA, PORTS.webhookB].map(
		(port) => (served[port] ?? 0) - (servedBefore[port] ?? 0),
	);
	assert.ok(byProcessor[0] + byProcessor[1] >= 1, 'asked through the webhook processors');
	console.log(
		`    refused, naming the menu workflow; asked ${byProcessor[0] + byProcessor[1]} times (n8n's attempts): processor A answered ${byProcessor[0]}, B ${byProcessor[1]}`,
	);
}

async function queueApplicationChanged() {
	await signedInOwner();
	const reportedMs = await changedBehindItsBack({
		standin,
		rest: owner.rest,
		sql,
		webhookBase: `http://127.0.0.1:${PORTS.balancer}/`,
	});
	console.log(
		`    reported by the leader main ${Math.round(reportedMs / 1000)} s after the change (check every 60 s)`,
	);
}

async function queueVoiceRedeliveries() {
	// Voice signs every attempt anew, so each processor accepts its copy; the example's Redis
	// counter, keyed on the event's leg, status and timestamp, lets one through.
	const applicationId = standin.sandbox.applicationId;
	const callEvent = standin.sampleVoiceEvent({ status: 'answered', direction: 'inbound' });
	assert.equal(
		(
			await standin.deliverVoiceEvent(applicationId, callEvent, {
				via: processorBase(PORTS.webhookA),
			})
		).status,
		200,
	);
	await finished(voiceWorkflow.id, 1);
	assert.equal(
		(
			await standin.deliverVoiceEvent(applicationId, callEvent, {
				via: processorBase(PORTS.webhookB),
			})
		).status,
		200,
	);
	const racingCalls = Array.from({ length: 3 }, () =>
		standin.sampleVoiceEvent({ status: 'completed', direction: 'inbound' }),
	);
	const racedCalls = await Promise.all(
		racingCalls.flatMap((copy) =>
			[PORTS.webhookA, PORTS.webhookB].map((port) =>
				standin.deliverVoiceEvent(applicationId, copy, { via: processorBase(port) }),
			),
		),
	);
	assert.deepEqual(
		racedCalls.map((r) => r.status),
		Array(6).fill(200),
	);
	const voiceRuns = await finished(voiceWorkflow.id, 8);
	assert.ok(
		voiceRuns.every((row) => row.status === 'success'),
		'no Voice execution failed',
	);
	for (const copy of [callEvent, ...racingCalls]) {
		const ran = voiceRuns.filter(
			(row) => ranNode(row.data, 'Handle call event') && row.data.includes(copy.uuid),
		);
		assert.equal(ran.length, 1, `call event ${copy.uuid} handled once`);
	}
	console.log(
		'  1 call event to A then B, and 3 to A and B at the same moment: 8 executions, each event handled once',
	);
}

async function queueActionsOnWorker() {
	await fetch(`${standin.url}/_standin/expire-tokens`, { method: 'POST' });
	const requestsBefore = standin.requests().length;
	// n8n's OAuth2 client sends its client credentials in a Basic header; the password-grant
	// credential (whose token the renewal timers may refresh meanwhile) sends them in the body.
	const oauth2Refreshes = () =>
		standin
			.requests({ path: '/token' })
			.filter((r) => r.body?.grant_type === 'refresh_token' && r.auth === 'basic').length;
	const refreshesBefore = oauth2Refreshes();
	const first = await fetch(`http://127.0.0.1:${PORTS.balancer}/webhook/queue-actions`);
	assert.equal(first.status, 200, await first.text());
	const second = await fetch(`http://127.0.0.1:${PORTS.balancer}/webhook/queue-actions`);
	assert.equal(second.status, 200, await second.text());
	const refreshes = oauth2Refreshes() - refreshesBefore;
	const trail = () =>
		standin
			.requests()
			.slice(requestsBefore)
			.map(
				(r) =>
					`${new Date(r.at).toISOString()} ${r.method} ${r.path} ${r.auth ?? ''} ${r.body?.grant_type ?? ''}`,
			)
			.join('\n');
	assert.equal(
		refreshes,
		1,
		`one refresh, stored and reused by the next execution; requests since the tokens expired:\n${trail()}`,
	);
	const kinds = new Set(
		standin
			.requests()
			.map((r) => r.auth)
			.filter(Boolean),
	);
	for (const kind of ['vis-bearer', 'basic', 'jwt-bearer'])
		assert.ok(kinds.has(kind), `${kind} used`);
	const actionRows = await finished(actions.id, 2);
	assert.ok(actionRows.every((row) => row.status === 'success'));
	console.log(
		'  password grant, OAuth2, key/secret and JWT actions succeeded on the worker; 1 OAuth2 refresh for 2 executions',
	);
}

async function queueRestartAll({ clusterUp: { hook } }) {
	const [{ before }] = await sql(
		'SELECT count(*) AS before FROM execution_entity WHERE "workflowId" = $1',
		[triggerWorkflow.id],
	);
	await stopAll();
	await start('main');
	await Promise.all([start('worker'), start('webhookA'), start('webhookB')]);
	await sleep(3000);
	assert.equal(registrations().length, 1);
	assert.equal(registrations()[0].id, hook.id);
	assert.equal(voicePuts(), 1);
	assert.equal(await deliver(hook, standin.sampleEvent({ state: 'ANSWERED' })), 200);
	await finished(triggerWorkflow.id, Number(before) + 1);
	console.log(
		'  after restarting all four: the same registration, no new application update, a delivery ran',
	);
}

/** The "id:state" keys of the VIS events that reached "Handle event" in executions after `afterId`. */
async function handledKeys(workflowId, afterId) {
	const rows = await sql(
		'SELECT e.id, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 AND e.id > $2 ORDER BY e.id',
		[workflowId, afterId],
	);
	if (rows.some((row) => ['new', 'running'].includes(row.status))) return undefined;
	const keys = [];
	for (const row of rows.filter(
		(candidate) => candidate.status === 'success' && ranNode(candidate.data, 'Handle event'),
	)) {
		for (const value of JSON.parse(row.data))
			if (typeof value === 'string' && /^\d+:[A-Z_]+$/.test(value)) keys.push(value);
	}
	return { keys, rows };
}

/**
 * VIS delivering every call event (with its retries) while all four processes are down: the
 * webhook is marked failed. The main comes back first; its keeper renews the registration and
 * runs the five missed calls on the worker, each once, with no other process running them too.
 */
async function queueOutage({ clusterUp: { hook } }) {
	const [{ last }] = await sql('SELECT coalesce(max(id), 0) AS last FROM execution_entity');
	standin.deliverCallEvents(true);
	await stopAll();
	const calls = Array.from({ length: 5 }, () =>
		standin.callHappens({ states: ['RINGING', 'MISSED'] }),
	);
	await standin.deliveriesSettled();
	standin.deliverCallEvents(false);
	assert.equal(hook.statistics.failed, true, 'VIS marked the webhook failed');
	const started = Date.now();
	await start('main');
	await Promise.all([start('worker'), start('webhookA'), start('webhookB')]);
	await waitFor('the registration to deliver again', () => !hook.statistics.failed, 60_000);
	const liveAfter = Date.now() - started;
	const expected = calls.map((call) => `${call.eventId}:MISSED`).sort();
	const handled = await waitFor(
		'the missed calls to run',
		async () => {
			const outcome = await handledKeys(triggerWorkflow.id, last);
			return outcome && outcome.keys.length >= expected.length && outcome;
		},
		120_000,
	);
	await sleep(3000);
	const settled = await waitFor('settled executions', () => handledKeys(triggerWorkflow.id, last));
	assert.deepEqual([...settled.keys].sort(), expected, 'each missed call ran once');
	assert.ok(
		settled.rows.every((row) => row.status === 'success'),
		JSON.stringify(settled.rows.map((row) => row.status)),
	);
	const workerLog = fs.readFileSync(path.join(work, 'worker.log'), 'utf8');
	for (const row of handled.rows)
		assert.match(
			workerLog,
			new RegExp(`execution ${row.id}\\b`),
			`execution ${row.id} ran on the worker`,
		);
	console.log(
		`  failed while all were down; delivering again ${(liveAfter / 1000).toFixed(1)} s after the main started; 5 missed calls ran once each on the worker`,
	);
}

/**
 * The Voice queue example with catch-up (Final Statuses Only): the calls whose events Voice
 * dropped while all four processes were down run once each after the restart; a final status
 * that ran live and comes again from the catch-up is let through once by the Redis counter.
 */
async function queueVoiceMissedWhileDown() {
	const outcome = await missedWhileDown({
		standin,
		sql,
		applicationId: standin.sandbox.applicationId,
		workflowId: voiceWorkflow.id,
		handler: 'Handle call event',
		liveStatuses: ['answered', 'completed'],
		stop: stopAll,
		start: async () => {
			await start('main');
			await Promise.all([start('worker'), start('webhookA'), start('webhookB')]);
		},
	});
	console.log(
		`  ${MISSED_CALLS} calls while every process was down (${outcome.dropped} events dropped after ${outcome.tries.join(' or ')} tries): each final status ran once, ${(outcome.caughtUpAfterMs / 1000).toFixed(1)} s after the main started; ${outcome.handled} statuses handled in ${outcome.executions} executions`,
	);
}

/**
 * Catch-Up Runs: Final Statuses From the Catch-Up Only, on the AI agent's application (no other
 * workflow of this suite holds it) with a JWT credential of its own: live calls' final statuses
 * start nothing on the processors; after every process was down, each final status ran once,
 * from the catch-up with its key, and no execution is a copy.
 */
async function queueVoiceOnceFromCatchUp() {
	await signedInOwner();
	const applicationId = 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a993';
	standin.state.applications.get(applicationId).capabilities.voice.signed_callbacks = true;
	const { data: credential } = await owner.rest('POST', '/credentials', {
		name: 'Vonage application JWT (AI agent application)',
		type: 'vonageJwtApi',
		data: {
			baseUrl: standin.url,
			applicationId,
			privateKey: standin.sandbox.privateKey,
			jwtLifetimeSeconds: 900,
		},
	});
	const workflow = voiceCatchUpWorkflow(applicationId, undefined);
	const trigger = workflow.nodes[0];
	trigger.parameters.options.catchUpStatuses = 'finalFromCatchUp';
	trigger.credentials.vonageJwtApi = { id: credential.id, name: credential.name };
	delete workflow.id;
	const { data: created } = await owner.rest('POST', '/workflows', {
		...workflow,
		name: 'Vonage Voice: final statuses once, from the catch-up',
	});
	await setActive(created.id, true);
	const balancer = `http://127.0.0.1:${PORTS.balancer}/`;
	await waitFor('the AI agent application to point at n8n', () =>
		standin.state.applications
			.get(applicationId)
			.capabilities.voice.webhooks.event_url.address.startsWith(balancer),
	);
	const outcome = await missedWhileDown({
		standin,
		sql,
		applicationId,
		workflowId: created.id,
		handler: 'Handle event',
		liveStatuses: ['started', 'ringing', 'answered'],
		finalsFromCatchUp: true,
		stop: stopAll,
		start: async () => {
			await start('main');
			await Promise.all([start('worker'), start('webhookA'), start('webhookB')]);
		},
	});
	await setActive(created.id, false);
	console.log(
		`  2 live calls, then ${MISSED_CALLS} while every process was down: each final status ran once from the catch-up, ${(outcome.caughtUpAfterMs / 1000).toFixed(1)} s after the main started; ${outcome.handled} statuses in ${outcome.executions} executions`,
	);
}

const QUIET_MS = 130_000;

/**
 * No deliveries for a while: the keeper on the main (the process that runs triggers) keeps the
 * registration alive, with one renewal per due period, also across a restart of the main.
 */
async function queueRenewal({ clusterUp: { hook } }) {
	const registration = () => standin.state.webhooks.get(hook.id);
	const renewalsBefore = standin.state.renewals.length;
	const started = Date.now();
	let restarted = false;
	let renewalsAtHalf;
	let lapses = 0;
	while (Date.now() - started < QUIET_MS) {
		if (Date.parse(registration().expireAt) <= Date.now()) lapses++;
		// Past half-way, right after a renewal: the main of a real line (renewing 48 h before
		// expiry) restarts well before the next renewal is due, and so does this one.
		const halfway = Date.now() - started > QUIET_MS / 2;
		if (halfway) renewalsAtHalf ??= standin.state.renewals.length;
		if (!restarted && halfway && standin.state.renewals.length > renewalsAtHalf) {
			restarted = true;
			await runtime.stopN8n(processes.main);
			await start('main');
		}
		await sleep(250);
	}
	const renewals = standin.state.renewals.slice(renewalsBefore).map((r) => r.at);
	const gaps = renewals.slice(1).map((at, i) => at - renewals[i]);
	assert.ok(restarted, 'the main was restarted');
	assert.equal(lapses, 0, 'the registration never expired');
	assert.ok(
		renewals.length >= Math.floor(QUIET_MS / WEBHOOK_TTL_MS),
		`renewed ${renewals.length} times`,
	);
	// Due in the last fifth of each lifetime: two renewals of one due period would be closer than that.
	assert.ok(
		gaps.every((gap) => gap > WEBHOOK_TTL_MS / 5),
		`one renewal per due period across all processes (gaps ${gaps.join(', ')} ms)`,
	);
	console.log(
		`  ${renewals.length} renewals in ${QUIET_MS / 1000} s, never two in one due period (shortest gap ${Math.min(...gaps)} ms), never expired`,
	);
}

async function queueKilledDuringCatchUp() {
	const crashFile = path.join(work, `${crashWorkflow.id}.json`);
	fs.writeFileSync(crashFile, JSON.stringify(crashWorkflow));
	await runtime.n8nCli(n8nBin, mainEnv, ['import:workflow', `--input=${crashFile}`]);
	await setActive(crashWorkflow.id, true);
	const crashUrl = `http://127.0.0.1:${PORTS.balancer}/webhook/${crashWorkflow.nodes[0].webhookId}/vis-events`;
	const crashHook = await waitFor('the registration of the workflow killed mid catch-up', () =>
		registrations().find((r) => r.url === crashUrl),
	);
	const crash = await crashDuringCatchUp({
		standin,
		sql,
		workflowId: crashWorkflow.id,
		registration: () => crashHook,
		startMain: () => start('main'),
		killMain: async () => {
			const main = processes.main;
			if (!main || main.exitCode !== null) return;
			const exited = new Promise((resolve) => main.once('exit', resolve));
			main.kill('SIGKILL');
			await exited;
			delete processes.main;
		},
		mainLog: () => fs.readFileSync(path.join(work, 'main.log'), 'utf8'),
		retry: async (executionId) =>
			await owner.rest('POST', `/executions/${executionId}/retry`, { loadWorkflow: false }),
	});
	await setActive(crashWorkflow.id, false);
	console.log(
		`  killed after ${crash.killedAfter.join(' and ')} of 60 executions were stored; outcome ${JSON.stringify(crash.statuses)}`,
	);
}

async function queueLoad() {
	const loadFile = path.join(work, `${loadWorkflow.id}.json`);
	fs.writeFileSync(loadFile, JSON.stringify(loadWorkflow));
	await runtime.n8nCli(n8nBin, mainEnv, ['import:workflow', `--input=${loadFile}`]);
	await setActive(loadWorkflow.id, true);
	const loadUrl = `http://127.0.0.1:${PORTS.balancer}/webhook/${loadWorkflow.nodes[0].webhookId}/vis-events`;
	const loadHook = await waitFor("the load workflow's registration", () =>
		registrations().find((r) => r.url === loadUrl),
	);
	const pids = Object.fromEntries(
		Object.entries(processes).map(([name, child]) => [name, child.pid]),
	);
	const summary = await deliveryLoad({
		mode: 'queue mode, VIS Trigger → Handle event: 2 webhook processors, 1 worker',
		processes: pids,
		send: () => deliver(loadHook, standin.sampleEvent({ state: 'RINGING' })),
		settle: async (total) => loadOutcome(await finished(loadWorkflow.id, total)),
	});
	console.log(`  ${summary}`);
	if (process.env.VONAGE_LOAD === '1') {
		step("the same load into n8n's own Webhook node, side by side");
		const reference = await deliveryLoad({
			mode: "queue mode, n8n's Webhook node → Handle event (reference): 2 webhook processors, 1 worker",
			processes: pids,
			send: () =>
				postToReferenceWebhook(
					`http://127.0.0.1:${PORTS.balancer}`,
					standin.sampleEvent({ state: 'RINGING' }),
				),
			settle: async (total) => loadOutcome(await finished(plainWebhook.id, total)),
		});
		console.log(`  ${reference}`);
	}
}

async function queueDeactivation() {
	// The trigger and Voice workflows, the load workflow after queueLoad (and the crash workflow if
	// queueKilledDuringCatchUp failed before unpublishing it).
	for (const id of [
		triggerWorkflow.id,
		loadWorkflow.id,
		voiceWorkflow.id,
		menuWorkflow.id,
		crashWorkflow.id,
	])
		if (publishedTriggers.has(id)) await setActive(id, false);
	await waitFor('the registration to be removed', () => registrations().length === 0);
	await waitFor(
		'the application to be restored',
		() => JSON.stringify(voiceApp.capabilities.voice.webhooks) === JSON.stringify(voiceHooksBefore),
	);
	console.log('  0 registrations; the application has its previous webhooks');
}

const e2e = suite('queue', {
	label: 'queue mode',
	logTail: () =>
		ROLES
			? Object.keys(ROLES)
					.map(
						(name) =>
							`--- ${name} log, last 40 lines ---\n${runtime.tail(path.join(work, `${name}.log`), 40)}`,
					)
					.join('\n\n')
			: '',
});
const clusterFixture = e2e.fixture('cluster', clusterReady, {
	title:
		'Postgres, Redis, the balancer, the stand-in; the package installed; credentials and workflows imported and published',
	tearDown: async ({ passed }) => {
		if (standin) await standin.close();
		cluster?.stop();
		if (work && passed && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	},
});
const clusterUpFixture = e2e.fixture('clusterUp', clusterUp, {
	title: 'main, worker and both webhook processors running; one VIS registration',
	needs: [clusterFixture],
	// A step that failed may have left a process stopped (or killed): the steps after it need all four.
	recover: async () => {
		for (const name of ['main', 'worker', 'webhookA', 'webhookB']) {
			if (running(processes[name])) continue;
			console.log(`  ${name} is not running after the failed step: starting it again`);
			await start(name);
		}
	},
	tearDown: async () => {
		await Promise.all(
			Object.entries(processes)
				.filter(([, child]) => running(child))
				.map(([, child]) => runtime.stopN8n(child).catch(() => undefined)),
		);
	},
});
const needs = [clusterUpFixture];
e2e.step(queueActivation, {
	title: 'activation: the main registers once; worker and webhook processors join',
	needs,
});
e2e.step(queueDeliveriesSpread, {
	title: 'deliveries spread over both processors each run once, on the worker',
	needs,
});
e2e.step(queueRedeliveries, {
	title:
		'redeliveries to the other processor, one after the other and at the same moment, run once',
	needs,
});
e2e.step(queueVoiceMenu, {
	title: 'voice menu: each turn answered with the next NCCO through the webhook processors',
	needs,
});
e2e.step(queueApplicationHeld, {
	title:
		'a second Voice trigger for the menu’s application: refused, naming the menu workflow, asked through a webhook processor',
	needs,
});
e2e.step(queueApplicationChanged, {
	title: 'a Voice application pointed elsewhere is reported within one check, by the leader main',
	needs,
});
e2e.step(queueVoiceOnceFromCatchUp, {
	title:
		'Final Statuses From the Catch-Up Only: live and missed calls’ final statuses run once each, no copy',
	needs,
});
e2e.step(queueVoiceRedeliveries, {
	title:
		'Voice call events: a retry to the other processor, and copies at the same moment, run once',
	needs,
});
e2e.step(queueActionsOnWorker, {
	title:
		'actions on the worker with every credential kind; the OAuth2 refresh the worker makes is stored',
	needs,
});
e2e.step(queueRestartAll, {
	title: 'every process restarts: still one registration, one application update, deliveries run',
	needs,
});
e2e.step(queueOutage, {
	title:
		'outage: every process stopped while 5 calls happen; the restarted main renews within 60 s and each call runs once',
	needs,
});
e2e.step(queueVoiceMissedWhileDown, {
	title:
		'Voice: every process stopped while 10 calls happen (events dropped): each final status runs once',
	needs,
});
e2e.step(queueRenewal, {
	title: `renewal: a quiet ${QUIET_MS / 1000} s with ${WEBHOOK_TTL_MS / 1000} s registrations, the main restarted half-way`,
	needs,
});
e2e.step(queueKilledDuringCatchUp, {
	title:
		'the main killed (kill -9) twice during a catch-up of 60 events: each ends with one execution',
	needs,
});
e2e.step(queueLoad, {
	title:
		'load: 20 signed deliveries per second for 60 s through the webhook processors, each answered within 2 s',
	needs,
});
e2e.step(queueDeactivation, {
	title: 'deactivation on the main removes the registration and restores the application',
	needs,
});

module.exports = e2e;

if (require.main === module) {
	if (MISSING) {
		console.log(
			`\n${'!'.repeat(78)}\n!! queue-mode end-to-end suite NOT RUN: it needs ${MISSING}.\n!! .ci/run installs them.\n${'!'.repeat(78)}\n`,
		);
		process.exit(
			e2e.skipAll(process.argv.slice(2), `needs ${MISSING}`, { failed: Boolean(process.env.CI) })
				? 0
				: 1,
		);
	}
	underN8nNode(__filename);
	e2e.main();
}
