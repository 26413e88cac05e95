import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/kit/descriptions';
import { actionSubtitle, resourceSelector } from '../shared/kit/operationSelector';
import { routeOperations } from '../shared/kit/router';
import { callDescription, callOperations, UPDATE_ACTION_SUBTITLE } from './actions/call';
import { dtmfDescription, dtmfOperations } from './actions/dtmf';
import { nccoDescription, nccoOperations } from './actions/ncco';
import { recordingDescription, recordingOperations } from './actions/recording';
import { streamDescription, streamOperations } from './actions/stream';
import { talkDescription, talkOperations } from './actions/talk';
import { transcriptionDescription, transcriptionOperations } from './actions/transcription';

const properties: INodeProperties[] = [
	resourceSelector('call', [
		{
			name: 'Call',
			value: 'call',
			description: 'Place, read, list and update (hang up, mute, transfer) the application’s calls',
		},
		{ name: 'DTMF', value: 'dtmf', description: 'Send keypad tones into a call in progress' },
		{
			name: 'NCCO',
			value: 'ncco',
			description:
				'Build an NCCO from fields, e.g. to answer a call in a Vonage Voice Trigger workflow (no credential needed)',
		},
		{
			name: 'Recording',
			value: 'recording',
			description: 'Download a call recording as a file, from a record event',
		},
		{
			name: 'Stream (Audio)',
			value: 'stream',
			description: 'Play an audio file into a call in progress',
		},
		{
			name: 'Talk (Text to Speech)',
			value: 'talk',
			description: 'Read text aloud into a call in progress',
		},
		{
			name: 'Transcription',
			value: 'transcription',
			description: 'Download a recording’s transcript as JSON, from a transcription event',
		},
	]),
	...callDescription,
	...dtmfDescription,
	...nccoDescription,
	...recordingDescription,
	...streamDescription,
	...talkDescription,
	...transcriptionDescription,
	// NCCO → Build sends no request, so it has no timeout to set.
	{ ...requestOptions, displayOptions: { hide: { resource: ['ncco'] } } },
];

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
		// Version 2 preselects no Update action (version 1 preselected Hang Up). Version 3 builds NCCOs
		// from fields by default (NCCO Source: Build); versions 1 and 2 keep JSON. Version 4 leaves the
		// download URLs empty, as every identifier (versions 1 to 3 default them to the event's field).
		version: [1, 2, 3, 4],
		defaultVersion: 4,
		// The action text of the chosen operation ("Place a call"); an Update node names its action
		// ("Hang up a call").
		subtitle: actionSubtitle(properties, UPDATE_ACTION_SUBTITLE),
		description:
			'Place and control the calls of a Vonage API application (Voice API v1): place, list, hang up, transfer, mute, speak, play audio and send DTMF; build NCCOs from fields; download call recordings and transcripts. For a VBC user’s own line, use Vonage VIS.',
		defaults: { name: 'Vonage Voice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// NCCO → Build sends nothing to Vonage, so an answer workflow needs no credential for it.
		credentials: [
			{ name: 'vonageJwtApi', required: true, displayOptions: { hide: { resource: ['ncco'] } } },
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations(this, {
			call: callOperations,
			dtmf: dtmfOperations,
			ncco: nccoOperations,
			recording: recordingOperations,
			transcription: transcriptionOperations,
			stream: streamOperations,
			talk: talkOperations,
		});
	}
}
