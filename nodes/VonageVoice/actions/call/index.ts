import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { callUuidField } from '../fields/callUuid';
import * as create from './create.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export { UPDATE_ACTION_SUBTITLE, UPDATE_ACTION_SUBTITLES } from './update.operation';

export const callDescription: INodeProperties[] = [
	operationSelector('call', 'create', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a call',
			description: 'Read a call’s status, duration, price and legs',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List calls',
			description: 'List calls, optionally by status, date or conversation',
		},
		// "Place", as the VIS node says it; the value stays "create" so saved workflows keep working.
		{
			name: 'Place',
			value: 'create',
			action: 'Place a call',
			description:
				'Place an outbound call for the application (Voice API v1) to a phone, SIP, WebSocket, VBC extension or app user',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a call',
			description: 'Hang up, mute, earmuff or transfer a call in progress',
		},
	]),
	...create.description,
	callUuidField('call', ['get', 'update']),
	...get.description,
	...update.description,
	...list.description,
];

export const callOperations = {
	create: create.execute,
	get: get.execute,
	list: list.execute,
	update: update.execute,
};
