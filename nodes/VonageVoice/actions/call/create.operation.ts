import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { createCallBody, createCallFields } from '../../callCreate';

// Version 3 builds NCCOs from fields by default; versions 1 and 2 were saved with JSON NCCOs,
// which n8n left out of the saved workflow when equal to the default, so they keep JSON.
export const description: INodeProperties[] = createCallFields({
	resource: 'call',
	operation: 'create',
	advancedMachineDetection: true,
	nccoVersions: { json: [1, 2], build: 3 },
});

/** Never retried (but after a 429): a repeated POST would ring the callee twice. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const body = createCallBody(this, itemIndex);
	return await vonageRequest(this, {
		api: 'voice',
		method: 'POST',
		path: '/v1/calls',
		body,
		itemIndex,
	});
}
