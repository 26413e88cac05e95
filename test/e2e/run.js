'use strict';
/**
 * `npm run test:e2e [-- name…]`: the end-to-end suites, one after the other, each in a process
 * (and with an n8n) of its own. Without names it runs every suite; a name is a suite (n8n,
 * outage, start, queue) or one of their steps (`-- --list` lists them) and runs only that, with
 * what it needs. A suite runs even when one before it failed. When more than one suite ran, a
 * table of every step ends the output; the exit code is 1 when anything failed.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { table } = require('./steps');

const FILES = {
	n8n: 'n8n.e2e.js',
	outage: 'outage.e2e.js',
	start: 'start.e2e.js',
	queue: 'queue.e2e.js',
};
// Requiring a suite only declares its steps; it runs when its file is the main module.
const suites = Object.entries(FILES).map(([name, file]) => ({
	name,
	file: path.join(__dirname, file),
	steps: require(`./${file}`).stepNames,
}));

function listing() {
	return suites.map((suite) => `  ${suite.name}: ${suite.steps.join(', ')}`).join('\n');
}

const owners = new Map();
for (const suite of suites) {
	for (const name of [suite.name, ...suite.steps]) {
		if (owners.has(name))
			throw new Error(
				`"${name}" names a step or suite twice (${owners.get(name)} and ${suite.name}): names must select one thing`,
			);
		owners.set(name, suite.name);
	}
}

const names = process.argv.slice(2);
if (names.includes('--list')) {
	console.log(`Suites and their steps (npm run test:e2e -- <suite or step>…):\n${listing()}`);
	process.exit(0);
}
const unknown = names.filter((name) => !owners.has(name));
if (unknown.length) {
	console.error(
		`test:e2e: no suite or step named ${unknown.map((name) => `"${name}"`).join(', ')}. Suites and their steps:\n${listing()}`,
	);
	process.exit(2);
}

const chosen = suites
	.map((suite) => ({ ...suite, names: names.filter((name) => owners.get(name) === suite.name) }))
	.filter((suite) => !names.length || suite.names.length);
const results = path.join(
	fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-e2e-results-')),
	'results.jsonl',
);
const outcomes = [];
for (const suite of chosen) {
	const started = Date.now();
	const run = spawnSync(process.execPath, [suite.file, ...suite.names], {
		stdio: 'inherit',
		env: { ...process.env, E2E_RESULTS: results },
	});
	outcomes.push({
		suite: suite.name,
		status: run.status,
		signal: run.signal,
		seconds: (Date.now() - started) / 1000,
	});
}

const rows = fs.existsSync(results)
	? fs
			.readFileSync(results, 'utf8')
			.split('\n')
			.filter(Boolean)
			.flatMap((line) => JSON.parse(line))
	: [];
fs.rmSync(path.dirname(results), { recursive: true, force: true });
// A suite that ended without its table (it could not start, or was killed) is one failed row.
for (const outcome of outcomes) {
	if (outcome.status !== 0 && !rows.some((row) => row.suite === outcome.suite)) {
		rows.push({
			suite: outcome.suite,
			name: '(suite)',
			kind: 'step',
			status: 'failed',
			seconds: outcome.seconds,
			reason: `exited ${outcome.signal ?? outcome.status} without results`,
		});
	}
}
const failed = outcomes.filter((outcome) => outcome.status !== 0);
if (chosen.length > 1) {
	console.log(
		`\nend-to-end suites: ${outcomes.map((o) => `${o.suite} ${o.status === 0 ? 'passed' : 'FAILED'} (${Math.round(o.seconds)} s)`).join(', ')}`,
	);
	console.log(table(rows, { withSuite: true }));
	for (const row of rows.filter((r) => r.status === 'failed'))
		console.error(`end-to-end FAILED: ${row.suite} ${row.name}: ${row.error ?? row.reason}`);
}
process.exit(failed.length ? 1 : 0);
