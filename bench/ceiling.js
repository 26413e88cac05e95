'use strict';
/**
 * How many signed VIS deliveries a second n8n can take on this machine, beside n8n's own Webhook
 * node. Opt-in and slow (about an hour); never part of npm test or CI:
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
 * the work folder, which it prints).
 *
 * Settings: CEILING_RATES (default 20,30,40,50,60,80,100,130,160,200), CEILING_STEP_S (60),
 * CEILING_SETUPS (regular,queue1,queue2). Needs Debian's postgresql and redis-server for queue mode.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../scripts/n8n-runtime');

const PROFILE = process.env.CEILING_PROFILE === '1';
if (process.env.VONAGE_CEILING !== '1' && !PROFILE) {
	console.log('bench/ceiling.js is opt-in: VONAGE_CEILING=1 (the ceiling, about an hour) or CEILING_PROFILE=1 (a webhook processor profiled).');
	process.exit(0);
}
if (!process.versions.node.startsWith('24.')) {
	const n8nBin = runtime.ensureN8n();
	const result = spawnSync(path.join(runtime.nodeBinDir(), 'node'), [__filename], { stdio: 'inherit', env: { ...process.env, CEILING_N8N_BIN: n8nBin } });
	process.exit(result.status ?? 1);
}

const { createStandin } = require('../sandbox/server');
const { referenceWebhookWorkflow, triggerOnlyWorkflow } = require('../test/e2e/deliveryLoad');
const { visSignature } = require('../test/e2e/helpers');

const n8nBin = process.env.CEILING_N8N_BIN;
const RATES = (process.env.CEILING_RATES ?? '20,30,40,50,60,80,100,130,160,200').split(',').map(Number);
const STEP_S = Number(process.env.CEILING_STEP_S ?? 60);
const SETUPS = (process.env.CEILING_SETUPS ?? 'regular,queue1,queue2').split(',');
const DRAIN_MS = 60_000;
const RESULTS = path.join(runtime.ROOT, 'bench', PROFILE ? 'webhook-processor-profile.json' : 'delivery-ceiling.json');
const PG_BIN = fs.existsSync('/usr/lib/postgresql')
	? fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => fs.existsSync(`${dir}/initdb`))
	: undefined;
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((file) => fs.existsSync(file));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-ceiling-'));
fs.chmodSync(work, 0o755);
const BASE = 8000 + Math.floor(Math.random() * 150) * 6;
const PORTS = { regular: BASE, main: BASE + 1, worker: BASE + 2, webhookA: BASE + 3, webhookB: BASE + 4, balancer: BASE + 5, postgres: BASE + 2000, redis: BASE + 2001 };
const cleanups = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => console.log(`[ceiling ${new Date().toISOString().slice(11, 19)}] ${message}`);

const example = JSON.parse(fs.readFileSync(path.join(runtime.ROOT, 'examples', 'vis-trigger-queue.json'), 'utf8'));
const visWorkflow = triggerOnlyWorkflow(example, 'ceilingVisTrigger1');
const webhookWorkflow = referenceWebhookWorkflow('ceilingWebhookNode1');
const TARGETS = { vis: visWorkflow, webhook: webhookWorkflow };

/** CPU time (user + system) a process has used so far, in ms; Linux only. */
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

