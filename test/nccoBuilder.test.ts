/**
 * The NCCO builder: every action's fields become the NCCO Vonage's reference describes, bad input
 * is refused naming the action (position and type) and the field, the JSON limits still hold, and
 * every place that takes an NCCO offers Build (new nodes) or JSON (saved workflows keep it).
 */
import type { IDataObject, INode, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { buildNcco } from '../nodes/VonageVoice/ncco/builder';
import { NCCO_ACTION_TYPES, nccoActionsField } from '../nodes/VonageVoice/ncco/fields';
import { MAX_NCCO_ACTIONS } from '../nodes/VonageVoice/ncco/parse';
import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { nodeTypesOf, runNode } from '../scripts/harness/n8n';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';
import { hostTrigger, type TriggerHarness } from './helpers/trigger';

const one = (entry: IDataObject) => buildNcco({ action: [entry] })[0];

describe('each action from its fields', () => {
	test.each<[string, IDataObject, IDataObject]>([
		['talk with only text', { type: 'talk', text: ' Hello ' }, { action: 'talk', text: 'Hello' }],
		[
			'talk with every option',
			{
				type: 'talk',
				text: 'Hi',
				talkOptions: {
					bargeIn: true,
					language: 'de-DE',
					level: 0.5,
					loop: 2,
					premium: true,
					style: 3,
				},
			},
			{
				action: 'talk',
				text: 'Hi',
				bargeIn: true,
				language: 'de-DE',
				level: 0.5,
				loop: 2,
				premium: true,
				style: 3,
			},
		],
		[
			'stream',
			{
				type: 'stream',
				streamUrl: 'https://example.com/a.mp3',
				streamOptions: { bargeIn: false, level: -1, loop: 0 },
			},
			{
				action: 'stream',
				streamUrl: ['https://example.com/a.mp3'],
				bargeIn: false,
				level: -1,
				loop: 0,
			},
		],
		[
			'input with DTMF',
			{
				type: 'input',
				inputTypes: ['dtmf'],
				dtmf: { maxDigits: 4, submitOnHash: true, timeOut: 5 },
				inputOptions: { eventUrl: 'https://example.com/input', eventMethod: 'POST' },
			},
			{
				action: 'input',
				type: ['dtmf'],
				dtmf: { maxDigits: 4, submitOnHash: true, timeOut: 5 },
				eventUrl: ['https://example.com/input'],
				eventMethod: 'POST',
			},
		],
		[
			'input with speech (its settings only when speech is chosen)',
			{
				type: 'input',
				inputTypes: ['speech'],
				dtmf: { maxDigits: 4 },
				speech: {
					language: 'en-GB',
					context: 'sales, support',
					endOnSilence: 1.5,
					startTimeout: 5,
					maxDuration: 30,
					uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
				},
			},
			{
				action: 'input',
				type: ['speech'],
				speech: {
					uuid: ['aaaaaaaa-bbbb-cccc-dddd-0123456789ab'],
					language: 'en-GB',
					context: ['sales', 'support'],
					endOnSilence: 1.5,
					startTimeout: 5,
					maxDuration: 30,
				},
			},
		],
		[
			'input with speech and no settings still listens',
			{ type: 'input', inputTypes: ['dtmf', 'speech'] },
			{ action: 'input', type: ['dtmf', 'speech'], speech: {} },
		],
		['record, plain', { type: 'record' }, { action: 'record' }],
		[
			'record with transcription',
			{
				type: 'record',
				recordOptions: {
					format: 'wav',
					split: true,
					channels: 2,
					endOnSilence: 3,
					endOnKey: '#',
					timeOut: 60,
					beepStart: true,
					eventUrl: 'https://example.com/rec',
				},
				transcribe: true,
				transcription: {
					language: 'en-US',
					sentimentAnalysis: true,
					eventUrl: 'https://example.com/tx',
					eventMethod: 'post',
				},
			},
			{
				action: 'record',
				format: 'wav',
				split: 'conversation',
				channels: 2,
				endOnSilence: 3,
				endOnKey: '#',
				timeOut: 60,
				beepStart: true,
				eventUrl: ['https://example.com/rec'],
				transcription: {
					language: 'en-US',
					sentimentAnalysis: true,
					eventUrl: ['https://example.com/tx'],
					eventMethod: 'POST',
				},
			},
		],
		[
			'record: transcription settings are ignored unless Transcribe is on',
			{ type: 'record', transcription: { language: 'en-US' } },
			{ action: 'record' },
		],
		[
			'connect to every endpoint type, in order',
			{
				type: 'connect',
				endpoints: {
					endpoint: [
						{ endpointType: 'phone', number: '+1 415-555-0100', dtmfAnswer: 'p1#' },
						{ endpointType: 'app', user: 'jamie' },
						{
							endpointType: 'websocket',
							uri: 'wss://example.com/socket',
							contentType: 'audio/l16;rate=8000',
						},
						{ endpointType: 'sip', sipUri: 'sip:alice@example.com' },
						{ endpointType: 'vbc', extension: '1001' },
					],
				},
				connectOptions: {
					from: '14155550105',
					timeout: 30,
					callLimit: 600,
					machineDetection: 'hangup',
					eventTypeSynchronous: true,
					ringbackTone: 'https://example.com/ring.mp3',
					eventUrl: 'https://example.com/e',
					eventMethod: 'GET',
				},
			},
			{
				action: 'connect',
				endpoint: [
					{ type: 'phone', number: '14155550100', dtmfAnswer: 'p1#' },
					{ type: 'app', user: 'jamie' },
					{
						type: 'websocket',
						uri: 'wss://example.com/socket',
						'content-type': 'audio/l16;rate=8000',
					},
					{ type: 'sip', uri: 'sip:alice@example.com' },
					{ type: 'vbc', extension: '1001' },
				],
				from: '14155550105',
				eventType: 'synchronous',
				timeout: 30,
				limit: 600,
				machineDetection: 'hangup',
				ringbackTone: 'https://example.com/ring.mp3',
				eventUrl: ['https://example.com/e'],
				eventMethod: 'GET',
			},
		],
		[
			'conversation',
			{
				type: 'conversation',
				name: 'room-1',
				conversationOptions: {
					musicOnHoldUrl: 'https://example.com/hold.mp3',
					startOnEnter: false,
					endOnExit: true,
					record: true,
					mute: false,
					canSpeak: 'a, b',
					canHear: ['c'],
				},
			},
			{
				action: 'conversation',
				name: 'room-1',
				musicOnHoldUrl: ['https://example.com/hold.mp3'],
				startOnEnter: false,
				endOnExit: true,
				record: true,
				mute: false,
				canSpeak: ['a', 'b'],
				canHear: ['c'],
			},
		],
		[
			'notify (payload as JSON text or an object from an expression)',
			{
				type: 'notify',
				payload: '{"step":"menu"}',
				notifyEventUrl: 'https://example.com/n',
				notifyOptions: { eventMethod: 'GET' },
			},
			{
				action: 'notify',
				payload: { step: 'menu' },
				eventUrl: ['https://example.com/n'],
				eventMethod: 'GET',
			},
		],
		[
			'connect with a random caller ID',
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { randomFromNumber: true },
			},
			{
				action: 'connect',
				endpoint: [{ type: 'phone', number: '14155550100' }],
				randomFromNumber: true,
			},
		],
		[
			'notify with an object payload',
			{ type: 'notify', payload: { crm: 42 }, notifyEventUrl: 'https://example.com/n' },
			{ action: 'notify', payload: { crm: 42 }, eventUrl: ['https://example.com/n'] },
		],
	])('%s', (_case, entry, expected) => {
		expect(one(entry)).toEqual(expected);
	});

	test('the actions keep the order they were listed in, across types', () => {
		const ncco = buildNcco({
			action: [
				{ type: 'talk', text: 'one' },
				{ type: 'input', inputTypes: ['dtmf'] },
				{ type: 'talk', text: 'two' },
			],
		});
		expect(ncco.map((a) => a.action)).toEqual(['talk', 'input', 'talk']);
	});
});

