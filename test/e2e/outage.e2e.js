'use strict';
/**
 * End-to-end, regular mode: no call event is lost when n8n was down (issue 23). The sandbox
 * delivers every call event as VIS does (2 s, 5 retries, then "failed"), with its retry pause
 * and registration lifetime scaled down (10 s → 0.25 s; 10 days → 10 minutes, so the keeper
 * checks every 30 s instead of every 150 s). Its steps, in the order they run (each one alone:
 * `npm run test:e2e -- <step>`; see steps.js):
 *   missedWhileStopped: n8n stopped while 20 calls happen: VIS marks the webhook failed; after
 *     the restart the registration delivers again within 60 s and the 20 missed calls run once
 *     each;
 *   failedWhileRunning: a webhook failed while n8n runs (n8n refused 6 attempts) is back within
 *     the scaled 5 minutes (60 s), and the calls it dropped run once each;
 *   voiceMissedWhileStopped: a Voice Trigger with catch-up; n8n stopped while 10 calls happen,
 *     whose events Voice drops after two tries: after the restart each call's final status runs
 *     once, and no status runs twice (voiceCatchUp.js);
 *   killedDuringCatchUp: n8n killed (kill -9) twice while it catches up 60 dropped events: each
 *     event ends with one execution, successful or crashed, none twice (crashCatchUp.js);
 *   pollTrigger: the VIS Poll Trigger in an n8n whose N8N_WEBHOOK_URL points nowhere: each call
 *     once, and the calls made while n8n was stopped after its restart;
 *   noSecretInOutageLog: no password, secret or signing key in n8n's log.
 * They share one fixture, n8nUp: the package installed, the stand-in up, n8n started once with
 * the VIS trigger workflow published and registered (started again if a failed step left it
 * stopped).
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime');
const { triggerOnlyWorkflow } = require('../../scripts/load-workflows');
const {
	waitFor,
	executionsOf,
	n8nBrowser,
	ranNode,
	restApiUp,
	sleep,
	underN8nNode,
} = require('./helpers');
const { suite } = require('./steps');
const { crashDuringCatchUp, slowCatchUpWorkflow } = require('./crashCatchUp');
const { missedWhileDown, voiceCatchUpWorkflow, MISSED_CALLS } = require('./voiceCatchUp');

const { createStandin } = require('../../sandbox/server');

const n8nBin = process.env.E2E_N8N_BIN;
const PORT = 5900 + Math.floor(Math.random() * 90);
const example = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples/vis-trigger.json'), 'utf8'),
);
const triggerWorkflow = triggerOnlyWorkflow(example, 'vonageVisOutage1');
const crashWorkflow = slowCatchUpWorkflow(
	triggerOnlyWorkflow(example, 'vonageVisCrash1'),
	'vonageVisCrash1',
);
const pollWorkflow = {
	...triggerWorkflow,
	id: 'vonageVisPolling1',
	name: 'Vonage VIS: poll call events',
	nodes: [
		{
			id: 'c1d2e3f4-0000-4000-8000-00000000a011',
			name: 'Poll call events',
			type: 'n8n-nodes-vonage.vonageVisPollTrigger',
			typeVersion: 1,
			position: [0, 0],
			// n8n refuses poll intervals under a minute.
			parameters: {
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				options: { finalStatesOnly: true },
			},
			credentials: triggerWorkflow.nodes[0].credentials,
		},
		triggerWorkflow.nodes[1],
	],
	connections: {
		'Poll call events': { main: [[{ node: 'Handle event', type: 'main', index: 0 }]] },
	},
};

// The n8n user folder, its log and n8n's environment: set by the n8nUp fixture.
let work;
let logFile;
let env;
let standin;
let n8n;
// The VIS trigger workflows published so far, each registered once at VIS; the one published now.
const publishedTriggers = new Set();
let publishedTrigger;
const running = (child) => Boolean(child) && child.exitCode === null && child.signalCode === null;
const sql = (query, params = []) => runtime.queryN8nDb(n8nBin, work, query, params);
const cli = (...args) => runtime.n8nCli(n8nBin, env, args);

/**
 * The events ("id:state") that reached "Handle event" in a workflow's finished executions, once
 * no execution is still running (undefined until then).
 */
async function handledEvents(workflowId) {
	const rows = await executionsOf(sql, workflowId);
	if (rows.some((row) => ['new', 'running'].includes(row.status))) return undefined;
	const events = [];
	for (const row of rows) {
		assert.equal(row.status, 'success', `execution ${row.id} ended ${row.status}`);
		assert.ok(ranNode(row.data, 'Handle event'), `execution ${row.id} reached "Handle event"`);
		// Run data is flatted JSON: one table of values, each distinct string once per execution.
		for (const value of JSON.parse(row.data))
			if (typeof value === 'string' && /^\d+:[A-Z_]+$/.test(value)) events.push(value);
	}
	return events;
}

