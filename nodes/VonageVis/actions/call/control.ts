import type { IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/**
 * Operations that act on one call by ID and send no body. They differ only in method and
 * path suffix, so they are one table rather than six files.
 */
const CALL_CONTROL: Record<string, { method: IHttpRequestMethods; suffix: string }> = {
	get: { method: 'GET', suffix: '' },
	end: { method: 'DELETE', suffix: '' },
	answer: { method: 'PUT', suffix: '/answer' },
	hold: { method: 'PUT', suffix: '/hold' },
	unhold: { method: 'DELETE', suffix: '/hold' },
	voicemail: { method: 'PUT', suffix: '/vmtransfer' },
};

export const callIdDescription: INodeProperties[] = [
	{
		displayName: 'Call ID',
		name: 'callId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: {
			show: { resource: ['call'], operation: [...Object.keys(CALL_CONTROL), 'transfer'] },
		},
		placeholder: '1234567890',
		description:
			'The VIS ID of the call: the ID that Place a Call, List Active Calls or Get a Call outputs, usually mapped from the previous node with an expression',
	},
];

function controlOperation(operation: keyof typeof CALL_CONTROL) {
	const { method, suffix } = CALL_CONTROL[operation];
	return async function (this: IExecuteFunctions, itemIndex: number) {
		const callId = requiredId(this, 'callId', 'Call ID', itemIndex);
		// Get and End answer with an array holding the one call; the item loop outputs each element.
		return await vonageRequest(this, {
			api: 'vis',
			method,
			path: apiPath`/self/calls/${callId}` + suffix,
			itemIndex,
		});
	};
}

export const controlOperations = Object.fromEntries(
	Object.keys(CALL_CONTROL).map((operation) => [operation, controlOperation(operation)]),
);
