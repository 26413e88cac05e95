import type {
	IDataObject,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
} from 'n8n-workflow';

import { eventMethodField, eventUrlField } from './common';
import { input } from './actions/input';
import { record } from './actions/record';
import { stream } from './actions/stream';
import { talk } from './actions/talk';

/**
 * The fields of the NCCO builder (builder.ts builds and checks the NCCO from them): a Call
 * Control Object as an ordered list of actions, each with the fields Vonage's NCCO reference
 * gives it (developer.vonage.com/en/voice/voice-api/ncco-reference). Data: one table per action.
 *
 * The actions are ONE ordered list whose entries each pick their action type. n8n keeps the
 * entries of one fixedCollection option in order, but groups different options apart
 * ({talk: [...], input: [...]}), so "one option per action type" would lose the order of
 * talk → input → talk, and an NCCO's order is its call flow.
 */

/** Where a call or a connect action goes: the endpoint types of Voice calls and of connect. */
export const ENDPOINT_TYPE_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'App User',
		value: 'app',
		description: 'A user of the application, in a Client SDK app',
	},
	{ name: 'Phone', value: 'phone', description: 'A phone number' },
	{ name: 'SIP', value: 'sip', description: 'A SIP address, e.g. of a PBX or a SIP phone' },
	{
		name: 'VBC Extension',
		value: 'vbc',
		description: 'The extension of a Vonage Business Communications user',
	},
	{
		name: 'WebSocket',
		value: 'websocket',
		description: 'Your WebSocket server, which receives the call’s audio',
	},
];

export const NCCO_ACTION_TYPES = [
	'talk',
	'stream',
	'input',
	'record',
	'connect',
	'conversation',
	'notify',
] as const;
export type ActionType = (typeof NCCO_ACTION_TYPES)[number];

