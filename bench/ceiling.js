'use strict';
/**
 * How many signed VIS deliveries a second n8n can take on this machine, beside n8n's own Webhook
 * node. Opt-in and slow (about 80 minutes); never part of npm test or CI:
 *
 *   VONAGE_CEILING=1 node bench/ceiling.js
 *
 * For each setup (regular mode: one n8n; queue mode: a main, a worker and one, then two, webhook
 * processors behind a round-robin balancer) it steps the rate up in 60 s steps, the VIS Trigger →
 * Handle event and the Webhook node → Handle event workflows side by side at each rate. A step
 * holds when every delivery is answered 200 within VIS's 2 s, and every delivery has run exactly
 * one successful execution within 60 s after the step's last delivery. The ceiling is the highest
 * rate that held. The figures go to bench/delivery-ceiling.json.
 *
 *   CEILING_PROFILE=1 node bench/ceiling.js
 *
 * Instead CPU-profiles one webhook processor (queue mode) under 20 deliveries a second for 30 s,
 * a new processor for each of the two workflows, and writes the functions whose self time per
 * delivery differs most to bench/webhook-processor-profile.json (the .cpuprofile files stay in
 * the work folder, which it prints). CEILING_PROFILE=regular does the same for the one n8n of
 * regular mode at 60 a second, into bench/regular-mode-profile.json.
 *
 * Before stepping up, each setup measures CPU per delivery side by side at CEILING_CPU_RATE (40)
 * for CEILING_CPU_S (30) seconds, CEILING_CPU_ROUNDS (3, 0 skips it) rounds in rotating order:
 * the VIS Trigger, n8n's Webhook node, and n8n's Webhook node with a Header Auth credential.
 *
 * Settings: CEILING_RATES (default 20,30,40,50,60,80,100,130,160,200), CEILING_STEP_S (60),
 * CEILING_SETUPS (regular,queue1,queue2), CEILING_TARGETS (vis,webhook; add webhookAuth to step
 * the Header Auth Webhook node too), CEILING_RESULTS (another file for the figures),
 * CEILING_PROFILE_RATE, CEILING_PROFILE_S. Needs Debian's postgresql and redis-server for queue mode.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../scripts/n8n-runtime');
const { queueCluster } = require('../scripts/queue-cluster');
const { cpuMs } = require('./machine');

// CEILING_PROFILE=1 (or queue) profiles a queue-mode webhook processor; =regular the one n8n of regular mode.
const PROFILE_MODE = process.env.CEILING_PROFILE;
const PROFILE = ['1', 'queue', 'regular'].includes(PROFILE_MODE);
if (process.env.VONAGE_CEILING !== '1' && !PROFILE) {
	console.log(
		"bench/ceiling.js is opt-in: VONAGE_CEILING=1 (the ceiling, about 80 minutes) or CEILING_PROFILE=1|regular (a webhook processor, or regular mode's n8n, profiled).",
	);
	process.exit(0);
}
runtime.underN8nNode(__filename, 'CEILING_N8N_BIN');

const { createStandin, visSignature } = require('../sandbox/server');
const { referenceWebhookWorkflow, triggerOnlyWorkflow } = require('../scripts/load-workflows');

const n8nBin = process.env.CEILING_N8N_BIN;
const RATES = (process.env.CEILING_RATES ?? '20,30,40,50,60,80,100,130,160,200')
	.split(',')
	.map(Number);
const STEP_S = Number(process.env.CEILING_STEP_S ?? 60);
const SETUPS = (process.env.CEILING_SETUPS ?? 'regular,queue1,queue2').split(',');
const DRAIN_MS = 60_000;
const RESULTS = process.env.CEILING_RESULTS
	? path.resolve(process.env.CEILING_RESULTS)
	: path.join(
			runtime.ROOT,
			'bench',
			!PROFILE
				? 'delivery-ceiling.json'
				: PROFILE_MODE === 'regular'
					? 'regular-mode-profile.json'
					: 'webhook-processor-profile.json',
		);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-ceiling-'));
fs.chmodSync(work, 0o755);
const BASE = 8000 + Math.floor(Math.random() * 150) * 6;
// Made only when a queue-mode setup runs: regular mode needs neither Postgres nor Redis.
let cluster;
const PORTS = { regular: BASE };
const cleanups = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) =>
	console.log(`[ceiling ${new Date().toISOString().slice(11, 19)}] ${message}`);

const example = JSON.parse(
	fs.readFileSync(path.join(runtime.ROOT, 'examples', 'vis-trigger-queue.json'), 'utf8'),
);
const visWorkflow = triggerOnlyWorkflow(example, 'ceilingVisTrigger1');
const webhookWorkflow = referenceWebhookWorkflow('ceilingWebhookNode1');
/**
 * n8n's Webhook node checking a header against a Header Auth credential: like the VIS Trigger, a
 * start node with a credential, which n8n checks (a database query) before every execution.
 */
