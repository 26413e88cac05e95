'use strict';
/**
 * What the end-to-end suites share: progress lines, polling, n8n's executions read from its
 * database (SQLite in regular mode, Postgres in queue mode: the queries below run on both), and
 * n8n's REST API called as the signed-in owner's browser calls it.
 */

const runtime = require('../../scripts/n8n-runtime');
const { visSignature: signatureWith } = require('../../sandbox/server');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A suite reads n8n's database with n8n's own drivers: it runs under Node 24, with E2E_N8N_BIN. */
const underN8nNode = (file) => runtime.underN8nNode(file, 'E2E_N8N_BIN');

/** A step's heading in the suite's output. */
function step(message) {
	console.log(`\n▶ ${message}`);
}

/** Polls check() until it returns something truthy, and returns that; fails after timeoutMs. */
async function waitFor(what, check, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

/**
 * A workflow's executions, oldest first, with their run data. sql(query, params) queries n8n's
 * database; identifiers are quoted and the parameter is $1 so that SQLite and Postgres both take it.
 */
async function executionsOf(sql, workflowId) {
	return await sql(
		'SELECT e.id, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 ORDER BY e.id',
		[workflowId],
	);
}

/**
 * Waits until the workflow has at least count executions and none is still running, then returns
 * them all. Polls a count, not the run data, which for a load run is megabytes.
 */
async function finishedExecutions(sql, workflowId, count, timeoutMs = 60_000) {
	await waitFor(
		`${count} finished executions of ${workflowId}`,
		async () => {
			const [row] = await sql(
				`SELECT count(*) AS total, sum(CASE WHEN status IN ('running', 'new') THEN 1 ELSE 0 END) AS busy FROM execution_entity WHERE "workflowId" = $1`,
				[workflowId],
			);
			// Postgres returns count and sum as strings.
			return Number(row?.total) >= count && !Number(row?.busy);
		},
		timeoutMs,
	);
	return await executionsOf(sql, workflowId);
}

/** Whether an execution's run data (n8n's flatted JSON) has an entry for the node. */
function ranNode(data, nodeName) {
	const table = JSON.parse(data);
	const runData = table[Number(table[table[0].resultData ?? 0]?.runData)];
	return Boolean(
		runData &&
		Object.prototype.hasOwnProperty.call(runData, nodeName) &&
		table[Number(runData[nodeName])]?.length,
	);
}

/** What deliveryLoad checks of a load's executions: how many, and how many reached "Handle event". */
function loadOutcome(rows) {
	return {
		executions: rows.length,
		handledOnce: rows.filter((row) => row.status === 'success' && ranNode(row.data, 'Handle event'))
			.length,
	};
}

/** The x-von-signature VIS sends with an event to this registration (the sandbox signs the same way). */
function visSignature(hook, event) {
	return signatureWith(hook.signingKey, event);
}

/** Waits until n8n's REST routes answer: /healthz answers before they are mounted. */
async function restApiUp(baseUrl) {
	await waitFor(
		'the REST API',
		async () => (await fetch(`${baseUrl}/rest/settings`).catch(() => ({}))).ok,
	);
}

/**
 * Waits until n8n serves these production webhooks ([method, url] pairs). n8n answers /healthz
 * before it has activated its published workflows, and a webhook answers 404 until its workflow
 * is active. A CORS preflight lists the methods n8n has stored for a path, and runs nothing.
 */
async function webhooksServed(webhooks, timeoutMs = 120_000) {
	for (const [method, url] of webhooks) {
		await waitFor(
			`n8n to serve ${method} ${url}`,
			async () => {
				const response = await fetch(url, {
					method: 'OPTIONS',
					headers: { origin: new URL(url).origin },
				}).catch(() => undefined);
				return response?.headers
					.get('access-control-allow-methods')
					?.split(/,\s*/)
					.includes(method);
			},
			timeoutMs,
		);
	}
}

/**
 * n8n's REST API as the owner's browser calls it: cookies go along with every request and the
 * ones n8n sets are kept. rest() fails on any answer but 2xx and returns the parsed body.
 */
function n8nBrowser(baseUrl, browserId) {
	const cookies = new Map();
	async function asBrowser(url, init = {}) {
		const response = await fetch(url, {
			...init,
			redirect: 'manual',
			headers: {
				'browser-id': browserId,
				cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
				...init.headers,
			},
		});
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			const eq = pair.indexOf('=');
			cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
		}
		return response;
	}
	async function rest(method, route, body) {
		const response = await asBrowser(`${baseUrl}/rest${route}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`${method} /rest${route} answered ${response.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}
	return { asBrowser, rest };
}

module.exports = {
	underN8nNode,
	sleep,
	step,
	waitFor,
	executionsOf,
	finishedExecutions,
	ranNode,
	loadOutcome,
	visSignature,
	restApiUp,
	webhooksServed,
	n8nBrowser,
};