describe('every action, with every option at the default its field offers, builds', () => {
	const entryFields = (
		nccoActionsField('a', undefined).options as Array<{ values: INodeProperties[] }>
	)[0].values;
	const [typeField, ...fields] = entryFields;
	const shownFor = (type: string) =>
		fields.filter((field) => (field.displayOptions?.show?.type as string[]).includes(type));
	/** What an action needs besides defaults: required fields that default to empty, and what turns on its other settings. */
	const required: Record<string, IDataObject> = {
		talk: { text: 'Hi' },
		stream: { streamUrl: 'https://example.com/a.mp3' },
		input: { inputTypes: ['dtmf', 'speech'] },
		record: { transcribe: true },
		connect: { endpoints: { endpoint: [{ endpointType: 'phone', number: '14155550100' }] } },
		conversation: { name: 'room-1' },
		notify: { notifyEventUrl: 'https://example.com/n' },
	};
	/** Options that are only accepted together with another. */
	const needs: Record<string, IDataObject> = { channels: { split: true } };
	const collections = (type: string) =>
		shownFor(type).filter((field) => field.type === 'collection');
	const defaults = (type: string) =>
		Object.fromEntries(shownFor(type).map((field) => [field.name, field.default]));

	test('the Type field offers exactly the actions the builder builds, and every other field shows for one of them', () => {
		expect(
			(typeField.options as Array<{ value: string }>).map((option) => option.value).sort(),
		).toEqual([...NCCO_ACTION_TYPES].sort());
		for (const field of fields) expect(field.displayOptions?.show?.type).toHaveLength(1);
		expect(Object.keys(required).sort()).toEqual([...NCCO_ACTION_TYPES].sort());
	});

	test.each([...NCCO_ACTION_TYPES])('%s: its fields at their defaults', (type) => {
		const [action] = buildNcco({ action: [{ type, ...defaults(type), ...required[type] }] });
		expect(action.action).toBe(type);
	});

	test.each([...NCCO_ACTION_TYPES])(
		'%s: each option alone, and all together, at its default',
		(type) => {
			const all: IDataObject = {};
			for (const collection of collections(type)) {
				const options = collection.options as INodeProperties[];
				for (const option of options) {
					const settings = { [option.name]: option.default, ...needs[option.name] };
					const [action] = buildNcco({
						action: [{ type, ...defaults(type), ...required[type], [collection.name]: settings }],
					});
					expect(action.action).toBe(type);
				}
				all[collection.name] = Object.fromEntries(
					options.map((option) => [option.name, option.default]),
				);
				for (const option of options)
					Object.assign(all[collection.name] as IDataObject, needs[option.name]);
			}
			const [action] = buildNcco({
				action: [{ type, ...defaults(type), ...required[type], ...all }],
			});
			expect(action.action).toBe(type);
		},
	);

	test('connect: every endpoint type with its fields at their defaults', () => {
		const endpoint = (
			fields.find((field) => field.name === 'endpoints')!.options as Array<{
				values: INodeProperties[];
			}>
		)[0].values;
		const types = (
			endpoint.find((field) => field.name === 'endpointType')!.options as Array<{ value: string }>
		).map((option) => option.value);
		const given: Record<string, IDataObject> = {
			phone: { number: '14155550100' },
			app: { user: 'jamie' },
			websocket: { uri: 'wss://example.com/socket' },
			sip: { sipUri: 'sip:alice@example.com' },
			vbc: { extension: '1001' },
		};
		expect(types.sort()).toEqual(Object.keys(given).sort());
		for (const endpointType of types) {
			const shown = endpoint.filter(
				(field) =>
					!field.displayOptions ||
					(field.displayOptions.show?.endpointType as string[]).includes(endpointType),
			);
			const values = {
				...Object.fromEntries(shown.map((field) => [field.name, field.default])),
				endpointType,
				...given[endpointType],
			};
			const [action] = buildNcco({
				action: [{ type: 'connect', endpoints: { endpoint: [values] } }],
			});
			expect(action.endpoint).toEqual([expect.objectContaining({ type: endpointType })]);
		}
	});
});

