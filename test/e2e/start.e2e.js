'use strict';
/**
 * `npm start` as a new user meets it: started twice in a row in the same folder, the first time
 * on a fresh folder and stopped with Ctrl-C, the second time with n8n's port taken by another
 * server. Each time it must come up (its own n8n answering, the sandbox registered, curl lines
 * ready to paste), and Ctrl-C must stop it quietly. Ports are chosen away from the defaults so a
 * developer's own `npm start` can keep running. Its steps, in the order they run (each one alone:
 * `npm run test:e2e -- <step>`; see steps.js):
 *   freshFolderComesUp: the first start, on a fresh folder: the banner, its curl lines, the
 *     example workflows, the OAuth2 example connected;
 *   ownTriggersWorkOnFirstTest: a user's own VIS and Voice triggers take the banner's test events;
 *   editorInBrowser: the real editor in headless Chromium (scripts/picker-check.js): the node
 *     picker finds the nodes by what they do, no output schema is missing, and a test run started
 *     from the voice menu's NCCO node says on the canvas what it waits for; skipped (loudly)
 *     without Debian's chromium, failed under CI;
 *   ctrlCStopsQuietly: Ctrl-C stops the first start quietly, leaving no pack folder;
 *   takenPortTakesNext (after ctrlCStopsQuietly): the same folder again with n8n's port taken:
 *     npm start takes the next port;
 *   explicitTakenPortRefused: N8N_PORT set to the taken port: a clear message and no banner.
 * The fixtures: firstStart (npm start up on a fresh folder), owner (its n8n's owner account, set
 * up as a new user does) and portTaken (another server on n8n's port).
 */
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { checkEditor, chromiumPath, voiceMenu, CHROMIUM } = require('../../scripts/picker-check');
const { n8nBrowser, restApiUp, sleep, waitFor } = require('./helpers');
const { Skip, suite } = require('./steps');

const ROOT = path.resolve(__dirname, '..', '..');
const N8N_PORT = 6100 + Math.floor(Math.random() * 300);
const SANDBOX_PORT = N8N_PORT + 500;

// The folder every npm start of this run uses, made on first use.
let folder;
const sandboxFolder = () =>
	(folder ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-start-')));
const started = [];
let squatter;

function start(env) {
	const child = spawn('node', [path.join(ROOT, 'scripts', 'start-sandbox.js')], {
		cwd: ROOT,
		env: { ...process.env, VONAGE_SANDBOX_FOLDER: sandboxFolder(), ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true, // its own process group, so Ctrl-C can be sent to all of it as a terminal does
	});
	let output = '';
	child.output = () => output;
	started.push(child);
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
	return {
		output: child.output,
		running: () => child.exitCode === null,
		exited,
		async ready(timeoutMs = 240_000) {
			const up = () => output.includes('Press Ctrl-C to stop.');
			// Stops waiting as soon as it exits: then it will not come up.
			await waitFor('npm start to come up', () => up() || child.exitCode !== null, timeoutMs).catch(
				() => undefined,
			);
			if (!up()) throw new Error(`npm start did not come up:\n${output}`);
			return output;
		},
		async interrupt() {
			process.kill(-child.pid, 'SIGINT');
			let timer;
			const code = await Promise.race([
				exited,
				new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), 60_000))),
			]);
			clearTimeout(timer);
			return { code, output };
		},
	};
}

/**
 * Runs the curl line the banner printed for the VIS trigger, as a user would paste it. A
 * connection that fails while npm start is still running is tried once more, as a user would
 * paste the line again, and said in the output; once npm start has exited it fails at once.
 */
async function deliverAsPrinted(banner, npmStart) {
	const line = banner.split('\n').find((l) => l.includes('/_standin/deliver'));
	const url = /curl -X POST (\S+)/.exec(line)[1];
	const body = /-d '(.+)'$/.exec(line.trim())[1];
	for (let attempt = 1; ; attempt++) {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body,
			});
			return { status: response.status, body: await response.json() };
		} catch (error) {
			const cause = error.cause?.message ?? error.message;
			if (attempt > 1 || !npmStart.running())
				throw new Error(`the printed curl line (POST ${url}) failed: ${cause}`);
			console.log(
				`  WARNING: the printed curl line (POST ${url}) failed once (${cause}) while npm start was running; pasting it again`,
			);
			await sleep(1000);
		}
	}
}

/** The names of the example workflows npm start imports, as its Workflows list shows them. */
function exampleNames() {
	const source = fs.readFileSync(path.join(ROOT, 'scripts', 'start-sandbox.js'), 'utf8');
	const files = [.../const EXAMPLES = \[([^\]]*)\]/.exec(source)[1].matchAll(/'([^']+)'/g)].map(
		(m) => m[1],
	);
	return files.map(
		(file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')).name,
	);
}

