import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VOICE_CALL_STATUSES, voiceStatusOptions } from '../../../shared/kit/callStates';
import { returnAllAndLimit, sortOrderOption } from '../../../shared/kit/descriptions';
import { nccoFrom } from '../../ncco/builder';
import { nccoActionsField, nccoSourceFields } from '../../ncco/fields';
import { operationSelector } from '../../../shared/kit/operationSelector';
import { voiceCallsPaginate } from '../../../shared/request/pagination';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkDateTime, checkUrl, FieldError } from '../../../shared/kit/validation';
import { createCallBody, createCallFields } from '../../callCreate';
import { callUuidField, callUuidOf } from '../fields/callUuid';

const UPDATE_ACTIONS = [
	{ name: 'Earmuff', value: 'earmuff', description: 'Stop the caller hearing anything' },
	{ name: 'Hang Up', value: 'hangup', description: 'End the call' },
	{ name: 'Mute', value: 'mute', description: 'Stop sending the caller’s audio' },
	{
		name: 'Transfer',
		value: 'transfer',
		description: 'Move the call to a new NCCO, given here or fetched from a URL',
	},
	{ name: 'Unearmuff', value: 'unearmuff', description: 'Let the caller hear again' },
	{ name: 'Unmute', value: 'unmute', description: 'Send the caller’s audio again' },
];

/**
 * The Update action's text for the node's subtitle ("Hang up a call"), so that a canvas of Update
 * nodes shows what each one does.
 */
export const UPDATE_ACTION_SUBTITLES: Record<string, string> = {
	earmuff: 'Earmuff a call',
	hangup: 'Hang up a call',
	mute: 'Mute a call',
	transfer: 'Transfer a call',
	unearmuff: 'Unearmuff a call',
	unmute: 'Unmute a call',
};

/** The Voice node's subtitle tries this first: an Update node names its action. */
export const UPDATE_ACTION_SUBTITLE = {
	when: '$parameter["resource"] === "call" && $parameter["operation"] === "update" && $parameter["action"]',
	then: `${JSON.stringify(UPDATE_ACTION_SUBTITLES)}[$parameter["action"]]`,
};

const show = (operation: string, extra: IDataObject = {}) => ({
	show: { resource: ['call'], operation: [operation], ...extra },
});

export const callDescription: INodeProperties[] = [
	operationSelector('call', 'create', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a call',
			description: 'Read a call’s status, duration, price and legs',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List calls',
			description: 'List calls, optionally by status, date or conversation',
		},
		// "Place", as the VIS node says it; the value stays "create" so saved workflows keep working.
		{
			name: 'Place',
			value: 'create',
			action: 'Place a call',
			description:
				'Place an outbound call for the application (Voice API v1) to a phone, SIP, WebSocket, VBC extension or app user',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a call',
			description: 'Hang up, mute, earmuff or transfer a call in progress',
		},
	]),
	// Version 3 builds NCCOs from fields by default; versions 1 and 2 were saved with JSON NCCOs,
	// which n8n left out of the saved workflow when equal to the default, so they keep JSON.
	...createCallFields({
		resource: 'call',
		operation: 'create',
		advancedMachineDetection: true,
		nccoVersions: { json: [1, 2], build: 3 },
	}),
	callUuidField('call', ['get', 'update']),
	// Version 1 defaulted to Hang Up, and n8n leaves a value equal to the default out of a saved
	// workflow: a version-1 node saved without an action means Hang Up, and still does. From version 2
	// nothing is preselected, so a node added and run without a choice ends no call.
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		options: UPDATE_ACTIONS,
		default: 'hangup',
		displayOptions: show('update', { '@version': [1] }),
		description: 'What to do to the call. Each action takes effect on the live call at once.',
	},
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		options: UPDATE_ACTIONS,
		required: true,
		default: '',
		placeholder: 'Choose what to do to the call',
		displayOptions: show('update', { '@version': [{ _cnd: { gte: 2 } }] }),
		description:
			'What to do to the call. Each action takes effect on the live call at once, so none is preselected: a call is changed only by an action someone chose.',
	},
	{
		displayName: 'Transfer To',
		name: 'transferTo',
		type: 'options',
		options: [
			{ name: 'NCCO', value: 'ncco', description: 'Actions given here' },
			{ name: 'URL', value: 'url', description: 'Vonage fetches the new NCCO from a URL' },
		],
		default: 'ncco',
		displayOptions: show('update', { action: ['transfer'] }),
		description:
			'Where the call’s new flow comes from: the NCCO given here, or one that Vonage fetches from a URL',
	},
	...nccoSourceFields(
		'nccoSource',
		{ resource: ['call'], operation: ['update'], action: ['transfer'], transferTo: ['ncco'] },
		[1, 2],
		3,
	),
	nccoActionsField(
		'nccoActions',
		show('update', { action: ['transfer'], transferTo: ['ncco'], nccoSource: ['build'] }),
		'Transferring you now',
	),
	{
		displayName: 'NCCO (JSON)',
		name: 'transferNcco',
		type: 'json',
		default: '[{"action": "talk", "text": "Transferring you now"}]',
		displayOptions: show('update', {
			action: ['transfer'],
			transferTo: ['ncco'],
			nccoSource: ['json'],
		}),
		description:
			'The new Call Control Object: a JSON array of actions that replaces what the call is doing now, e.g. [{"action": "connect", "endpoint": [{"type": "phone", "number": "14155550100"}]}]',
	},
	{
		displayName: 'NCCO URL',
		name: 'transferUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/ncco',
		displayOptions: show('update', { action: ['transfer'], transferTo: ['url'] }),
		description:
			'A public http(s) URL from which Vonage fetches the new NCCO (a JSON array of actions)',
	},
	...returnAllAndLimit('call', 'list'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show('list'),
		options: [
			{
				displayName: 'Conversation UUID',
				name: 'conversationUuid',
				type: 'string',
				default: '',
				placeholder: 'CON-f972836a-550f-45fa-956c-12a2ab5b7d22',
				description:
					'Only the calls of this conversation: the "conversation_uuid" of a call or of a Voice Trigger event',
			},
			sortOrderOption,
			// Named for what they bound: "From" and "To" read as phone numbers in a call node. The
			// parameter names stay, so saved workflows keep their filters.
			{
				displayName: 'Started After',
				name: 'dateStart',
				type: 'dateTime',
				default: '',
				description: 'Only calls that started at or after this time. Empty means no lower bound.',
			},
			{
				displayName: 'Started Before',
				name: 'dateEnd',
				type: 'dateTime',
				default: '',
				description: 'Only calls that started at or before this time. Empty means no upper bound.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: voiceStatusOptions(VOICE_CALL_STATUSES),
				default: 'completed',
				description: 'Only calls whose current status is this one',
			},
		],
	},
];

