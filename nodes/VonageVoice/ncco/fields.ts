import type { IDataObject, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { connect } from './actions/connect';
import { input } from './actions/input';
import { record } from './actions/record';
import { stream } from './actions/stream';
import { talk } from './actions/talk';
import { eventMethodField } from './common';

export { ENDPOINT_TYPE_OPTIONS } from './endpoint';

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
		...connect.fields(),
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
