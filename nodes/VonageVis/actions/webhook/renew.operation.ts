import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { maskSigningKey } from './common';

/** Takes the Webhook ID and Show Signing Key (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const webhookId = requiredId(this, 'webhookId', 'Webhook ID', itemIndex);
	const webhook = await vonageRequest(this, {
		api: 'vis',
		method: 'PUT',
		path: apiPath`/self/webhooks/${webhookId}/renew`,
		itemIndex,
	});
	return maskSigningKey(this, itemIndex, webhook);
}