/** The fields of one action entry; each type's fields show only for that type. */
function actionFields(): INodeProperties[] {
	const only = (type: ActionType) => ({ show: { type: [type] } });
	return [
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Connect',
					value: 'connect',
					description:
						'Connect the call to a phone, app user, WebSocket, SIP address or VBC extension',
				},
				{
					name: 'Conversation',
					value: 'conversation',
					description: 'Create or join a named conversation (a conference)',
				},
				{
					name: 'Input',
					value: 'input',
					description: 'Collect keypad digits (DTMF) or speech from the caller',
				},
				{
					name: 'Notify',
					value: 'notify',
					description: 'Send a request to your application to track progress through the NCCO',
				},
				{
					name: 'Record',
					value: 'record',
					description: 'Record all or part of the call, optionally with a transcript',
				},
				{
					name: 'Stream',
					value: 'stream',
					description: 'Play an audio file (MP3 or WAV) into the call',
				},
				{ name: 'Talk', value: 'talk', description: 'Read text aloud (text to speech)' },
			],
			default: 'talk',
			description: 'The NCCO action this entry is; actions run in the order listed',
		},
		...talk.fields(),
		...stream.fields(),
		...input.fields(),
		...record.fields(),
		// ---------- connect ----------
		{
			displayName: 'Endpoints',
			name: 'endpoints',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Endpoint',
			default: {},
			displayOptions: only('connect'),
			description: 'Where the call is connected to',
			options: [
				{
					displayName: 'Endpoint',
					name: 'endpoint',
					values: [
						{
							displayName: 'Content Type',
							name: 'contentType',
							type: 'options',
							options: [
								{ name: '16 kHz Linear PCM', value: 'audio/l16;rate=16000' },
								{ name: '8 kHz Linear PCM', value: 'audio/l16;rate=8000' },
							],
							default: 'audio/l16;rate=16000',
							displayOptions: { show: { endpointType: ['websocket'] } },
							description: 'The audio format sent over the WebSocket',
						},
						{
							displayName: 'DTMF Answer',
							name: 'dtmfAnswer',
							type: 'string',
							default: '',
							placeholder: 'p*123#',
							displayOptions: { show: { endpointType: ['phone'] } },
							description:
								'Keypad digits sent once the phone answers: 0-9, *, # and p (a 500 ms pause)',
						},
						{
							displayName: 'Endpoint Type',
							name: 'endpointType',
							type: 'options',
							options: ENDPOINT_TYPE_OPTIONS,
							default: 'phone',
							description: 'What kind of endpoint this is',
						},
						{
							displayName: 'Extension',
							name: 'extension',
							type: 'string',
							default: '',
							placeholder: '1001',
							displayOptions: { show: { endpointType: ['vbc'] } },
							description: 'The VBC extension, digits only',
						},
						{
							displayName: 'Number',
							name: 'number',
							type: 'string',
							default: '',
							placeholder: '14155550100',
							displayOptions: { show: { endpointType: ['phone'] } },
							description:
								'The number in international format, 7 to 15 digits; a leading +, spaces and dashes are removed',
						},
						{
							displayName: 'SIP URI',
							name: 'sipUri',
							type: 'string',
							default: '',
							placeholder: 'sip:rebekka@sip.example.com',
							displayOptions: { show: { endpointType: ['sip'] } },
							description: 'The SIP address, starting with sip: or sips:',
						},
						{
							displayName: 'URI',
							name: 'uri',
							type: 'string',
							default: '',
							placeholder: 'wss://example.com/socket',
							displayOptions: { show: { endpointType: ['websocket'] } },
							description: 'The ws:// or wss:// URL of your WebSocket server',
						},
						{
							displayName: 'User',
							name: 'user',
							type: 'string',
							default: '',
							placeholder: 'jamie',
							displayOptions: { show: { endpointType: ['app'] } },
							description: 'The name of a user of this application',
						},
					],
				},
			],
		},
		{
			displayName: 'Connect Options',
			name: 'connectOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('connect'),
			options: [
				eventMethodField('the connected leg’s events'),
				{
					displayName: 'Event Type Synchronous',
					name: 'eventTypeSynchronous',
					type: 'boolean',
					default: false,
					description:
						'Whether the connect waits for the Event URL, which can then answer with an NCCO that replaces this one (eventType: synchronous)',
				},
				eventUrlField('the connected leg’s events'),
				{
					displayName: 'From',
					name: 'from',
					type: 'string',
					default: '',
					placeholder: '14155550100',
					description:
						'The caller ID the endpoint sees: one of your Vonage numbers, in international format',
				},
				{
					displayName: 'Limit (Seconds)',
					name: 'callLimit',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 7200 },
					default: 7200,
					description: '1 to 7200: the longest the connected call lasts',
				},
				{
					displayName: 'Machine Detection',
					name: 'machineDetection',
					type: 'options',
					options: [
						{ name: 'Continue', value: 'continue' },
						{ name: 'Hang Up', value: 'hangup' },
					],
					default: 'continue',
					description: 'What Vonage does when a machine answers the phone',
				},
				{
					displayName: 'Random From Number',
					name: 'randomFromNumber',
					type: 'boolean',
					default: false,
					description:
						'Whether Vonage picks one of the application’s numbers as the caller ID (instead of From)',
				},
				{
					displayName: 'Ringback Tone',
					name: 'ringbackTone',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/ringback.mp3',
					description: 'A URL of audio the caller hears while the endpoint rings',
				},
				{
					displayName: 'Timeout (Seconds)',
					name: 'timeout',
					type: 'number',
					typeOptions: { minValue: 3, maxValue: 7200 },
					default: 60,
					description: 'How long the endpoint may ring unanswered',
				},
			],
		},
		// ---------- conversation ----------
		{
			displayName: 'Conversation Name',
			name: 'name',
			type: 'string',
			default: '',
			placeholder: 'support-room-1',
			displayOptions: only('conversation'),
			description:
				'The conversation to create or join; calls given the same name talk to each other',
		},
		{
			displayName: 'Conversation Options',
			name: 'conversationOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('conversation'),
			options: [
				{
					displayName: 'Can Hear',
					name: 'canHear',
					type: 'string',
					default: '',
					placeholder: 'leg UUIDs, comma-separated',
					description: 'Only these call legs are heard by this one (comma-separated leg UUIDs)',
				},
				{
					displayName: 'Can Speak',
					name: 'canSpeak',
					type: 'string',
					default: '',
					placeholder: 'leg UUIDs, comma-separated',
					description: 'Only these call legs hear this one (comma-separated leg UUIDs)',
				},
				{
					displayName: 'End On Exit',
					name: 'endOnExit',
					type: 'boolean',
					default: false,
					description: 'Whether the conversation ends when this (moderator) call leaves',
				},
				{
					displayName: 'Music On Hold URL',
					name: 'musicOnHoldUrl',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/hold.mp3',
					description: 'Audio played until the conversation starts',
				},
				{
					displayName: 'Mute',
					name: 'mute',
					type: 'boolean',
					default: false,
					description: 'Whether this call leg joins muted',
				},
				{
					displayName: 'Record',
					name: 'record',
					type: 'boolean',
					default: false,
					description:
						'Whether the conversation is recorded; the recording event goes to the call’s event URL',
				},
				{
					displayName: 'Start On Enter',
					name: 'startOnEnter',
					type: 'boolean',
					default: true,
					description:
						'Whether the conversation starts when this leg joins (off: others wait with music on hold)',
				},
			],
		},
		// ---------- notify ----------
		{
			displayName: 'Payload',
			name: 'payload',
			type: 'json',
			default: '{}',
			displayOptions: only('notify'),
			description: 'A JSON object sent to the Event URL, e.g. {"step": "menu"}',
		},
		{
			displayName: 'Notify Event URL',
			name: 'notifyEventUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/progress',
			displayOptions: only('notify'),
			description: 'Where Vonage sends the payload (required for notify)',
		},
		{
			displayName: 'Notify Options',
			name: 'notifyOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('notify'),
			options: [eventMethodField('the payload')],
		},
	];
}