const HEADER_AUTH = {
	id: 'ceilingHeaderAuth',
	name: 'Load reference header',
	type: 'httpHeaderAuth',
	data: { name: 'x-load-token', value: crypto.randomBytes(16).toString('hex') },
};
const webhookAuthWorkflow = referenceWebhookWorkflow('ceilingWebhookAuth1');
webhookAuthWorkflow.name = 'Load reference: n8n Webhook node with Header Auth';
Object.assign(webhookAuthWorkflow.nodes[0], {
	parameters: {
		...webhookAuthWorkflow.nodes[0].parameters,
		path: 'load-reference-auth',
		authentication: 'headerAuth',
	},
	credentials: { httpHeaderAuth: { id: HEADER_AUTH.id, name: HEADER_AUTH.name } },
});
const TARGETS = { vis: visWorkflow, webhook: webhookWorkflow, webhookAuth: webhookAuthWorkflow };
const CPU_RATE = Number(process.env.CEILING_CPU_RATE ?? 40);
const CPU_S = Number(process.env.CEILING_CPU_S ?? 30);
const CPU_ROUNDS = Number(process.env.CEILING_CPU_ROUNDS ?? 3);
/** Whose ceiling is stepped for: the VIS Trigger and the Webhook node, or also the Header Auth one. */
const CEILING_TARGETS = (process.env.CEILING_TARGETS ?? 'vis,webhook').split(',');
for (const target of CEILING_TARGETS)
	if (!TARGETS[target])
		throw new Error(
			`CEILING_TARGETS: unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`,
		);

/** CPU time (user + system) of a process's children that have exited and been waited for, in ms. */
function exitedChildrenCpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
	} catch {
		return 0;
	}
}

/**
 * The CPU of what is not n8n but works for each delivery too: Postgres and Redis in queue mode,
 * and this process, which sends the deliveries and is the stand-in. On a machine this small they
 * share the cores with n8n, so they bear on the ceiling. Postgres serves each connection in a
 * process of its own, and n8n's pool closes idle ones: the postmaster's exited children count
 * too, so a backend that ends between two readings is not lost.
 */
function othersCpuMs() {
	const pidsOf = (args) =>
		(spawnSync('pgrep', args, { encoding: 'utf8' }).stdout || '').split('\n').filter(Boolean);
	const sum = (pids) => pids.reduce((total, pid) => total + (cpuMs(pid) || 0), 0);
	const postmaster = pidsOf(['-o', '-u', 'postgres', '-x', 'postgres'])[0];
	const postgres = postmaster
		? (cpuMs(postmaster) || 0) + exitedChildrenCpuMs(postmaster) + sum(pidsOf(['-P', postmaster]))
		: 0;
	const usage = process.cpuUsage();
	return {
		postgres,
		redis: sum(pidsOf(['-x', 'redis-server'])),
		bench: (usage.user + usage.system) / 1000,
	};
}

const processes = {};

async function startRole(name, extraEnv = {}) {
	const role = cluster.roles[name];
	const env = cluster.roleEnv(name, extraEnv);
	const { child } = await runtime.startN8n(
		n8nBin,
		env,
		path.join(work, `${name}.log`),
		180_000,
		role.command,
		role.port,
	);
	processes[name] = child;
	if (role.command === 'webhook') await servesWebhooks(role.port);
	return child;
}

/**
 * A webhook processor answers /healthz before it serves the published workflows' webhooks: waits
 * until an unsigned delivery to the VIS Trigger is refused by the trigger (401), not unknown (404).
 */
async function servesWebhooks(port) {
	for (let i = 0; i < 120; i++) {
		const status = await post(
			`http://127.0.0.1:${port}/webhook/${visWorkflow.nodes[0].webhookId}/vis-events`,
			'{"event":{}}',
			{},
		);
		if (status === 401) return;
		await sleep(500);
	}
	throw new Error(`the webhook processor on port ${port} never served the VIS Trigger's webhook`);
}

