import type { IDataObject, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { parseNcco } from './ncco';
import { normalizePhoneNumber } from './phoneNumber';
import { checkNumberInRange, checkUrl, checkWholeNumber, FieldError } from './validation';

/**
 * The NCCO builder: a Call Control Object from fields instead of JSON, shared by every place that
 * takes an NCCO (Voice → Place a call and Transfer, Platform → Place a call, the Voice Trigger's
 * Default NCCO, and Voice → NCCO → Build for answer workflows). Field names and meanings follow
 * Vonage's NCCO reference (developer.vonage.com/en/voice/voice-api/ncco-reference).
 *
 * The actions are ONE ordered list whose entries each pick their action type. n8n keeps the
 * entries of one fixedCollection option in order, but groups different options apart
 * ({talk: [...], input: [...]}), so "one option per action type" would lose the order of
 * talk → input → talk, and an NCCO's order is its call flow.
 */

export const NCCO_ACTION_TYPES = [
	'talk',
	'stream',
	'input',
	'record',
	'connect',
	'conversation',
	'notify',
] as const;
type ActionType = (typeof NCCO_ACTION_TYPES)[number];

const HTTP_METHODS = [
	{ name: 'GET', value: 'GET' },
	{ name: 'POST', value: 'POST' },
];

const eventMethodField = (what: string): INodeProperties => ({
	displayName: 'Event Method',
	name: 'eventMethod',
	type: 'options',
	options: HTTP_METHODS,
	default: 'POST',
	description: `How Vonage sends ${what} to the Event URL`,
});

const eventUrlField = (what: string): INodeProperties => ({
	displayName: 'Event URL',
	name: 'eventUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/events',
	description: `Where Vonage sends ${what}. Not set: the call’s own event URL (the one the Vonage Voice Trigger sets).`,
});

const bargeInField: INodeProperties = {
	displayName: 'Barge In',
	name: 'bargeIn',
	type: 'boolean',
	default: false,
	description:
		'Whether a key press ends this action early; the next action that is not a talk or stream must then be an input',
};

const levelField: INodeProperties = {
	displayName: 'Level',
	name: 'level',
	type: 'number',
	typeOptions: { minValue: -1, maxValue: 1, numberPrecision: 1 },
	default: 0,
	description: 'Audio level from -1 to 1 in steps of 0.1; 0 is unchanged',
};

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
		// ---------- talk ----------
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'Hello, thanks for calling',
			displayOptions: only('talk'),
			description: 'What is said, up to 1,500 characters. SSML is accepted.',
		},
		{
			displayName: 'Talk Options',
			name: 'talkOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('talk'),
			options: [
				bargeInField,
				{
					displayName: 'Language',
					name: 'language',
					type: 'string',
					default: '',
					placeholder: 'en-US',
					description:
						'The language of the text as a BCP-47 code, e.g. en-US or de-DE (Vonage’s text-to-speech guide lists them)',
				},
				levelField,
				{
					displayName: 'Loop',
					name: 'loop',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 1,
					description: 'How many times the text is said; 0 repeats it until the call ends',
				},
				{
					displayName: 'Premium',
					name: 'premium',
					type: 'boolean',
					default: false,
					description:
						'Whether to use the premium (more natural, higher priced) voice of the language',
				},
				{
					displayName: 'Style',
					name: 'style',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description:
						'The vocal style of the language (its voice), as numbered in Vonage’s text-to-speech guide',
				},
			],
		},
		// ---------- stream ----------
		{
			displayName: 'Stream URL',
			name: 'streamUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/music.mp3',
			displayOptions: only('stream'),
			description: 'A public http(s) URL of an MP3 or 16-bit WAV file to play into the call',
		},
		{
			displayName: 'Stream Options',
			name: 'streamOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('stream'),
			options: [
				bargeInField,
				levelField,
				{
					displayName: 'Loop',
					name: 'loop',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 1,
					description: 'How many times the audio plays; 0 repeats it until the call ends',
				},
			],
		},
		// ---------- input ----------
		{
			displayName: 'Input Types',
			name: 'inputTypes',
			type: 'multiOptions',
			options: [
				{ name: 'DTMF (Keypad)', value: 'dtmf' },
				{ name: 'Speech', value: 'speech' },
			],
			default: ['dtmf'],
			displayOptions: only('input'),
			description: 'What the caller may answer with: keypad digits, speech, or both',
		},
		{
			displayName: 'DTMF Settings',
			name: 'dtmf',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			displayOptions: only('input'),
			description: 'Used when DTMF is an input type',
			options: [
				{
					displayName: 'Max Digits',
					name: 'maxDigits',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 20 },
					default: 4,
					description: 'How many digits the caller can press, 1 to 20',
				},
				{
					displayName: 'Submit On Hash',
					name: 'submitOnHash',
					type: 'boolean',
					default: false,
					description: 'Whether pressing # sends the digits at once',
				},
				{
					displayName: 'Time Out (Seconds)',
					name: 'timeOut',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 10 },
					default: 3,
					description: '0 to 10: the digits are sent after this long without a key press',
				},
			],
		},
		{
			displayName: 'Speech Settings',
			name: 'speech',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			displayOptions: only('input'),
			description: 'Used when speech is an input type',
			options: [
				{
					displayName: 'Context',
					name: 'context',
					type: 'string',
					default: '',
					placeholder: 'sales, support, billing',
					description:
						'Words or phrases the caller is likely to say, comma-separated; they improve recognition',
				},
				{
					displayName: 'End On Silence (Seconds)',
					name: 'endOnSilence',
					type: 'number',
					typeOptions: { minValue: 0.4, maxValue: 10, numberPrecision: 1 },
					default: 2,
					description:
						'0.4 to 10: the speech is taken as finished after this long without speaking',
				},
				{
					displayName: 'Language',
					name: 'language',
					type: 'string',
					default: '',
					placeholder: 'en-US',
					description: 'The language the caller speaks, as a BCP-47 code (default en-US)',
				},
				{
					displayName: 'Leg UUID',
					name: 'uuid',
					type: 'string',
					default: '',
					placeholder: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
					description: 'The call leg whose speech is captured. Not set: the leg that joined first.',
				},
				{
					displayName: 'Max Duration (Seconds)',
					name: 'maxDuration',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 60 },
					default: 60,
					description: '1 to 60: the longest the caller may speak',
				},
				{
					displayName: 'Start Timeout (Seconds)',
					name: 'startTimeout',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 60 },
					default: 10,
					description: '1 to 60: how long to wait for the caller to start speaking',
				},
			],
		},
		{
			displayName: 'Input Options',
			name: 'inputOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('input'),
			options: [
				eventMethodField('the digits or speech'),
				eventUrlField('the digits or speech, which can answer with the next NCCO'),
			],
		},
		// ---------- record ----------
		{
			displayName: 'Record Options',
			name: 'recordOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('record'),
			options: [
				{
					displayName: 'Beep Start',
					name: 'beepStart',
					type: 'boolean',
					default: false,
					description: 'Whether a beep plays when the recording starts',
				},
				{
					displayName: 'Channels',
					name: 'channels',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 32 },
					default: 2,
					description: '1 to 32 channels, one per participant; needs Split',
				},
				{
					displayName: 'End On Key',
					name: 'endOnKey',
					type: 'string',
					default: '',
					placeholder: '#',
					description: 'A key that stops the recording: a digit, * or #',
				},
				{
					displayName: 'End On Silence (Seconds)',
					name: 'endOnSilence',
					type: 'number',
					typeOptions: { minValue: 3, maxValue: 10 },
					default: 3,
					description: '3 to 10: the recording stops after this long of silence',
				},
				eventMethodField('the recording event'),
				eventUrlField(
					'the recording event (its recording_url is what Vonage Voice → Recording → Download takes)',
				),
				{
					displayName: 'Format',
					name: 'format',
					type: 'options',
					options: [
						{ name: 'MP3', value: 'mp3' },
						{ name: 'OGG', value: 'ogg' },
						{ name: 'WAV', value: 'wav' },
					],
					default: 'mp3',
					description:
						'The file format of the recording (Vonage records WAV when there are more than 2 channels)',
				},
				{
					displayName: 'Split',
					name: 'split',
					type: 'boolean',
					default: false,
					description:
						'Whether each side of the conversation is recorded on its own channel (split: conversation)',
				},
				{
					displayName: 'Time Out (Seconds)',
					name: 'timeOut',
					type: 'number',
					typeOptions: { minValue: 3, maxValue: 7200 },
					default: 7200,
					description: '3 to 7200: the longest the recording runs',
				},
			],
		},
		{
			displayName: 'Transcribe',
			name: 'transcribe',
			type: 'boolean',
			default: false,
			displayOptions: only('record'),
			description:
				'Whether Vonage also transcribes the recording; a transcription event then carries the transcript’s URL',
		},
		{
			displayName: 'Transcription',
			name: 'transcription',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			displayOptions: { show: { type: ['record'], transcribe: [true] } },
			options: [
				eventMethodField('the transcription event'),
				eventUrlField(
					'the transcription event (its transcription_url is what Vonage Voice → Transcription → Download takes)',
				),
				{
					displayName: 'Language',
					name: 'language',
					type: 'string',
					default: '',
					placeholder: 'en-US',
					description: 'The language spoken, as a BCP-47 code (default en-US)',
				},
				{
					displayName: 'Sentiment Analysis',
					name: 'sentimentAnalysis',
					type: 'boolean',
					default: false,
					description: 'Whether the transcript includes a sentiment score',
				},
			],
		},
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
							options: [
								{
									name: 'App User',
									value: 'app',
									description: 'A user of the application, in a Client SDK app',
								},
								{ name: 'Phone', value: 'phone', description: 'A phone number' },
								{ name: 'SIP', value: 'sip', description: 'A SIP address' },
								{
									name: 'VBC Extension',
									value: 'vbc',
									description: 'A Vonage Business Communications extension',
								},
								{
									name: 'WebSocket',
									value: 'websocket',
									description: 'Your WebSocket server, which receives the call’s audio',
								},
							],
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