/** The "Actions" field: the NCCO as an ordered list of actions with their own fields. */
export function nccoActionsField(
	name: string,
	displayOptions: INodeProperties['displayOptions'],
	example = 'Hello from n8n',
): INodeProperties {
	const action: INodePropertyCollection = {
		displayName: 'Action',
		name: 'action',
		values: actionFields(),
	};
	return {
		displayName: 'Actions',
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Action',
		default: { action: [{ type: 'talk', text: example }] },
		displayOptions,
		description:
			'The NCCO’s actions, run in this order (Vonage’s NCCO reference describes each). Values can be expressions.',
		options: [action],
	};
}

/** The "NCCO Source" choice: Build from fields, or JSON as before. */
export function nccoSourceField(
	name: string,
	defaultSource: 'build' | 'json',
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName: 'NCCO Source',
		name,
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Build', value: 'build', description: 'A list of actions with their own fields' },
			{ name: 'JSON', value: 'json', description: 'The NCCO as a JSON array of actions' },
		],
		default: defaultSource,
		displayOptions,
		description: 'How the NCCO is given: built from fields, or written as JSON',
	};
}

/**
 * A version-dependent NCCO Source: nodes of `versions` (those saved before the choice existed,
 * which n8n saved without the parameter) read JSON; newer versions default to Build.
 */
export function nccoSourceFields(
	name: string,
	show: IDataObject,
	jsonVersions: number[],
	firstBuildVersion: number,
): INodeProperties[] {
	return [
		nccoSourceField(name, 'json', { show: { ...show, '@version': jsonVersions } }),
		nccoSourceField(name, 'build', {
			show: { ...show, '@version': [{ _cnd: { gte: firstBuildVersion } }] },
		}),
	];
}
