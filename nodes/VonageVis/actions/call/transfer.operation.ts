import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId, requiredPhoneNumber } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** Takes the Call ID and the Phone Number (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const callId = requiredId(this, 'callId', 'Call ID', itemIndex);
	const phoneNumber = requiredPhoneNumber(this, 'phoneNumber', 'Phone Number', itemIndex);
	return await vonageRequest(this, {
		api: 'vis',
		method: 'POST',
		path: apiPath`/self/calls/${callId}/transfer`,
		body: { phoneNumber },
		itemIndex,
	});
}
