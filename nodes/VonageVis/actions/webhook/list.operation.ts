import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { maskSigningKey } from './common';

/** Takes only Show Signing Key (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const webhooks: IDataObject[] = await vonageRequest(this, {
		api: 'vis',
		method: 'GET',
		path: '/self/webhooks',
		itemIndex,
	});
	return webhooks.map((webhook) => maskSigningKey(this, itemIndex, webhook));
}
