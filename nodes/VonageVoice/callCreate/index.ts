import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../shared/kit/itemHelpers';
import { nccoFrom } from '../ncco/builder';
import { ENDPOINT_TYPE_OPTIONS, nccoActionsField, nccoSourceFields } from '../ncco/fields';
import { checkUrl, checkWholeNumber, FieldError } from '../../shared/kit/validation';

/**
 * Placing a Voice API call: the fields and the request body shared by Voice v1 (Vonage Voice
 * node) and Voice v2 (Vonage Platform node), which take the same endpoints, NCCO or answer URL,
 * timers and machine detection. v1 also takes advanced machine detection.
 */
export interface CreateCallFieldsOptions {
	resource: string;
	operation: string;
	advancedMachineDetection: boolean;
	/** Node versions whose NCCO Source defaults to JSON (saved before Build existed), and the first defaulting to Build. */
	nccoVersions: { json: number[]; build: number };
}

/** The methods Voice can call an answer or event URL with. */
const HTTP_METHODS = [
	{ name: 'GET', value: 'GET' },
	{ name: 'POST', value: 'POST' },
];

/** What Voice does when a machine answers. */
const MACHINE_BEHAVIORS = [
	{
		name: 'Continue',
		value: 'continue',
		description: 'The call goes on; the event URL gets a "machine" event',
	},
	{ name: 'Hang Up', value: 'hangup', description: 'Vonage ends the call' },
];

