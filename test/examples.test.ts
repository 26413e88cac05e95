/**
 * The example workflows as n8n will import them: the mistakes here fail silently inside n8n, not
 * at import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	webhookId?: string;
}
interface Example {
	id: string;
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const folder = join(__dirname, '..', 'examples');
const examples = readdirSync(folder)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(folder, file), 'utf8')) as Example }));

const packageNodes = new Map<string, INodeType>(
	[new VonageVis(), new VonageVisTrigger(), new VonagePlatform(), new VonageVoice(), new VonageVoiceTrigger()].map((node) => [
		`n8n-nodes-vonage.${node.description.name}`,
		node,
	]),
);

test('there are examples to check', () => {
	expect(examples.length).toBeGreaterThanOrEqual(8);
});

describe.each(examples)('$file', ({ workflow }) => {
	test('its id is one n8n keeps static data for (1 to 21 characters)', () => {
		// n8n's isWorkflowIdValid: with a longer id it runs the workflow but silently drops its
		// static data, where the VIS Trigger keeps its registration.
		expect(workflow.id.length).toBeGreaterThan(0);
		expect(workflow.id.length).toBeLessThanOrEqual(21);
	});

	test('every connection joins nodes that exist', () => {
		const names = new Set(workflow.nodes.map((node) => node.name));
		for (const [source, { main }] of Object.entries(workflow.connections)) {
			expect(names).toContain(source);
			for (const target of main.flat()) expect(names).toContain(target.node);
		}
	});

	test("this package's nodes are at their newest version", () => {
		for (const node of workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-vonage.'))) {
			const nodeType = packageNodes.get(node.type);
			expect(nodeType).toBeDefined();
			const versions = [nodeType!.description.version].flat();
			expect([node.name, node.typeVersion]).toEqual([node.name, Math.max(...versions)]);
		}
	});
});

test('no two examples share a workflow id or a webhook id', () => {
	const ids = examples.map(({ workflow }) => workflow.id);
	const webhookIds = examples.flatMap(({ workflow }) => workflow.nodes.map((node) => node.webhookId).filter(Boolean));
	expect(new Set(ids).size).toBe(ids.length);
	expect(new Set(webhookIds).size).toBe(webhookIds.length);
});
