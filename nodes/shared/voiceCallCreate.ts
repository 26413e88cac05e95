import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredPhoneNumber } from './itemHelpers';
import { parseNcco } from './ncco';
import { checkUrl, checkWholeNumber } from './validation';

/**
 * Placing a Voice API call: the fields and the request body shared by Voice v1 (Vonage Voice
 * node) and Voice v2 (Vonage Platform node), which take the same endpoints, NCCO or answer URL,
 * timers and machine detection. v1 also takes advanced machine detection.
 */
export interface CreateCallFieldsOptions {
	resource: string;
	operation: string;
	advancedMachineDetection: boolean;
}

/** The methods Voice can call an answer or event URL with. */
const HTTP_METHODS = [
	{ name: 'GET', value: 'GET' },
	{ name: 'POST', value: 'POST' },
];

/** What Voice does when a machine answers. */
const MACHINE_BEHAVIORS = [
	{ name: 'Continue', value: 'continue' },
	{ name: 'Hang Up', value: 'hangup' },
];

export function createCallFields({ resource, operation, advancedMachineDetection }: CreateCallFieldsOptions): INodeProperties[] {
	const show = (extra: IDataObject = {}) => ({ show: { resource: [resource], operation: [operation], ...extra } });
	const fields: INodeProperties[] = [
		{
			displayName: 'To',
			name: 'toType',
			type: 'options',
			options: [
				{ name: 'App User', value: 'app' },
				{ name: 'Phone', value: 'phone' },
				{ name: 'SIP', value: 'sip' },
				{ name: 'VBC Extension', value: 'vbc' },
				{ name: 'WebSocket', value: 'websocket' },
			],
			default: 'phone',
			displayOptions: show(),
		},
		{ displayName: 'Phone Number', name: 'toNumber', type: 'string', required: true, default: '', placeholder: '14155550100', displayOptions: show({ toType: ['phone'] }) },
		{ displayName: 'SIP URI', name: 'toUri', type: 'string', required: true, default: '', placeholder: 'sip:rebekka@sip.example.com', displayOptions: show({ toType: ['sip'] }) },
		{ displayName: 'WebSocket URI', name: 'toUri', type: 'string', required: true, default: '', placeholder: 'wss://example.com/socket', displayOptions: show({ toType: ['websocket'] }) },
		{ displayName: 'Extension', name: 'toExtension', type: 'string', required: true, default: '', displayOptions: show({ toType: ['vbc'] }) },
		{ displayName: 'User Name', name: 'toUser', type: 'string', required: true, default: '', displayOptions: show({ toType: ['app'] }) },
		{
			displayName: 'From',
			name: 'fromType',
			type: 'options',
			options: [
				{ name: 'Phone Number', value: 'phone' },
				{ name: 'Random Number of the Application', value: 'random' },
			],
			default: 'phone',
			displayOptions: show(),
		},
		{ displayName: 'From Number', name: 'fromNumber', type: 'string', required: true, default: '', displayOptions: show({ fromType: ['phone'] }) },
		{
			displayName: 'Call Control',
			name: 'callControl',
			type: 'options',
			options: [
				{ name: 'NCCO', value: 'ncco', description: 'Actions given here' },
				{ name: 'Answer URL', value: 'answerUrl', description: 'Vonage fetches the NCCO from a URL' },
			],
			default: 'ncco',
			displayOptions: show(),
		},
		{
			displayName: 'NCCO (JSON)',
			name: 'ncco',
			type: 'json',
			default: '[{"action": "talk", "text": "Hello from n8n"}]',
			displayOptions: show({ callControl: ['ncco'] }),
			description: 'An array of actions, each an object with an "action"',
		},
		{ displayName: 'Answer URL', name: 'answerUrl', type: 'string', required: true, default: '', displayOptions: show({ callControl: ['answerUrl'] }) },
		{
			displayName: 'Answer Method',
			name: 'answerMethod',
			type: 'options',
			options: HTTP_METHODS,
			default: 'GET',
			displayOptions: show({ callControl: ['answerUrl'] }),
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: show(),
			options: [
				{ displayName: 'DTMF on Answer', name: 'dtmfAnswer', type: 'string', default: '', placeholder: 'p*123#', description: 'Digits sent when a phone answers' },
				{ displayName: 'Event Method', name: 'eventMethod', type: 'options', options: HTTP_METHODS, default: 'POST' },
				{ displayName: 'Event URL', name: 'eventUrl', type: 'string', default: '', description: 'Where call progress events go; required unless the application has one' },
				{ displayName: 'Length Timer (Seconds)', name: 'lengthTimer', type: 'number', default: 7200, description: '1 to 7200: hang up this long after answer' },
				{
					displayName: 'Machine Detection',
					name: 'machineDetection',
					type: 'options',
					options: MACHINE_BEHAVIORS,
					default: 'continue',
				},
				{ displayName: 'Ringing Timer (Seconds)', name: 'ringingTimer', type: 'number', default: 60, description: '1 to 120: hang up if not answered by then' },
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
			description: 'Voicemail detection that can wait for the beep; replaces Machine Detection when set',
			options: [
				{
					displayName: 'Behavior',
					name: 'behavior',
					type: 'options',
					options: MACHINE_BEHAVIORS,
					default: 'continue',
				},
				{
					displayName: 'Mode',
					name: 'mode',
					type: 'options',
					options: [
						{ name: 'Default', value: 'default', description: 'Detect a human or a machine' },
						{ name: 'Detect', value: 'detect', description: 'Detect a machine only' },
						{ name: 'Detect Beep', value: 'detect_beep', description: 'Detect a machine and wait for its beep' },
					],
					default: 'detect',
				},
				{ displayName: 'Beep Timeout (Seconds)', name: 'beepTimeout', type: 'number', default: 45, description: '45 to 120: how long to wait for the beep' },
			],
		};
		options.options = [...(options.options as INodeProperties[]), advanced].sort((a, b) => a.displayName.localeCompare(b.displayName));
	}
	return fields;
}

function fail(context: IExecuteFunctions, message: string, itemIndex: number): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex });
}