export function createCallFields({
	resource,
	operation,
	advancedMachineDetection,
	nccoVersions,
}: CreateCallFieldsOptions): INodeProperties[] {
	const show = (extra: IDataObject = {}) => ({
		show: { resource: [resource], operation: [operation], ...extra },
	});
	const fields: INodeProperties[] = [
		{
			displayName: 'To',
			name: 'toType',
			type: 'options',
			options: ENDPOINT_TYPE_OPTIONS,
			default: 'phone',
			displayOptions: show(),
			description: 'Who the call goes to',
		},
		{
			displayName: 'Phone Number',
			name: 'toNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '14155550100',
			displayOptions: show({ toType: ['phone'] }),
			description:
				'The number to call, in international format: country code and number, 7 to 15 digits, e.g. 14155550100. A leading +, spaces and dashes are removed.',
		},
		{
			displayName: 'SIP URI',
			name: 'toUri',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'sip:rebekka@sip.example.com',
			displayOptions: show({ toType: ['sip'] }),
			description: 'The SIP address to call, starting with sip: or sips:',
		},
		{
			displayName: 'WebSocket URI',
			name: 'toUri',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'wss://example.com/socket',
			displayOptions: show({ toType: ['websocket'] }),
			description:
				'The ws:// or wss:// URL of your WebSocket server. Vonage streams the call’s audio to it as 16 kHz linear PCM.',
		},
		{
			displayName: 'Extension',
			name: 'toExtension',
			type: 'string',
			required: true,
			default: '',
			placeholder: '1001',
			displayOptions: show({ toType: ['vbc'] }),
			description:
				'The extension of the Vonage Business Communications (VBC) user to ring, digits only, as the VBC admin portal lists it',
		},
		{
			displayName: 'User Name',
			name: 'toUser',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'jamie',
			displayOptions: show({ toType: ['app'] }),
			description:
				'The name (not the USR- ID) of a user of this application, as created with Vonage Platform → Create a User. The call rings in the Client SDK app that user is signed in to.',
		},
		{
			displayName: 'From',
			name: 'fromType',
			type: 'options',
			options: [
				{
					name: 'Phone Number',
					value: 'phone',
					description: 'A number of your Vonage account, given below',
				},
				{
					name: 'Random Number of the Application',
					value: 'random',
					description: 'Vonage picks one of the numbers linked to the application',
				},
			],
			default: 'phone',
			displayOptions: show(),
			description: 'The caller ID the callee sees',
		},
		{
			displayName: 'From Number',
			name: 'fromNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '14155550100',
			displayOptions: show({ fromType: ['phone'] }),
			description:
				'A Vonage number you rent (API Dashboard → Numbers → Your numbers), in international format, e.g. 14155550100; a leading + is removed. The callee sees it as the caller ID. A number linked to this application (Dashboard → Applications → your application) is the safe choice.',
		},
		{
			displayName: 'Call Control',
			name: 'callControl',
			type: 'options',
			options: [
				{ name: 'NCCO', value: 'ncco', description: 'Actions given here' },
				{
					name: 'Answer URL',
					value: 'answerUrl',
					description: 'Vonage fetches the NCCO from a URL',
				},
			],
			default: 'ncco',
			displayOptions: show(),
			description:
				'What happens when the callee answers: the NCCO given here, or one that Vonage fetches from your Answer URL',
		},
		...nccoSourceFields(
			'nccoSource',
			{ resource: [resource], operation: [operation], callControl: ['ncco'] },
			nccoVersions.json,
			nccoVersions.build,
		),
		nccoActionsField('nccoActions', show({ callControl: ['ncco'], nccoSource: ['build'] })),
		{
			displayName: 'NCCO (JSON)',
			name: 'ncco',
			type: 'json',
			default: '[{"action": "talk", "text": "Hello from n8n"}]',
			displayOptions: show({ callControl: ['ncco'], nccoSource: ['json'] }),
			description:
				'The Call Control Object: a JSON array of actions Vonage runs in order once the callee answers, e.g. [{"action": "talk", "text": "Hello"}] (Vonage’s NCCO reference lists every action)',
		},
		{
			displayName: 'Answer URL',
			name: 'answerUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://example.com/answer',
			displayOptions: show({ callControl: ['answerUrl'] }),
			description:
				'A public http(s) URL that Vonage asks for the NCCO when the callee answers; it must reply with a JSON array of NCCO actions',
		},
		{
			displayName: 'Answer Method',
			name: 'answerMethod',
			type: 'options',
			options: HTTP_METHODS,
			default: 'GET',
			displayOptions: show({ callControl: ['answerUrl'] }),
			description:
				'How Vonage requests the Answer URL: GET puts the call’s details in the query string, POST in a JSON body',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: show(),
			options: [
				{
					displayName: 'DTMF on Answer',
					name: 'dtmfAnswer',
					type: 'string',
					default: '',
					placeholder: 'p*123#',
					description:
						'Keypad digits sent once a phone answers, e.g. to pass a menu: 0-9, * and #; p pauses 500 ms',
				},
				{
					displayName: 'Event Method',
					name: 'eventMethod',
					type: 'options',
					options: HTTP_METHODS,
					default: 'POST',
					description: 'How Vonage sends call progress events to the Event URL',
				},
				{
					displayName: 'Event URL',
					name: 'eventUrl',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/events',
					description:
						'Where Vonage sends this call’s progress events (ringing, answered, completed). Not set: the application’s own event URL, which the Vonage Voice Trigger sets.',
				},
				{
					displayName: 'Length Timer (Seconds)',
					name: 'lengthTimer',
					type: 'number',
					default: 7200,
					description: '1 to 7200: hang up this long after answer',
				},
				{
					displayName: 'Machine Detection',
					name: 'machineDetection',
					type: 'options',
					options: MACHINE_BEHAVIORS,
					default: 'continue',
					description: 'What Vonage does when voicemail or an answering machine picks up',
				},
				{
					displayName: 'Ringing Timer (Seconds)',
					name: 'ringingTimer',
					type: 'number',
					default: 60,
					description: '1 to 120: hang up if not answered by then',
				},
			],
		},
	];
	if (advancedMachineDetection) {
		const options = fields.find((field) => field.name === 'options')!;
		const advanced: INodeProperties = {
			displayName: 'Advanced Machine Detection',
			name: 'advancedMachineDetection',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			description:
				'Voicemail detection that can wait for the beep; replaces Machine Detection when set',
			options: [
				{
					displayName: 'Behavior',
					name: 'behavior',
					type: 'options',
					options: MACHINE_BEHAVIORS,
					default: 'continue',
					description: 'What Vonage does when it detects a machine',
				},
				{
					displayName: 'Mode',
					name: 'mode',
					type: 'options',
					options: [
						{ name: 'Default', value: 'default', description: 'Detect a human or a machine' },
						{ name: 'Detect', value: 'detect', description: 'Detect a machine only' },
						{
							name: 'Detect Beep',
							value: 'detect_beep',
							description: 'Detect a machine and wait for its beep',
						},
					],
					default: 'detect',
					description: 'What Vonage listens for',
				},
				{
					displayName: 'Beep Timeout (Seconds)',
					name: 'beepTimeout',
					type: 'number',
					default: 45,
					description: '45 to 120: how long to wait for the beep',
				},
			],
		};
		options.options = [...(options.options as INodeProperties[]), advanced].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		);
	}
	return fields;
}

