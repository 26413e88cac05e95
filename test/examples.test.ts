/**
 * The example workflows as n8n will import them: the mistakes here fail silently inside n8n, not
 * at import.
 */
import type { INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { fs, path, ROOT } from './helpers/node';

const { readdirSync, readFileSync } = fs;
const { join } = path;

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	webhookId?: string;
	parameters?: { content?: unknown; height?: unknown; width?: unknown };
}
interface Example {
	id: string;
	nodes: ExampleNode[];
	/** By source node, then by connection type (main, and ai_* for an AI Agent's sub-nodes). */
	connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
}

const folder = join(ROOT, 'examples');
const examples = readdirSync(folder)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({
		file,
		workflow: JSON.parse(readFileSync(join(folder, file), 'utf8')) as Example,
	}));

const startSandbox = readFileSync(join(ROOT, 'scripts', 'start-sandbox.js'), 'utf8');
/** The examples `npm start` imports, read from its EXAMPLES as test/e2e/start.e2e.js reads them. */
const importedByStart = [
	.../const EXAMPLES = \[([^\]]*)\]/.exec(startSandbox)![1].matchAll(/'([^']+)'/g),
].map((m) => m[1]);
/** The addresses in sticky notes that `npm start` replaces with its own n8n's and sandbox's. */
const noteAddresses = ['NOTE_SANDBOX_URL', 'NOTE_N8N_URL'].map(
	(name) => new RegExp(`const ${name} = '([^']+)'`).exec(startSandbox)![1],
);
/** The sandbox's control routes (sandbox/control.js), which the notes' curl lines may name. */
const controlRoutes = [
	...readFileSync(join(ROOT, 'sandbox', 'control.js'), 'utf8').matchAll(/path === '\/([\w-]+)'/g),
].map((m) => m[1]);
const stickyNotes = (workflow: Example) =>
	workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');

const packageNodes = new Map<string, INodeType>(
	[
		new VonageVis(),
		new VonageVisTrigger(),
		new VonagePlatform(),
		new VonageVoice(),
		new VonageVoiceTrigger(),
	].map((node) => [`n8n-nodes-vonage.${node.description.name}`, node]),
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
		for (const [source, byType] of Object.entries(workflow.connections)) {
			expect(names).toContain(source);
			for (const target of Object.values(byType).flat(2)) expect(names).toContain(target.node);
		}
	});

	test('its sticky notes are version 1, with content, height and width', () => {
		for (const note of stickyNotes(workflow)) {
			expect([note.name, note.typeVersion]).toEqual([note.name, 1]);
			expect(typeof note.parameters?.content).toBe('string');
			expect(note.parameters?.height).toEqual(expect.any(Number));
			expect(note.parameters?.width).toEqual(expect.any(Number));
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

test.each(importedByStart)(
	'%s, which npm start imports, has a sticky note that says how to try it',
	(file) => {
		const example = examples.find((candidate) => candidate.file === file);
		expect(example).toBeDefined();
		const notes = stickyNotes(example!.workflow).map((node) => String(node.parameters?.content));
		expect(notes.some((content) => content.includes('`npm start`'))).toBe(true);
	},
);

test('the sticky notes name the sandbox and n8n only at the addresses npm start fills in', () => {
	expect(noteAddresses).toEqual(['http://127.0.0.1:5680', 'http://127.0.0.1:5678']);
	expect(controlRoutes).toEqual(
		expect.arrayContaining(['deliver', 'voice-event', 'voice-answer', 'calls-happen', 'state']),
	);
	const strays: string[] = [];
	for (const { file, workflow } of examples) {
		for (const note of stickyNotes(workflow)) {
			const content = String(note.parameters?.content);
			for (const [address] of content.matchAll(
				/(https?:\/\/)?(127\.0\.0\.1|localhost|0\.0\.0\.0)(:\d+)?/g,
			)) {
				if (!noteAddresses.includes(address)) strays.push(`${file}: address ${address}`);
			}
			for (const [, route] of content.matchAll(/\/_standin\/([\w-]+)/g)) {
				if (!controlRoutes.includes(route))
					strays.push(`${file}: no control route /_standin/${route}`);
			}
		}
	}
	expect(strays).toEqual([]);
});

test('no two examples share a workflow id or a webhook id', () => {
	const ids = examples.map(({ workflow }) => workflow.id);
	const webhookIds = examples.flatMap(({ workflow }) =>
		workflow.nodes.map((node) => node.webhookId).filter(Boolean),
	);
	expect(new Set(ids).size).toBe(ids.length);
	expect(new Set(webhookIds).size).toBe(webhookIds.length);
});
