import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { callUuidField } from '../fields/callUuid';
import * as speak from './speak.operation';
import * as stop from './stop.operation';

export const talkDescription: INodeProperties[] = [
	operationSelector('talk', 'speak', [
		{
			name: 'Speak',
			value: 'speak',
			action: 'Speak text into a call',
			description: 'Read text aloud into a call in progress (text to speech)',
		},
		{
			name: 'Stop',
			value: 'stop',
			action: 'Stop speaking in a call',
			description: 'Stop the text being read into a call',
		},
	]),
	callUuidField('talk', ['speak', 'stop']),
	...speak.description,
	...stop.description,
];

export const talkOperations = { speak: speak.execute, stop: stop.execute };