/** A call on the sandbox user's line: RINGING, then its final state, each delivered as VIS does. */
function callsHappen(count, states = ['RINGING', 'MISSED']) {
	return Array.from({ length: count }, () => standin.callHappens({ states }));
}

const registrationOf = (workflow) =>
	[...standin.state.webhooks.values()].find((hook) =>
		hook.url.includes(workflow.nodes[0].webhookId),
	);
const registration = () => registrationOf(triggerWorkflow);

const owner = n8nBrowser(`http://127.0.0.1:${PORT}`, 'outage-e2e');
let ownerSetUp = false;

async function killN8n() {
	if (n8n.exitCode !== null) return;
	const exited = new Promise((resolve) => n8n.once('exit', resolve));
	n8n.kill('SIGKILL');
	await exited;
}

/**
 * The package installed in a new n8n user folder, the stand-in up (delivering call events as VIS
 * does), the three workflows imported, and n8n started with the VIS trigger published. Resolves
 * to its registration and signing key.
 */
async function n8nUp() {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-outage-'));
	logFile = path.join(work, 'n8n.log');
	env = runtime.n8nEnv(work, PORT);
	console.log(`  n8n ${runtime.N8N_VERSION} in ${work}`);
	runtime.installPackage(work);
	standin = createStandin({
		deliverCallEvents: true,
		deliveryTimeScale: 0.025,
		webhookTtlMs: 10 * 60_000,
	});
	const standinUrl = await standin.listen();
	await runtime.importCredentials(
		n8nBin,
		env,
		work,
		runtime.sandboxCredentials(standinUrl, standin.sandbox),
	);
	for (const workflow of [triggerWorkflow, crashWorkflow, pollWorkflow]) {
		fs.writeFileSync(path.join(work, `${workflow.id}.json`), JSON.stringify(workflow));
		await cli('import:workflow', `--input=${path.join(work, `${workflow.id}.json`)}`);
	}
	await cli('publish:workflow', `--id=${triggerWorkflow.id}`);
	publishedTrigger = triggerWorkflow.id;
	publishedTriggers.add(triggerWorkflow.id);
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	await restApiUp(`http://127.0.0.1:${PORT}`);
	const hook = await waitFor('the VIS registration', registration);
	return { hook, signingKey: hook.signingKey };
}

async function missedWhileStopped({ n8nUp: { hook } }) {
	const [live] = callsHappen(1);
	await standin.deliveriesSettled();
	await waitFor(
		'the live call to run',
		async () => (await handledEvents(triggerWorkflow.id))?.length === 2,
	);
	await runtime.stopN8n(n8n);
	const missed = callsHappen(20);
	await standin.deliveriesSettled();
	assert.equal(
		hook.statistics.failed,
		true,
		'VIS marked the webhook failed after 6 refused attempts',
	);
	const restarted = Date.now();
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	await waitFor(
		'the registration to deliver again',
		() => !hook.statistics.failed && Date.parse(hook.renewedAt) >= restarted - 1000,
		60_000,
	);
	const liveAgain = Date.now() - restarted;
	const expected = [
		`${live.eventId}:RINGING`,
		`${live.eventId}:MISSED`,
		...missed.map((call) => `${call.eventId}:MISSED`),
	];
	const handled = await waitFor(
		'the 20 missed calls to run',
		async () => {
			const events = await handledEvents(triggerWorkflow.id);
			return events?.length >= expected.length && events;
		},
		120_000,
	);
	await sleep(3000);
	assert.deepEqual(
		[...(await waitFor('finished executions', () => handledEvents(triggerWorkflow.id)))].sort(),
		[...expected].sort(),
		'each call event exactly once',
	);
	const [catchUpRow] = await sql(
		"SELECT count(*) AS n FROM execution_entity WHERE workflowId = ? AND deduplicationKey LIKE 'vonage-vis:%'",
		[triggerWorkflow.id],
	);
	assert.equal(
		Number(catchUpRow.n),
		20,
		'the 20 caught-up executions carry n8n deduplication keys',
	);
	console.log(
		`  live again ${(liveAgain / 1000).toFixed(1)} s after n8n started; ${handled.length - 2} missed calls ran once each`,
	);
}