/** A line of the banner that is exactly the given curl command, as a user would paste it. */
function printedLine(banner, pattern) {
	const line = banner
		.split('\n')
		.map((l) => l.trim())
		.find((l) => pattern.test(l));
	assert.ok(line, `the banner prints a line matching ${pattern}`);
	return line;
}

const OWNER = {
	email: 'start@example.com',
	firstName: 'Start',
	lastName: 'Test',
	password: 'Start-password-123',
};

/** The first start's n8n with its owner set up, as a new user does in the browser. */
async function owner({ firstStart: { banner } }) {
	const n8nUrl = /is running: (\S+)/.exec(banner)[1];
	const sandboxUrl = /Sandbox Vonage \(local stand-in\): (\S+)/.exec(banner)[1];
	const { rest } = n8nBrowser(n8nUrl, 'start-e2e-browser');
	await restApiUp(n8nUrl);
	await rest('POST', '/owner/setup', OWNER);
	return { n8nUrl, sandboxUrl, rest };
}

/**
 * A user's own first steps, through n8n's REST API as the editor calls it: a new workflow with a
 * VIS Trigger and the VIS credential n8n preselects (the one updated last, as the editor picks it),
 * a new Voice Trigger on the sandbox application, each tested once ("Execute step") and sent the
 * banner's id-less test event while it listens.
 */
async function ownTriggersWorkOnFirstTest({ firstStart: { banner }, owner: { sandboxUrl, rest } }) {
	const { data: credentials } = await rest('GET', '/credentials');
	const visTypes = { vonageVisPasswordApi: 'passwordGrant', vonageVisOAuth2Api: 'oAuth2' };
	const preselected = credentials
		.filter((c) => c.type in visTypes)
		.reduce((a, b) => (a.updatedAt > b.updatedAt ? a : b));
	assert.equal(
		preselected.type,
		'vonageVisOAuth2Api',
		'n8n preselects the OAuth2 credential, the one updated last',
	);
	const visLine = printedLine(banner, new RegExp(`^curl -X POST ${sandboxUrl}/_standin/deliver$`));
	const voiceLine = printedLine(
		banner,
		new RegExp(`^curl -X POST ${sandboxUrl}/_standin/voice-event$`),
	);
	const sandbox = await (await fetch(`${sandboxUrl}/_standin/sandbox`)).json();
	const keySecret = credentials.find((c) => c.type === 'vonageKeySecretApi');

	const cases = [
		{
			name: 'VIS',
			node: {
				name: 'Vonage VIS Trigger',
				type: 'n8n-nodes-vonage.vonageVisTrigger',
				typeVersion: 2,
				parameters: { authentication: visTypes[preselected.type] },
				credentials: { [preselected.type]: { id: preselected.id, name: preselected.name } },
			},
			line: visLine,
			listening: async () =>
				(await (await fetch(`${sandboxUrl}/_standin/state`)).json()).webhooks.some((hook) =>
					hook.url.includes('/webhook-test/'),
				),
		},
		{
			name: 'Voice',
			node: {
				name: 'Vonage Voice Trigger',
				type: 'n8n-nodes-vonage.vonageVoiceTrigger',
				typeVersion: 2,
				parameters: { applicationId: sandbox.applicationId },
				credentials: { vonageKeySecretApi: { id: keySecret.id, name: keySecret.name } },
			},
			line: voiceLine,
			listening: async () =>
				(await (await fetch(`${sandboxUrl}/_standin/state`)).json()).applications.some((app) =>
					String(app.capabilities?.voice?.webhooks?.event_url?.address).includes('/webhook-test/'),
				),
		},
	];
	for (const { name, node, line, listening } of cases) {
		const { data: workflow } = await rest('POST', '/workflows', {
			name: `My own ${name} trigger`,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: {},
			nodes: [
				{ id: crypto.randomUUID(), webhookId: crypto.randomUUID(), position: [0, 0], ...node },
			],
		});
		const { data: run } = await rest('POST', `/workflows/${workflow.id}/run`, {
			triggerToStartFrom: { name: node.name },
		});
		assert.equal(run.waitingForWebhook, true, `${name}: "Execute step" listens for a test event`);
		await waitFor(`${name}: the test registration at the sandbox`, listening, 30_000);
		const response = await fetch(/curl -X POST (\S+)/.exec(line)[1], { method: 'POST' });
		const delivered = await response.json();
		assert.equal(response.status, 200, `${name}: ${JSON.stringify(delivered)}`);
		assert.equal(
			delivered.status,
			200,
			`${name}: the listening trigger took the test event: ${JSON.stringify(delivered)}`,
		);
		assert.match(
			delivered.body,
			/accepted/,
			`${name}: the trigger verified the event and started the run: ${delivered.body}`,
		);
		// The test run finishes before the next one starts, as a user tests one trigger at a time.
		const filter = encodeURIComponent(JSON.stringify({ workflowId: workflow.id }));
		let executions = [];
		await waitFor(
			`${name}: the test run to finish`,
			async () => {
				executions = (await rest('GET', `/executions?filter=${filter}`)).data.results;
				return (
					executions.length > 0 &&
					executions.every((execution) => !['new', 'running', 'waiting'].includes(execution.status))
				);
			},
			30_000,
		);
		assert.deepEqual(
			executions.map((execution) => execution.status),
			['success'],
			`${name}: the test run succeeded`,
		);
		console.log(
			`  a new ${name} Trigger with the preselected credential: Execute step, then "${line}" → ${delivered.body}`,
		);
	}
}