/** ISO 8601 in UTC without milliseconds, as the reference shows (2016-11-14T07:45:14Z). */
function isoDate(label: string, value: unknown): string {
	return new Date(checkDateTime(label, value)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const callOperations = {
	/** Never retried (but after a 429): a repeated POST would ring the callee twice. */
	async create(this: IExecuteFunctions, itemIndex: number) {
		const body = createCallBody(this, itemIndex);
		return await vonageRequest(this, {
			api: 'voice',
			method: 'POST',
			path: '/v1/calls',
			body,
			itemIndex,
		});
	},
	async get(this: IExecuteFunctions, itemIndex: number) {
		const uuid = callUuidOf(this, itemIndex);
		return await vonageRequest(this, {
			api: 'voice',
			method: 'GET',
			path: apiPath`/v1/calls/${uuid}`,
			itemIndex,
		});
	},
	async list(this: IExecuteFunctions, itemIndex: number) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const query: IDataObject = {};
		if (filters.status) query.status = filters.status;
		if (filters.dateStart) query.date_start = isoDate('Filters → Started After', filters.dateStart);
		if (filters.dateEnd) query.date_end = isoDate('Filters → Started Before', filters.dateEnd);
		if (filters.conversationUuid) query.conversation_uuid = String(filters.conversationUuid).trim();
		if (filters.order) query.order = filters.order;
		return await voiceCallsPaginate(this, query, {
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		});
	},
	/** Acts on a live call: never repeated but after a 429. */
	async update(this: IExecuteFunctions, itemIndex: number) {
		const uuid = callUuidOf(this, itemIndex);
		const action = String(this.getNodeParameter('action', itemIndex, ''));
		if (!action) {
			throw new FieldError(
				'Action',
				`choose what to do to the call (${UPDATE_ACTIONS.map((a) => a.value).join(', ')}); none is preselected`,
			);
		}
		if (!UPDATE_ACTIONS.some((known) => known.value === action)) {
			throw new FieldError(
				'Action',
				`expected one of ${UPDATE_ACTIONS.map((a) => a.value).join(', ')}, got "${action}"`,
			);
		}
		const body: IDataObject = { action };
		if (action === 'transfer') {
			if (this.getNodeParameter('transferTo', itemIndex) === 'url') {
				body.destination = {
					type: 'ncco',
					url: [checkUrl('NCCO URL', this.getNodeParameter('transferUrl', itemIndex))],
				};
			} else {
				const ncco = nccoFrom(
					this.getNodeParameter('nccoSource', itemIndex, 'json'),
					() => this.getNodeParameter('nccoActions', itemIndex, {}),
					() => this.getNodeParameter('transferNcco', itemIndex),
					{ actions: 'Actions', json: 'NCCO (JSON)' },
				);
				body.destination = { type: 'ncco', ncco };
			}
		}
		await vonageRequest(this, {
			api: 'voice',
			method: 'PUT',
			path: apiPath`/v1/calls/${uuid}`,
			body,
			itemIndex,
			actsOnCall: true,
		});
		// Voice answers 204 with no body: the output says what was done.
		return { uuid, action, ...(body.destination ? { destination: body.destination } : {}) };
	},
};
