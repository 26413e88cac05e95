import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as count from './count.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export const eventDescription: INodeProperties[] = [
	operationSelector('event', 'list', [
		{
			name: 'Count',
			value: 'count',
			action: 'Count call events',
			description: 'Count events of calls still going on, optionally filtered',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a call event',
			description: 'Read one call event by its ID',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List call events',
			description: 'List events of active and ended calls',
		},
	]),
	...get.description,
	...list.description,
	...count.description,
];

export const eventOperations = { count: count.execute, get: get.execute, list: list.execute };