/**
 * The real editor, in headless Chromium, on this n8n (scripts/picker-check.js): the node picker's
 * search words, every output schema the panels ask for, and the waiting text of a test run started
 * from the voice menu's NCCO node. Then the menu's application is back on the published workflow's
 * URLs, since stopping the test run removed the test webhooks.
 */
async function editorInBrowser({ owner: { n8nUrl, sandboxUrl } }) {
	if (!chromiumPath()) {
		const why = `needs Debian's chromium (${CHROMIUM}): apt install chromium, or bash scripts/ci-setup.sh`;
		if (process.env.CI) throw new Error(`${why}; under CI the editor check must run`);
		console.log(
			`\n${'!'.repeat(78)}\n!! the editor check (node picker, schemas, waiting text) NOT RUN: it ${why}.\n${'!'.repeat(78)}`,
		);
		throw new Skip(why);
	}
	const failures = await checkEditor(
		{ url: n8nUrl, email: OWNER.email, password: OWNER.password },
		{ log: (line) => console.log(`  ${line}`) },
	);
	assert.deepEqual(failures, [], `the editor check failed:\n- ${failures.join('\n- ')}`);
	const { applicationId } = voiceMenu();
	await waitFor(
		'the voice menu application back on the published workflow after the test run',
		async () => {
			const state = await (await fetch(`${sandboxUrl}/_standin/state`)).json();
			const app = state.applications.find((application) => application.id === applicationId);
			return /\/webhook\//.test(app?.capabilities?.voice?.webhooks?.event_url?.address ?? '');
		},
		30_000,
	);
	console.log('  the voice menu application is back on the published workflow');
}

const packFolders = () =>
	fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('n8n-nodes-vonage-pack-')).length;

/** npm start on a fresh folder, up: resolves to it, its banner, and how many pack folders there were before. */
async function firstStart() {
	console.log(`  npm start in ${sandboxFolder()}`);
	const packFoldersBefore = packFolders();
	const first = start({
		N8N_PORT: '',
		VONAGE_STANDIN_PORT: String(SANDBOX_PORT),
		N8N_PORT_DEFAULT: String(N8N_PORT),
	});
	const banner = await first.ready();
	return { first, banner, packFoldersBefore };
}

async function freshFolderComesUp({ firstStart: { first, banner } }) {
	assert.match(banner, new RegExp(`is running: http://127\\.0\\.0\\.1:${N8N_PORT}`));
	assert.doesNotMatch(banner, /not yet/, 'the VIS trigger registered before the banner');
	const delivered = await deliverAsPrinted(banner, first);
	assert.equal(delivered.status, 200);
	assert.equal(
		delivered.body.status,
		200,
		`the pasted curl line delivered a signed event: ${JSON.stringify(delivered.body)}`,
	);
	const quoted = [...banner.matchAll(/^ {4}- "(.+?)"/gm)].map((match) => match[1]);
	assert.deepEqual(
		quoted.sort(),
		exampleNames().sort(),
		'the banner names each example workflow in full, as the Workflows list shows it',
	);
	const whoAmI = await fetch(/curl (\S+\/webhook\/vis-oauth2-self)/.exec(banner)[1]);
	assert.equal(
		whoAmI.status,
		200,
		`the OAuth2 example works without clicking Connect: ${await whoAmI.clone().text()}`,
	);
	console.log(
		'  1st: fresh folder came up, the printed curl lines delivered, the OAuth2 credential came connected',
	);
}

