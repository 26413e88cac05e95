import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { callUuidField } from '../fields/callUuid';
import * as play from './play.operation';
import * as stop from './stop.operation';

export const streamDescription: INodeProperties[] = [
	operationSelector('stream', 'play', [
		{
			name: 'Play',
			value: 'play',
			action: 'Play audio into a call',
			description: 'Play an audio file from a URL into a call in progress',
		},
		{
			name: 'Stop',
			value: 'stop',
			action: 'Stop audio in a call',
			description: 'Stop the audio playing into a call',
		},
	]),
	callUuidField('stream', ['play', 'stop']),
	...play.description,
	...stop.description,
];

export const streamOperations = { play: play.execute, stop: stop.execute };
