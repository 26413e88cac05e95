import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { checkUrl, checkWholeNumber } from '../../shared/kit/validation';
import { HTTP_METHODS } from '../ncco/common';
import type { ShowFor } from './index';

/** What Voice does when a machine answers. */
const MACHINE_BEHAVIORS = [
	{
		name: 'Continue',
		value: 'continue',
		description: 'The call goes on; the event URL gets a "machine" event',
	},
	{ name: 'Hang Up', value: 'hangup', description: 'Vonage ends the call' },
];

/** Options: the event URL, timers and machine detection; Voice v1 adds advanced machine detection. */
export function optionsField(show: ShowFor, advancedMachineDetection: boolean): INodeProperties {
	const options: INodeProperties[] = [
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
	];
	if (advancedMachineDetection) {
		options.push(advancedMachineDetectionOption());
		options.sort((a, b) => a.displayName.localeCompare(b.displayName));
	}
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(),
		options,
	};
}

function advancedMachineDetectionOption(): INodeProperties {
	return {
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
}

/** The body's settings from Options, each checked; Advanced Machine Detection wins over the plain one. */
export function optionsBody(options: IDataObject): IDataObject {
	const body: IDataObject = {};
	if (options.eventUrl) body.event_url = [checkUrl('Options → Event URL', options.eventUrl)];
	if (options.eventMethod) body.event_method = options.eventMethod;
	const advanced = options.advancedMachineDetection as IDataObject | undefined;
	if (advanced && Object.keys(advanced).length) {
		body.advanced_machine_detection = advancedMachineDetectionBody(advanced);
	} else if (options.machineDetection) body.machine_detection = options.machineDetection;
	if (options.lengthTimer !== undefined)
		body.length_timer = checkWholeNumber('Options → Length Timer', options.lengthTimer, 1, 7200);
	if (options.ringingTimer !== undefined)
		body.ringing_timer = checkWholeNumber('Options → Ringing Timer', options.ringingTimer, 1, 120);
	return body;
}

function advancedMachineDetectionBody(advanced: IDataObject): IDataObject {
	return {
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
}