async function ctrlCStopsQuietly({ firstStart: { first, packFoldersBefore } }) {
	const stopped = await first.interrupt();
	assert.equal(stopped.code, 0, stopped.output);
	assert.doesNotMatch(stopped.output, /n8n exited|Error|at .*\.js:\d+/, 'Ctrl-C is quiet');
	assert.equal(packFolders(), packFoldersBefore, 'no pack folder left behind');
	console.log('  1st: Ctrl-C stopped it quietly, no pack folder left behind');
}

/** Another server holds n8n's port. */
async function portTaken() {
	squatter = http.createServer((_req, res) => res.end('{"status":"ok"}'));
	await new Promise((resolve, reject) => {
		squatter.once('error', reject);
		squatter.listen(N8N_PORT, '127.0.0.1', resolve);
	});
}

/** The folder the first start set up, again, with n8n's port taken. */
async function takenPortTakesNext() {
	const second = start({
		N8N_PORT: '',
		VONAGE_STANDIN_PORT: String(SANDBOX_PORT),
		N8N_PORT_DEFAULT: String(N8N_PORT),
	});
	const again = await second.ready();
	const port = Number(/is running: http:\/\/127\.0\.0\.1:(\d+)/.exec(again)[1]);
	assert.notEqual(port, N8N_PORT, 'it did not claim the taken port');
	assert.match(again, new RegExp(`port ${N8N_PORT} is in use, so n8n takes ${port}`));
	const health = await fetch(`http://127.0.0.1:${port}/healthz`);
	assert.equal(health.status, 200, 'the banner names an n8n that answers');
	assert.equal((await deliverAsPrinted(again, second)).body.status, 200);
	const stoppedAgain = await second.interrupt();
	assert.equal(stoppedAgain.code, 0, stoppedAgain.output);
	console.log(
		`  2nd: same folder, port ${N8N_PORT} taken → came up on ${port}, kept the workflows, delivered, stopped quietly`,
	);
}

async function explicitTakenPortRefused() {
	const explicit = start({ N8N_PORT: String(N8N_PORT), VONAGE_STANDIN_PORT: String(SANDBOX_PORT) });
	const code = await explicit.exited;
	assert.equal(code, 1);
	assert.match(
		explicit.output(),
		new RegExp(`N8N_PORT=${N8N_PORT}, but port ${N8N_PORT}.* is in use`),
	);
	assert.doesNotMatch(explicit.output(), /is running/);
	console.log('  explicit N8N_PORT that is taken: a clear message and no banner');
}

/** npm start processes still running are stopped (their process groups); the folder goes when all passed. */
function cleanUp({ passed }) {
	for (const child of started) {
		try {
			if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
		} catch {
			// Already gone.
		}
	}
	if (folder && passed) fs.rmSync(folder, { recursive: true, force: true });
}

const e2e = suite('start', {
	label: 'npm start',
	logTail: () =>
		started
			.map(
				(child, index) =>
					`--- npm start #${index + 1} (${child.exitCode === null ? 'still running' : `exited ${child.exitCode}`}), last lines ---\n${child.output().split('\n').slice(-40).join('\n')}`,
			)
			.join('\n\n'),
});
const firstStartFixture = e2e.fixture('firstStart', firstStart, {
	title: 'npm start on a fresh folder, up',
	tearDown: cleanUp,
});
const portTakenFixture = e2e.fixture('portTaken', portTaken, {
	title: "another server on n8n's port",
	tearDown: (outcome) => {
		squatter?.close();
		cleanUp(outcome);
	},
});
e2e.step(freshFolderComesUp, {
	title: 'the first start, on a fresh folder: banner, curl lines, examples, OAuth2 connected',
	needs: [firstStartFixture],
});
const ownerFixture = e2e.fixture('owner', owner, {
	title: "the first start's n8n with its owner account",
	needs: [firstStartFixture],
});
e2e.step(ownTriggersWorkOnFirstTest, {
	title: "a user's own VIS and Voice triggers take the banner's test events",
	needs: [firstStartFixture, ownerFixture],
});
e2e.step(editorInBrowser, {
	title:
		'in the real editor (headless Chromium): the node picker, the output schemas, and the waiting text of a test run',
	needs: [ownerFixture],
});
const stoppedQuietly = e2e.step(ctrlCStopsQuietly, {
	title: 'Ctrl-C stops the first start quietly',
	needs: [firstStartFixture],
});
e2e.step(takenPortTakesNext, {
	title: "the same folder again, n8n's port taken: it takes the next one",
	needs: [portTakenFixture, stoppedQuietly],
});
e2e.step(explicitTakenPortRefused, {
	title: 'an explicit N8N_PORT that is taken: a clear message and no banner',
	needs: [portTakenFixture],
});

module.exports = e2e;

if (require.main === module) e2e.main();