async function failedWhileRunning({ n8nUp: { hook } }) {
	// The calls that ran before this step (missedWhileStopped's), each once.
	const expected = await waitFor('finished executions', () => handledEvents(triggerWorkflow.id));
	const signingKey = hook.signingKey;
	hook.signingKey = 'not-the-key-n8n-knows';
	const [refused] = callsHappen(1);
	await standin.deliveriesSettled();
	hook.signingKey = signingKey;
	assert.equal(hook.statistics.failed, true);
	const failedAt = Date.now();
	const dropped = callsHappen(2);
	await waitFor('the failed registration to be renewed', () => !hook.statistics.failed, 60_000);
	const renewedAfter = Date.now() - failedAt;
	const expectedAfterFailure = [
		...expected,
		...[refused, ...dropped].map((call) => `${call.eventId}:MISSED`),
	];
	await waitFor(
		'the dropped calls to run',
		async () => (await handledEvents(triggerWorkflow.id))?.length >= expectedAfterFailure.length,
		60_000,
	);
	await sleep(3000);
	assert.deepEqual(
		[...(await waitFor('finished executions', () => handledEvents(triggerWorkflow.id)))].sort(),
		[...expectedAfterFailure].sort(),
	);
	console.log(
		`  renewed ${(renewedAfter / 1000).toFixed(1)} s after VIS marked it failed; the refused and the 2 dropped calls ran once each`,
	);
}

async function voiceMissedWhileStopped() {
	const applicationId = standin.sandbox.applicationId;
	const workflow = voiceCatchUpWorkflow(applicationId, 'vonageVoiceCatchUp1');
	// The credential has the account's signature secret: the application signs its callbacks.
	standin.state.applications.get(applicationId).capabilities.voice.signed_callbacks = true;
	await runtime.stopN8n(n8n);
	fs.writeFileSync(path.join(work, `${workflow.id}.json`), JSON.stringify(workflow));
	await cli('import:workflow', `--input=${path.join(work, `${workflow.id}.json`)}`);
	await cli('publish:workflow', `--id=${workflow.id}`);
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	await waitFor('the application to point at n8n', () =>
		String(
			standin.state.applications.get(applicationId).capabilities.voice.webhooks.event_url?.address,
		).includes(workflow.nodes[0].webhookId),
	);
	const outcome = await missedWhileDown({
		standin,
		sql,
		applicationId,
		workflowId: workflow.id,
		handler: 'Handle event',
		liveStatuses: ['started', 'ringing', 'answered', 'completed'],
		stop: async () => await runtime.stopN8n(n8n),
		start: async () => {
			n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
		},
	});
	// The steps after this one expect the VIS workflows alone.
	await runtime.stopN8n(n8n);
	await cli('unpublish:workflow', `--id=${workflow.id}`);
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	console.log(
		`  ${MISSED_CALLS} calls while n8n was stopped (${outcome.dropped} events dropped after ${outcome.tries.join(' or ')} tries): each final status ran once, ${(outcome.caughtUpAfterMs / 1000).toFixed(1)} s after n8n started; ${outcome.handled} statuses handled in ${outcome.executions} executions, none twice`,
	);
}

async function killedDuringCatchUp() {
	await runtime.stopN8n(n8n);
	await cli('unpublish:workflow', `--id=${triggerWorkflow.id}`);
	publishedTrigger = undefined;
	await cli('publish:workflow', `--id=${crashWorkflow.id}`);
	publishedTrigger = crashWorkflow.id;
	publishedTriggers.add(crashWorkflow.id);
	n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
	await waitFor('the registration of the workflow killed mid catch-up', () =>
		registrationOf(crashWorkflow),
	);
	const crash = await crashDuringCatchUp({
		standin,
		sql,
		workflowId: crashWorkflow.id,
		registration: () => registrationOf(crashWorkflow),
		startMain: async () => {
			n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
		},
		killMain: killN8n,
		mainLog: () => fs.readFileSync(logFile, 'utf8'),
		retry: async (executionId) => {
			await restApiUp(`http://127.0.0.1:${PORT}`);
			if (!ownerSetUp)
				await owner.rest('POST', '/owner/setup', {
					email: 'outage@example.com',
					firstName: 'Outage',
					lastName: 'Test',
					password: 'Outage-password-123',
				});
			ownerSetUp = true;
			await owner.rest('POST', `/executions/${executionId}/retry`, { loadWorkflow: false });
		},
	});
	standin.deliverCallEvents(true);
	console.log(
		`  killed after ${crash.killedAfter.join(' and ')} of 60 executions were stored; outcome ${JSON.stringify(crash.statuses)}`,
	);
}

