import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { vonageRequest } from '../../../shared/request/transport';
import { createCallBody, createCallFields } from '../../../VonageVoice/callCreate';

export const voiceCallDescription: INodeProperties[] = [
	operationSelector('voiceCall', 'create', [
		// "Place", as the VIS and Voice nodes say it; the value stays "create" for saved workflows.
		{
			name: 'Place',
			value: 'create',
			action: 'Place a call',
			description:
				'Place a call for the application with Voice API v2 (beta), which can also call IP endpoints; control it afterwards with the Vonage Voice node (v1). Without that need, Vonage Voice → Place a Call (v1) is the stable choice.',
		},
	]),
	// Version 2 builds NCCOs from fields by default; version 1 nodes were saved with JSON NCCOs.
	...createCallFields({
		resource: 'voiceCall',
		operation: 'create',
		advancedMachineDetection: false,
		nccoVersions: { json: [1], build: 2 },
	}),
];

export const voiceCallOperations = {
	/** Never retried: a repeated POST would ring the callee twice. */
	async create(this: IExecuteFunctions, itemIndex: number) {
		const body = createCallBody(this, itemIndex);
		await vonageRequest(this, { api: 'voice', method: 'POST', path: '/v2/calls', body, itemIndex });
		// Voice v2 answers 202 with an empty body: the call's uuid arrives at the event URL.
		return { accepted: true, to: body.to, from: body.from ?? 'random_from_number' };
	},
};
