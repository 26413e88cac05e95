import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { callUuidOf } from '../fields/callUuid';

/** Takes only the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [];

/**
 * Stops the audio playing into the call. Acts on a live call: never repeated but after a 429.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	return await vonageRequest(this, {
		api: 'voice',
		method: 'DELETE',
		path: apiPath`/v1/calls/${uuid}/stream`,
		itemIndex,
		actsOnCall: true,
	});
}
