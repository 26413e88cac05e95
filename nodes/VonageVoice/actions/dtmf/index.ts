import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkDtmfDigits } from '../../../shared/kit/validation';
import { callUuidField, callUuidOf } from '../fields/callUuid';

export const dtmfDescription: INodeProperties[] = [
	operationSelector('dtmf', 'send', [
		{
			name: 'Send',
			value: 'send',
			action: 'Send DTMF digits into a call',
			description: 'Play keypad tones into a call in progress',
		},
	]),
	callUuidField('dtmf', ['send']),
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

export const dtmfOperations = {
	/** Acts on a live call: never repeated but after a 429. */
	async send(this: IExecuteFunctions, itemIndex: number) {
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
	},
};