async function stopAll() {
	await Promise.all(
		Object.entries(processes).map(async ([name, child]) => {
			await runtime.stopN8n(child);
			delete processes[name];
		}),
	);
}

/** Imports the credentials and both workflows into a user folder's n8n, and publishes them. */
async function importAll(env, folder, standin) {
	const credentials = runtime.sandboxCredentials(standin.url, standin.sandbox);
	// Registration checks and renewals of every process: far above the default 10 VIS requests a minute.
	credentials.find((c) => c.type === 'vonageVisPasswordApi').data.requestsPerMinute = 1000;
	await runtime.importCredentials(n8nBin, env, folder, [...credentials, HEADER_AUTH]);
	for (const workflow of Object.values(TARGETS)) {
		const file = path.join(work, `${workflow.id}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
		await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${file}`]);
		await runtime.n8nCli(n8nBin, env, ['publish:workflow', `--id=${workflow.id}`]);
	}
}

/** Counts of a workflow's executions: all, and those that succeeded (both nodes ran). */
function counter(kind) {
	if (kind === 'sqlite') {
		return async (workflowId) => {
			const [row] = await runtime.queryN8nDb(
				n8nBin,
				path.join(work, 'regular'),
				"SELECT count(*) AS total, sum(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN status IN ('running', 'new') THEN 1 ELSE 0 END) AS busy FROM execution_entity WHERE \"workflowId\" = ?",
				[workflowId],
			);
			return {
				total: Number(row?.total ?? 0),
				ok: Number(row?.ok ?? 0),
				busy: Number(row?.busy ?? 0),
			};
		};
	}
	const pg = require(path.join(path.dirname(path.dirname(n8nBin)), '..', 'pg'));
	const pool = new pg.Pool({
		host: '127.0.0.1',
		port: PORTS.postgres,
		user: 'n8n',
		database: 'n8n',
		max: 2,
	});
	cleanups.push(() => pool.end());
	return async (workflowId) => {
		const {
			rows: [row],
		} = await pool.query(
			"SELECT count(*) AS total, sum(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN status IN ('running', 'new') THEN 1 ELSE 0 END) AS busy FROM execution_entity WHERE \"workflowId\" = $1",
			[workflowId],
		);
		return {
			total: Number(row?.total ?? 0),
			ok: Number(row?.ok ?? 0),
			busy: Number(row?.busy ?? 0),
		};
	};
}

/** One POST on its own connection, as VIS sends each delivery; resolves to the status, or to the error's message. */
function post(url, body, headers) {
	return new Promise((resolve) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent: false,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					...headers,
				},
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode));
			},
		);
		request.on('error', (error) => resolve(error.message));
		request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s')));
		request.end(body);
	});
}

/** What one delivery to each target looks like: the VIS Trigger's signed as VIS signs. */
function sender(target, baseUrl, hook, standin) {
	if (target === 'vis') {
		const url = `${baseUrl}/webhook/${visWorkflow.nodes[0].webhookId}/vis-events`;
		return () => {
			const event = standin.sampleEvent({ state: 'RINGING' });
			return post(url, JSON.stringify({ event }), {
				'x-von-signature': visSignature(hook.signingKey, event),
				'x-von-webhook-id': hook.id,
				'x-von-delivery-id': crypto.randomUUID(),
				'x-von-attempt': '1',
			});
		};
	}
	const url = `${baseUrl}/webhook/${TARGETS[target].nodes[0].parameters.path}`;
	const headers =
		target === 'webhookAuth' ? { [HEADER_AUTH.data.name]: HEADER_AUTH.data.value } : {};
	return () =>
		post(url, JSON.stringify({ event: standin.sampleEvent({ state: 'RINGING' }) }), headers);
}

/**
 * perSecond deliveries a second for STEP_S seconds; then waits up to DRAIN_MS for their
 * executions. Returns the figures and whether the step held.
 */
