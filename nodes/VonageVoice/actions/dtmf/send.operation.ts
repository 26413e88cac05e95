import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkDtmfDigits } from '../../../shared/kit/validation';
import { callUuidOf } from '../fields/callUuid';

/** Send's fields; it also takes the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [
	{
		displayName: 'Digits',
		name: 'digits',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1234#',
		description: '0-9, * and #; p pauses for 500 ms',
		displayOptions: { show: { resource: ['dtmf'], operation: ['send'] } },
	},
];

/** Acts on a live call: never repeated but after a 429. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	const digits = checkDtmfDigits('Digits', this.getNodeParameter('digits', itemIndex, ''));
	return await vonageRequest(this, {
		api: 'voice',
		method: 'PUT',
		path: apiPath`/v1/calls/${uuid}/dtmf`,
		body: { digits },
		itemIndex,
		actsOnCall: true,
	});
}
