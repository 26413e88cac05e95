import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { createCallBody, createCallFields } from '../../../VonageVoice/callCreate';

// Version 2 builds NCCOs from fields by default; version 1 nodes were saved with JSON NCCOs.
export const description: INodeProperties[] = createCallFields({
	resource: 'voiceCall',
	operation: 'create',
	advancedMachineDetection: false,
	nccoVersions: { json: [1], build: 2 },
});

/** Never retried: a repeated POST would ring the callee twice. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const body = createCallBody(this, itemIndex);
	await vonageRequest(this, { api: 'voice', method: 'POST', path: '/v2/calls', body, itemIndex });
	// Voice v2 answers 202 with an empty body: the call's uuid arrives at the event URL.
	return { accepted: true, to: body.to, from: body.from ?? 'random_from_number' };
}