async function loadStep({ send, perSecond, seconds = STEP_S, count, workflowId, pids }) {
	const before = await count(workflowId);
	const cpuBefore = Object.fromEntries(
		Object.entries(pids).map(([role, pid]) => [role, cpuMs(pid)]),
	);
	const othersBefore = othersCpuMs();
	const total = perSecond * seconds;
	const latencies = [];
	const failures = [];
	const sends = [];
	const started = Date.now();
	for (let i = 0; i < total; i++) {
		const wait = started + (i * 1000) / perSecond - Date.now();
		if (wait > 0) await sleep(wait);
		const sentAt = performance.now();
		sends.push(
			send().then((status) => {
				latencies.push(performance.now() - sentAt);
				if (status !== 200) failures.push(status);
			}),
		);
	}
	await Promise.all(sends);
	const sendingEnded = Date.now();
	let now;
	for (;;) {
		now = await count(workflowId);
		if ((now.total - before.total >= total && !now.busy) || Date.now() - sendingEnded > DRAIN_MS)
			break;
		await sleep(500);
	}
	const drainedAfterS = Math.round((Date.now() - sendingEnded) / 100) / 10;
	latencies.sort((a, b) => a - b);
	const quantile = (q) =>
		Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
	const cpuMsPerDelivery = Object.fromEntries(
		Object.entries(pids).map(([role, pid]) => [
			role,
			Math.round((10 * (cpuMs(pid) - cpuBefore[role])) / total) / 10,
		]),
	);
	const othersAfter = othersCpuMs();
	const othersCpuMsPerDelivery = Object.fromEntries(
		Object.keys(othersAfter).map((what) => [
			what,
			Math.round((10 * (othersAfter[what] - othersBefore[what])) / total) / 10,
		]),
	);
	const figures = {
		perSecond,
		deliveries: total,
		answered200: total - failures.length,
		p50Ms: quantile(0.5),
		p99Ms: quantile(0.99),
		maxMs: Math.round(latencies[latencies.length - 1]),
		sentOverS: Math.round((sendingEnded - started) / 100) / 10,
		executions: now.total - before.total,
		succeeded: now.ok - before.ok,
		executedWithinS: drainedAfterS,
		cpuMsPerDelivery,
		othersCpuMsPerDelivery,
	};
	const reasons = [];
	if (failures.length)
		reasons.push(
			`${failures.length} not answered 200 (${[...new Set(failures)].slice(0, 3).join(', ')})`,
		);
	if (figures.maxMs >= 2000) reasons.push(`slowest answer ${figures.maxMs} ms`);
	if (figures.executions !== total)
		reasons.push(`${figures.executions} executions for ${total} deliveries`);
	if (figures.succeeded !== total) reasons.push(`${figures.succeeded} succeeded`);
	if (figures.sentOverS > seconds * 1.05)
		reasons.push(`the sender itself could only send over ${figures.sentOverS} s`);
	return {
		...figures,
		held: reasons.length === 0,
		...(reasons.length ? { failedBecause: reasons.join('; ') } : {}),
	};
}

