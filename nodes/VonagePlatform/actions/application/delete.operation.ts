import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

/** Takes only the Application ID (common.ts). */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = requiredId(this, 'applicationId', 'Application ID', itemIndex);
	await vonageRequest(this, {
		api: 'applications',
		method: 'DELETE',
		path: apiPath`/v2/applications/${id}`,
		itemIndex,
	});
	return { deleted: true, id };
}
