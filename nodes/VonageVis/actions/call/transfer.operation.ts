import type { IExecuteFunctions } from 'n8n-workflow';

import { requiredId, requiredPhoneNumber } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** Uses the Call ID and Phone Number fields declared by the control and place operations. */
export async function transfer(this: IExecuteFunctions, itemIndex: number) {
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
