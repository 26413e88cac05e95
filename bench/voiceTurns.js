'use strict';
/**
 * A caller's turn, timed inside a real n8n (issue 32): an NCCO input result posted to the Vonage
 * Voice Trigger's event URL, from its arrival to the NCCO in the answer. The workflow builds the
 * NCCO and calls nothing outside: Voice Trigger 4 → Caller Turn → Vonage Voice (NCCO → Build:
 * talk + input). Beside it, the same NCCO node behind n8n's own Webhook node, answering "When
 * last node finishes" and "Using 'Respond to Webhook' node".
 *
 * Each variant gets BENCH_VOICE_RATE (10) turns a second for BENCH_VOICE_S (60) s from
 * BENCH_VOICE_CONVERSATIONS (20) conversations at once: a conversation sends its next turn when
 * its previous one is answered, and no sooner than its place in the schedule, which spreads the
 * conversations so that together they make the rate. Every turn is signed as Vonage signs
 * callbacks (the stand-in's deliverVoiceEvent), the Webhook node's too. The variants run one
 * after the other, each warmed up first (BENCH_VOICE_WARMUP_S, 10 s), in an order that rotates
 * from round to round (BENCH_VOICE_ROUNDS, 1), in regular mode (one n8n, SQLite) and in queue
 * mode (main, worker and two webhook processors behind a balancer; Postgres and Redis), as
 * BENCH_VOICE_MODES (regular,queue) says. The machine's load is taken with every run.
 * BENCH_VOICE_VARIANTS (trigger,webhookLastNode,webhookRespondNode) picks the variants; adding
 * webhookLastNodeExpression measures the Webhook node with an expression in its Response Data.
 *
 * Prints a Markdown table on stdout (`bench/run.ts` includes it) and writes the figures to
 * bench/voice-turns.json (BENCH_VOICE_RESULTS for another file); BENCH_VOICE_TABLE=<file> prints
 * the table of such a file again. Runs under Node 24.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../scripts/n8n-runtime');

runtime.underN8nNode(__filename, 'BENCH_N8N_BIN', { stdin: 'ignore' });

const { queueCluster, MISSING } = require('../scripts/queue-cluster');
const { createStandin } = require('../sandbox/server');
const { waitFor, webhooksServed } = require('../test/e2e/helpers');
const { cpuMs, watchMachine } = require('./machine');

const n8nBin = process.env.BENCH_N8N_BIN;
const RATE = Number(process.env.BENCH_VOICE_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_VOICE_S ?? 60);
const CONVERSATIONS = Number(process.env.BENCH_VOICE_CONVERSATIONS ?? 20);
const WARMUP_S = Number(process.env.BENCH_VOICE_WARMUP_S ?? 10);
const ROUNDS = Number(process.env.BENCH_VOICE_ROUNDS ?? 1);
const MODES = (process.env.BENCH_VOICE_MODES ?? 'regular,queue').split(',');
/** The variants measured; webhookLastNodeExpression is the one more there is. */
const VARIANTS = (
	process.env.BENCH_VOICE_VARIANTS ?? 'trigger,webhookLastNode,webhookRespondNode'
).split(',');
const RESULTS = process.env.BENCH_VOICE_RESULTS
	? path.resolve(process.env.BENCH_VOICE_RESULTS)
	: path.join(runtime.ROOT, 'bench', 'voice-turns.json');
