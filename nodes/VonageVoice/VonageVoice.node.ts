import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/descriptions';
import { runOperations } from '../shared/itemHelpers';
import { callDescription, callOperations } from './resources/call';
import { dtmfDescription, dtmfOperations } from './resources/dtmf';
import { streamDescription, streamOperations } from './resources/stream';
import { talkDescription, talkOperations } from './resources/talk';

/**
 * Voice API v1 call control. Paired by name with the Vonage Voice Trigger, so n8n's node picker
 * shows the actions and the trigger under one entry.
 */
export class VonageVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage Voice',
		name: 'vonageVoice',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['output'],
		version: 1,
		// The action text of the chosen operation ("Create a call"); a test checks it against the Operation options.
		subtitle: '={{ {"call:create":"Create a call","call:get":"Get a call","call:list":"List calls","call:update":"Update a call","dtmf:send":"Send DTMF digits into a call","stream:play":"Play audio into a call","stream:stop":"Stop audio in a call","talk:speak":"Speak text into a call","talk:stop":"Stop speaking in a call"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description: 'Place and control Vonage Voice API calls: create, list, hang up, transfer, mute, speak, play audio and send DTMF',
		defaults: { name: 'Vonage Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'vonageJwtApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'DTMF', value: 'dtmf' },
					{ name: 'Stream (Audio)', value: 'stream' },
					{ name: 'Talk (Text to Speech)', value: 'talk' },
				],
				default: 'call',
			},
			...callDescription,
			...dtmfDescription,
			...streamDescription,
			...talkDescription,
			requestOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { call: callOperations, dtmf: dtmfOperations, stream: streamOperations, talk: talkOperations });
	}
}
