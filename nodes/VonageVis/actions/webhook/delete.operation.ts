import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** Takes only the Webhook ID (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const webhookId = requiredId(this, 'webhookId', 'Webhook ID', itemIndex);
	await vonageRequest(this, {
		api: 'vis',
		method: 'DELETE',
		path: apiPath`/self/webhooks/${webhookId}`,
		itemIndex,
	});
	return { deleted: true, id: webhookId };
}