/** The targets of issue 32, p99 of a turn. */
const TARGET_P99_MS = { regular: 300, queue: 1000 };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-voice-turns-'));
fs.chmodSync(work, 0o755);
// Ports of its own: the queue cluster takes BASE..BASE+4, Postgres and Redis BASE+2000 and +2001,
// task brokers BASE+3000..+3003; the regular-mode n8n BASE+5 and its broker BASE+1005.
const BASE = 12000 + Math.floor(Math.random() * 300) * 6;
const REGULAR_PORT = BASE + 5;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) =>
	process.stderr.write(`[bench:voice ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const PKG = require('../package.json').name;
const TALK = 'You pressed a key. Press 1 for sales or 2 for support.';
const DEFAULT_TALK = 'Default NCCO: the workflow did not answer this turn.';

/** NCCO → Build: talk, then an input whose result comes back as the next turn. */
const buildNode = {
	id: '7b1e5c3a-2d4f-4e6a-8b9c-0000000000b1',
	name: 'Build talk + input',
	type: `${PKG}.vonageVoice`,
	typeVersion: 4,
	position: [300, 0],
	parameters: {
		resource: 'ncco',
		operation: 'build',
		nccoActions: {
			action: [
				{ type: 'talk', text: TALK },
				{
					type: 'input',
					inputTypes: ['dtmf'],
					inputOptions: { step: 'main' },
					dtmf: { maxDigits: 1, timeOut: 5 },
				},
			],
		},
		nccoOutput: 'eachItem',
	},
};

function triggerWorkflow(applicationId) {
	return {
		id: 'benchVoiceTurnTrigger1',
		name: 'bench: Voice Trigger 4 turn',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '7b1e5c3a-2d4f-4e6a-8b9c-0000000000a1',
				name: 'Voice Trigger',
				type: `${PKG}.vonageVoiceTrigger`,
				typeVersion: 4,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					applicationId,
					answerCalls: true,
					nccoFrom: 'eachItem',
					defaultNccoSource: 'build',
					defaultNccoActions: { action: [{ type: 'talk', text: DEFAULT_TALK }] },
				},
				credentials: {
					vonageKeySecretApi: {
						id: 'vonageKeySecretSandbox',
						name: 'Vonage key and secret (sandbox)',
					},
				},
			},
			buildNode,
		],
		// Incoming Call and Caller Turn both into the NCCO; Call Event nowhere.
		connections: {
			'Voice Trigger': {
				main: [
					[],
					[{ node: buildNode.name, type: 'main', index: 0 }],
					[{ node: buildNode.name, type: 'main', index: 0 }],
				],
			},
		},
	};
}

/**
 * n8n's Webhook node into the same NCCO node, answered by the last node or by Respond to Webhook.
 * responseData may be given as an expression: a Webhook node whose parameters are all static is
 * the one start node n8n runs without an expression isolate for the request (allowWebhookIsolateSkip).
 */
function webhookWorkflow(id, webhookPath, responseMode, responseData = 'allEntries') {
	const respond = {
		id: '7b1e5c3a-2d4f-4e6a-8b9c-0000000000c1',
		name: 'Respond to Webhook',
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.5,
		position: [600, 0],
		parameters: { respondWith: 'allIncomingItems', options: {} },
	};
	const connections = { Webhook: { main: [[{ node: buildNode.name, type: 'main', index: 0 }]] } };
	if (responseMode === 'responseNode')
		connections[buildNode.name] = { main: [[{ node: respond.name, type: 'main', index: 0 }]] };
	return {
		id,
		name: `bench: Webhook node turn (${responseMode})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '7b1e5c3a-2d4f-4e6a-8b9c-0000000000d1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: webhookPath,
					responseMode,
					...(responseMode === 'lastNode' ? { responseData } : {}),
					options: {},
				},
			},
			buildNode,
			...(responseMode === 'responseNode' ? [respond] : []),
		],
		connections,
	};
}

const made = new Map();

/**
 * The variants BENCH_VOICE_VARIANTS names, made once per application (their webhook ids are
 * random): each one's workflow and where its first turn is posted (the trigger's next turns go
 * where its NCCO says).
 */
function variants(applicationId) {
	if (!made.has(applicationId)) made.set(applicationId, allVariants(applicationId));
	const all = made.get(applicationId);
	for (const name of VARIANTS)
		if (!all[name])
			throw new Error(
				`BENCH_VOICE_VARIANTS: unknown ${name}; known: ${Object.keys(all).join(', ')}`,
			);
	return Object.fromEntries(VARIANTS.map((name) => [name, all[name]]));
}

