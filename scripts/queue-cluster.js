'use strict';
/**
 * n8n in queue mode on one machine, for the queue-mode suite (test/e2e/queue.e2e.js) and the
 * ceiling bench (bench/ceiling.js): Debian's Postgres and Redis started in a work folder, a
 * round-robin balancer in front of the two webhook processors, and each role's command, port and
 * environment. Both used to carry their own copy of this.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const runtime = require('./n8n-runtime');

const PG_BIN = fs.existsSync('/usr/lib/postgresql')
	? fs
			.readdirSync('/usr/lib/postgresql')
			.map((version) => `/usr/lib/postgresql/${version}/bin`)
			.find((dir) => fs.existsSync(`${dir}/initdb`))
	: undefined;
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((file) =>
	fs.existsSync(file),
);
/** Set when queue mode cannot run here: Debian's postgresql or redis-server is missing. */
const MISSING =
	!PG_BIN || !REDIS
		? "Debian's postgresql and redis-server (apt-get install -y postgresql redis-server)"
		: undefined;

function run(command, args) {
	const result = spawnSync(command, args, { encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
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

/**
 * The ports, services and environments of one queue-mode n8n whose processes keep their user
 * folders under `work`. `stop()` stops what `startPostgres`, `startRedis` and `startBalancer`
 * started, in reverse order; the n8n processes are the caller's.
 */
function queueCluster(work, basePort) {
	if (MISSING) throw new Error(`queue mode needs ${MISSING}`);
	const ports = {
		main: basePort,
		worker: basePort + 1,
		webhookA: basePort + 2,
		webhookB: basePort + 3,
		balancer: basePort + 4,
		postgres: basePort + 2000,
		redis: basePort + 2001,
	};
	const stops = [];

	async function startPostgres() {
		const data = path.join(work, 'pg');
		fs.mkdirSync(data);
		run('chown', ['postgres', data]);
		const asPostgres = (bin, args) =>
			run('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${bin}`, ...args]);
		asPostgres('initdb', ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8']);
		asPostgres('pg_ctl', [
			'-D',
			data,
			'-l',
			path.join(data, 'log'),
			'-w',
			'-o',
			`-p ${ports.postgres} -k ${data} -c listen_addresses=127.0.0.1`,
			'start',
		]);
		stops.push(() => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', 'stop']));
		asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(ports.postgres), '-U', 'n8n', 'n8n']);
	}

	async function startRedis() {
		const child = spawn(
			REDIS,
			['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ stdio: 'ignore' },
		);
		stops.push(() => child.kill('SIGTERM'));
		for (let i = 0; i < 80; i++) {
			if (await portOpen(ports.redis)) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`redis-server did not listen on port ${ports.redis} within 20 s`);
	}

	/**
	 * Round-robin over the two webhook processors, as a load balancer in front of them would.
	 * Returns how many requests each processor was sent. `connectionPerRequest` opens a connection
	 * for every request, as VIS does for each delivery: under load an idle kept-alive connection
	 * the processor has closed would fail the next request with "socket hang up", which is not
	 * what the ceiling measures.
	 */
	function startBalancer({ connectionPerRequest = false } = {}) {
		const targets = [ports.webhookA, ports.webhookB];
		const served = { [ports.webhookA]: 0, [ports.webhookB]: 0 };
		let next = 0;
		const server = http.createServer((req, res) => {
			const port = targets[next++ % targets.length];
			served[port]++;
			const options = {
				host: '127.0.0.1',
				port,
				path: req.url,
				method: req.method,
				headers: req.headers,
				...(connectionPerRequest ? { agent: false } : {}),
			};
			const upstream = http.request(options, (answer) => {
				res.writeHead(answer.statusCode, answer.headers);
				answer.pipe(res);
			});
			upstream.on('error', (error) => res.writeHead(502).end(error.message));
			req.pipe(upstream);
		});
		server.listen(ports.balancer, '127.0.0.1');
		stops.push(() => server.close());
		return served;
	}

	/** One process's environment: its own user folder, Postgres, Redis, webhooks behind the balancer. */
	function env(name, port, extra = {}) {
		return runtime.n8nEnv(path.join(work, name), port, {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(ports.postgres),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			// n8n's default of 2 connections is used up under load, its health ping times out, and the
			// webhook processors answer 503 "Database is not ready" (seen at 20 deliveries/s).
			DB_POSTGRESDB_POOL_SIZE: '10',
			...runtime.BUSY_LINE_ENV,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(ports.redis),
			// With n8n's default of 0, a job that ends before its webhook processor starts waiting for it
			// is gone from Redis, and Bull's job.finished() never resolves: the caller's turn is left
			// unanswered (docs/performance.md). Kept jobs let Bull's check find it.
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000',
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '1000',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${ports.balancer}/`,
			N8N_RUNNERS_BROKER_PORT: String(port + 3000),
			...extra,
		});
	}

	/** n8n's command and port for each role; the main leaves production webhooks to the processors. */
	const roles = {
		main: {
			command: 'start',
			port: ports.main,
			extra: { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		},
		worker: {
			command: 'worker',
			port: ports.worker,
			extra: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(ports.worker) },
		},
		webhookA: { command: 'webhook', port: ports.webhookA, extra: {} },
		webhookB: { command: 'webhook', port: ports.webhookB, extra: {} },
	};

	/** A role's environment, with any extra settings (a profiler's NODE_OPTIONS) on top. */
	const roleEnv = (name, extra = {}) => ({
		...env(name, roles[name].port, roles[name].extra),
		...extra,
	});

	function stop() {
		for (const stopOne of stops.reverse()) {
			try {
				stopOne();
			} catch {
				// One that fails to stop must not keep the others running.
			}
		}
		stops.length = 0;
	}

	return {
		ports,
		roles,
		postgresVersion: path.basename(path.dirname(PG_BIN)),
		startPostgres,
		startRedis,
		startBalancer,
		env,
		roleEnv,
		stop,
	};
}

module.exports = { queueCluster, MISSING };