/** Waits until no execution of either workflow is running, so one step does not slow the next. */
async function quiet(count) {
	for (let i = 0; i < 240; i++) {
		const busy = (await Promise.all(Object.values(TARGETS).map((w) => count(w.id)))).reduce(
			(sum, c) => sum + c.busy,
			0,
		);
		if (!busy) return;
		await sleep(500);
	}
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * CPU per delivery of the three targets at one rate, in CPU_ROUNDS rounds whose order rotates, so
 * a noisy minute of the shared machine weighs on one run of one target, not on its figure: the
 * figure is the median of its runs. "handling" is what the processes that take the deliveries
 * spend (the one n8n in regular mode, the webhook processors in queue mode); "all" adds the main
 * and the worker; "machine" adds Postgres, Redis and this process (othersCpuMs).
 */
async function cpuSideBySide(setup, { baseUrl, hook, standin, count, pids }) {
	const handlingRoles = Object.keys(pids).filter(
		(role) => role === 'n8n' || role.startsWith('webhook'),
	);
	const runs = Object.fromEntries(Object.keys(TARGETS).map((target) => [target, []]));
	const targets = Object.keys(TARGETS);
	for (let round = 0; round < CPU_ROUNDS; round++) {
		for (let i = 0; i < targets.length; i++) {
			const target = targets[(i + round) % targets.length];
			await quiet(count);
			const step = await loadStep({
				send: sender(target, baseUrl, hook, standin),
				perSecond: CPU_RATE,
				seconds: CPU_S,
				count,
				workflowId: TARGETS[target].id,
				pids,
			});
			const sum = (roles) =>
				Math.round(10 * roles.reduce((total, role) => total + step.cpuMsPerDelivery[role], 0)) / 10;
			const others = Object.values(step.othersCpuMsPerDelivery).reduce(
				(total, ms) => total + ms,
				0,
			);
			runs[target].push({
				handling: sum(handlingRoles),
				all: sum(Object.keys(pids)),
				machine: Math.round(10 * (sum(Object.keys(pids)) + others)) / 10,
				held: step.held,
				p99Ms: step.p99Ms,
			});
			log(`${setup} CPU round ${round + 1} ${target}: ${JSON.stringify(runs[target].at(-1))}`);
		}
	}
	const figures = Object.fromEntries(
		targets.map((target) => [
			target,
			{
				handlingMsPerDelivery: median(runs[target].map((r) => r.handling)),
				allMsPerDelivery: median(runs[target].map((r) => r.all)),
				machineMsPerDelivery: median(runs[target].map((r) => r.machine)),
				runs: runs[target],
			},
		]),
	);
	const ratio = (a, b) => Math.round((100 * a) / b) / 100;
	return {
		rule: `${CPU_RATE} deliveries/s for ${CPU_S} s, ${CPU_ROUNDS} rounds in rotating order; median CPU ms per delivery; handling = ${handlingRoles.join(' + ')}; all = every n8n process; machine = all + Postgres + Redis + the sending bench process`,
		...figures,
		visToWebhook: {
			handling: ratio(figures.vis.handlingMsPerDelivery, figures.webhook.handlingMsPerDelivery),
			all: ratio(figures.vis.allMsPerDelivery, figures.webhook.allMsPerDelivery),
			machine: ratio(figures.vis.machineMsPerDelivery, figures.webhook.machineMsPerDelivery),
		},
		visToWebhookWithHeaderAuth: {
			handling: ratio(figures.vis.handlingMsPerDelivery, figures.webhookAuth.handlingMsPerDelivery),
			all: ratio(figures.vis.allMsPerDelivery, figures.webhookAuth.allMsPerDelivery),
			machine: ratio(figures.vis.machineMsPerDelivery, figures.webhookAuth.machineMsPerDelivery),
		},
	};
}

/** Steps the rate up for both targets side by side (VIS, then Webhook, at each rate) until both fail. */
async function stepUp(setup, { baseUrl, hook, standin, count, pids }) {
	const results = Object.fromEntries(CEILING_TARGETS.map((target) => [target, []]));
	const ceiling = Object.fromEntries(CEILING_TARGETS.map((target) => [target, 0]));
	const failed = new Set();
	// Fresh processes compile n8n's webhook path on their first deliveries: every target is warmed
	// up first, and the order rotates from rate to rate, so none pays for that alone.
	for (const target of Object.keys(TARGETS)) {
		await quiet(count);
		await loadStep({
			send: sender(target, baseUrl, hook, standin),
			perSecond: 20,
			seconds: 15,
			count,
			workflowId: TARGETS[target].id,
			pids: {},
		});
	}
	const cpu =
		CPU_ROUNDS > 0
			? await cpuSideBySide(setup, { baseUrl, hook, standin, count, pids })
			: undefined;
	for (const [index, perSecond] of RATES.entries()) {
		const order = CEILING_TARGETS.map(
			(_, i) => CEILING_TARGETS[(i + index) % CEILING_TARGETS.length],
		);
		for (const target of order) {
			if (failed.has(target)) continue;
			await quiet(count);
			const step = await loadStep({
				send: sender(target, baseUrl, hook, standin),
				perSecond,
				count,
				workflowId: TARGETS[target].id,
				pids,
			});
			results[target].push(step);
			log(
				`${setup} ${target} ${perSecond}/s: ${step.held ? 'held' : `FAILED (${step.failedBecause})`}; p99 ${step.p99Ms} ms, max ${step.maxMs} ms, executed within ${step.executedWithinS} s, CPU ms/delivery ${JSON.stringify({ ...step.cpuMsPerDelivery, ...step.othersCpuMsPerDelivery })}`,
			);
			if (step.held) ceiling[target] = perSecond;
			else failed.add(target);
		}
		if (failed.size === CEILING_TARGETS.length) break;
	}
	const ratio = (other) =>
		ceiling[other] ? Math.round((100 * ceiling.vis) / ceiling[other]) / 100 : null;
	return {
		ceilingPerSecond: ceiling,
		ratioVisToWebhook: ratio('webhook'),
		...(CEILING_TARGETS.includes('webhookAuth')
			? { ratioVisToWebhookWithHeaderAuth: ratio('webhookAuth') }
			: {}),
		cpuSideBySide: cpu,
		steps: results,
	};
}

/** The registration the n8n at baseUrl made (an earlier setup's, with its own key, may still be there). */
async function waitForRegistration(standin, baseUrl, webhookId) {
	for (let i = 0; i < 240; i++) {
		const hook = [...standin.state.webhooks.values()].find(
			(candidate) => candidate.url === `${baseUrl}/webhook/${webhookId}/vis-events`,
		);
		if (hook) return hook;
		await sleep(500);
	}
	throw new Error('the VIS Trigger workflow did not register at the stand-in');
}

/**
 * Builds and installs the package once, into a folder whose installed nodes every n8n process
 * gets a copy of: all setups run the same build, whatever changes in the tree meanwhile.
 */
function installInto(folder) {
	const packaged = path.join(work, 'package');
	if (!fs.existsSync(path.join(packaged, '.n8n', 'nodes'))) runtime.installPackage(packaged);
	fs.cpSync(path.join(packaged, '.n8n', 'nodes'), path.join(folder, '.n8n', 'nodes'), {
		recursive: true,
	});
}

async function regularMode(standin) {
	const folder = path.join(work, 'regular');
	installInto(folder);
	const env = { ...runtime.n8nEnv(folder, PORTS.regular), ...runtime.BUSY_LINE_ENV };
	await importAll(env, folder, standin);
	const { child } = await runtime.startN8n(n8nBin, env, path.join(work, 'regular.log'));
	processes.regular = child;
	const hook = await waitForRegistration(
		standin,
		`http://127.0.0.1:${PORTS.regular}`,
		visWorkflow.nodes[0].webhookId,
	);
	await sleep(3000);
	const result = await stepUp('regular', {
		baseUrl: `http://127.0.0.1:${PORTS.regular}`,
		hook,
		standin,
		count: counter('sqlite'),
		pids: { n8n: child.pid },
	});
	await runtime.stopN8n(child);
	delete processes.regular;
	return { setup: 'regular mode: one n8n process (SQLite)', ...result };
}

async function startQueueMode(standin) {
	cluster = queueCluster(work, BASE + 1);
	Object.assign(PORTS, cluster.ports);
	cleanups.push(() => cluster.stop());
	await cluster.startPostgres();
	await cluster.startRedis();
	cluster.startBalancer({ connectionPerRequest: true });
	for (const name of Object.keys(cluster.roles)) installInto(path.join(work, name));
	await importAll(cluster.roleEnv('main'), path.join(work, 'main'), standin);
	await startRole('main');
	const hook = await waitForRegistration(
		standin,
		`http://127.0.0.1:${PORTS.balancer}`,
		visWorkflow.nodes[0].webhookId,
	);
	await startRole('worker');
	return { hook, count: counter('postgres') };
}

/**
 * Self time per function in a .cpuprofile, in ms, counting only the samples taken between
 * `fromEndMs` and `toEndMs` before the profile's end (the process's exit): the measured load,
 * without n8n's start-up, the warm-up and the shutdown.
 */
function selfTimes(file, fromEndMs, toEndMs) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const at = [];
	let elapsed = 0;
	for (const delta of profile.timeDeltas) at.push((elapsed += delta / 1000));
	const times = new Map();
	for (let i = 0; i < profile.samples.length; i++) {
		const beforeEnd = elapsed - at[i];
		if (beforeEnd > fromEndMs || beforeEnd < toEndMs) continue;
		const { callFrame } = byId.get(profile.samples[i]);
		const where = callFrame.url
			? `${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`
			: '(native)';
		const name = `${callFrame.functionName || '(anonymous)'} ${where}`;
		times.set(name, (times.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
	return times;
}

/**
 * CPU-profiles the process that takes the deliveries, a fresh one for each workflow: one webhook
 * processor in queue mode, or the one n8n in regular mode (CEILING_PROFILE=regular).
 */
async function profileTargets(standin) {
	const regular = PROFILE_MODE === 'regular';
	let hook;
	let count;
	let startProfiled;
	if (regular) {
		const folder = path.join(work, 'regular');
		installInto(folder);
		const env = { ...runtime.n8nEnv(folder, PORTS.regular), ...runtime.BUSY_LINE_ENV };
		await importAll(env, folder, standin);
		count = counter('sqlite');
		startProfiled = async (target, extraEnv) => {
			const { child } = await runtime.startN8n(
				n8nBin,
				{ ...env, ...extraEnv },
				path.join(work, `regular-${target}.log`),
			);
			processes.regular = child;
			hook = await waitForRegistration(
				standin,
				`http://127.0.0.1:${PORTS.regular}`,
				visWorkflow.nodes[0].webhookId,
			);
			await servesWebhooks(PORTS.regular);
			return {
				child,
				name: 'regular',
				baseUrl: `http://127.0.0.1:${PORTS.regular}`,
				pids: { n8n: child.pid },
			};
		};
	} else {
		({ hook, count } = await startQueueMode(standin));
		startProfiled = async (target, extraEnv) => {
			const child = await startRole('webhookA', extraEnv);
			return {
				child,
				name: 'webhookA',
				baseUrl: `http://127.0.0.1:${PORTS.webhookA}`,
				pids: { webhookA: child.pid, worker: processes.worker.pid },
			};
		};
	}
	const PROFILE_S = Number(process.env.CEILING_PROFILE_S ?? 30);
	const perSecond = Number(process.env.CEILING_PROFILE_RATE ?? (regular ? 60 : 20));
	const out = {};
	for (const target of ['vis', 'webhook']) {
		const dir = path.join(work, `profile-${target}`);
		fs.mkdirSync(dir);
		// The task runner n8n starts inherits NODE_OPTIONS and writes its own profile: the profiled process's is the one named with its pid.
		const { child, name, baseUrl, pids } = await startProfiled(target, {
			NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
		});
		await sleep(3000);
		// Warm-up: the first deliveries compile code paths that the profile should not weigh.
		await loadStep({
			send: sender(target, baseUrl, hook, standin),
			perSecond,
			seconds: 5,
			count,
			workflowId: TARGETS[target].id,
			pids: {},
		});
		const loadStarted = Date.now();
		const step = await loadStep({
			send: sender(target, baseUrl, hook, standin),
			perSecond,
			seconds: PROFILE_S,
			count,
			workflowId: TARGETS[target].id,
			pids,
		});
		const loadEnded = Date.now();
		log(`profiled ${target}: ${JSON.stringify(step)}`);
		await quiet(count);
		// n8n gives its own shutdown 30 s (it may wait for an execution it handed over), then exits
		// and the profile is written; a kill before that would lose it.
		await runtime.stopN8n(child, 90_000);
		const exited = Date.now();
		delete processes[name];
		const file = path.join(
			dir,
			fs.readdirSync(dir).find((fileName) => fileName.includes(`.${child.pid}.0.`)),
		);
		out[target] = {
			step,
			file,
			window: { fromEndMs: exited - loadStarted, toEndMs: exited - loadEnded },
			times: selfTimes(file, exited - loadStarted, exited - loadEnded),
			deliveries: step.deliveries,
		};
	}
	const names = new Set([...out.vis.times.keys(), ...out.webhook.times.keys()]);
	const perDelivery = (target, name) => (out[target].times.get(name) ?? 0) / out[target].deliveries;
	const differences = [...names]
		.map((name) => ({
			function: name,
			visMs: perDelivery('vis', name),
			webhookMs: perDelivery('webhook', name),
		}))
		.map((row) => ({ ...row, differenceMs: row.visMs - row.webhookMs }))
		.sort((a, b) => Math.abs(b.differenceMs) - Math.abs(a.differenceMs))
		.slice(0, 40)
		.map((row) => ({
			function: row.function,
			visMsPerDelivery: +row.visMs.toFixed(3),
			webhookMsPerDelivery: +row.webhookMs.toFixed(3),
			differenceMs: +row.differenceMs.toFixed(3),
		}));
	for (const target of ['vis', 'webhook']) out[target].times.delete('(idle) (native)');
	const total = (target) =>
		[...out[target].times.values()].reduce((sum, ms) => sum + ms, 0) / out[target].deliveries;
	const profiled = regular
		? 'The one n8n process (regular mode, SQLite)'
		: 'One webhook processor (queue mode)';
	return {
		measuredAt: new Date().toISOString(),
		note: `${profiled} profiled with --cpu-prof under ${perSecond} deliveries/s for ${PROFILE_S} s (after 5 s of warm-up), a new process for each workflow; self time per delivery of the samples taken during the measured load (idle time excluded). Compare the two columns rather than the absolute figures: the profiler adds its own cost.`,
		profiledMsPerDelivery: { vis: +total('vis').toFixed(2), webhook: +total('webhook').toFixed(2) },
		loads: { vis: out.vis.step, webhook: out.webhook.step },
		profiles: {
			vis: { file: out.vis.file, ...out.vis.window },
			webhook: { file: out.webhook.file, ...out.webhook.window },
		},
		largestDifferences: differences,
	};
}

async function ceiling(standin) {
	const setups = [];
	const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, n8n ${runtime.N8N_VERSION}, Node ${process.version}`;
	const save = () =>
		fs.writeFileSync(
			RESULTS,
			`${JSON.stringify({ measuredAt: new Date().toISOString(), machine, rule: `rates ${RATES.join(', ')}/s, ${STEP_S} s each; a step holds when every delivery is answered 200 within 2 s and has run one successful execution within ${DRAIN_MS / 1000} s of the last delivery`, n8nSettings: runtime.BUSY_LINE_ENV, setups }, null, 2)}\n`,
		);
	if (SETUPS.includes('regular')) {
		setups.push(await regularMode(standin));
		save();
	}
	if (SETUPS.includes('queue1') || SETUPS.includes('queue2')) {
		const { hook, count } = await startQueueMode(standin);
		const webhookA = await startRole('webhookA');
		if (SETUPS.includes('queue1')) {
			const pids = {
				main: processes.main.pid,
				worker: processes.worker.pid,
				webhookA: webhookA.pid,
			};
			setups.push({
				setup: 'queue mode: main, 1 worker, 1 webhook processor (Postgres, Redis)',
				...(await stepUp('queue1', {
					baseUrl: `http://127.0.0.1:${PORTS.webhookA}`,
					hook,
					standin,
					count,
					pids,
				})),
			});
			save();
		}
		if (SETUPS.includes('queue2')) {
			const webhookB = await startRole('webhookB');
			const pids = {
				main: processes.main.pid,
				worker: processes.worker.pid,
				webhookA: webhookA.pid,
				webhookB: webhookB.pid,
			};
			setups.push({
				setup: 'queue mode: main, 1 worker, 2 webhook processors behind a round-robin balancer',
				...(await stepUp('queue2', {
					baseUrl: `http://127.0.0.1:${PORTS.balancer}`,
					hook,
					standin,
					count,
					pids,
				})),
			});
			const one = setups.find((s) => s.setup.includes('1 webhook processor'));
			const two = setups[setups.length - 1];
			if (one)
				two.gainFromSecondProcessor = {
					vis: one.ceilingPerSecond.vis
						? +(two.ceilingPerSecond.vis / one.ceilingPerSecond.vis).toFixed(2)
						: null,
					webhook: one.ceilingPerSecond.webhook
						? +(two.ceilingPerSecond.webhook / one.ceilingPerSecond.webhook).toFixed(2)
						: null,
				};
			save();
		}
	}
	return {
		saved: RESULTS,
		setups: setups.map((s) => ({
			setup: s.setup,
			ceilingPerSecond: s.ceilingPerSecond,
			ratioVisToWebhook: s.ratioVisToWebhook,
			ratioVisToWebhookWithHeaderAuth: s.ratioVisToWebhookWithHeaderAuth,
			gainFromSecondProcessor: s.gainFromSecondProcessor,
			cpu: s.cpuSideBySide && {
				visToWebhook: s.cpuSideBySide.visToWebhook,
				visToWebhookWithHeaderAuth: s.cpuSideBySide.visToWebhookWithHeaderAuth,
			},
		})),
	};
}

