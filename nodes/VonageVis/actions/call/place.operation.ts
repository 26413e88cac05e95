import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';

export const placeDescription: INodeProperties[] = [
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

/** Never retried by the transport: a repeated POST would ring the number twice. */
export async function place(this: IExecuteFunctions, itemIndex: number) {
	const phoneNumber = requiredPhoneNumber(this, 'phoneNumber', 'Phone Number', itemIndex);
	return await vonageRequest(this, {
		api: 'vis',
		method: 'POST',
		path: '/self/calls',
		body: { phoneNumber },
		itemIndex,
	});
}
