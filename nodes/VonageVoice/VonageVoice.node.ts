import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/descriptions';
import { routeOperations } from '../shared/router';
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
		// Version 2 preselects no Update action (version 1 preselected Hang Up); nothing else differs.
		version: [1, 2],
		defaultVersion: 2,
		// The action text of the chosen operation ("Place a call"); a test checks it against the Operation
		// options. An Update node names its action ("Hang up a call").
		subtitle:
			'={{ $parameter["resource"] === "call" && $parameter["operation"] === "update" && $parameter["action"] ? {"earmuff":"Earmuff a call","hangup":"Hang up a call","mute":"Mute a call","transfer":"Transfer a call","unearmuff":"Unearmuff a call","unmute":"Unmute a call"}[$parameter["action"]] : {"call:get":"Get a call","call:list":"List calls","call:create":"Place a call","call:update":"Update a call","dtmf:send":"Send DTMF digits into a call","stream:play":"Play audio into a call","stream:stop":"Stop audio in a call","talk:speak":"Speak text into a call","talk:stop":"Stop speaking in a call"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description:
			'Place and control the calls of a Vonage API application (Voice API v1): place, list, hang up, transfer, mute, speak, play audio and send DTMF. For a VBC user’s own line, use Vonage VIS.',
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
					{ name: 'Call', value: 'call', description: 'Place, read, list and update (hang up, mute, transfer) the application’s calls' },
					{ name: 'DTMF', value: 'dtmf', description: 'Send keypad tones into a call in progress' },
					{ name: 'Stream (Audio)', value: 'stream', description: 'Play an audio file into a call in progress' },
					{ name: 'Talk (Text to Speech)', value: 'talk', description: 'Read text aloud into a call in progress' },
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
		return await routeOperations(this, { call: callOperations, dtmf: dtmfOperations, stream: streamOperations, talk: talkOperations });
	}
}
