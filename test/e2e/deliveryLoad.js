'use strict';
/**
 * A steady stream of signed VIS deliveries, as a busy line would send them, with the answer time
 * of each (VIS wants its 200 within 2 s). Shared by the regular-mode and queue-mode suites, which
 * hold every answer to 2 s; the measuring run (VONAGE_LOAD=1) records both in
 * bench/delivery-load.json so they can be compared side by side.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('../../scripts/n8n-runtime');

const RESULTS = path.join(__dirname, '..', '..', 'bench', 'delivery-load.json');
// The measuring run also puts n8n's own Webhook node beside the trigger.
const RECORD = process.env.VONAGE_LOAD === '1';
// What the n8n processes run with, from the environment the suites pass on.
const N8N_SETTINGS = {
	...runtime.BUSY_LINE_ENV,
	...Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name.startsWith('N8N_EXPRESSION_ENGINE')),
	),
};

/** CPU time (user + system) a process has used so far, in ms; Linux only. */
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

/**
 * send() delivers one new event and resolves to the HTTP status; settle(total) waits until the
 * executions are done and resolves to { executions, handledOnce }. processes ({ role: pid }) are
 * the n8n processes whose CPU time per delivery is reported: on a small machine that, not our
 * code, decides the answer times.
 */
async function deliveryLoad({ mode, send, settle, processes = {}, perSecond = 20, seconds = 60 }) {
	const cpuBefore = Object.fromEntries(
		Object.entries(processes).map(([role, pid]) => [role, cpuMs(pid)]),
	);
	const latencies = [];
	const failures = [];
	const sends = [];
	const started = Date.now();
	const total = perSecond * seconds;
	for (let i = 0; i < total; i++) {
		const wait = started + (i * 1000) / perSecond - Date.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		const sentAt = performance.now();
		sends.push(
			send().then(
				(status) => {
					latencies.push(performance.now() - sentAt);
					if (status !== 200) failures.push(status);
				},
				(error) => failures.push(error.message),
			),
		);
	}
	await Promise.all(sends);
	const sentFor = Date.now() - started;
	latencies.sort((a, b) => a - b);
	const quantile = (q) =>
		Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
	const answers = {
		deliveries: total,
		perSecond,
		answered200: total - failures.length,
		p50Ms: quantile(0.5),
		p99Ms: quantile(0.99),
		maxMs: Math.round(latencies[latencies.length - 1]),
		sentOverS: Math.round(sentFor / 1000),
	};
	// Recorded before waiting for the executions, so the answer times are kept even if they stall.
	if (RECORD) record(mode, answers);
	const { executions, handledOnce } = await settle(total);
	// Executions may queue up behind the deliveries; how long until all had run is worth knowing.
	const drainedAfterMs = Date.now() - started;
	const cpuMsPerDelivery = Object.fromEntries(
		Object.entries(processes).map(([role, pid]) => [
			role,
			Math.round((10 * (cpuMs(pid) - cpuBefore[role])) / total) / 10,
		]),
	);
	const figures = {
		...answers,
		executions,
		handledOnce,
		allExecutedAfterS: Math.round(drainedAfterMs / 1000),
		cpuMsPerDelivery,
		n8nSettings: N8N_SETTINGS,
	};
	if (RECORD) record(mode, figures);
	const cpu = Object.entries(cpuMsPerDelivery)
		.map(([role, ms]) => `${role} ${ms}`)
		.join(', ');
	const summary = `${total} deliveries at ${perSecond}/s: ${figures.answered200} answered 200, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms; ${executions} executions, ${handledOnce} handled once, all run ${figures.allExecutedAfterS} s after the first delivery; CPU ms per delivery: ${cpu}`;
	// The whole summary goes into every message: a CI log may show only the end of a failure.
	assert.deepEqual(
		failures,
		[],
		`every delivery answered 200 (${summary}; refusals: ${countOf(failures)})`,
	);
	assert.ok(figures.maxMs < 2000, `every answer within VIS's 2 s (${summary})`);
	assert.equal(executions, total, `one execution per delivery, none lost (${summary})`);
	assert.equal(handledOnce, total, `each delivery ran "Handle event" once (${summary})`);
	return summary;
}

/** "503 ×3, fetch failed ×1": what went wrong, once per kind. */
function countOf(values) {
	const counts = new Map();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].map(([value, count]) => `${value} ×${count}`).join(', ');
}

async function postToReferenceWebhook(baseUrl, event) {
	const response = await fetch(`${baseUrl}/webhook/load-reference`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ event }),
	});
	await response.arrayBuffer();
	return response.status;
}

function record(mode, figures) {
	const recorded = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
	recorded[mode] = { measuredAt: new Date().toISOString(), ...figures };
	fs.writeFileSync(RESULTS, `${JSON.stringify(recorded, null, 2)}\n`);
}

module.exports = { deliveryLoad, postToReferenceWebhook };
