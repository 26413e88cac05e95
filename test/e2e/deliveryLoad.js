'use strict';
/**
 * A steady stream of signed VIS deliveries, as a busy line would send them, with the answer time
 * of each (VIS wants its 200 within 2 s). Shared by the regular-mode and queue-mode suites; both
 * record their figures in bench/delivery-load.json so the two can be compared side by side.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const RESULTS = path.join(__dirname, '..', '..', 'bench', 'delivery-load.json');

/**
 * send() delivers one new event and resolves to the HTTP status; settle(total) waits until the
 * executions are done and resolves to { executions, handledOnce }.
 */
async function deliveryLoad({ mode, send, settle, perSecond = 20, seconds = 60, requireTwoSeconds = true }) {
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
	const quantile = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
	// Recorded before waiting for the executions, so the answer times are kept even if they stall.
	record(mode, { deliveries: total, perSecond, answered200: total - failures.length, p50Ms: quantile(0.5), p99Ms: quantile(0.99), maxMs: Math.round(latencies[latencies.length - 1]), sentOverS: Math.round(sentFor / 1000) });
	const { executions, handledOnce } = await settle(total);
	// Executions may queue up behind the deliveries; how long until all had run is worth knowing.
	const drainedAfterMs = Date.now() - started;
	const figures = { deliveries: total, perSecond, answered200: total - failures.length, executions, handledOnce, p50Ms: quantile(0.5), p99Ms: quantile(0.99), maxMs: Math.round(latencies[latencies.length - 1]), sentOverS: Math.round(sentFor / 1000), allExecutedAfterS: Math.round(drainedAfterMs / 1000) };
	record(mode, figures);
	assert.deepEqual(failures, [], 'every delivery answered 200');
	// One n8n process on two cores answers a webhook only after it has stored the execution in
	// SQLite, so at 20 per second its answers queue up; that is measured and reported, and only
	// the queue-mode setup (made for this load) is held to VIS's 2 s.
	if (requireTwoSeconds) assert.ok(figures.maxMs < 2000, `every answer within VIS's 2 s (max ${figures.maxMs} ms)`);
	assert.equal(executions, total, 'one execution per delivery, none lost');
	assert.equal(handledOnce, total, 'each delivery ran "Handle event" once');
	const slow = figures.maxMs >= 2000 ? ` (above VIS's 2 s: ${latencies.filter((ms) => ms >= 2000).length} answers)` : '';
	return `${total} deliveries at ${perSecond}/s: all 200${slow}, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms; ${executions} executions, each handled once, all run ${figures.allExecutedAfterS} s after the first delivery`;
}

function record(mode, figures) {
	const recorded = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
	recorded[mode] = { measuredAt: new Date().toISOString(), ...figures };
	fs.writeFileSync(RESULTS, `${JSON.stringify(recorded, null, 2)}\n`);
}

module.exports = { deliveryLoad };
