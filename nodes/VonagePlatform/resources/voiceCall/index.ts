import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/transport';
import { createCallBody, createCallFields } from '../../../shared/voiceCallCreate';

export const voiceCallDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['voiceCall'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an outbound call',
				description: 'Place a call with Voice API v2 (beta); manage it afterwards with v1 endpoints',
			},
		],
		default: 'create',
	},
	...createCallFields({ resource: 'voiceCall', operation: 'create', advancedMachineDetection: false }),
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