function allVariants(applicationId) {
	const trigger = triggerWorkflow(applicationId);
	return {
		trigger: {
			label: 'Voice Trigger 4 → Caller Turn → NCCO Build',
			workflow: trigger,
			firstUrl: (base) =>
				`${base}webhook/${trigger.nodes[0].webhookId}/voice-turns?turn=input&step=main`,
		},
		webhookLastNode: {
			label: 'Webhook node (When last node finishes) → NCCO Build',
			workflow: webhookWorkflow('benchVoiceTurnLastNode1', 'bench-turn-last-node', 'lastNode'),
			firstUrl: (base) => `${base}webhook/bench-turn-last-node`,
		},
		webhookRespondNode: {
			label: "Webhook node (Using 'Respond to Webhook' node) → NCCO Build → Respond to Webhook",
			workflow: webhookWorkflow(
				'benchVoiceTurnRespondNode1',
				'bench-turn-respond-node',
				'responseNode',
			),
			firstUrl: (base) => `${base}webhook/bench-turn-respond-node`,
		},
		// Not measured unless BENCH_VOICE_VARIANTS names it: what an expression in the start node's
		// webhook settings (as the trigger's Response Data is) costs the Webhook node.
		webhookLastNodeExpression: {
			label: 'Webhook node (When last node finishes, Response Data an expression) → NCCO Build',
			workflow: webhookWorkflow(
				'benchVoiceTurnLastNodeExpression1',
				'bench-turn-last-node-expression',
				'lastNode',
				'={{ "allEntries" }}',
			),
			firstUrl: (base) => `${base}webhook/bench-turn-last-node-expression`,
		},
	};
}

/**
 * Sends one signed input result to url as Vonage does, through the stand-in: deliverVoiceEvent
 * posts to the application's event URL, which is pointed at url for the synchronous part of the
 * call (where the URL is read) and put back before anything else can run.
 */
