import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../../shared/itemHelpers';
import { vonageRequest } from '../../../shared/transport';

export const placeDescription: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+14155550100',
		displayOptions: { show: { resource: ['call'], operation: ['place', 'transfer'] } },
		description: 'Number to dial: 7 to 15 digits, optional leading +. Spaces and dashes are removed.',
	},
];

/** Never retried by the transport: a repeated POST would ring the number twice. */
export async function place(this: IExecuteFunctions, itemIndex: number) {
	const phoneNumber = requiredPhoneNumber(this, 'phoneNumber', 'Phone Number', itemIndex);
	return await vonageRequest(this, { api: 'vis', method: 'POST', path: '/self/calls', body: { phoneNumber }, itemIndex });
}
