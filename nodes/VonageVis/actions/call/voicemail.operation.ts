import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callRequest } from './common';

/** Takes only the Call ID (common.ts). */
export const description: INodeProperties[] = [];

/** Sends a ringing inbound call to the user’s voicemail. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await callRequest(this, itemIndex, 'PUT', '/vmtransfer');
}
