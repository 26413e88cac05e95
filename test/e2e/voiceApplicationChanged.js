'use strict';
/**
 * "The application still points here" (issue 33), shared by the regular and the queue-mode suite:
 * a Voice Trigger published with a one-minute Application Check Interval; someone points the
 * application's event URL elsewhere; within one check a failed execution names the URL and where
 * it points now, and the application is left as they set it (the default is to report). Also the
 * user's own Voice Trigger workflow that this and the refusal steps publish.
 */
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const { executionsOf, waitFor } = require('./helpers');

/**
 * A new workflow with one Voice Trigger 4 on the sandbox key and secret, as a user adds it:
 * `{ workflow, node }` as n8n's REST API created them.
 */
async function createVoiceTriggerWorkflow(rest, name, parameters) {
	const node = {
		id: crypto.randomUUID(),
		webhookId: crypto.randomUUID(),
		name,
		type: 'n8n-nodes-vonage.vonageVoiceTrigger',
		typeVersion: 4,
		position: [0, 0],
		parameters,
		credentials: {
			vonageKeySecretApi: { id: 'vonageKeySecretSandbox', name: 'Vonage key and secret (sandbox)' },
		},
	};
	const { data: workflow } = await rest('POST', '/workflows', {
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {},
		nodes: [node],
	});
	return { workflow, node };
}

/**
 * `rest(method, path, body)` is the owner's REST client on the main, `webhookBase` the address
 * the trigger registers (N8N_WEBHOOK_URL). Returns how long the report took, in ms.
 */
async function changedBehindItsBack({ standin, rest, sql, webhookBase }) {
	const applicationId = `a5e1b0c2-5a4d-4c2e-9f0e-${crypto.randomBytes(6).toString('hex')}`;
	standin.state.applications.set(applicationId, {
		id: applicationId,
		name: 'Changed behind its back',
		capabilities: {
			voice: {
				webhooks: {
					answer_url: { address: 'https://example.com/answer', http_method: 'GET' },
					event_url: { address: 'https://example.com/event', http_method: 'POST' },
				},
			},
		},
		keys: {},
	});
	const { workflow } = await createVoiceTriggerWorkflow(rest, 'Changed behind its back', {
		applicationId,
		options: { applicationCheckMinutes: 1 },
	});
	await rest('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
	const hooks = () => standin.state.applications.get(applicationId).capabilities.voice.webhooks;
	await waitFor('the watched application to point at n8n', () =>
		hooks().event_url.address.startsWith(webhookBase),
	);
	const changedAt = Date.now();
	hooks().event_url = { address: 'https://someone-else.example/events', http_method: 'POST' };
	await waitFor(
		'a failed execution that reports the change',
		async () => (await executionsOf(sql, workflow.id)).some((row) => row.status === 'error'),
		75_000,
	);
	const reportedMs = Date.now() - changedAt;
	const [report] = (await executionsOf(sql, workflow.id)).filter((row) => row.status === 'error');
	assert.match(report.data, /event_url/);
	assert.match(report.data, /someone-else\.example\/events/);
	assert.equal(
		hooks().event_url.address,
		'https://someone-else.example/events',
		'left as they set it',
	);
	await rest('POST', `/workflows/${workflow.id}/deactivate`, {});
	return reportedMs;
}

module.exports = { changedBehindItsBack, createVoiceTriggerWorkflow };
