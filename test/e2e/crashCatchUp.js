'use strict';
/**
 * A VIS catch-up cut short by kill -9 (issue 33), shared by the regular and the queue-mode suite.
 * VIS dropped 60 call events (the webhook failed while the main was down); the restarted main
 * catches them up, and is killed twice while it does: once after a few executions were stored,
 * once about half-way. After the third start every event has run: once successfully, or as a
 * crashed execution whose Retry runs it. None runs twice, none is missing.
 */
const assert = require('node:assert/strict');

const { sleep, waitFor } = require('./helpers');

const EVENTS = 60;

/**
 * The example's trigger and "Handle event" with a one-second Wait between them, so that the
 * catch-up is still running when the main is killed.
 */
function slowCatchUpWorkflow(triggerOnly, id) {
	const [trigger, handler] = triggerOnly.nodes;
	const wait = {
		id: 'a7c1e2f3-0000-4000-8000-00000000c033',
		name: 'Take a second',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [120, 0],
		parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' },
	};
	return {
		...triggerOnly,
		id,
		name: 'Vonage VIS: catch-up killed mid-way',
		nodes: [trigger, wait, handler],
		connections: {
			[trigger.name]: { main: [[{ node: wait.name, type: 'main', index: 0 }]] },
			[wait.name]: { main: [[{ node: handler.name, type: 'main', index: 0 }]] },
		},
	};
}

/** Each execution of the workflow since `afterId`, with the call event ("id:state") it carries. */
async function executionsByEvent(sql, workflowId, afterId) {
	const rows = await sql(
		'SELECT e.id, e.status, e."deduplicationKey" AS key, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 AND e.id > $2 ORDER BY e.id',
		[workflowId, afterId],
	);
	return rows.map((row) => {
		const events = row.data
			? JSON.parse(row.data).filter(
					(value) => typeof value === 'string' && /^\d+:[A-Z_]+$/.test(value),
				)
			: [];
		return { id: Number(row.id), status: row.status, key: row.key, event: events[0] };
	});
}

/**
 * options: standin, sql(query, params), workflowId, registration() (the sandbox's webhook record),
 * startMain(), killMain() (SIGKILL), mainLog() (the main's log text so far), retry(executionId)
 * (n8n's Retry, as the owner). Leaves the sandbox not delivering call events.
 */
async function crashDuringCatchUp({
	standin,
	sql,
	workflowId,
	registration,
	startMain,
	killMain,
	mainLog,
	retry,
}) {
	const [{ last }] = await sql('SELECT coalesce(max(id), 0) AS last FROM execution_entity');
	const hook = registration();
	// What VIS does after a delivery it could not make: the webhook is failed, nothing is delivered.
	await killMain();
	standin.deliverCallEvents(false);
	const calls = Array.from({ length: EVENTS }, () =>
		standin.callHappens({ states: ['RINGING', 'MISSED'] }),
	);
	hook.statistics.failed = true;
	hook.statistics.lastFailure = new Date().toISOString();
	const expected = calls.map((call) => `${call.eventId}:MISSED`).sort();
	const stored = async () => (await executionsByEvent(sql, workflowId, last)).length;

	const killedAfter = [];
	for (const atLeast of [5, 30]) {
		const logBefore = mainLog().length;
		await startMain();
		await waitFor(
			`${atLeast} caught-up executions`,
			async () => (await stored()) >= atLeast,
			120_000,
		);
		await killMain();
		killedAfter.push(await stored());
		if (killedAfter.length === 1) {
			const renewals = mainLog().slice(logBefore).split(`renewed webhook ${hook.id} `).length - 1;
			assert.equal(renewals, 1, 'one start renews the registration once');
		}
	}
	await startMain();
	const rows = await waitFor(
		'every event to have an execution that ended',
		async () => {
			const all = await executionsByEvent(sql, workflowId, last);
			return (
				all.length >= EVENTS &&
				all.every((row) => !['new', 'running', 'waiting'].includes(row.status)) &&
				all
			);
		},
		180_000,
	);
	await sleep(5000);
	const settled = await executionsByEvent(sql, workflowId, last);
	assert.equal(settled.length, rows.length, 'nothing ran after the catch-up settled');
	const events = settled.map((row) => row.event).sort();
	assert.deepEqual(events, expected, 'each of the 60 events has exactly one execution');
	const statuses = {};
	for (const row of settled) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
	assert.ok(
		settled.every((row) => ['success', 'crashed'].includes(row.status)),
		JSON.stringify(statuses),
	);
	assert.ok(
		settled.every((row) => row.key?.startsWith('vonage-vis:')),
		'every caught-up execution has its deduplication key',
	);
	// What the README tells the user: Retry on each crashed execution runs its event.
	const crashed = settled.filter((row) => row.status === 'crashed');
	for (const row of crashed) await retry(row.id);
	const retried = await sql(
		'SELECT e.id, e.status, e."retryOf" AS "retryOf", d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 AND e."retryOf" IS NOT NULL AND e.id > $2',
		[workflowId, last],
	);
	assert.equal(retried.length, crashed.length, 'one retry per crashed execution');
	for (const row of retried) {
		const original = crashed.find((candidate) => String(candidate.id) === String(row.retryOf));
		assert.equal(row.status, 'success', `the retry of execution ${row.retryOf} succeeded`);
		assert.ok(
			row.data.includes(`"${original.event}"`),
			`the retry of execution ${row.retryOf} ran its event ${original.event}`,
		);
	}
	return { killedAfter, statuses };
}

module.exports = { crashDuringCatchUp, slowCatchUpWorkflow };