/** Runs a shared check, reporting its FieldError as a NodeOperationError on this item. */
export function checked<T>(context: IExecuteFunctions, itemIndex: number, check: () => T): T {
	try {
		return check();
	} catch (error) {
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

function endpoint(context: IExecuteFunctions, itemIndex: number, options: IDataObject): IDataObject {
	switch (context.getNodeParameter('toType', itemIndex)) {
		case 'phone': {
			const to: IDataObject = { type: 'phone', number: requiredPhoneNumber(context, 'toNumber', 'To → Phone Number', itemIndex).replace(/^\+/, '') };
			if (options.dtmfAnswer) to.dtmfAnswer = options.dtmfAnswer;
			return to;
		}
		case 'sip':
			return { type: 'sip', uri: checked(context, itemIndex, () => checkUrl('To → SIP URI', context.getNodeParameter('toUri', itemIndex), ['sip:', 'sips:'])) };
		case 'websocket':
			return { type: 'websocket', uri: checked(context, itemIndex, () => checkUrl('To → WebSocket URI', context.getNodeParameter('toUri', itemIndex), ['ws:', 'wss:'])), 'content-type': 'audio/l16;rate=16000' };
		case 'vbc': {
			const extension = String(context.getNodeParameter('toExtension', itemIndex, '')).trim();
			if (!/^\d+$/.test(extension)) fail(context, `To → Extension: expected digits, got "${extension}"`, itemIndex);
			return { type: 'vbc', extension };
		}
		default: {
			const user = String(context.getNodeParameter('toUser', itemIndex, '')).trim();
			if (!user) fail(context, 'To → User Name: required', itemIndex);
			return { type: 'app', user };
		}
	}
}

/** The request body of a new call, every field checked; nothing is sent when one is wrong. */
export function createCallBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { to: [endpoint(context, itemIndex, options)] };
	if (context.getNodeParameter('fromType', itemIndex) === 'random') body.random_from_number = true;
	else body.from = { type: 'phone', number: requiredPhoneNumber(context, 'fromNumber', 'From Number', itemIndex).replace(/^\+/, '') };
	if (context.getNodeParameter('callControl', itemIndex) === 'ncco') {
		const ncco = parseNcco(context.getNodeParameter('ncco', itemIndex));
		if (typeof ncco === 'string') fail(context, `NCCO (JSON): ${ncco}`, itemIndex);
		body.ncco = ncco;
	} else {
		body.answer_url = [checked(context, itemIndex, () => checkUrl('Answer URL', context.getNodeParameter('answerUrl', itemIndex)))];
		body.answer_method = context.getNodeParameter('answerMethod', itemIndex);
	}
	if (options.eventUrl) body.event_url = [checked(context, itemIndex, () => checkUrl('Options → Event URL', options.eventUrl))];
	if (options.eventMethod) body.event_method = options.eventMethod;
	const advanced = options.advancedMachineDetection as IDataObject | undefined;
	if (advanced && Object.keys(advanced).length) {
		body.advanced_machine_detection = {
			behavior: advanced.behavior ?? 'continue',
			mode: advanced.mode ?? 'detect',
			...(advanced.beepTimeout !== undefined
				? { beep_timeout: checked(context, itemIndex, () => checkWholeNumber('Options → Advanced Machine Detection → Beep Timeout', advanced.beepTimeout, 45, 120)) }
				: {}),
		};
	} else if (options.machineDetection) body.machine_detection = options.machineDetection;
	if (options.lengthTimer !== undefined) body.length_timer = checked(context, itemIndex, () => checkWholeNumber('Options → Length Timer', options.lengthTimer, 1, 7200));
	if (options.ringingTimer !== undefined) body.ringing_timer = checked(context, itemIndex, () => checkWholeNumber('Options → Ringing Timer', options.ringingTimer, 1, 120));
	return body;
}
