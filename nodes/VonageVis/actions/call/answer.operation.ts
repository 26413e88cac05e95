import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callRequest } from './common';

/** Takes only the Call ID (common.ts). */
export const description: INodeProperties[] = [];

/** Answers a ringing inbound call. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await callRequest(this, itemIndex, 'PUT', '/answer');
}
