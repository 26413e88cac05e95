import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { only, type ActionAt, type NccoAction } from '../action';
import { eventMethodField, eventUrlField, readEvents } from '../common';
import { buildEndpoint, endpointFields } from '../endpoint';
import { checkPhoneNumber, isSet, settingsOf, text } from '../values';
import { checkUrl, checkWholeNumber, FieldError } from '../../../shared/kit/validation';

/** connect: the call connected to phones, app users, WebSockets, SIP addresses or VBC extensions. */
export const connect: NccoAction<'connect'> = {
	type: 'connect',
	name: 'Connect',
	description: 'Connect the call to a phone, app user, WebSocket, SIP address or VBC extension',
	fields: () => [
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
					values: endpointFields(),
				},
			],
		},
		connectOptionsField(),
	],
	build(entry, at) {
		const raw = settingsOf(entry, 'endpoints').endpoint;
		const endpoints = Array.isArray(raw) ? (raw as IDataObject[]) : [];
		if (!endpoints.length)
			throw new FieldError(at.field('Endpoints'), 'add the endpoint to connect to');
		const action: IDataObject = {
			action: 'connect',
			endpoint: endpoints.map((endpoint, index) =>
				buildEndpoint(endpoint, at.field(`Endpoints → ${index + 1}`)),
			),
		};
		readConnectOptions(action, settingsOf(entry, 'connectOptions'), at);
		return action;
	},
};

/** Connect Options: caller ID, limits, machine detection and events. */
function connectOptionsField(): INodeProperties {
	return {
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
					'Whether the connect waits for the Event URL, which can then answer with an NCCO that replaces this one (eventType: synchronous). With no Event URL, the Vonage Voice Trigger that answers the call gets a failed connect (busy, unanswered, …) on its Caller Turn output, e.g. to offer voicemail.',
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
	};
}

function readConnectOptions(action: IDataObject, settings: IDataObject, at: ActionAt): void {
	const field = (name: string) => at.field(`Connect Options → ${name}`);
	if (isSet(settings.from)) action.from = checkPhoneNumber(field('From'), settings.from);
	if (settings.randomFromNumber === true) {
		if (action.from)
			throw new FieldError(
				field('Random From Number'),
				'give either From or Random From Number, not both',
			);
		action.randomFromNumber = true;
	}
	if (settings.eventTypeSynchronous === true) action.eventType = 'synchronous';
	if (isSet(settings.timeout))
		action.timeout = checkWholeNumber(field('Timeout'), settings.timeout, 3, 7200);
	if (isSet(settings.callLimit))
		action.limit = checkWholeNumber(field('Limit'), settings.callLimit, 1, 7200);
	if (isSet(settings.machineDetection)) {
		const behavior = text(settings.machineDetection);
		if (behavior !== 'continue' && behavior !== 'hangup')
			throw new FieldError(
				field('Machine Detection'),
				`expected continue or hangup, got "${behavior}"`,
			);
		action.machineDetection = behavior;
	}
	if (isSet(settings.ringbackTone))
		action.ringbackTone = checkUrl(field('Ringback Tone'), settings.ringbackTone);
	readEvents(action, settings, at, 'Connect Options → ');
}
