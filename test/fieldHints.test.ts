/**
 * Every field a user can see in a node panel or a credential carries a hint they can act on: a
 * description (n8n shows it beside the label) or a placeholder (shown in the empty input); a
 * required field also needs a description, since an example does not say where the value comes
 * from. The walk covers every node and credential the package declares, down into collections
 * and fixedCollections, so a field added later without a hint fails here.
 */
import type {
	ICredentialType,
	INodeProperties,
	INodePropertyCollection,
	INodeType,
} from 'n8n-workflow';

import * as pkg from '../package.json';

/** The package's declared node and credential classes, loaded from their TypeScript sources. */
function declared<T>(paths: string[]): Array<[string, T]> {
	return paths.map((distPath) => {
		const source = distPath.replace(/^dist\//, '../').replace(/\.js$/, '');
		const className = source.split('/').pop()!.split('.')[0];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const Class = require(source)[className] as new () => T;
		return [className, new Class()];
	});
}

const nodes = declared<INodeType>(pkg.n8n.nodes);
const credentials = declared<ICredentialType>(pkg.n8n.credentials);

/** Types whose own text is what the user reads (a notice) or that the user never sees. */
const NOT_FIELDS = new Set(['notice', 'hidden', 'callout']);
/** Shorter than this is a label, not a hint ("ID"). */
const MIN_HINT = 12;

interface Unhinted {
	path: string;
	reason: string;
}

function hintOf(field: INodeProperties): string {
	const description = String(field.description ?? '').trim();
	const placeholder = String(field.placeholder ?? '').trim();
	return description.length >= MIN_HINT ? description : placeholder;
}

function walk(fields: INodeProperties[], path: string, out: Unhinted[]): void {
	for (const field of fields) {
		const here = `${path} → ${field.displayName} (${field.name})`;
		if (NOT_FIELDS.has(field.type)) continue;
		// A container's placeholder is n8n's "Add …" button, so each field inside is checked instead.
		if (field.type === 'collection') {
			walk(field.options as INodeProperties[], here, out);
			continue;
		}
		if (field.type === 'fixedCollection') {
			for (const group of field.options as INodePropertyCollection[])
				walk(group.values, `${here} → ${group.displayName}`, out);
			continue;
		}
		// The Resource and Operation selectors are described by their options.
		if (field.name === 'resource' || field.name === 'operation') {
			const bare = (field.options as Array<{ name: string; description?: string }>).filter(
				(o) => !o.description?.trim(),
			);
			if (bare.length)
				out.push({
					path: here,
					reason: `options without a description: ${bare.map((o) => o.name).join(', ')}`,
				});
			continue;
		}
		if (!hintOf(field)) out.push({ path: here, reason: 'neither a description nor a placeholder' });
		// An example alone does not say where a required value comes from.
		else if (field.required && String(field.description ?? '').trim().length < MIN_HINT) {
			out.push({
				path: here,
				reason: 'required, but no description of where the value comes from',
			});
		}
	}
}

describe('every visible field has a hint', () => {
	test('the package declares the five nodes and four credentials this walks', () => {
		expect(nodes.map(([name]) => name)).toEqual(
			expect.arrayContaining([
				'VonageVis',
				'VonageVisTrigger',
				'VonagePlatform',
				'VonageVoice',
				'VonageVoiceTrigger',
			]),
		);
		expect(credentials).toHaveLength(4);
	});

	test.each(nodes)('node %s: every field of every operation', (name, node) => {
		const out: Unhinted[] = [];
		walk(node.description.properties, name, out);
		expect(out).toEqual([]);
	});

	test.each(credentials)('credential %s: every field', (name, credential) => {
		const out: Unhinted[] = [];
		walk(credential.properties, name, out);
		expect(out).toEqual([]);
	});

	test('the walk finds an unhinted field nested in a collection and in a fixedCollection, and a required one with only an example', () => {
		const out: Unhinted[] = [];
		walk(
			[
				{
					displayName: 'Options',
					name: 'options',
					type: 'collection',
					default: {},
					placeholder: 'Add Option',
					options: [{ displayName: 'Level', name: 'level', type: 'number', default: 0 }],
				},
				{
					displayName: 'Channels',
					name: 'channels',
					type: 'fixedCollection',
					default: {},
					placeholder: 'Add Channel',
					options: [
						{
							name: 'sms',
							displayName: 'SMS',
							values: [
								{
									displayName: 'Number',
									name: 'number',
									type: 'string',
									default: '',
									description: 'ID',
								},
							],
						},
					],
				},
				{
					displayName: 'Hinted',
					name: 'hinted',
					type: 'string',
					default: '',
					placeholder: '+14155550100',
				},
				{
					displayName: 'From Number',
					name: 'fromNumber',
					type: 'string',
					required: true,
					default: '',
					placeholder: '14155550100',
				},
			],
			'Test',
			out,
		);
		expect(out).toEqual([
			{
				path: 'Test → Options (options) → Level (level)',
				reason: 'neither a description nor a placeholder',
			},
			{
				path: 'Test → Channels (channels) → SMS → Number (number)',
				reason: 'neither a description nor a placeholder',
			},
			{
				path: 'Test → From Number (fromNumber)',
				reason: 'required, but no description of where the value comes from',
			},
		]);
	});
});

/**
 * While a test run waits for a trigger that listens for Vonage's callbacks, n8n's editor shows the
 * node's eventTriggerDescription in a tooltip above it on the canvas, also when the run was started
 * from a node after it; without one it says "Waiting for you to create an event in …". The text
 * ships, so it speaks to users of the published package, with real Vonage.
 */
describe('a trigger that waits for a callback says what it waits for', () => {
	const listening = nodes.filter(([, node]) => node.description.webhooks?.length);

	test('the VIS and Voice triggers are the ones that listen', () => {
		expect(listening.map(([name]) => name)).toEqual(['VonageVisTrigger', 'VonageVoiceTrigger']);
	});

	test.each(listening)('%s', (_name, node) => {
		const text = node.description.eventTriggerDescription ?? '';
		expect(text).toMatch(/^Waiting for a call/);
		expect(text).not.toMatch(/sandbox|_standin|5680|npm start/i);
	});
});