/** A value of a text field, trimmed; numbers arrive as numbers from expressions. */
function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(text).filter(Boolean);
	return text(value)
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

const TYPE_LABEL: Record<ActionType, string> = {
	talk: 'Talk',
	stream: 'Stream',
	input: 'Input',
	record: 'Record',
	connect: 'Connect',
	conversation: 'Conversation',
	notify: 'Notify',
};

/** Builds one action; `at` names it in errors ("Actions → 2 (Talk)"). */
function buildAction(entry: IDataObject, at: string): IDataObject {
	const type = text(entry.type) as ActionType;
	if (!NCCO_ACTION_TYPES.includes(type))
		throw new FieldError(
			`${at} → Type`,
			`expected one of ${NCCO_ACTION_TYPES.join(', ')}, got "${text(entry.type)}"`,
		);
	const label = `${at} (${TYPE_LABEL[type]})`;
	const field = (name: string) => `${label} → ${name}`;
	const options = (name: string) =>
		entry[name] && typeof entry[name] === 'object' ? (entry[name] as IDataObject) : {};
	const events = (action: IDataObject, settings: IDataObject, prefix: string) => {
		if (isSet(settings.eventUrl))
			action.eventUrl = [checkUrl(field(`${prefix}Event URL`), settings.eventUrl)];
		if (isSet(settings.eventMethod))
			action.eventMethod = checkMethod(field(`${prefix}Event Method`), settings.eventMethod);
	};
	const audio = (action: IDataObject, settings: IDataObject, prefix: string) => {
		if (settings.bargeIn !== undefined) action.bargeIn = settings.bargeIn === true;
		if (isSet(settings.level))
			action.level = checkNumberInRange(field(`${prefix}Level`), settings.level, -1, 1);
		if (isSet(settings.loop))
			action.loop = checkWholeNumber(field(`${prefix}Loop`), settings.loop, 0, 1000);
	};

	switch (type) {
		case 'talk': {
			const value = text(entry.text);
			if (!value) throw new FieldError(field('Text'), 'required: what is said');
			if (value.length > 1500)
				throw new FieldError(
					field('Text'),
					`${value.length} characters; at most 1500 are accepted`,
				);
			const action: IDataObject = { action: 'talk', text: value };
			const settings = options('talkOptions');
			audio(action, settings, 'Talk Options → ');
			if (isSet(settings.language))
				action.language = checkLanguage(field('Talk Options → Language'), settings.language);
			if (settings.premium !== undefined) action.premium = settings.premium === true;
			if (isSet(settings.style))
				action.style = checkWholeNumber(field('Talk Options → Style'), settings.style, 0, 100);
			return action;
		}
		case 'stream': {
			const action: IDataObject = {
				action: 'stream',
				streamUrl: [checkUrl(field('Stream URL'), entry.streamUrl)],
			};
			audio(action, options('streamOptions'), 'Stream Options → ');
			return action;
		}
		case 'input': {
			const types = list(entry.inputTypes);
			if (!types.length) throw new FieldError(field('Input Types'), 'choose DTMF, Speech or both');
			const unknown = types.find((t) => t !== 'dtmf' && t !== 'speech');
			if (unknown)
				throw new FieldError(field('Input Types'), `expected dtmf or speech, got "${unknown}"`);
			const action: IDataObject = { action: 'input', type: types };
			const dtmf = options('dtmf');
			if (types.includes('dtmf')) {
				const settings: IDataObject = {};
				if (isSet(dtmf.maxDigits))
					settings.maxDigits = checkWholeNumber(
						field('DTMF Settings → Max Digits'),
						dtmf.maxDigits,
						1,
						20,
					);
				if (dtmf.submitOnHash !== undefined) settings.submitOnHash = dtmf.submitOnHash === true;
				if (isSet(dtmf.timeOut))
					settings.timeOut = checkWholeNumber(
						field('DTMF Settings → Time Out'),
						dtmf.timeOut,
						0,
						10,
					);
				if (Object.keys(settings).length) action.dtmf = settings;
			}
			const speech = options('speech');
			if (types.includes('speech')) {
				const settings: IDataObject = {};
				if (isSet(speech.uuid)) settings.uuid = [text(speech.uuid)];
				if (isSet(speech.endOnSilence))
					settings.endOnSilence = checkNumberInRange(
						field('Speech Settings → End On Silence'),
						speech.endOnSilence,
						0.4,
						10,
					);
				if (isSet(speech.language))
					settings.language = checkLanguage(field('Speech Settings → Language'), speech.language);
				if (isSet(speech.context)) settings.context = list(speech.context);
				if (isSet(speech.startTimeout))
					settings.startTimeout = checkWholeNumber(
						field('Speech Settings → Start Timeout'),
						speech.startTimeout,
						1,
						60,
					);
				if (isSet(speech.maxDuration))
					settings.maxDuration = checkWholeNumber(
						field('Speech Settings → Max Duration'),
						speech.maxDuration,
						1,
						60,
					);
				// Vonage needs the speech object to listen for speech, even empty.
				action.speech = settings;
			}
			events(action, options('inputOptions'), 'Input Options → ');
			return action;
		}
		case 'record': {
			const action: IDataObject = { action: 'record' };
			const settings = options('recordOptions');
			if (isSet(settings.format)) {
				const format = text(settings.format);
				if (!['mp3', 'wav', 'ogg'].includes(format))
					throw new FieldError(
						field('Record Options → Format'),
						`expected mp3, wav or ogg, got "${format}"`,
					);
				action.format = format;
			}
			if (settings.split === true) action.split = 'conversation';
			if (isSet(settings.channels)) {
				if (settings.split !== true)
					throw new FieldError(
						field('Record Options → Channels'),
						'needs Split on: channels are the split sides of the conversation',
					);
				action.channels = checkWholeNumber(
					field('Record Options → Channels'),
					settings.channels,
					1,
					32,
				);
			}
			if (isSet(settings.endOnSilence))
				action.endOnSilence = checkWholeNumber(
					field('Record Options → End On Silence'),
					settings.endOnSilence,
					3,
					10,
				);
			if (isSet(settings.endOnKey)) {
				const key = text(settings.endOnKey);
				if (!/^[0-9*#]$/.test(key))
					throw new FieldError(
						field('Record Options → End On Key'),
						`expected one key: a digit, * or #, got "${key}"`,
					);
				action.endOnKey = key;
			}
			if (isSet(settings.timeOut))
				action.timeOut = checkWholeNumber(
					field('Record Options → Time Out'),
					settings.timeOut,
					3,
					7200,
				);
			if (settings.beepStart !== undefined) action.beepStart = settings.beepStart === true;
			events(action, settings, 'Record Options → ');
			if (entry.transcribe === true) {
				const transcription = options('transcription');
				const out: IDataObject = {};
				if (isSet(transcription.language))
					out.language = checkLanguage(field('Transcription → Language'), transcription.language);
				if (transcription.sentimentAnalysis !== undefined)
					out.sentimentAnalysis = transcription.sentimentAnalysis === true;
				events(out, transcription, 'Transcription → ');
				action.transcription = out;
			}
			return action;
		}
		case 'connect': {
			const raw = options('endpoints').endpoint;
			const endpoints = Array.isArray(raw) ? (raw as IDataObject[]) : [];
			if (!endpoints.length)
				throw new FieldError(field('Endpoints'), 'add the endpoint to connect to');
			const action: IDataObject = {
				action: 'connect',
				endpoint: endpoints.map((endpoint, index) =>
					buildEndpoint(endpoint, `${label} → Endpoints → ${index + 1}`),
				),
			};
			const settings = options('connectOptions');
			if (isSet(settings.from)) {
				const from = normalizePhoneNumber(settings.from);
				if (!from)
					throw new FieldError(
						field('Connect Options → From'),
						`expected a phone number of 7 to 15 digits, got "${text(settings.from)}"`,
					);
				action.from = from.replace(/^\+/, '');
			}
			if (settings.randomFromNumber === true) {
				if (action.from)
					throw new FieldError(
						field('Connect Options → Random From Number'),
						'give either From or Random From Number, not both',
					);
				action.randomFromNumber = true;
			}
			if (settings.eventTypeSynchronous === true) action.eventType = 'synchronous';
			if (isSet(settings.timeout))
				action.timeout = checkWholeNumber(
					field('Connect Options → Timeout'),
					settings.timeout,
					3,
					7200,
				);
			if (isSet(settings.callLimit))
				action.limit = checkWholeNumber(
					field('Connect Options → Limit'),
					settings.callLimit,
					1,
					7200,
				);
			if (isSet(settings.machineDetection)) {
				const behavior = text(settings.machineDetection);
				if (behavior !== 'continue' && behavior !== 'hangup')
					throw new FieldError(
						field('Connect Options → Machine Detection'),
						`expected continue or hangup, got "${behavior}"`,
					);
				action.machineDetection = behavior;
			}
			if (isSet(settings.ringbackTone))
				action.ringbackTone = checkUrl(
					field('Connect Options → Ringback Tone'),
					settings.ringbackTone,
				);
			events(action, settings, 'Connect Options → ');
			return action;
		}
		case 'conversation': {
			const name = text(entry.name);
			if (!name)
				throw new FieldError(
					field('Conversation Name'),
					'required: the conversation to create or join',
				);
			const action: IDataObject = { action: 'conversation', name };
			const settings = options('conversationOptions');
			if (isSet(settings.musicOnHoldUrl))
				action.musicOnHoldUrl = [
					checkUrl(field('Conversation Options → Music On Hold URL'), settings.musicOnHoldUrl),
				];
			for (const flag of ['startOnEnter', 'endOnExit', 'record', 'mute'] as const) {
				if (settings[flag] !== undefined) action[flag] = settings[flag] === true;
			}
			if (isSet(settings.canSpeak)) action.canSpeak = list(settings.canSpeak);
			if (isSet(settings.canHear)) action.canHear = list(settings.canHear);
			return action;
		}
		case 'notify': {
			let payload: unknown = entry.payload ?? {};
			if (typeof payload === 'string') {
				let invalid = '';
				try {
					payload = JSON.parse(payload.trim() || '{}');
				} catch (error) {
					invalid = (error as Error).message;
				}
				if (invalid) throw new FieldError(field('Payload'), `not valid JSON (${invalid})`);
			}
			if (!payload || typeof payload !== 'object' || Array.isArray(payload))
				throw new FieldError(field('Payload'), 'expected a JSON object, e.g. {"step": "menu"}');
			if (!isSet(entry.notifyEventUrl))
				throw new FieldError(field('Notify Event URL'), 'required: where Vonage sends the payload');
			const action: IDataObject = {
				action: 'notify',
				payload: payload as IDataObject,
				eventUrl: [checkUrl(field('Notify Event URL'), entry.notifyEventUrl)],
			};
			const method = options('notifyOptions').eventMethod;
			if (isSet(method))
				action.eventMethod = checkMethod(field('Notify Options → Event Method'), method);
			return action;
		}
	}
}

function buildEndpoint(endpoint: IDataObject, at: string): IDataObject {
	const type = text(endpoint.endpointType) || 'phone';
	switch (type) {
		case 'phone': {
			const number = normalizePhoneNumber(endpoint.number);
			if (!number)
				throw new FieldError(
					`${at} → Number`,
					`expected a phone number of 7 to 15 digits, got "${text(endpoint.number)}"`,
				);
			const out: IDataObject = { type: 'phone', number: number.replace(/^\+/, '') };
			if (isSet(endpoint.dtmfAnswer)) {
				const digits = text(endpoint.dtmfAnswer);
				if (!/^[0-9*#p]{1,100}$/.test(digits))
					throw new FieldError(
						`${at} → DTMF Answer`,
						`expected 0-9, *, # and p (a pause), got "${digits}"`,
					);
				out.dtmfAnswer = digits;
			}
			return out;
		}
		case 'app': {
			const user = text(endpoint.user);
			if (!user)
				throw new FieldError(`${at} → User`, 'required: the name of a user of the application');
			return { type: 'app', user };
		}
		case 'websocket': {
			const contentType = text(endpoint.contentType) || 'audio/l16;rate=16000';
			if (!/^audio\/l16;rate=(8000|16000)$/.test(contentType))
				throw new FieldError(
					`${at} → Content Type`,
					`expected audio/l16;rate=16000 or audio/l16;rate=8000, got "${contentType}"`,
				);
			return {
				type: 'websocket',
				uri: checkUrl(`${at} → URI`, endpoint.uri, ['ws:', 'wss:']),
				'content-type': contentType,
			};
		}
		case 'sip':
			return { type: 'sip', uri: checkUrl(`${at} → SIP URI`, endpoint.sipUri, ['sip:', 'sips:']) };
		case 'vbc': {
			const extension = text(endpoint.extension);
			if (!/^\d+$/.test(extension))
				throw new FieldError(`${at} → Extension`, `expected digits, got "${extension}"`);
			return { type: 'vbc', extension };
		}
		default:
			throw new FieldError(
				`${at} → Endpoint Type`,
				`expected app, phone, sip, vbc or websocket, got "${type}"`,
			);
	}
}

function checkMethod(label: string, value: unknown): string {
	const method = text(value).toUpperCase();
	if (method !== 'GET' && method !== 'POST')
		throw new FieldError(label, `expected GET or POST, got "${text(value)}"`);
	return method;
}

function checkLanguage(label: string, value: unknown): string {
	const language = text(value);
	if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language))
		throw new FieldError(label, `expected a BCP-47 language code such as en-US, got "${language}"`);
	return language;
}

/**
 * The NCCO from the Actions field's value, every action checked (errors name the action by its
 * position and type, and the field), then held to the same limits as a JSON NCCO.
 */
export function buildNcco(value: unknown, label = 'Actions'): IDataObject[] {
	const entries = value && typeof value === 'object' ? (value as IDataObject).action : undefined;
	if (!Array.isArray(entries) || entries.length === 0)
		throw new FieldError(label, 'add at least one action');
	const ncco = (entries as IDataObject[]).map((entry, index) =>
		buildAction(entry ?? {}, `${label} → ${index + 1}`),
	);
	const checked = parseNcco(ncco);
	if (typeof checked === 'string') throw new FieldError(label, checked);
	return checked;
}

/** The NCCO of a place that offers both sources: built from fields, or parsed from JSON. */
export function nccoFrom(
	source: unknown,
	actions: () => unknown,
	json: () => unknown,
	labels: { actions: string; json: string },
): IDataObject[] {
	if (source === 'build') return buildNcco(actions(), labels.actions);
	const ncco = parseNcco(json());
	if (typeof ncco === 'string') throw new FieldError(labels.json, ncco);
	return ncco;
}