function run(command, args) {
	const result = spawnSync(command, args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

async function portOpen(port) {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1', () => {
			socket.end();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

async function startPostgresAndRedis() {
	if (!PG_BIN || !REDIS) throw new Error('queue mode needs Debian\'s postgresql and redis-server (apt-get install -y postgresql redis-server)');
	const data = path.join(work, 'pg');
	fs.mkdirSync(data);
	run('chown', ['postgres', data]);
	const asPostgres = (bin, args) => run('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${bin}`, ...args]);
	asPostgres('initdb', ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8']);
	asPostgres('pg_ctl', ['-D', data, '-l', path.join(data, 'log'), '-w', '-o', `-p ${PORTS.postgres} -k ${data} -c listen_addresses=127.0.0.1`, 'start']);
	cleanups.push(() => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', 'stop']));
	asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(PORTS.postgres), '-U', 'n8n', 'n8n']);
	const redis = spawn(REDIS, ['--port', String(PORTS.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	cleanups.push(() => redis.kill('SIGTERM'));
	for (let i = 0; i < 40 && !(await portOpen(PORTS.redis)); i++) await sleep(250);
}

/** Round-robin over the webhook processors, as a load balancer in front of them would. */
function startBalancer() {
	const targets = [PORTS.webhookA, PORTS.webhookB];
	let next = 0;
	const server = http.createServer((req, res) => {
		// A connection per request, as from the sender: an idle kept-alive one that the processor has
		// closed would fail the next request with "socket hang up", which is not what is measured.
		const upstream = http.request({ host: '127.0.0.1', port: targets[next++ % targets.length], path: req.url, method: req.method, headers: req.headers, agent: false }, (answer) => {
			res.writeHead(answer.statusCode, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', (error) => res.writeHead(502).end(error.message));
		req.pipe(upstream);
	});
	server.listen(PORTS.balancer, '127.0.0.1');
	cleanups.push(() => server.close());
}

function queueEnv(name, port, extra = {}) {
	return runtime.n8nEnv(path.join(work, name), port, {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(PORTS.postgres),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: '',
		DB_POSTGRESDB_POOL_SIZE: '10',
		...runtime.BUSY_LINE_ENV,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(PORTS.redis),
		N8N_WEBHOOK_URL: `http://127.0.0.1:${PORTS.balancer}/`,
		N8N_RUNNERS_BROKER_PORT: String(port + 3000),
		...extra,
	});
}

const ROLES = {
	main: { command: 'start', port: PORTS.main, extra: { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } },
	worker: { command: 'worker', port: PORTS.worker, extra: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(PORTS.worker) } },
	webhookA: { command: 'webhook', port: PORTS.webhookA, extra: {} },
	webhookB: { command: 'webhook', port: PORTS.webhookB, extra: {} },
};
const processes = {};

async function startRole(name, extraEnv = {}) {
	const role = ROLES[name];
	const env = { ...queueEnv(name, role.port, role.extra), ...extraEnv };
	const { child } = await runtime.startN8n(n8nBin, env, path.join(work, `${name}.log`), 180_000, role.command, role.port);
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
		const status = await post(`http://127.0.0.1:${port}/webhook/${visWorkflow.nodes[0].webhookId}/vis-events`, '{"event":{}}', {});
		if (status === 401) return;
		await sleep(500);
	}
	throw new Error(`the webhook processor on port ${port} never served the VIS Trigger's webhook`);
}

async function stopAll() {
	await Promise.all(Object.entries(processes).map(async ([name, child]) => {
		await runtime.stopN8n(child);
		delete processes[name];
	}));
}

/** Imports the credentials and both workflows into a user folder's n8n, and publishes them. */
async function importAll(env, folder, standin) {
	const credentials = runtime.sandboxCredentials(standin.url, standin.sandbox);
	// Registration checks and renewals of every process: far above the default 10 VIS requests a minute.
	credentials.find((c) => c.type === 'vonageVisPasswordApi').data.requestsPerMinute = 1000;
	await runtime.importCredentials(n8nBin, env, folder, credentials);
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
			const [row] = await runtime.queryN8nDb(n8nBin, path.join(work, 'regular'), 'SELECT count(*) AS total, sum(CASE WHEN status = \'success\' THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN status IN (\'running\', \'new\') THEN 1 ELSE 0 END) AS busy FROM execution_entity WHERE "workflowId" = ?', [workflowId]);
			return { total: Number(row?.total ?? 0), ok: Number(row?.ok ?? 0), busy: Number(row?.busy ?? 0) };
		};
	}
	const pg = require(path.join(path.dirname(path.dirname(n8nBin)), '..', 'pg'));
	const pool = new pg.Pool({ host: '127.0.0.1', port: PORTS.postgres, user: 'n8n', database: 'n8n', max: 2 });
	cleanups.push(() => pool.end());
	return async (workflowId) => {
		const { rows: [row] } = await pool.query('SELECT count(*) AS total, sum(CASE WHEN status = \'success\' THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN status IN (\'running\', \'new\') THEN 1 ELSE 0 END) AS busy FROM execution_entity WHERE "workflowId" = $1', [workflowId]);
		return { total: Number(row?.total ?? 0), ok: Number(row?.ok ?? 0), busy: Number(row?.busy ?? 0) };
	};
}

/** One POST on its own connection, as VIS sends each delivery; resolves to the status, or to the error's message. */
function post(url, body, headers) {
	return new Promise((resolve) => {
		const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
			response.resume();
			response.on('end', () => resolve(response.statusCode));
		});
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
			return post(url, JSON.stringify({ event }), { 'x-von-signature': visSignature(hook, event), 'x-von-webhook-id': hook.id, 'x-von-delivery-id': crypto.randomUUID(), 'x-von-attempt': '1' });
		};
	}
	const url = `${baseUrl}/webhook/load-reference`;
	return () => post(url, JSON.stringify({ event: standin.sampleEvent({ state: 'RINGING' }) }), {});
}

/**
 * perSecond deliveries a second for STEP_S seconds; then waits up to DRAIN_MS for their
 * executions. Returns the figures and whether the step held.
 */
async function loadStep({ send, perSecond, seconds = STEP_S, count, workflowId, pids }) {
	const before = await count(workflowId);
	const cpuBefore = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuMs(pid)]));
	const total = perSecond * seconds;
	const latencies = [];
	const failures = [];
	const sends = [];
	const started = Date.now();
	for (let i = 0; i < total; i++) {
		const wait = started + (i * 1000) / perSecond - Date.now();
		if (wait > 0) await sleep(wait);
		const sentAt = performance.now();
		sends.push(send().then((status) => {
			latencies.push(performance.now() - sentAt);
			if (status !== 200) failures.push(status);
		}));
	}
	await Promise.all(sends);
	const sendingEnded = Date.now();
	let now;
	for (;;) {
		now = await count(workflowId);
		if ((now.total - before.total >= total && !now.busy) || Date.now() - sendingEnded > DRAIN_MS) break;
		await sleep(500);
	}
	const drainedAfterS = Math.round((Date.now() - sendingEnded) / 100) / 10;
	latencies.sort((a, b) => a - b);
	const quantile = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
	const cpuMsPerDelivery = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, Math.round((10 * (cpuMs(pid) - cpuBefore[role])) / total) / 10]));
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
	};
	const reasons = [];
	if (failures.length) reasons.push(`${failures.length} not answered 200 (${[...new Set(failures)].slice(0, 3).join(', ')})`);
	if (figures.maxMs >= 2000) reasons.push(`slowest answer ${figures.maxMs} ms`);
	if (figures.executions !== total) reasons.push(`${figures.executions} executions for ${total} deliveries`);
	if (figures.succeeded !== total) reasons.push(`${figures.succeeded} succeeded`);
	if (figures.sentOverS > seconds * 1.05) reasons.push(`the sender itself could only send over ${figures.sentOverS} s`);
	return { ...figures, held: reasons.length === 0, ...(reasons.length ? { failedBecause: reasons.join('; ') } : {}) };
}

