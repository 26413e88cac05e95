import type { IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** The fields that several call operations share; each operation file declares only its own. */
export const callFields: INodeProperties[] = [
	{
		displayName: 'Call ID',
		name: 'callId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: {
			show: {
				resource: ['call'],
				operation: ['get', 'end', 'answer', 'hold', 'unhold', 'voicemail', 'transfer'],
			},
		},
		placeholder: '1234567890',
		description:
			'The VIS ID of the call: the ID that Place a Call, List Active Calls or Get a Call outputs, usually mapped from the previous node with an expression',
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+14155550100',
		displayOptions: { show: { resource: ['call'], operation: ['place', 'transfer'] } },
		description:
			'The number to dial (Place) or to transfer the call to (Transfer), in international format: 7 to 15 digits with an optional leading +, e.g. +14155550100. Spaces and dashes are removed. The call is placed from the signed-in VBC user’s own line, so its caller ID is that user’s number.',
	},
];

/**
 * A request on the call the Call ID names, with no body: what Answer, End, Get, Hold, Unhold and
 * Send to Voicemail send, each with its method and path suffix.
 */
export async function callRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	suffix = '',
) {
	const callId = requiredId(context, 'callId', 'Call ID', itemIndex);
	return await vonageRequest(context, {
		api: 'vis',
		method,
		path: apiPath`/self/calls/${callId}` + suffix,
		itemIndex,
	});
}
