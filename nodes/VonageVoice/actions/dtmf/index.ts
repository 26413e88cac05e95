import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { callUuidField } from '../fields/callUuid';
import * as send from './send.operation';

export const dtmfDescription: INodeProperties[] = [
	operationSelector('dtmf', 'send', [
		{
			name: 'Send',
			value: 'send',
			action: 'Send DTMF digits into a call',
			description: 'Play keypad tones into a call in progress',
		},
	]),
	callUuidField('dtmf', ['send']),
	...send.description,
];

export const dtmfOperations = { send: send.execute };
