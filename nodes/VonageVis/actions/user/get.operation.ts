import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';

/** No fields: the user is the one the credential signs in as. */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await vonageRequest(this, { api: 'vis', method: 'GET', path: '/self', itemIndex });
}