describe('bad input is refused, naming the action and the field', () => {
	test.each<[IDataObject, RegExp]>([
		[
			{ type: 'tlak', text: 'Hi' },
			/^Actions → 2 → Type: expected one of talk, stream, input, record, connect, conversation, notify, got "tlak"$/,
		],
		[{ type: 'talk', text: '  ' }, /^Actions → 2 \(Talk\) → Text: required/],
		[
			{ type: 'talk', text: 'x'.repeat(1501) },
			/^Actions → 2 \(Talk\) → Text: 1501 characters; at most 1500/,
		],
		[
			{ type: 'talk', text: 'Hi', talkOptions: { level: 2 } },
			/^Actions → 2 \(Talk\) → Talk Options → Level: expected a number from -1 to 1, got 2$/,
		],
		[
			{ type: 'talk', text: 'Hi', talkOptions: { language: 'english please' } },
			/Talk Options → Language: expected a BCP-47 language code/,
		],
		[
			{ type: 'stream', streamUrl: 'ftp://example.com/a.mp3' },
			/^Actions → 2 \(Stream\) → Stream URL: expected an address starting with http:\/\/ or https:\/\//,
		],
		[
			{ type: 'input', inputTypes: [] },
			/^Actions → 2 \(Input\) → Input Types: choose DTMF, Speech or both$/,
		],
		[
			{ type: 'input', inputTypes: ['dtmf'], dtmf: { maxDigits: 21 } },
			/^Actions → 2 \(Input\) → DTMF Settings → Max Digits: expected a whole number from 1 to 20, got 21$/,
		],
		[
			{ type: 'input', inputTypes: ['speech'], speech: { maxDuration: 61 } },
			/Speech Settings → Max Duration: expected a whole number from 1 to 60/,
		],
		[
			{ type: 'input', inputTypes: ['dtmf'], inputOptions: { eventUrl: 'javascript:alert(1)' } },
			/Input Options → Event URL: expected an address starting with http/,
		],
		[
			{ type: 'record', recordOptions: { channels: 2 } },
			/^Actions → 2 \(Record\) → Record Options → Channels: needs Split on/,
		],
		[
			{ type: 'record', recordOptions: { split: true, channels: 33 } },
			/Channels: expected a whole number from 1 to 32/,
		],
		[{ type: 'record', recordOptions: { endOnKey: '##' } }, /End On Key: expected one key/],
		[
			{ type: 'record', recordOptions: { endOnSilence: 2 } },
			/End On Silence: expected a whole number from 3 to 10/,
		],
		[
			{ type: 'record', transcribe: true, transcription: { eventUrl: 'not a url' } },
			/^Actions → 2 \(Record\) → Transcription → Event URL: expected/,
		],
		[
			{ type: 'connect', endpoints: {} },
			/^Actions → 2 \(Connect\) → Endpoints: add the endpoint to connect to$/,
		],
		[
			{
				type: 'connect',
				endpoints: {
					endpoint: [
						{ endpointType: 'phone', number: '14155550100' },
						{ endpointType: 'phone', number: '12' },
					],
				},
			},
			/^Actions → 2 \(Connect\) → Endpoints → 2 → Number: expected a phone number/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ endpointType: 'websocket', uri: 'https://example.com' }] },
			},
			/Endpoints → 1 → URI: expected an address starting with ws:\/\/ or wss:\/\//,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ endpointType: 'sip', sipUri: 'alice@example.com' }] },
			},
			/Endpoints → 1 → SIP URI: expected an address starting with sip: or sips:/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: [{ endpointType: 'vbc', extension: '10a' }] } },
			/Endpoints → 1 → Extension: expected digits/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: [{ endpointType: 'app', user: '' }] } },
			/Endpoints → 1 → User: required/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: [{ endpointType: 'fax' }] } },
			/Endpoints → 1 → Endpoint Type: expected app, phone, sip, vbc or websocket/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: [null] } },
			/^Actions → 2 \(Connect\) → Endpoints → 1: expected an endpoint with its fields/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: ['14155550100'] } },
			/Endpoints → 1: expected an endpoint with its fields/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { from: '14155550105', randomFromNumber: true },
			},
			/Random From Number: give either From or Random From Number/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { callLimit: 0 },
			},
			/Connect Options → Limit: expected a whole number from 1 to 7200/,
		],
		[
			{ type: 'conversation', name: '' },
			/^Actions → 2 \(Conversation\) → Conversation Name: required/,
		],
		[
			{ type: 'notify', payload: '{nope', notifyEventUrl: 'https://example.com/n' },
			/^Actions → 2 \(Notify\) → Payload: not valid JSON/,
		],
		[
			{ type: 'notify', payload: '[1]', notifyEventUrl: 'https://example.com/n' },
			/Payload: expected a JSON object/,
		],
		[{ type: 'notify', payload: '{}' }, /^Actions → 2 \(Notify\) → Notify Event URL: required/],
		[
			{ type: 'input', inputTypes: ['dtmf', 'fax'] },
			/^Actions → 2 \(Input\) → Input Types: expected dtmf or speech, got "fax"$/,
		],
		[
			{ type: 'input', inputTypes: ['dtmf'], inputOptions: { eventMethod: 'PUT' } },
			/^Actions → 2 \(Input\) → Input Options → Event Method: expected GET or POST, got "PUT"$/,
		],
		[
			{ type: 'record', recordOptions: { format: 'flac' } },
			/^Actions → 2 \(Record\) → Record Options → Format: expected mp3, wav or ogg, got "flac"$/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { from: '12' },
			},
			/^Actions → 2 \(Connect\) → Connect Options → From: expected a phone number of 7 to 15 digits, got "12"$/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { machineDetection: 'beep' },
			},
			/Connect Options → Machine Detection: expected continue or hangup, got "beep"$/,
		],
		[
			{
				type: 'connect',
				endpoints: { endpoint: [{ number: '14155550100' }] },
				connectOptions: { ringbackTone: 'ring.mp3' },
			},
			/Connect Options → Ringback Tone: expected an address starting with http/,
		],
		[
			{ type: 'connect', endpoints: { endpoint: [{ number: '14155550100', dtmfAnswer: '12x' }] } },
			/Endpoints → 1 → DTMF Answer: expected 0-9, \*, # and p \(a pause\), got "12x"$/,
		],
		[
			{
				type: 'connect',
				endpoints: {
					endpoint: [
						{
							endpointType: 'websocket',
							uri: 'wss://example.com/s',
							contentType: 'audio/l16;rate=44100',
						},
					],
				},
			},
			/Endpoints → 1 → Content Type: expected audio\/l16;rate=16000 or audio\/l16;rate=8000/,
		],
		[
			{ type: 'conversation', name: 'room', conversationOptions: { musicOnHoldUrl: 'hold.mp3' } },
			/^Actions → 2 \(Conversation\) → Conversation Options → Music On Hold URL: expected an address/,
		],
		[
			{ type: 'notify', payload: '{}', notifyEventUrl: 'example.com' },
			/^Actions → 2 \(Notify\) → Notify Event URL: expected an address starting with http/,
		],
		[
			{
				type: 'notify',
				payload: '{}',
				notifyEventUrl: 'https://example.com/n',
				notifyOptions: { eventMethod: 'PUT' },
			},
			/Notify Options → Event Method: expected GET or POST, got "PUT"$/,
		],
	])('%j', (entry, message) => {
		expect(() => buildNcco({ action: [{ type: 'talk', text: 'first' }, entry] })).toThrow(message);
	});

	test('no actions at all', () => {
		expect(() => buildNcco({})).toThrow(/^Actions: add at least one action$/);
		expect(() => buildNcco(undefined, 'Default NCCO → Actions')).toThrow(
			/^Default NCCO → Actions: add at least one action$/,
		);
	});

	test('the JSON limits still apply: action count and size', () => {
		const many = Array.from({ length: MAX_NCCO_ACTIONS + 1 }, () => ({ type: 'talk', text: 'Hi' }));
		expect(() => buildNcco({ action: many })).toThrow(
			new RegExp(`^Actions: ${MAX_NCCO_ACTIONS + 1} actions; at most ${MAX_NCCO_ACTIONS}`),
		);
		const big = Array.from({ length: 80 }, () => ({ type: 'talk', text: 'x'.repeat(1500) }));
		expect(() => buildNcco({ action: big })).toThrow(
			/^Actions: \d+ bytes; at most 102400 are accepted$/,
		);
	});
});

