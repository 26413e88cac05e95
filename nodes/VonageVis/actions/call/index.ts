import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { callIdDescription, controlOperations } from './control';
import { count, countDescription } from './count.operation';
import { list, listDescription } from './list.operation';
import { place, placeDescription } from './place.operation';
import { transfer } from './transfer.operation';

export const callDescription: INodeProperties[] = [
	operationSelector('call', 'place', [
		{
			name: 'Answer',
			value: 'answer',
			action: 'Answer a ringing call',
			description: 'Answer an inbound call that is ringing',
		},
		{
			name: 'Count',
			value: 'count',
			action: 'Count active calls',
			description: 'Count calls still going on, optionally filtered by direction and state',
		},
		{ name: 'End', value: 'end', action: 'End a call', description: 'Hang up or cancel a call' },
		{ name: 'Get', value: 'get', action: 'Get a call', description: 'Read one call by its ID' },
		{
			name: 'Hold',
			value: 'hold',
			action: 'Put a call on hold',
			description: 'Hold an active call',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List active calls',
			description:
				'Calls still going on: initializing, ringing, active, held or remote held, unless States narrows it',
		},
		{
			name: 'Place',
			value: 'place',
			action: 'Place a call',
			description: 'Call a phone number from the signed-in user',
		},
		{
			name: 'Send to Voicemail',
			value: 'voicemail',
			action: 'Send a call to voicemail',
			description: 'Send a ringing inbound call to the user’s voicemail',
		},
		{
			name: 'Transfer',
			value: 'transfer',
			action: 'Transfer a call',
			description: 'Transfer a call to another phone number',
		},
		{
			name: 'Unhold',
			value: 'unhold',
			action: 'Take a call off hold',
			description: 'Resume a held call',
		},
	]),
	...callIdDescription,
	...placeDescription,
	...listDescription,
	...countDescription,
];

export const callOperations = { ...controlOperations, count, list, place, transfer };
