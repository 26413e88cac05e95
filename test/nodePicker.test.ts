/**
 * Found by search: each word a user types into n8n's node picker finds the node that does it.
 *
 * The rules are n8n 2.41's editor (n8n-editor-ui, workflows.store: generateMergedNodesAndActions and
 * the search over displayName and codex.alias), restated here over the package's own nodes and
 * codex files; scripts/picker-check.js drives the real editor's picker with the same words.
 * - A trigger named like an action node plus "Trigger" (vonageVisTrigger, vonageVoiceTrigger) has
 *   no entry of its own: it becomes the "Triggers" of that node's entry, which keeps the action
 *   node's displayName and codex. So the action node's aliases are what finds its trigger.
 * - A query matches an entry when its characters appear in that order, case aside, in the entry's
 *   displayName or in one of its aliases; a last word that starts "trigger" is dropped first.
 */
import type { INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisPollTrigger } from '../nodes/VonageVis/VonageVisPollTrigger.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { fs, path, ROOT } from './helpers/node';

const NODES: Array<[string, INodeType]> = [
	['VonageVis/VonageVis', new VonageVis()],
	['VonageVis/VonageVisTrigger', new VonageVisTrigger()],
	['VonageVis/VonageVisPollTrigger', new VonageVisPollTrigger()],
	['VonagePlatform/VonagePlatform', new VonagePlatform()],
	['VonageVoice/VonageVoice', new VonageVoice()],
	['VonageVoice/VonageVoiceTrigger', new VonageVoiceTrigger()],
];

interface Codex {
	node: string;
	categories?: string[];
	alias?: string[];
	resources?: { primaryDocumentation?: unknown[]; credentialDocumentation?: unknown[] };
}

const codexOf = (file: string): Codex =>
	JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', `${file}.node.json`), 'utf8')) as Codex;

interface Entry {
	name: string;
	displayName: string;
	alias: string[];
	triggers: string[];
}

/** The picker's entries, merged as n8n merges a node and its trigger. */
function pickerEntries(): Entry[] {
	const entries: Entry[] = [];
	const isTrigger = (node: INodeType) => node.description.group.includes('trigger');
	for (const [file, node] of NODES.filter(([, node]) => !isTrigger(node))) {
		entries.push({
			name: node.description.name,
			displayName: node.description.displayName,
			alias: codexOf(file).alias ?? [],
			triggers: [],
		});
	}
	for (const [file, node] of NODES.filter(([, node]) => isTrigger(node))) {
		const merged = entries.find((e) => e.name === node.description.name.replace('Trigger', ''));
		if (merged) merged.triggers.push(node.description.displayName);
		else
			entries.push({
				name: node.description.name,
				displayName: node.description.displayName,
				alias: codexOf(file).alias ?? [],
				triggers: [node.description.displayName],
			});
	}
	return entries;
}

/** n8n's first test of a match: every character of the query, in order, case aside. */
function inOrder(query: string, text: string): boolean {
	let at = 0;
	for (const char of text.toLowerCase()) if (char === query[at]) at++;
	return query.length > 0 && text.length > 0 && at === query.length;
}

function search(words: string): string[] {
	const parts = words.split(' ');
	const query = (
		parts.length > 1 && 'trigger'.startsWith(parts[parts.length - 1].toLowerCase())
			? parts.slice(0, -1).join(' ').trimEnd()
			: words
	).toLowerCase();
	return pickerEntries()
		.filter((entry) => [entry.displayName, ...entry.alias].some((text) => inOrder(query, text)))
		.map((entry) => entry.displayName);
}

const VIS = 'Vonage VIS';
const VOICE = 'Vonage Voice';
const PLATFORM = 'Vonage Platform';
const POLL = 'Vonage VIS Poll Trigger';

/**
 * Each word of issue 35, and the entries that do it (a trigger is found through its node's entry).
 * scripts/picker-check.js asks the real editor the same words.
 */
const PICKER_WORDS = JSON.parse(
	fs.readFileSync(path.join(ROOT, 'test', 'picker-words.json'), 'utf8'),
) as Record<string, string[]>;

test('the picker has four entries: the VIS and Voice triggers are listed under their nodes', () => {
	expect(pickerEntries().map((e) => [e.displayName, e.triggers])).toEqual([
		[VIS, ['Vonage VIS Trigger']],
		[PLATFORM, []],
		[VOICE, ['Vonage Voice Trigger']],
		[POLL, [POLL]],
	]);
});

test.each(NODES)(
	'%s.node.json is a codex n8n loads: categories, aliases, resources',
	(file, node) => {
		const codex = codexOf(file);
		expect(codex.node).toBe(`n8n-nodes-vonage.${node.description.name}`);
		expect(codex.categories).toContain('Communication');
		expect(codex.alias?.length).toBeGreaterThan(3);
		// n8n's loader reads resources.primaryDocumentation unguarded: without it the codex is dropped.
		expect(codex.resources?.primaryDocumentation?.length).toBeGreaterThan(0);
		// Aliases an entry does not search would mislead: a merged trigger's must repeat on its node.
		const merged = NODES.find(
			([, n]) => n.description.name === node.description.name.replace('Trigger', ''),
		);
		if (merged && merged[1] !== node) {
			const parentAliases = (codexOf(merged[0]).alias ?? []).map((a) => a.toLowerCase());
			for (const alias of codex.alias ?? [])
				expect([alias, parentAliases.includes(alias.toLowerCase())]).toEqual([alias, true]);
		}
	},
);

test.each(Object.entries(PICKER_WORDS))('"%s" finds %j', (word, expected) => {
	expect(search(word)).toEqual(expect.arrayContaining(expected));
});

test('a search for "vonage" lists every entry, and "vonage voice trigger" the Voice entry', () => {
	expect(search('vonage').sort()).toEqual([PLATFORM, VIS, POLL, VOICE].sort());
	expect(search('vonage voice trigger')).toContain(VOICE);
});

/** The words a merged trigger is listed under, made as n8n makes them (workflows.store). */
function triggerWords(node: INodeType): string[] {
	const field = node.description.properties.find((property) =>
		['event', 'events', 'trigger on'].includes(property.displayName.toLowerCase()),
	);
	if (!field?.options)
		return [`On new ${node.description.displayName.replace('Trigger', '').trimEnd()} event`];
	return (field.options as Array<{ name: string; action?: string }>).map(
		(option) => option.action ?? `On ${option.name}`,
	);
}

test('the VIS Trigger is listed under Vonage VIS as "On a call event of the VBC line"', () => {
	expect(triggerWords(new VonageVisTrigger())).toEqual(['On a call event of the VBC line']);
});