function sendTurn(standin, applicationId, url, event) {
	const hook = standin.state.applications.get(applicationId).capabilities.voice.webhooks.event_url;
	const plain = hook.address;
	hook.address = url;
	try {
		return standin.deliverVoiceEvent(applicationId, event);
	} finally {
		hook.address = plain;
	}
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * RATE turns a second for seconds, from CONVERSATIONS conversations: conversation i sends its
 * k-th turn at i/RATE + k·CONVERSATIONS/RATE seconds, or when its previous turn is answered if
 * that is later. Returns the latencies' quantiles and what went wrong.
 */
async function load({ standin, applicationId, base, variant, seconds, pids = {} }) {
	const period = (CONVERSATIONS * 1000) / RATE;
	const latencies = [];
	const failures = {};
	const fail = (what) => (failures[what] = (failures[what] ?? 0) + 1);
	let defaultNccos = 0;
	let late = 0;
	const cpuBefore = Object.fromEntries(Object.entries(pids).map(([r, pid]) => [r, cpuMs(pid)]));
	const machine = watchMachine();
	const started = performance.now() + 50;
	const end = started + seconds * 1000;
	let lastSent = started;
	async function conversation(i) {
		const uuid = crypto.randomUUID();
		let url = variant.firstUrl(base);
		for (let k = 0; ; k++) {
			const due = started + (i * 1000) / RATE + k * period;
			if (due >= end) return;
			const wait = due - performance.now();
			if (wait > 0) await sleep(wait);
			else if (wait < -50) late++;
			const event = {
				uuid,
				conversation_uuid: `CON-${uuid}`,
				timestamp: new Date().toISOString(),
				dtmf: { digits: String(k % 10), timed_out: false },
				speech: {},
			};
			const sentAt = performance.now();
			lastSent = Math.max(lastSent, sentAt);
			let answer;
			try {
				answer = await sendTurn(standin, applicationId, url, event);
			} catch (error) {
				latencies.push(performance.now() - sentAt);
				fail(error.cause?.code ?? error.name ?? String(error));
				continue;
			}
			latencies.push(performance.now() - sentAt);
			if (answer.status !== 200) {
				fail(`HTTP ${answer.status}`);
				continue;
			}
			let ncco;
			try {
				ncco = JSON.parse(answer.body);
			} catch {
				fail('not JSON');
				continue;
			}
			const talk = Array.isArray(ncco) ? ncco.find((a) => a.action === 'talk')?.text : undefined;
			if (talk === DEFAULT_TALK) defaultNccos++;
			else if (talk !== TALK || !ncco.some((a) => a.action === 'input'))
				fail(`another answer: ${answer.body.slice(0, 120)}`);
			// The trigger's NCCO names the URL of the next turn; the Webhook node's stays put.
			const next = ncco.find?.((a) => a.action === 'input')?.eventUrl?.[0];
			if (next) url = next;
		}
	}
	await Promise.all(Array.from({ length: CONVERSATIONS }, (_, i) => conversation(i)));
	const finished = performance.now();
	latencies.sort((a, b) => a - b);
	const turns = latencies.length;
	const cpuMsPerTurn = Object.fromEntries(
		Object.entries(pids).map(([role, pid]) => [
			role,
			Math.round((10 * (cpuMs(pid) - cpuBefore[role])) / turns) / 10,
		]),
	);
	return {
		turns,
		turnsPerSecond: +(turns / ((lastSent - started) / 1000 + 1 / RATE)).toFixed(2),
		p50Ms: Math.round(quantile(latencies, 0.5)),
		p99Ms: Math.round(quantile(latencies, 0.99)),
		maxMs: Math.round(latencies[turns - 1]),
		meanMs: Math.round(latencies.reduce((sum, ms) => sum + ms, 0) / turns),
		sentLate: late,
		lastAnswerAfterS: +((finished - started) / 1000).toFixed(1),
		defaultNccos,
		failures,
		cpuMsPerTurn,
		machine: machine.stop(),
	};
}

/** Lines of the n8n logs written since `from` (file → size) that say something went wrong. */
function logTrouble(logs, from) {
	const lines = [];
	for (const file of logs) {
		const text = fs.readFileSync(file, 'utf8').slice(from[file] ?? 0);
		for (const line of text.split('\n'))
			if (/error|Default NCCO|Cannot set headers|warn|refused/i.test(line))
				lines.push(`${path.basename(file, '.log')}: ${line.trim().slice(0, 300)}`);
	}
	return lines;
}
const logSizes = (logs) =>
	Object.fromEntries(logs.map((file) => [file, fs.existsSync(file) ? fs.statSync(file).size : 0]));

/** Every variant warmed up, then measured once per round in an order that rotates. */
async function measure(mode, { standin, applicationId, base, pids, logs }) {
	const all = variants(applicationId);
	const names = Object.keys(all);
	for (const name of names) {
		log(`${mode}: warming up ${name} (${WARMUP_S} s)`);
		await load({ standin, applicationId, base, variant: all[name], seconds: WARMUP_S });
	}
	const runs = Object.fromEntries(names.map((name) => [name, []]));
	for (let round = 0; round < ROUNDS; round++) {
		for (let i = 0; i < names.length; i++) {
			const name = names[(i + round) % names.length];
			const from = logSizes(logs);
			const figures = await load({
				standin,
				applicationId,
				base,
				variant: all[name],
				seconds: SECONDS,
				pids,
			});
			const trouble = logTrouble(logs, from);
			runs[name].push({ ...figures, logLines: trouble.length, logSample: trouble.slice(0, 8) });
			log(`${mode} ${name}: ${JSON.stringify(runs[name].at(-1))}`);
			// Let the executions of the last turns be saved before the next variant starts.
			await sleep(3000);
		}
	}
	return { labels: Object.fromEntries(names.map((name) => [name, all[name].label])), runs };
}

/** The package built once, and a copy of its installed nodes in every user folder. */
function installInto(folder) {
	const packaged = path.join(work, 'package');
	if (!fs.existsSync(path.join(packaged, '.n8n', 'nodes'))) runtime.installPackage(packaged);
	fs.cpSync(path.join(packaged, '.n8n', 'nodes'), path.join(folder, '.n8n', 'nodes'), {
		recursive: true,
	});
}

/** Credentials and the three workflows imported into a user folder's n8n, and published. */
async function importAll(env, folder, standin, applicationId) {
	await runtime.importCredentials(
		n8nBin,
		env,
		folder,
		runtime.sandboxCredentials(standin.url, standin.sandbox),
	);
	for (const { workflow } of Object.values(variants(applicationId))) {
		const file = path.join(work, `${workflow.id}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
		await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${file}`]);
		await runtime.n8nCli(n8nBin, env, ['publish:workflow', `--id=${workflow.id}`]);
	}
}

