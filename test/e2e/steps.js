'use strict';
/**
 * Steps and fixtures of the end-to-end suites.
 *
 * A step is a named async function that checks one thing. It declares what it needs: fixtures
 * (n8n installed, n8n running with the trigger workflows published, …), set up once when the
 * first step that needs them runs and kept for the steps after it, so that a suite still starts
 * its n8n once; or an earlier step whose result it builds on. It is called with the values of
 * what it needs, by name.
 *
 * Steps run in the order the suite declares them. `node <suite>.e2e.js [step…]` runs the named
 * steps only, with what they need. A step that fails is reported with its error and the suite's
 * log tail; the steps that need it are skipped, and said so; the others still run. The run ends
 * with a table of every fixture and step (result, seconds) and exits 1 if anything failed. A step
 * that cannot run on this machine (a program it needs is missing) throws a Skip: it is skipped,
 * with the Skip's message as the reason, and the suite does not say "all checks passed".
 */
const fs = require('node:fs');

/** Thrown by a step or fixture that cannot run here: it is skipped, with this message as why. */
class Skip extends Error {}

class Suite {
	/**
	 * name: what selects the whole suite (`npm run test:e2e -- <name>`); label: how its output
	 * names it; logTail(): what to print after a failure (n8n's log, say).
	 */
	constructor(name, { label = name, logTail = () => '' } = {}) {
		this.name = name;
		this.label = label;
		this.logTail = logTail;
		this.units = [];
		// The fixtures and steps in the order they ran (or were skipped), for the table.
		this.done = [];
	}

	/**
	 * Something steps need, set up once by setUp(values of its needs) when the first step that
	 * needs it runs. After a step fails, recover() (if given) runs before the next step that needs
	 * the fixture, to put it back (start a stopped n8n again, say). tearDown({ passed }) runs at
	 * the end, last set up first.
	 */
	fixture(name, setUp, { title = name, needs = [], recover, tearDown } = {}) {
		if (needs.some((need) => need.kind !== 'fixture'))
			throw new Error(`fixture ${name}: a fixture needs only fixtures`);
		return this.#add({ kind: 'fixture', name, title, needs, run: setUp, recover, tearDown });
	}

	/** A step: fn is a named async function, called with the values of what it needs, by name. */
	step(fn, { title = fn.name, needs = [] } = {}) {
		return this.#add({ kind: 'step', name: fn.name, title, needs, run: fn });
	}