describe('NCCO Source: Build for new nodes, JSON for saved ones', () => {
	/** What n8n makes of a node as saved: its parameters with defaults filled in, for that version. */
	const loaded = (nodeType: INodeType, typeVersion: number, stored: IDataObject) => {
		const node: INode = {
			id: 'n',
			name: 'N',
			type: `n8n-nodes-vonage.${nodeType.description.name}`,
			typeVersion,
			position: [0, 0],
			parameters: stored as INode['parameters'],
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: nodeTypesOf(nodeType),
		});
		const withDefaults = workflow.getNode('N')!;
		return {
			parameters: withDefaults.parameters,
			saved: NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				withDefaults.parameters,
				false,
				false,
				withDefaults,
				nodeType.description,
			),
		};
	};
	const create = { resource: 'call', operation: 'create' };
	const transfer = { resource: 'call', operation: 'update', action: 'transfer' };

	test.each<[string, INodeType, number, IDataObject, string, string]>([
		[
			'Voice → Place, version 2 (saved before Build)',
			new VonageVoice(),
			2,
			create,
			'nccoSource',
			'json',
		],
		['Voice → Place, version 3', new VonageVoice(), 3, create, 'nccoSource', 'build'],
		['Voice → Transfer, version 1', new VonageVoice(), 1, transfer, 'nccoSource', 'json'],
		['Voice → Transfer, version 3', new VonageVoice(), 3, transfer, 'nccoSource', 'build'],
		[
			'Platform → Place, version 1',
			new VonagePlatform(),
			1,
			{ resource: 'voiceCall', operation: 'create' },
			'nccoSource',
			'json',
		],
		[
			'Platform → Place, version 2',
			new VonagePlatform(),
			2,
			{ resource: 'voiceCall', operation: 'create' },
			'nccoSource',
			'build',
		],
		[
			'Voice Trigger, version 2',
			new VonageVoiceTrigger(),
			2,
			{ applicationId: 'a', answerCalls: true },
			'defaultNccoSource',
			'json',
		],
		[
			'Voice Trigger, version 3',
			new VonageVoiceTrigger(),
			3,
			{ applicationId: 'a', answerCalls: true },
			'defaultNccoSource',
			'build',
		],
	])('%s reads %s as …', (_case, nodeType, version, stored, name, expected) => {
		const { parameters, saved } = loaded(nodeType, version, stored);
		expect(parameters[name]).toBe(expected);
		// Saved without it (it equals the default), so the version alone decides: that is why the
		// default changed with a new version and not in place.
		expect(saved).not.toHaveProperty(name);
	});

	test('new nodes are at the versions that default to Build', () => {
		expect(new VonageVoice().description.defaultVersion).toBe(4);
		expect(new VonagePlatform().description.defaultVersion).toBe(2);
		expect(new VonageVoiceTrigger().description.defaultVersion).toBe(4);
	});

	test('a version-2 Place node saved with only its JSON NCCO still sends that JSON', () => {
		const { parameters } = loaded(new VonageVoice(), 2, {
			...create,
			ncco: '[{"action":"talk","text":"Old"}]',
		});
		expect(parameters.nccoSource).toBe('json');
		expect(parameters.ncco).toBe('[{"action":"talk","text":"Old"}]');
	});
});