/** The application pointed at base by the trigger, and every variant's webhook served there. */
async function served(standin, applicationId, base) {
	const all = variants(applicationId);
	if (all.trigger) {
		// The turns have a path of their own; the application's event URL is the trigger's events path.
		const eventUrl = all.trigger
			.firstUrl(base)
			.split('?')[0]
			.replace(/voice-turns$/, 'voice-events');
		// The application's update replaces its webhooks: read them anew each time.
		const pointed = () =>
			standin.state.applications.get(applicationId).capabilities.voice.webhooks.event_url
				.address === eventUrl;
		await waitFor('the application to point at n8n', pointed, 180_000);
	}
	await webhooksServed(
		Object.values(all).map((variant) => ['POST', variant.firstUrl(base).split('?')[0]]),
	);
}

const processes = [];
const cleanups = [];

async function regularMode(standin, applicationId) {
	const folder = path.join(work, 'regular');
	installInto(folder);
	const env = { ...runtime.n8nEnv(folder, REGULAR_PORT), ...runtime.BUSY_LINE_ENV };
	await importAll(env, folder, standin, applicationId);
	const logFile = path.join(work, 'regular.log');
	const { child } = await runtime.startN8n(n8nBin, env, logFile);
	processes.push(child);
	const base = `http://127.0.0.1:${REGULAR_PORT}/`;
	await served(standin, applicationId, base);
	const result = await measure('regular', {
		standin,
		applicationId,
		base,
		pids: { n8n: child.pid },
		logs: [logFile],
	});
	await runtime.stopN8n(child);
	return { setup: 'regular mode: one n8n process (SQLite)', ...result };
}

async function queueMode(standin, applicationId) {
	const cluster = queueCluster(work, BASE);
	cleanups.push(() => cluster.stop());
	await cluster.startPostgres();
	await cluster.startRedis();
	cluster.startBalancer({ connectionPerRequest: true });
	const roles = ['main', 'worker', 'webhookA', 'webhookB'];
	for (const name of roles) installInto(path.join(work, name));
	await importAll(cluster.roleEnv('main'), path.join(work, 'main'), standin, applicationId);
	const pids = {};
	const logs = [];
	const start = async (name) => {
		const role = cluster.roles[name];
		const logFile = path.join(work, `${name}.log`);
		const { child } = await runtime.startN8n(
			n8nBin,
			cluster.roleEnv(name),
			logFile,
			180_000,
			role.command,
			role.port,
		);
		processes.push(child);
		pids[name] = child.pid;
		logs.push(logFile);
	};
	// The main points the application at the balancer when it activates the trigger.
	await start('main');
	await Promise.all(['worker', 'webhookA', 'webhookB'].map(start));
	const base = `http://127.0.0.1:${cluster.ports.balancer}/`;
	await served(standin, applicationId, base);
	const result = await measure('queue', { standin, applicationId, base, pids, logs });
	return {
		setup:
			'queue mode: main, 1 worker, 2 webhook processors behind a round-robin balancer (Postgres, Redis)',
		...result,
	};
}