async function main() {
	log(`work folder ${work}`);
	const standin = createStandin({});
	await standin.listen();
	cleanups.push(() => standin.close());
	if (PROFILE) {
		const result = await profileTargets(standin);
		fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
		console.log(
			JSON.stringify(
				{ ...result, largestDifferences: result.largestDifferences.slice(0, 20) },
				null,
				2,
			),
		);
	} else {
		console.log(JSON.stringify(await ceiling(standin), null, 2));
	}
}

let stopping = false;
async function cleanUp() {
	await stopAll().catch(() => undefined);
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch {
			// One cleanup failing must not keep the others from running.
		}
	}
	cleanups.length = 0;
}
// Interrupted, it still stops what it started: n8n processes, Postgres and Redis.
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		log(`${signal}: stopping what was started`);
		cleanUp().finally(() => process.exit(130));
	});
}

main()
	.catch((error) => {
		console.error(`ceiling FAILED: ${error.stack ?? error}`);
		for (const name of ['regular', 'main', 'worker', 'webhookA', 'webhookB']) {
			if (fs.existsSync(path.join(work, `${name}.log`)))
				console.error(`--- ${name} log ---\n${runtime.tail(path.join(work, `${name}.log`), 30)}`);
		}
		process.exitCode = 1;
	})
	.finally(async () => {
		await cleanUp();
		if (!process.exitCode && !process.env.CEILING_KEEP && !PROFILE)
			fs.rmSync(work, { recursive: true, force: true });
	});