describe('every place that takes an NCCO sends the built one', () => {
	let standin: Standin;
	let trigger: TriggerHarness | undefined;
	beforeEach(async () => {
		standin = await startStandin();
	});
	afterEach(async () => {
		await trigger?.close();
		trigger = undefined;
		await Promise.allSettled(standin.state.pendingDeliveries);
		await standin.close();
	});
	const actions = {
		action: [
			{ type: 'talk', text: '={{ "Hello " + $json.name }}' },
			{ type: 'record', transcribe: true },
		],
	};
	const built = (name: string) => [
		{ action: 'talk', text: `Hello ${name}` },
		{ action: 'record', transcription: {} },
	];

	test('Voice → Place a call (version 3), values from expressions per item', async () => {
		const out = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'call',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				nccoActions: actions,
			},
			credentials: { vonageJwtApi: credentialsFor(standin).vonageJwtApi },
			items: [{ name: 'Ada' }, { name: 'Bo' }],
			typeVersion: 3,
		});
		expect(out).toHaveLength(2);
		const bodies = standin.requests({ method: 'POST', path: '/v1/calls' }).map((r) => r.body.ncco);
		expect(bodies).toEqual([built('Ada'), built('Bo')]);
	});

	test('Voice → Transfer (version 3) sends the built NCCO as the destination', async () => {
		const jwt = { vonageJwtApi: credentialsFor(standin).vonageJwtApi };
		const [call] = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'call',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				nccoSource: 'json',
			},
			credentials: jwt,
			typeVersion: 3,
		});
		const [item] = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'call',
				operation: 'update',
				callUuid: String(call.json.uuid),
				action: 'transfer',
				transferTo: 'ncco',
				nccoActions: actions,
			},
			credentials: jwt,
			items: [{ name: 'Cy' }],
			typeVersion: 3,
		});
		expect(item.json.destination).toEqual({ type: 'ncco', ncco: built('Cy') });
		expect(standin.state.v1Calls.get(call.json.uuid).transfers).toEqual([
			{ type: 'ncco', ncco: built('Cy') },
		]);
	});

	test('Platform → Place a call (version 2)', async () => {
		await runNode(new VonagePlatform(), {
			parameters: {
				resource: 'voiceCall',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				nccoActions: actions,
			},
			credentials: { vonageJwtApi: credentialsFor(standin).vonageJwtApi },
			items: [{ name: 'Di' }],
			typeVersion: 2,
		});
		expect(standin.requests({ method: 'POST', path: '/v2/calls' })[0].body.ncco).toEqual(
			built('Di'),
		);
	});

	test('a bad action sends nothing and names the item, action and field', async () => {
		await expect(
			runNode(new VonageVoice(), {
				parameters: {
					resource: 'call',
					operation: 'create',
					toNumber: '14155550100',
					fromNumber: '14155550111',
					nccoActions: { action: [{ type: 'stream', streamUrl: '' }] },
				},
				credentials: { vonageJwtApi: credentialsFor(standin).vonageJwtApi },
				typeVersion: 3,
			}),
		).rejects.toThrow(/^Actions → 1 \(Stream\) → Stream URL: expected an address/);
		expect(standin.requests({ path: '/v1/calls' })).toHaveLength(0);
	});

	test('Voice → NCCO → Build needs no credential and outputs one item per action, or one item with the NCCO', async () => {
		const each = await runNode(new VonageVoice(), {
			parameters: { resource: 'ncco', operation: 'build', nccoActions: actions },
			items: [{ name: 'Ed' }],
			typeVersion: 3,
		});
		expect(each.map((i) => i.json)).toEqual(built('Ed'));
		expect(each.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		const field = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'ncco',
				operation: 'build',
				nccoActions: actions,
				nccoOutput: 'nccoField',
			},
			items: [{ name: 'Flo' }],
			typeVersion: 3,
		});
		expect(field.map((i) => i.json)).toEqual([{ ncco: built('Flo') }]);
		expect(standin.requests()).toHaveLength(0);
	});

	test('Voice → NCCO → Build with Continue On Fail: the bad item carries its error, the others go on', async () => {
		const out = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'ncco',
				operation: 'build',
				nccoActions: { action: [{ type: 'talk', text: '={{ $json.say }}' }] },
			},
			items: [{ say: 'ok' }, { say: '' }],
			continueOnFail: true,
			typeVersion: 3,
		});
		expect(out.map((i) => i.json)).toEqual([
			{ action: 'talk', text: 'ok' },
			{ error: expect.stringMatching(/^Actions → 1 \(Talk\) → Text: required/) },
		]);
	});

	test('the Voice Trigger serves its built Default NCCO at the fallback answer URL, and refuses a bad one on activation', async () => {
		const applicationId = standin.sandbox.applicationId;
		const keySecret = { vonageKeySecretApi: credentialsFor(standin).vonageKeySecretApi };
		const fallback = {
			action: [
				{ type: 'talk', text: 'We are closed.' },
				{ type: 'stream', streamUrl: 'https://example.com/closed.mp3' },
			],
		};
		trigger = await hostTrigger(
			new VonageVoiceTrigger(),
			{
				applicationId,
				answerCalls: true,
				defaultNccoSource: 'build',
				defaultNccoActions: fallback,
			},
			keySecret,
		);
		await trigger.activate();
		const answered = await standin.answerCall(applicationId);
		expect(answered).toMatchObject({
			answeredBy: 'fallback_answer_url',
			ncco: [
				{ action: 'talk', text: 'We are closed.' },
				{ action: 'stream', streamUrl: ['https://example.com/closed.mp3'] },
			],
		});
		await trigger.close();

		trigger = await hostTrigger(
			new VonageVoiceTrigger(),
			{
				applicationId,
				answerCalls: true,
				defaultNccoSource: 'build',
				defaultNccoActions: { action: [{ type: 'talk', text: '' }] },
			},
			keySecret,
		);
		await expect(trigger.activate()).rejects.toThrow(
			/^Default NCCO → Actions → 1 \(Talk\) → Text: required/,
		);
	});
});

test('NCCO → Build shows no Request Options: it sends no request, so it has no timeout', () => {
	const voice = new VonageVoice();
	const shown = (resource: string, operation: string) => {
		const node: INode = {
			id: 'n',
			name: 'Voice',
			type: 'n8n-nodes-vonage.vonageVoice',
			typeVersion: 4,
			position: [0, 0],
			parameters: { resource, operation },
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: nodeTypesOf(voice),
		});
		return Object.keys(workflow.getNode('Voice')!.parameters);
	};
	expect(shown('ncco', 'build')).not.toContain('requestOptions');
	expect(shown('call', 'create')).toContain('requestOptions');
});