function table(results, rule = describeRule()) {
	const lines = [
		rule,
		'',
		'| mode | round | variant | turns/s | p50 | p99 | max | p99 / Webhook last node | CPU / Webhook last node | failed | Default NCCO | n8n log lines | CPU ms/turn | machine busy, load avg |',
		'|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
	];
	for (const [mode, result] of Object.entries(results)) {
		if (result.notMeasured) {
			lines.push(`| ${mode} | | not measured: ${result.notMeasured} |||||||||||`);
			continue;
		}
		const names = Object.keys(result.runs);
		const rounds = result.runs[names[0]].length;
		const cpuOf = (run) => Object.values(run.cpuMsPerTurn).reduce((sum, ms) => sum + ms, 0);
		for (let round = 0; round < rounds; round++) {
			// Against the Webhook node of the same round: the closest in time on a noisy machine.
			const reference = result.runs.webhookLastNode?.[round];
			for (const name of names) {
				const run = result.runs[name][round];
				const failed = Object.values(run.failures).reduce((a, b) => a + b, 0);
				const ratio = (a, b) => (reference ? (a / b).toFixed(2) : '–');
				const m = run.machine;
				lines.push(
					`| ${mode} | ${round + 1} | ${result.labels[name]} | ${run.turnsPerSecond} | ${run.p50Ms} ms | ${run.p99Ms} ms | ${run.maxMs} ms | ${ratio(run.p99Ms, reference?.p99Ms)} | ${ratio(cpuOf(run), reference && cpuOf(reference))} | ${failed} | ${run.defaultNccos} | ${run.logLines} | ${Object.entries(
						run.cpuMsPerTurn,
					)
						.map(([role, ms]) => `${role} ${ms}`)
						.join(', ')} | ${m.busyPercent} %, ${m.loadAverage1mStart}→${m.loadAverage1mEnd} |`,
				);
			}
		}
		if (!result.runs.trigger) continue;
		const p99s = result.runs.trigger.map((run) => run.p99Ms);
		const held = p99s.filter((p99) => p99 < TARGET_P99_MS[mode]).length;
		lines.push(
			`| ${mode} | | **target**: trigger p99 < ${TARGET_P99_MS[mode]} ms | | | ${p99s.join(', ')} ms | | | | | | | | ${held === p99s.length ? 'holds' : `**missed** in ${p99s.length - held} of ${p99s.length}`} |`,
		);
	}
	return lines.join('\n');
}

function describeRule() {
	return `Caller turns inside n8n ${runtime.N8N_VERSION} (Node ${process.version}), ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}: ${RATE} turns/s for ${SECONDS} s from ${CONVERSATIONS} conversations per variant, after ${WARMUP_S} s of warm-up, ${ROUNDS} round(s) in rotating order; time from sending a signed input result to the whole NCCO answer, on loopback; CPU of the n8n processes per turn; machine busy = all cores, whoever used them. Targets (issue 32): trigger p99 under ${TARGET_P99_MS.regular} ms in regular mode, under ${TARGET_P99_MS.queue} ms in queue mode.`;
}

async function main() {
	if (process.env.BENCH_VOICE_TABLE) {
		const saved = JSON.parse(fs.readFileSync(path.resolve(process.env.BENCH_VOICE_TABLE), 'utf8'));
		console.log(table(saved.results, saved.rule));
		return;
	}
	log(`work folder ${work}, ports from ${BASE}`);
	const standin = createStandin({});
	await standin.listen();
	cleanups.push(() => standin.close());
	const applicationId = standin.sandbox.applicationId;
	standin.state.applications.get(applicationId).capabilities.voice.signed_callbacks = true;
	const results = {};
	const save = () =>
		fs.writeFileSync(
			RESULTS,
			`${JSON.stringify({ measuredAt: new Date().toISOString(), machine: `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, n8n ${runtime.N8N_VERSION}, Node ${process.version}`, rule: describeRule(), n8nSettings: runtime.BUSY_LINE_ENV, results }, null, 2)}\n`,
		);
	if (MODES.includes('regular')) {
		results.regular = await regularMode(standin, applicationId);
		save();
	}
	if (MODES.includes('queue')) {
		if (MISSING) results.queue = { notMeasured: `queue mode needs ${MISSING}` };
		else results.queue = await queueMode(standin, applicationId);
		save();
	}
	console.log(table(results));
}

async function cleanUp() {
	await Promise.all(processes.map((child) => runtime.stopN8n(child).catch(() => undefined)));
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch {
			// One cleanup failing must not keep the others from running.
		}
	}
	cleanups.length = 0;
}
for (const signal of ['SIGINT', 'SIGTERM'])
	process.on(signal, () => cleanUp().finally(() => process.exit(130)));

main()
	.catch((error) => {
		console.error(`bench/voiceTurns.js FAILED: ${error.stack ?? error}`);
		for (const name of ['regular', 'main', 'worker', 'webhookA', 'webhookB']) {
			const file = path.join(work, `${name}.log`);
			if (fs.existsSync(file)) console.error(`--- ${name} log ---\n${runtime.tail(file, 30)}`);
		}
		process.exitCode = 1;
	})
	.finally(async () => {
		await cleanUp();
		if (!process.exitCode && !process.env.BENCH_VOICE_KEEP)
			fs.rmSync(work, { recursive: true, force: true });
	});