async function pollTrigger() {
	await runtime.stopN8n(n8n);
	// The crash workflow after killedDuringCatchUp, the trigger workflow without it.
	if (publishedTrigger) await cli('unpublish:workflow', `--id=${publishedTrigger}`);
	publishedTrigger = undefined;
	await cli('publish:workflow', `--id=${pollWorkflow.id}`);
	const unreachable = { ...env, N8N_WEBHOOK_URL: 'http://127.0.0.1:9/' };
	n8n = (await runtime.startN8n(n8nBin, unreachable, logFile)).child;
	// n8n answers before it has published its workflows; the first poll, which n8n runs on
	// publication, starts the cursor, and calls before it are history.
	await waitFor('the first poll', async () => {
		const [row] = await sql('SELECT staticData FROM workflow_entity WHERE id = ?', [
			pollWorkflow.id,
		]);
		return String(row?.staticData).includes('"since"');
	});
	const polled = callsHappen(3, ['RINGING', 'ACTIVE', 'ANSWERED']);
	await waitFor(
		'the polled calls',
		async () => (await handledEvents(pollWorkflow.id))?.length >= 3,
		90_000,
	);
	await runtime.stopN8n(n8n);
	const whileStopped = callsHappen(2);
	n8n = (await runtime.startN8n(n8nBin, unreachable, logFile)).child;
	const pollExpected = [...polled, ...whileStopped].map((call) => `${call.eventId}:${call.state}`);
	await waitFor(
		'the calls made while n8n was stopped',
		async () => (await handledEvents(pollWorkflow.id))?.length >= pollExpected.length,
		90_000,
	);
	await sleep(3000);
	assert.deepEqual(
		[...(await waitFor('finished executions', () => handledEvents(pollWorkflow.id)))].sort(),
		[...pollExpected].sort(),
		'each call once, in its final state',
	);
	assert.equal(
		standin.requests({ method: 'POST', path: '/t/vbc.prod/vis/v1/self/webhooks' }).length,
		publishedTriggers.size,
		`polling registers nothing at VIS (the ${publishedTriggers.size} VIS triggers published before it did, once each)`,
	);
	console.log(
		`  ${pollExpected.length} calls polled once each (3 live, 2 made while n8n was stopped)`,
	);
}

async function noSecretInOutageLog({ n8nUp: { signingKey } }) {
	const log = fs.readFileSync(logFile, 'utf8');
	for (const secret of [standin.sandbox.password, standin.sandbox.consumerSecret, signingKey])
		assert.ok(!log.includes(secret), 'no secret in the n8n log');
	console.log('  no password, secret or signing key in the n8n log');
}

const e2e = suite('outage', {
	label: 'outage end-to-end',
	logTail: () =>
		logFile ? `--- n8n log (${logFile}), last 120 lines ---\n${runtime.tail(logFile, 120)}` : '',
});
const n8nFixture = e2e.fixture('n8nUp', n8nUp, {
	title:
		'the package installed, the stand-in up, n8n started with the VIS trigger published and registered',
	// A step that failed may have left n8n stopped (or killed): the steps after it need it running.
	recover: async () => {
		if (running(n8n)) return;
		console.log('  n8n is not running after the failed step: starting it again');
		n8n = (await runtime.startN8n(n8nBin, env, logFile)).child;
		await restApiUp(`http://127.0.0.1:${PORT}`);
	},
	tearDown: async ({ passed }) => {
		if (running(n8n)) await runtime.stopN8n(n8n);
		if (standin) await standin.close();
		if (work && passed && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	},
});
e2e.step(missedWhileStopped, {
	title: 'n8n stopped while 20 calls happen: back within 60 s, each missed call runs once',
	needs: [n8nFixture],
});
e2e.step(failedWhileRunning, {
	title:
		'a webhook failed while n8n runs (6 refused attempts) is back within 60 s; what it dropped runs once',
	needs: [n8nFixture],
});
e2e.step(voiceMissedWhileStopped, {
	title:
		'Voice Trigger: n8n stopped while 10 calls happen (events dropped): each final status runs once, none twice',
	needs: [n8nFixture],
});
e2e.step(killedDuringCatchUp, {
	title:
		'kill -9 twice during a catch-up of 60 events: each ends with one execution, successful or crashed',
	needs: [n8nFixture],
});
e2e.step(pollTrigger, {
	title:
		'VIS Poll Trigger with N8N_WEBHOOK_URL pointing nowhere: each call once, also across a restart',
	needs: [n8nFixture],
});
e2e.step(noSecretInOutageLog, {
	title: 'no password, secret or signing key in the n8n log',
	needs: [n8nFixture],
});

module.exports = e2e;

if (require.main === module) {
	underN8nNode(__filename);
	e2e.main();
}