	#add(unit) {
		if (!unit.name) throw new Error(`${this.name}: a step is a named function`);
		if (this.units.some((other) => other.name === unit.name))
			throw new Error(`${this.name}: two steps or fixtures named ${unit.name}`);
		for (const need of unit.needs) {
			if (!this.units.includes(need))
				throw new Error(
					`${this.name}: ${unit.name} needs something not declared before it in this suite`,
				);
		}
		this.units.push(unit);
		return unit;
	}

	get stepNames() {
		return this.units.filter((unit) => unit.kind === 'step').map((unit) => unit.name);
	}

	/** The steps these names select (all without names) and the earlier steps they need, in order. */
	select(names = []) {
		const steps = this.units.filter((unit) => unit.kind === 'step');
		if (!names.length || names.includes(this.name)) return steps;
		const unknown = names.filter((name) => !this.stepNames.includes(name));
		if (unknown.length)
			throw new Error(
				`${this.name}: no step named ${unknown.join(', ')}; its steps: ${this.stepNames.join(', ')}`,
			);
		const chosen = new Set();
		const add = (unit, neededBy) => {
			if (chosen.has(unit)) return;
			chosen.add(unit);
			if (neededBy) unit.neededBy = neededBy;
			for (const need of unit.needs) if (need.kind === 'step') add(need, unit.name);
		};
		for (const name of names) add(steps.find((unit) => unit.name === name));
		return steps.filter((unit) => chosen.has(unit));
	}

	/** Runs the selected steps, tears the fixtures down, prints the table; true when nothing failed. */
	async run(names = []) {
		const started = Date.now();
		for (const step of this.select(names)) await this.#run(step);
		const passed = !this.units.some((unit) => unit.status === 'failed');
		for (const fixture of this.units
			.filter((unit) => unit.setUpAt !== undefined)
			.sort((a, b) => b.setUpAt - a.setUpAt)) {
			if (!fixture.tearDown) continue;
			try {
				await fixture.tearDown({ passed });
			} catch (error) {
				console.error(`  (tearing down ${fixture.name} failed: ${error.message})`);
			}
		}
		this.#summary(passed, (Date.now() - started) / 1000);
		return passed;
	}

	/**
	 * `node <suite>.e2e.js [step…]`: runs them (all without names), exits 0 when every one passed,
	 * 1 when one failed, 2 for an unknown name.
	 */
	async main(names = process.argv.slice(2)) {
		try {
			this.select(names);
		} catch (error) {
			console.error(error.message);
			process.exit(2);
		}
		const passed = await this.run(names);
		// Whatever a failed step left behind (a timer, a socket) must not keep the run alive.
		process.exit(passed ? 0 : 1);
	}

	/** Every selected step skipped for one reason (the queue suite without Postgres), as failed when `failed`. */
	skipAll(names, reason, { failed = false } = {}) {
		for (const step of this.select(names)) {
			step.status = failed ? 'failed' : 'skipped';
			step.reason = reason;
			step.seconds = 0;
			this.done.push(step);
		}
		this.#summary(!failed, 0);
		return !failed;
	}

	/** Why `need` cannot be used now, or undefined when it can (a fixture is set up on first need). */
	async #unusable(need) {
		if (need.status === undefined) await this.#run(need);
		else if (need.status === 'passed' && need.suspect) {
			need.suspect = false;
			try {
				await need.recover();
			} catch (error) {
				need.status = 'failed';
				need.error = error;
				console.error(
					`\n✗ ${need.name} could not be put back after a failed step: ${error.stack ?? error}`,
				);
			}
		}
		if (need.status === 'passed') return undefined;
		return need.status === 'skipped' ? need.reason : `needs ${need.name}, which failed`;
	}

	async #run(unit) {
		for (const need of unit.needs) {
			const reason = await this.#unusable(need);
			if (reason) {
				unit.status = 'skipped';
				unit.reason = reason;
				unit.seconds = 0;
				this.done.push(unit);
				console.log(`\n○ ${unit.name} skipped: ${reason}`);
				return;
			}
		}
		const kind = unit.kind === 'fixture' ? ' (fixture)' : '';
		const neededBy = unit.neededBy ? ` [needed by ${unit.neededBy}]` : '';
		console.log(`\n▶ ${unit.name}${kind}: ${unit.title}${neededBy}`);
		const started = Date.now();
		if (unit.kind === 'fixture') unit.setUpAt = started;
		try {
			unit.value = await unit.run(
				Object.fromEntries(unit.needs.map((need) => [need.name, need.value])),
			);
			unit.status = 'passed';
		} catch (error) {
			if (error instanceof Skip) {
				unit.status = 'skipped';
				unit.reason = error.message;
				console.log(`\n○ ${unit.name} skipped: ${error.message}`);
				return;
			}
			unit.status = 'failed';
			unit.error = error;
			console.error(
				`\n✗ ${unit.name} FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error.stack ?? error}`,
			);
			const tail = this.logTail();
			if (tail) console.error(`\n${tail}`);
			// The fixtures may be in any state now: each is put back before it is used again.
			for (const fixture of this.units)
				if (fixture.kind === 'fixture' && fixture.status === 'passed' && fixture.recover)
					fixture.suspect = true;
		} finally {
			unit.seconds = (Date.now() - started) / 1000;
			this.done.push(unit);
		}
	}

	#summary(passed, seconds) {
		const rows = this.done;
		const count = (status) =>
			rows.filter((unit) => unit.kind === 'step' && unit.status === status).length;
		console.log(
			`\n${this.label}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped in ${seconds.toFixed(0)} s`,
		);
		console.log(
			table(
				rows.map((unit) => ({
					suite: this.name,
					name: unit.name,
					kind: unit.kind,
					status: unit.status,
					seconds: unit.seconds,
					reason: unit.reason,
				})),
			),
		);
		if (process.env.E2E_RESULTS) {
			const record = rows.map((unit) => ({
				suite: this.name,
				name: unit.name,
				kind: unit.kind,
				status: unit.status,
				seconds: unit.seconds,
				reason: unit.reason,
				error: oneLine(unit.error),
			}));
			fs.appendFileSync(process.env.E2E_RESULTS, `${JSON.stringify(record)}\n`);
		}
		// Again at the very end: a CI page may show only the end of the output.
		for (const unit of rows.filter((row) => row.status === 'failed')) {
			console.error(`${this.label} FAILED: ${unit.name}: ${oneLine(unit.error) ?? unit.reason}`);
		}
		if (passed && !count('skipped')) console.log(`${this.label}: all checks passed`);
	}
}

/** A table of step results: name (fixtures marked), result, seconds, and why a step was skipped. */
function table(rows, { withSuite = false } = {}) {
	const name = (row) =>
		`${withSuite ? `${row.suite} ` : ''}${row.name}${row.kind === 'fixture' ? ' (fixture)' : ''}`;
	const width = Math.max(4, ...rows.map((row) => name(row).length));
	const lines = [`  ${'step'.padEnd(width)}  result   seconds`];
	for (const row of rows) {
		const why = row.reason ? `  ${row.reason}` : '';
		lines.push(
			`  ${name(row).padEnd(width)}  ${row.status.padEnd(7)}  ${row.seconds.toFixed(1).padStart(7)}${why}`,
		);
	}
	return lines.join('\n');
}

/** An error's message on one line of at most 300 characters (an assertion's diff included). */
function oneLine(error) {
	if (!error) return undefined;
	const text = String(error.message ?? error)
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function suite(name, options) {
	return new Suite(name, options);
}

module.exports = { suite, table, Skip };