function endpoint(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): IDataObject {
	switch (context.getNodeParameter('toType', itemIndex)) {
		case 'phone': {
			const to: IDataObject = {
				type: 'phone',
				number: requiredPhoneNumber(context, 'toNumber', 'To → Phone Number', itemIndex).replace(
					/^\+/,
					'',
				),
			};
			if (options.dtmfAnswer) to.dtmfAnswer = options.dtmfAnswer;
			return to;
		}
		case 'sip':
			return {
				type: 'sip',
				uri: checkUrl('To → SIP URI', context.getNodeParameter('toUri', itemIndex), [
					'sip:',
					'sips:',
				]),
			};
		case 'websocket':
			return {
				type: 'websocket',
				uri: checkUrl('To → WebSocket URI', context.getNodeParameter('toUri', itemIndex), [
					'ws:',
					'wss:',
				]),
				'content-type': 'audio/l16;rate=16000',
			};
		case 'vbc': {
			const extension = String(context.getNodeParameter('toExtension', itemIndex, '')).trim();
			if (!/^\d+$/.test(extension))
				throw new FieldError('To → Extension', `expected digits, got "${extension}"`);
			return { type: 'vbc', extension };
		}
		default: {
			const user = String(context.getNodeParameter('toUser', itemIndex, '')).trim();
			if (!user) throw new FieldError('To → User Name', 'required');
			return { type: 'app', user };
		}
	}
}

/** The request body of a new call, every field checked; nothing is sent when one is wrong. */
export function createCallBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { to: [endpoint(context, itemIndex, options)] };
	if (context.getNodeParameter('fromType', itemIndex) === 'random') body.random_from_number = true;
	else
		body.from = {
			type: 'phone',
			number: requiredPhoneNumber(context, 'fromNumber', 'From Number', itemIndex).replace(
				/^\+/,
				'',
			),
		};
	if (context.getNodeParameter('callControl', itemIndex) === 'ncco') {
		body.ncco = nccoFrom(
			context.getNodeParameter('nccoSource', itemIndex, 'json'),
			() => context.getNodeParameter('nccoActions', itemIndex, {}),
			() => context.getNodeParameter('ncco', itemIndex),
			{ actions: 'Actions', json: 'NCCO (JSON)' },
		);
	} else {
		body.answer_url = [checkUrl('Answer URL', context.getNodeParameter('answerUrl', itemIndex))];
		body.answer_method = context.getNodeParameter('answerMethod', itemIndex);
	}
	if (options.eventUrl) body.event_url = [checkUrl('Options → Event URL', options.eventUrl)];
	if (options.eventMethod) body.event_method = options.eventMethod;
	const advanced = options.advancedMachineDetection as IDataObject | undefined;
	if (advanced && Object.keys(advanced).length) {
		body.advanced_machine_detection = {
			behavior: advanced.behavior ?? 'continue',
			mode: advanced.mode ?? 'detect',
			...(advanced.beepTimeout !== undefined
				? {
						beep_timeout: checkWholeNumber(
							'Options → Advanced Machine Detection → Beep Timeout',
							advanced.beepTimeout,
							45,
							120,
						),
					}
				: {}),
		};
	} else if (options.machineDetection) body.machine_detection = options.machineDetection;
	if (options.lengthTimer !== undefined)
		body.length_timer = checkWholeNumber('Options → Length Timer', options.lengthTimer, 1, 7200);
	if (options.ringingTimer !== undefined)
		body.ringing_timer = checkWholeNumber('Options → Ringing Timer', options.ringingTimer, 1, 120);
	return body;
}
