import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callRequest } from './common';

/** Takes only the Call ID (common.ts). */
export const description: INodeProperties[] = [];

/**
 * Hangs up or cancels the call. VIS answers with an array holding the one call; the item loop outputs each
 * element.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await callRequest(this, itemIndex, 'DELETE');
}
