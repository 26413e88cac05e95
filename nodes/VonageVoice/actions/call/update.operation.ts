import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkUrl, FieldError } from '../../../shared/kit/validation';
import { nccoFrom } from '../../ncco/builder';
import { nccoActionsField, nccoSourceFields } from '../../ncco/fields';
import { callUuidOf } from '../fields/callUuid';

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

const show = (extra: IDataObject = {}) => ({
	show: { resource: ['call'], operation: ['update'], ...extra },
});

/** Update's fields; it also takes the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [
	// Version 1 defaulted to Hang Up, and n8n leaves a value equal to the default out of a saved
	// workflow: a version-1 node saved without an action means Hang Up, and still does. From version 2
	// nothing is preselected, so a node added and run without a choice ends no call.
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		options: UPDATE_ACTIONS,
		default: 'hangup',
		displayOptions: show({ '@version': [1] }),
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
		displayOptions: show({ '@version': [{ _cnd: { gte: 2 } }] }),
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
		displayOptions: show({ action: ['transfer'] }),
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
		show({ action: ['transfer'], transferTo: ['ncco'], nccoSource: ['build'] }),
		'Transferring you now',
	),
	{
		displayName: 'NCCO (JSON)',
		name: 'transferNcco',
		type: 'json',
		default: '[{"action": "talk", "text": "Transferring you now"}]',
		displayOptions: show({
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
		displayOptions: show({ action: ['transfer'], transferTo: ['url'] }),
		description:
			'A public http(s) URL from which Vonage fetches the new NCCO (a JSON array of actions)',
	},
];

/** Acts on a live call: never repeated but after a 429. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	const action = checkAction(String(this.getNodeParameter('action', itemIndex, '')));
	const body: IDataObject = { action };
	if (action === 'transfer') body.destination = transferDestination(this, itemIndex);
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
}

/** None is preselected from version 2, so an empty action is a choice still to make. */
function checkAction(action: string): string {
	const known = UPDATE_ACTIONS.map((a) => a.value).join(', ');
	if (!action) {
		throw new FieldError('Action', `choose what to do to the call (${known}); none is preselected`);
	}
	if (!UPDATE_ACTIONS.some((option) => option.value === action)) {
		throw new FieldError('Action', `expected one of ${known}, got "${action}"`);
	}
	return action;
}

/** Where a transfer sends the call: an NCCO URL, or an NCCO built or parsed here and checked. */
function transferDestination(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (context.getNodeParameter('transferTo', itemIndex) === 'url') {
		return {
			type: 'ncco',
			url: [checkUrl('NCCO URL', context.getNodeParameter('transferUrl', itemIndex))],
		};
	}
	const ncco = nccoFrom(
		context.getNodeParameter('nccoSource', itemIndex, 'json'),
		() => context.getNodeParameter('nccoActions', itemIndex, {}),
		() => context.getNodeParameter('transferNcco', itemIndex),
		{ actions: 'Actions', json: 'NCCO (JSON)' },
	);
	return { type: 'ncco', ncco };
}
