'use strict';
/**
 * The Voice Trigger's catch-up end to end (issue 33), shared by the regular and the queue-mode
 * suite. Two calls run live; n8n is stopped while 10 calls happen, whose status events the
 * sandbox drops after Vonage's two tries; after the restart the trigger reads them back from
 * GET /v1/calls. Each call's final status then has run once, and no status ran twice.
 */
const assert = require('node:assert/strict');

const { ranNode, sleep, waitFor } = require('./helpers');

const MISSED_CALLS = 10;
const EVENT_KEY = /^[0-9a-f-]{36}:[a-z]+$/;

/**
 * The regular-mode workflow: a Voice Trigger with catch-up (the application's JWT credential, a
 * one-minute check) and "Handle event".
 */
function voiceCatchUpWorkflow(applicationId, id) {
	return {
		id,
		name: 'Vonage Voice: catch-up',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'b3c1e2f3-0000-4000-8000-00000000c331',
				name: 'Call events',
				type: 'n8n-nodes-vonage.vonageVoiceTrigger',
				typeVersion: 3,
				position: [0, 0],
				webhookId: 'b3c1e2f3-0000-4000-8000-00000000c3a1',
				parameters: { applicationId, options: { applicationCheckMinutes: 1, catchUpHours: 24 } },
				credentials: {
					vonageKeySecretApi: {
						id: 'vonageKeySecretSandbox',
						name: 'Vonage key and secret (sandbox)',
					},
					vonageJwtApi: { id: 'vonageJwtSandbox', name: 'Vonage application JWT (sandbox)' },
				},
			},
			{
				id: 'b3c1e2f3-0000-4000-8000-00000000c332',
				name: 'Handle event',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { 'Call events': { main: [[{ node: 'Handle event', type: 'main', index: 0 }]] } },
	};
}

/**
 * Each execution of the workflow after `afterId`: the status it carries (eventKey), where it came
 * from, its deduplication key and whether `handler` ran. Undefined while one is still running.
 */
async function voiceRuns(sql, workflowId, afterId, handler) {
	const rows = await sql(
		'SELECT e.id, e.status, e."deduplicationKey" AS key, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 AND e.id > $2 ORDER BY e.id',
		[workflowId, afterId],
	);
	if (rows.some((row) => ['new', 'running', 'waiting'].includes(row.status))) return undefined;
	return rows.map((row) => {
		// Run data is flatted JSON: one table of values, each distinct string once.
		const values = row.data ? JSON.parse(row.data) : [];
		return {
			id: Number(row.id),
			status: row.status,
			deduplicationKey: row.key,
			eventKey: values.find((value) => typeof value === 'string' && EVENT_KEY.test(value)),
			source: values.includes('catch-up') ? 'catch-up' : 'webhook',
			handled: Boolean(row.data) && ranNode(row.data, handler),
		};
	});
}

/**
 * options: standin, sql(query, params), applicationId, workflowId, handler (the node that runs once
 * per status), liveStatuses (what the workflow's Statuses filter lets through), stop(), start().
 * finalsFromCatchUp: the trigger's Catch-Up Runs is Final Statuses From the Catch-Up Only, so
 * the live calls' final statuses (not in liveStatuses) come from the catch-up after the restart,
 * and every execution handles a status: none is a copy.
 */
async function missedWhileDown({
	standin,
	sql,
	applicationId,
	workflowId,
	handler,
	liveStatuses,
	stop,
	start,
	finalsFromCatchUp = false,
}) {
	const [{ last }] = await sql('SELECT coalesce(max(id), 0) AS last FROM execution_entity');
	const live = await Promise.all([1, 2].map(() => standin.callHappensV1(applicationId)));
	for (const call of live)
		assert.deepEqual(
			call.deliveries.map((delivery) => delivery.status),
			[200, 200, 200, 200],
			'the live calls’ events were taken',
		);
	const liveKeys = live.flatMap((call) => liveStatuses.map((status) => `${call.uuid}:${status}`));
	await waitFor(
		'the live calls to run',
		async () =>
			(await voiceRuns(sql, workflowId, last, handler))?.filter((run) => run.handled).length >=
			liveKeys.length,
		60_000,
	);

	await stop();
	const missed = await Promise.all(
		Array.from({ length: MISSED_CALLS }, () => standin.callHappensV1(applicationId)),
	);
	// Two tries when nothing answers; one when a balancer in front answers an error Voice does not
	// retry (502).
	const deliveries = missed.flatMap((call) => call.deliveries);
	assert.ok(
		deliveries.every((delivery) => delivery.dropped),
		'Voice dropped every event n8n could not take',
	);
	const restarted = Date.now();
	await start();
	const caughtUpKeys = [...(finalsFromCatchUp ? live : []), ...missed].map(
		(call) => `${call.uuid}:completed`,
	);
	const expected = [...liveKeys, ...caughtUpKeys].sort();
	const handledKeys = (runs) => runs.filter((run) => run.handled).map((run) => run.eventKey);
	await waitFor(
		'each missed call’s final status to run',
		async () => {
			const runs = await voiceRuns(sql, workflowId, last, handler);
			return runs && caughtUpKeys.every((key) => handledKeys(runs).includes(key));
		},
		120_000,
	);
	const caughtUpAfterMs = Date.now() - restarted;
	// A check later, nothing more runs.
	await sleep(5000);
	const runs = await waitFor('settled executions', () => voiceRuns(sql, workflowId, last, handler));
	assert.ok(
		runs.every((run) => run.status === 'success'),
		JSON.stringify(runs.map((run) => run.status)),
	);
	const handled = handledKeys(runs);
	assert.equal(new Set(handled).size, handled.length, 'no status ran twice');
	// Calls other steps made (the actions' calls) may be caught up too; these calls' statuses:
	const ours = new Set([...live, ...missed].map((call) => call.uuid));
	assert.deepEqual(
		handled.filter((key) => ours.has(key.split(':')[0])).sort(),
		expected,
		'each status of these calls ran once',
	);
	if (finalsFromCatchUp)
		assert.equal(runs.length, handled.length, 'every execution handled a status: no copy ran');
	for (const key of caughtUpKeys) {
		const run = runs.find((candidate) => candidate.handled && candidate.eventKey === key);
		assert.equal(run.source, 'catch-up', `${key} came from the catch-up`);
		assert.match(run.deduplicationKey ?? '', new RegExp(`^vonage-voice:${workflowId}:.+:${key}$`));
	}
	return {
		caughtUpAfterMs,
		executions: runs.length,
		handled: handledKeys(runs).length,
		dropped: deliveries.length,
		tries: [...new Set(deliveries.map((delivery) => delivery.attempts.length))],
	};
}

module.exports = { missedWhileDown, voiceCatchUpWorkflow, MISSED_CALLS };