/** Waits until no execution of either workflow is running, so one step does not slow the next. */
async function quiet(count) {
	for (let i = 0; i < 240; i++) {
		const busy = (await Promise.all(Object.values(TARGETS).map((w) => count(w.id)))).reduce((sum, c) => sum + c.busy, 0);
		if (!busy) return;
		await sleep(500);
	}
}

/** Steps the rate up for both targets side by side (VIS, then Webhook, at each rate) until both fail. */
async function stepUp(setup, { baseUrl, hook, standin, count, pids }) {
	const results = { vis: [], webhook: [] };
	const ceiling = { vis: 0, webhook: 0 };
	const failed = { vis: false, webhook: false };
	// Fresh processes compile n8n's webhook path on their first deliveries: both targets are warmed
	// up first, and the order alternates from rate to rate, so neither pays for that alone.
	for (const target of ['vis', 'webhook']) {
		await quiet(count);
		await loadStep({ send: sender(target, baseUrl, hook, standin), perSecond: 20, seconds: 15, count, workflowId: TARGETS[target].id, pids: {} });
	}
	for (const [index, perSecond] of RATES.entries()) {
		for (const target of index % 2 ? ['webhook', 'vis'] : ['vis', 'webhook']) {
			if (failed[target]) continue;
			await quiet(count);
			const step = await loadStep({ send: sender(target, baseUrl, hook, standin), perSecond, count, workflowId: TARGETS[target].id, pids });
			results[target].push(step);
			log(`${setup} ${target} ${perSecond}/s: ${step.held ? 'held' : `FAILED (${step.failedBecause})`}; p99 ${step.p99Ms} ms, max ${step.maxMs} ms, executed within ${step.executedWithinS} s, CPU ms/delivery ${JSON.stringify(step.cpuMsPerDelivery)}`);
			if (step.held) ceiling[target] = perSecond;
			else failed[target] = true;
		}
		if (failed.vis && failed.webhook) break;
	}
	return { ceilingPerSecond: ceiling, ratioVisToWebhook: ceiling.webhook ? Math.round((100 * ceiling.vis) / ceiling.webhook) / 100 : null, steps: results };
}

