import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';

/** Takes only the Phone Number (common.ts). */
export const description: INodeProperties[] = [];

/** Never retried by the transport: a repeated POST would ring the number twice. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const phoneNumber = requiredPhoneNumber(this, 'phoneNumber', 'Phone Number', itemIndex);
	return await vonageRequest(this, {
		api: 'vis',
		method: 'POST',
		path: '/self/calls',
		body: { phoneNumber },
		itemIndex,
	});
}
