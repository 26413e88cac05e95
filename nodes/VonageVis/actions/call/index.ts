import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as answer from './answer.operation';
import { callFields } from './common';
import * as count from './count.operation';
import * as end from './end.operation';
import * as get from './get.operation';
import * as hold from './hold.operation';
import * as list from './list.operation';
import * as place from './place.operation';
import * as transfer from './transfer.operation';
import * as unhold from './unhold.operation';
import * as voicemail from './voicemail.operation';

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
	...callFields,
	// Then each operation's own fields, List's before Count's, as the description has always had them.
	...answer.description,
	...end.description,
	...get.description,
	...hold.description,
	...place.description,
	...list.description,
	...count.description,
	...transfer.description,
	...unhold.description,
	...voicemail.description,
];

export const callOperations = {
	answer: answer.execute,
	count: count.execute,
	end: end.execute,
	get: get.execute,
	hold: hold.execute,
	list: list.execute,
	place: place.execute,
	transfer: transfer.execute,
	unhold: unhold.execute,
	voicemail: voicemail.execute,
};