/** The registration the n8n at baseUrl made (an earlier setup's, with its own key, may still be there). */
async function waitForRegistration(standin, baseUrl, webhookId) {
	for (let i = 0; i < 240; i++) {
		const hook = [...standin.state.webhooks.values()].find((candidate) => candidate.url === `${baseUrl}/webhook/${webhookId}/vis-events`);
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
	fs.cpSync(path.join(packaged, '.n8n', 'nodes'), path.join(folder, '.n8n', 'nodes'), { recursive: true });
}

async function regularMode(standin) {
	const folder = path.join(work, 'regular');
	installInto(folder);
	const env = { ...runtime.n8nEnv(folder, PORTS.regular), ...runtime.BUSY_LINE_ENV };
	await importAll(env, folder, standin);
	const { child } = await runtime.startN8n(n8nBin, env, path.join(work, 'regular.log'));
	processes.regular = child;
	const hook = await waitForRegistration(standin, `http://127.0.0.1:${PORTS.regular}`, visWorkflow.nodes[0].webhookId);
	await sleep(3000);
	const result = await stepUp('regular', { baseUrl: `http://127.0.0.1:${PORTS.regular}`, hook, standin, count: counter('sqlite'), pids: { n8n: child.pid } });
	await runtime.stopN8n(child);
	delete processes.regular;
	return { setup: 'regular mode: one n8n process (SQLite)', ...result };
}

async function queueCluster(standin) {
	await startPostgresAndRedis();
	startBalancer();
	for (const name of ['main', 'worker', 'webhookA', 'webhookB']) installInto(path.join(work, name));
	const mainEnv = queueEnv('main', PORTS.main, ROLES.main.extra);
	await importAll(mainEnv, path.join(work, 'main'), standin);
	await startRole('main');
	const hook = await waitForRegistration(standin, `http://127.0.0.1:${PORTS.balancer}`, visWorkflow.nodes[0].webhookId);
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
		const where = callFrame.url ? `${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}` : '(native)';
		const name = `${callFrame.functionName || '(anonymous)'} ${where}`;
		times.set(name, (times.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
	return times;
}

async function profileProcessor(standin) {
	const { hook, count } = await queueCluster(standin);
	const PROFILE_S = Number(process.env.CEILING_PROFILE_S ?? 30);
	const perSecond = 20;
	const out = {};
	for (const target of ['vis', 'webhook']) {
		const dir = path.join(work, `profile-${target}`);
		fs.mkdirSync(dir);
		// The task runner n8n starts inherits NODE_OPTIONS and writes its own profile: the processor's is the one named with its pid.
		const child = await startRole('webhookA', { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
		await sleep(3000);
		// Warm-up: the first deliveries compile code paths that the profile should not weigh.
		await loadStep({ send: sender(target, `http://127.0.0.1:${PORTS.webhookA}`, hook, standin), perSecond, seconds: 5, count, workflowId: TARGETS[target].id, pids: {} });
		const loadStarted = Date.now();
		const step = await loadStep({ send: sender(target, `http://127.0.0.1:${PORTS.webhookA}`, hook, standin), perSecond, seconds: PROFILE_S, count, workflowId: TARGETS[target].id, pids: { webhookA: child.pid, worker: processes.worker.pid } });
		const loadEnded = Date.now();
		log(`profiled ${target}: ${JSON.stringify(step)}`);
		await quiet(count);
		// n8n gives its own shutdown 30 s (it may wait for an execution it handed over), then exits
		// and the profile is written; a kill before that would lose it.
		await runtime.stopN8n(child, 90_000);
		const exited = Date.now();
		delete processes.webhookA;
		const file = path.join(dir, fs.readdirSync(dir).find((name) => name.includes(`.${child.pid}.0.`)));
		out[target] = { step, file, window: { fromEndMs: exited - loadStarted, toEndMs: exited - loadEnded }, times: selfTimes(file, exited - loadStarted, exited - loadEnded), deliveries: step.deliveries };
	}
	const names = new Set([...out.vis.times.keys(), ...out.webhook.times.keys()]);
	const perDelivery = (target, name) => (out[target].times.get(name) ?? 0) / out[target].deliveries;
	const differences = [...names]
		.map((name) => ({ function: name, visMs: perDelivery('vis', name), webhookMs: perDelivery('webhook', name) }))
		.map((row) => ({ ...row, differenceMs: row.visMs - row.webhookMs }))
		.sort((a, b) => Math.abs(b.differenceMs) - Math.abs(a.differenceMs))
		.slice(0, 40)
		.map((row) => ({ function: row.function, visMsPerDelivery: +row.visMs.toFixed(3), webhookMsPerDelivery: +row.webhookMs.toFixed(3), differenceMs: +row.differenceMs.toFixed(3) }));
	for (const target of ['vis', 'webhook']) out[target].times.delete('(idle) (native)');
	const total = (target) => [...out[target].times.values()].reduce((sum, ms) => sum + ms, 0) / out[target].deliveries;
	return {
		measuredAt: new Date().toISOString(),
		note: `One webhook processor (queue mode) profiled with --cpu-prof under ${perSecond} deliveries/s for ${PROFILE_S} s (after 5 s of warm-up), a new processor for each workflow; self time per delivery of the samples taken during the measured load (idle time excluded). Machine shared with other work: compare the two columns, not the absolute figures.`,
		profiledMsPerDelivery: { vis: +total('vis').toFixed(2), webhook: +total('webhook').toFixed(2) },
		loads: { vis: out.vis.step, webhook: out.webhook.step },
		profiles: { vis: { file: out.vis.file, ...out.vis.window }, webhook: { file: out.webhook.file, ...out.webhook.window } },
		largestDifferences: differences,
	};
}

async function ceiling(standin) {
	const setups = [];
	const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, n8n ${runtime.N8N_VERSION}, Node ${process.version}`;
	const save = () => fs.writeFileSync(RESULTS, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, rule: `rates ${RATES.join(', ')}/s, ${STEP_S} s each; a step holds when every delivery is answered 200 within 2 s and has run one successful execution within ${DRAIN_MS / 1000} s of the last delivery`, n8nSettings: runtime.BUSY_LINE_ENV, setups }, null, 2)}\n`);
	if (SETUPS.includes('regular')) {
		setups.push(await regularMode(standin));
		save();
	}
	if (SETUPS.includes('queue1') || SETUPS.includes('queue2')) {
		const { hook, count } = await queueCluster(standin);
		const webhookA = await startRole('webhookA');
		if (SETUPS.includes('queue1')) {
			const pids = { main: processes.main.pid, worker: processes.worker.pid, webhookA: webhookA.pid };
			setups.push({ setup: 'queue mode: main, 1 worker, 1 webhook processor (Postgres, Redis)', ...(await stepUp('queue1', { baseUrl: `http://127.0.0.1:${PORTS.webhookA}`, hook, standin, count, pids })) });
			save();
		}
		if (SETUPS.includes('queue2')) {
			const webhookB = await startRole('webhookB');
			const pids = { main: processes.main.pid, worker: processes.worker.pid, webhookA: webhookA.pid, webhookB: webhookB.pid };
			setups.push({ setup: 'queue mode: main, 1 worker, 2 webhook processors behind a round-robin balancer', ...(await stepUp('queue2', { baseUrl: `http://127.0.0.1:${PORTS.balancer}`, hook, standin, count, pids })) });
			const one = setups.find((s) => s.setup.includes('1 webhook processor'));
			const two = setups[setups.length - 1];
			if (one) two.gainFromSecondProcessor = { vis: one.ceilingPerSecond.vis ? +(two.ceilingPerSecond.vis / one.ceilingPerSecond.vis).toFixed(2) : null, webhook: one.ceilingPerSecond.webhook ? +(two.ceilingPerSecond.webhook / one.ceilingPerSecond.webhook).toFixed(2) : null };
			save();
		}
	}
	return { saved: RESULTS, setups: setups.map((s) => ({ setup: s.setup, ceilingPerSecond: s.ceilingPerSecond, ratioVisToWebhook: s.ratioVisToWebhook, gainFromSecondProcessor: s.gainFromSecondProcessor })) };
}

async function main() {
	log(`work folder ${work}`);
	const standin = createStandin({});
	await standin.listen();
	cleanups.push(() => standin.close());
	if (PROFILE) {
		const result = await profileProcessor(standin);
		fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
		console.log(JSON.stringify({ ...result, largestDifferences: result.largestDifferences.slice(0, 20) }, null, 2));
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
		} catch {}
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
		for (const name of ['regular', ...Object.keys(ROLES)]) {
			if (fs.existsSync(path.join(work, `${name}.log`))) console.error(`--- ${name} log ---\n${runtime.tail(path.join(work, `${name}.log`), 30)}`);
		}
		process.exitCode = 1;
	})
	.finally(async () => {
		await cleanUp();
		if (!process.exitCode && !process.env.CEILING_KEEP && !PROFILE) fs.rmSync(work, { recursive: true, force: true });
	});
