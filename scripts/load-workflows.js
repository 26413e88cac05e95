'use strict';
/**
 * The two workflows that loads are measured with, shared by the end-to-end suites' load steps
 * (test/e2e/deliveryLoad.js) and the ceiling bench (bench/ceiling.js): the package's trigger with
 * only "Handle event" after it, and n8n's own Webhook node into the same no-op.
 */
const crypto = require('node:crypto');

/**
 * n8n's own Webhook node into a no-op: the in-n8n floor the VIS Trigger's load figures are put
 * beside (n8n runs its Webhook node without the per-request expression isolate it gives every
 * other trigger).
 */
function referenceWebhookWorkflow(id) {
	const nodeId = (n) => `0d7a3c2e-5b1f-4e8a-9c6d-00000000100${n}`;
	return {
		id,
		name: 'Load reference: n8n Webhook node',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: nodeId(1),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: 'load-reference',
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: nodeId(2),
				name: 'Handle event',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'Handle event', type: 'main', index: 0 }]] } },
	};
}

/**
 * An example trigger workflow with only its trigger and "Handle event", as its own workflow with
 * its own webhook: what the package costs under load, set beside the reference above. Steps a
 * user adds with expressions cost n8n a V8 isolate per execution each time (README, "Busy lines").
 */
function triggerOnlyWorkflow(example, id) {
	const trigger = example.nodes.find((node) => node.type.startsWith('n8n-nodes-vonage.'));
	const handler = example.nodes.find((node) => node.name === 'Handle event');
	return {
		...example,
		id,
		name: `${example.name} (trigger only, load test)`,
		nodes: [{ ...trigger, webhookId: crypto.randomUUID() }, handler],
		connections: { [trigger.name]: { main: [[{ node: handler.name, type: 'main', index: 0 }]] } },
	};
}

module.exports = { referenceWebhookWorkflow, triggerOnlyWorkflow };
