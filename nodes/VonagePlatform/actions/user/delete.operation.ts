import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** Takes only the User ID (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = requiredId(this, 'userId', 'User ID', itemIndex);
	await vonageRequest(this, {
		api: 'users',
		method: 'DELETE',
		path: apiPath`/v1/users/${id}`,
		itemIndex,
	});
	return { deleted: true, id };
}
