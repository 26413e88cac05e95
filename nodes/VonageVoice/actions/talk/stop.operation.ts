import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { sendCallAudio } from '../fields/callAudio';
import { callUuidOf } from '../fields/callUuid';

/** Takes only the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [];

/** Stops the text being read into the call. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await sendCallAudio(this, itemIndex, callUuidOf(this, itemIndex), 'talk');
}
